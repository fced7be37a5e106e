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

from chitieu.actuals import ERROR, Preview, plan_changes, unit_factor, validate
from chitieu.numbers import format_vn
from chitieu.settings import DATA_DIR
from chitieu.store import query_df
from chitieu.store.actuals import current_values, load_context, store_preview
from loaders.actuals.excel_read import RawRow

ACTUALS_DIR = DATA_DIR / "actuals"
SAMPLE_FILES = (("reported.csv", False), ("illustrative.csv", True))


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
