"""Sample actuals so a new user sees statuses at once: `load_sample_actuals(con)` (called by build).

- data/actuals/reported.csv: figures the localities really published, with the source
  address and the quoted sentence. Conflicts are kept (both FY 2022 figures for Phú Quốc
  arrivals; a cumulative count that falls between 6 and 8 months; figures for a year with
  no plan) and surfaced by `chitieu.store.actuals.conflicts`, never resolved silently.
- data/actuals/illustrative.csv: made-up figures that fill the picture; every row is stored
  with illustrative = TRUE and its label says so wherever it is shown.

Each file becomes one upload marked sample (uploader "sample"), checked by the same rules
as an analyst's upload; values are converted to the unit of the target they report on
("lượt" -> "triệu lượt"). Loading twice stores nothing new.
"""
from __future__ import annotations

import csv
import hashlib
import math

from chitieu.actuals import ERROR, Preview, plan_changes, unit_factor, validate
from chitieu.numbers import format_vn
from chitieu.settings import DATA_DIR
from chitieu.store import query_df
from chitieu.store.actuals import current_values, load_context, store_preview
from loaders.actuals.excel_read import RawRow

ACTUALS_DIR = DATA_DIR / "actuals"
SAMPLE_FILES = (("reported.csv", False), ("illustrative.csv", True))
# The demonstration: illustrative figures made at read time for every bundled target without one
# (demo_figures); the bundled illustrative.csv is stored and marked the same way.
ILLUSTRATIVE_FILES = ("data/actuals/illustrative.csv",)
DEMO_LABEL = "Số minh họa — không phải số liệu công bố / illustrative figure"


def _raw_rows(path, illustrative: bool) -> tuple[list[RawRow], dict[int, dict]]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        records = list(csv.DictReader(fh))
    rows, by_row = [], {}
    for i, r in enumerate(records, start=2):   # row numbers as a spreadsheet shows the CSV
        label = r.get("label", "")
        quote = r.get("quote", "")
        rows.append(RawRow(sheet=path.name, row=i, locality=r["locality"], year=int(r["year"]),
                           indicator=r["indicator"], scope=r.get("scope", "") or "", period=r["period"],
                           value=_number(r["value"]), standing=r.get("standing") or None,
                           note=" — ".join(x for x in (label, f"“{quote}”" if quote else "") if x),
                           source=r.get("source_url", "")))
        by_row[i] = {"unit": r.get("unit", ""), "illustrative": illustrative}
    return rows, by_row


def _number(text: str):
    try:
        return float(text)   # the CSV writes numbers with a decimal point
    except ValueError:
        return text           # "Đạt" / "Không đạt" for qualitative targets


def sample_preview(con, name: str, illustrative: bool, context=None) -> Preview:
    path = ACTUALS_DIR / name
    data = path.read_bytes()
    ctx = context or load_context(con, allow_duplicates=True, allow_no_plan=True)
    raw, meta = _raw_rows(path, illustrative)
    rows = validate(raw, ctx)
    for row in rows:
        m = meta[row.row]
        row.illustrative = m["illustrative"]
        if row.value is None or not m["unit"] or m["unit"] == row.unit:
            continue
        factor = unit_factor(m["unit"], row.unit)
        if factor is None:
            row.unit = m["unit"]          # not comparable with the target: keep what was published
        elif factor != 1:
            row.note = f"{row.note} (công bố / published: {format_vn(row.value)} {m['unit']})".strip()
            row.value = round(row.value * factor, 9)   # 1607055 lượt -> 1.607055 triệu lượt, no float noise
    kept = [r for r in rows if r.outcome != ERROR]
    plan_changes(kept, current_values(con, [r.key for r in kept]))
    preview = Preview(file_name=f"data/actuals/{name}", sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                      uploader="sample", shape="sample", rows=kept)
    preview.dropped = [r for r in rows if r.outcome == ERROR]  # e.g. a locality whose plan is not loaded
    return preview


def _share(*key) -> float:
    """A stable number in [0, 1) for a target: the same database gives the same demonstration."""
    return int(hashlib.sha256("|".join(map(str, key)).encode()).hexdigest()[:8], 16) / 2 ** 32


def _demo_value(t: dict, u: float):
    """(period, value, verdict text, assigned value, standing) of a made-up figure for target t.

    About a third exceed, a quarter meet, some are on track or at risk at 9 months (running
    totals), the rest fall short, so every status shows up; the direction of the indicator is
    respected (a poverty rate meets its target by going down)."""
    cmp_, v, vh = t["comparator"], t["value"], t["value_high"]
    if cmp_ == "qualitative":
        return "FY", None, "Đạt" if u < 0.75 else "Không đạt", None, "official"
    assigned = None
    if cmp_ == "exceed_assigned":
        assigned = v if v == v and v is not None else 100.0
        v = assigned
    if v is None or v != v:
        return None
    ratio = 1.12 if u < 0.35 else 1.0 if u < 0.65 else 0.97 if u < 0.80 else 0.86
    lower = t.get("direction") == "lower_is_better"
    if cmp_ == "between" and vh == vh and vh is not None:
        low, high = sorted((float(v), float(vh)))
        x = (low + high) / 2 if ratio == 1.0 else (high * 1.04 if (ratio > 1) != lower else low * 0.96) \
            if ratio > 1 else (low * 0.9 if not lower else high * 1.1)
    elif t.get("direction") == "target_band" or cmp_ == "eq":
        x = float(v) * (1.0 if ratio >= 1 else ratio)
    else:
        x = float(v) * (2 - ratio if lower else ratio)
    period, standing = "FY", "official"
    if t.get("kind") == "flow" and 0.65 <= u < 0.85:   # a running total at 9 months: on track or behind pace
        period, standing = "9M", "estimate"
        x = float(v) * (0.78 if u < 0.75 else 0.62)
    if t.get("unit") == "%" and x > 100:  # a rate never passes 100 %: halfway from the target to 100
        x = float(v) + (100 - float(v)) / 2
    if float(v).is_integer() and t.get("unit") not in ("%", "‰") and float(v) < 1000:  # counts stay whole
        x = float(math.ceil(x) if x >= float(v) else math.floor(x))
    x = round(x, 2) if abs(x) < 1000 else round(x)
    return period, x, None, assigned, standing


def seed_plan_keys(con) -> list[str]:
    """The plans the build loaded from data/plans (the bundled sample), not an analyst's."""
    return query_df(con, "SELECT plan_key FROM plans WHERE loaded_by = 'build' ORDER BY 1")["plan_key"].tolist()


_MONTHS = {"FY": 12, "9M": 9}


def demo_figures(rows, months: int = 12, plan_keys=None):
    """The demonstration: an illustrative figure for every bundled target that has no figure yet
    (pure; rows as chitieu.store.reads.target_rows returns them, the verdict columns are judged
    again by the caller). Nothing is stored: the database keeps only real and reported figures,
    and a reader switches the demonstration off in one click. A figure is never laid over an
    existing one, and targets outside the catalogue ("unmapped") stay without one.

    plan_keys: the bundled plans (seed_plan_keys); None means every row."""
    if rows.empty:
        return rows
    out = rows.copy()
    todo = out["actual_period"].isna() & (out["indicator"] != "unmapped") & out["direction"].notna()
    if plan_keys is not None:
        todo &= out["plan_key"].isin(list(plan_keys))
    if not todo.any():
        return rows
    for col in ("actual", "assigned_value"):
        out[col] = out[col].astype(object)
    for col in ("actual_verdict", "actual_period", "actual_standing", "actual_note", "actual_source"):
        if col in out.columns:
            out[col] = out[col].astype(object)
    if "actual_months" in out.columns:
        out["actual_months"] = out["actual_months"].astype(object)
    for i in out.index[todo]:
        t = out.loc[i].to_dict()
        key = (t["locality_scheme"], t["locality_code"], t["indicator"], t["scope"] or "", int(t["year"]))
        made = _demo_value(t, _share(*key))
        if made is None or _MONTHS[made[0]] > months:
            continue
        period, value, verdict, assigned, standing = made
        out.at[i, "actual"] = value
        out.at[i, "actual_verdict"] = {"Đạt": "dat", "Không đạt": "khong_dat"}.get(verdict)
        out.at[i, "assigned_value"] = assigned
        out.at[i, "actual_period"] = period
        out.at[i, "actual_standing"] = standing
        out.at[i, "illustrative"] = True
        if "actual_note" in out.columns:
            out.at[i, "actual_note"] = DEMO_LABEL
        if "actual_months" in out.columns:
            out.at[i, "actual_months"] = _MONTHS[period]
    return out


def load_sample_actuals(con) -> dict:
    """Store the sample files not stored yet (one upload each); returns what happened per file."""
    report = {}
    ctx = load_context(con, allow_duplicates=True, allow_no_plan=True)
    for name, illustrative in SAMPLE_FILES:
        if not (ACTUALS_DIR / name).exists():
            continue
        preview = sample_preview(con, name, illustrative, ctx)
        done = query_df(con, "SELECT upload_id FROM uploads WHERE sample AND sha256 = ? AND undone_at IS NULL",
                        [preview.sha256])
        if not done.empty or not any(r.change in ("new", "revision", "supersede") for r in preview.rows):
            report[name] = {"stored": 0, "skipped": "already loaded", "dropped": len(preview.dropped)}
            continue
        upload_id = store_preview(con, preview, "sample", sample=True)
        report[name] = {"upload_id": upload_id, "stored": len(preview.rows), "dropped": len(preview.dropped),
                        "dropped_issues": [(i.row, i.code) for r in preview.dropped for i in r.issues
                                           if i.severity == ERROR],
                        "warnings": [(i.row, i.code) for r in preview.rows for i in r.issues]}
    return report
