"""What a report says, assembled from the store: no figure is computed here that the store and
`chitieu.status.evaluate` (through `reads.status_table`) did not give, except the two ratios a
report prints beside them (actual / annual target for a flow during the year, and actual / the
same period last year), both from stored figures.

`build_report(con, locality, year, period)` returns a `Report`; the writers (to_docx, to_xlsx,
to_pdf) and the drafted text (text.py) read only that object.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from chitieu.actuals import LocalityIndex, unit_factor
from chitieu.catalogue import CATEGORIES
from chitieu.errors import UserError
from chitieu.periods import Period, parse_period
from chitieu.status import STATUS_INFO, STATUSES, detect_revision
from chitieu.store import reads, report_reads
from chitieu.store.actuals import conflicts
from chitieu.store.reads import status_table
from chitieu.textnorm import nfc
from chitieu.units import schemes_for_year

# Status groups a report counts, in the order it lists them.
COUNT_ORDER = ("exceeded", "met", "on_track", "at_risk", "not_met", "needs_assigned", "not_assessable", "no_data")
BEHIND = ("not_met", "at_risk")
KEY_INDICATORS = 4     # columns of the roll-up's key-indicator table
MOST_BEHIND = 5        # units named as most behind


def _clean(v: Any) -> Any:
    if v is None or v is pd.NA:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


@dataclass
class Line:
    """One target as the report prints it (all figures from the store)."""

    stt: int
    area: str
    indicator: str
    name_vi: str
    name_en: str
    scope: str
    unit: str
    comparator: str
    target: float | None
    target_high: float | None
    direction: str
    kind: str
    actual: float | None
    verdict: str | None
    actual_period: str | None
    standing: str | None
    illustrative: bool
    assigned: float | None
    status: str
    percent: float | None
    percent_of_annual: float | None
    explanation_vi: str
    explanation_en: str
    n_values: int
    last_value: float | None = None      # same period last year, in the target's unit
    last_verdict: str | None = None
    last_standing: str | None = None
    last_illustrative: bool = False
    last_unit_note: str | None = None    # the figure as stored when its unit could not be converted
    vs_last: float | None = None         # actual / last year's figure x 100

    @property
    def icon(self) -> str:
        return STATUS_INFO[self.status]["icon"]

    def name(self, lang: str = "vi") -> str:
        base = self.name_en if lang == "en" else self.name_vi
        return f"{base} ({self.scope})" if self.scope else base

    def label(self, lang: str = "vi") -> str:
        return STATUS_INFO[self.status]["en" if lang == "en" else "vi"]


@dataclass
class Area:
    code: str
    lines: list[Line]

    def label(self, lang: str = "vi") -> str:
        pair = CATEGORIES.get(self.code)
        if pair is None:
            return "Other" if lang == "en" else "Lĩnh vực khác"
        return pair[1] if lang == "en" else pair[0]

    def counts(self) -> dict[str, int]:
        return count_statuses(line.status for line in self.lines)


@dataclass
class Note:
    """A conflict or a revision of figures: one sentence each in the report."""

    kind: str
    indicator: str
    name_vi: str
    name_en: str
    text_vi: str
    text_en: str


@dataclass
class Explanation:
    """An explanation request on one of the report's targets and its answer (issue 13): who asked and
    when, who answered and when (None while open), whether it is closed, the attached file's name."""

    request_id: int
    indicator: str
    name_vi: str
    name_en: str
    message: str
    asked_by: str
    asked_at: date | None
    due: date | None
    state: str                       # open / answered / closed
    answer: str | None = None
    answered_by: str | None = None
    answered_at: date | None = None
    closed_by: str | None = None
    closed_at: date | None = None
    attachment: str | None = None     # the attached file's name

    def name(self, lang: str = "vi") -> str:
        return self.name_en if lang == "en" else self.name_vi


@dataclass
class UnitRow:
    key: str
    name: str
    level: str
    counts: dict[str, int]
    targets: int
    mean_percent: float | None
    key_values: dict[str, Line | None]   # indicator code -> that unit's line (None: not planned)
    worst: list[Line]


@dataclass
class Rollup:
    units: list[UnitRow]
    key_indicators: list[tuple[str, str, str, str]]   # (code, name_vi, name_en, unit)
    counts: dict[str, int]
    most_behind: list[UnitRow]
    synthetic: bool = False


@dataclass
class Report:
    scheme: str
    code: str
    name: str
    level: str
    province: str
    parent_name: str | None
    year: int
    period: Period
    areas: list[Area]
    notes: list[Note]
    rollup: Rollup | None = None
    issued: date = field(default_factory=date.today)
    synthetic: bool = False
    explanations: list[Explanation] = field(default_factory=list)

    @property
    def lines(self) -> list[Line]:
        return [line for a in self.areas for line in a.lines]

    def counts(self) -> dict[str, int]:
        return count_statuses(line.status for line in self.lines)

    @property
    def has_illustrative(self) -> bool:
        return any(line.illustrative or line.last_illustrative for line in self.lines) or bool(
            self.rollup and any(v is not None and v.illustrative for u in self.rollup.units
                                for v in u.key_values.values()))


def count_statuses(statuses) -> dict[str, int]:
    out = dict.fromkeys(STATUSES, 0)
    for s in statuses:
        out[s] += 1
    return out


# ---------------------------------------------------------------- building


def resolve(con, text: str, year: int | None = None) -> tuple[str, str]:
    """'scheme:code' or a name -> (scheme, code): a locality with plans first (the resolver the
    other commands use), else a registry unit of the scheme in force that year (a province or
    district that has no plan of its own but whose units do)."""
    text = nfc(str(text or "")).strip()
    if ":" in text:
        scheme, code = text.split(":", 1)
        if report_reads.describe_locality(con, scheme, code):
            return scheme, code
    else:
        found = report_reads.registry_matches(con, text)
        if year is not None and len(found) > 1:
            found = found[found["scheme"].isin(schemes_for_year(int(year)))]
        if len(found) > 1 and found["known"].any():
            found = found[found["known"]]
        if len(found) == 1:
            return found.iloc[0]["scheme"], found.iloc[0]["code"]
        if len(found) > 1:
            keys = ", ".join(f"{s}:{c}" for s, c in zip(found["scheme"], found["code"]))
            raise UserError("ambiguous-locality",
                            f'Tên "{text}" ứng với nhiều đơn vị ({keys}): ghi mã dạng scheme:code.',
                            f'"{text}" names several units ({keys}): give scheme:code.')
    key, _, hints = LocalityIndex(report_reads.locality_names(con)).resolve(
        text if ":" in text else "", text if ":" not in text else "")
    if key:
        return key
    hint = f" Có phải là: {', '.join(hints)}?" if hints else ""
    raise UserError("unknown-locality", f'Không tìm thấy địa phương "{text}".{hint}',
                    f'Locality "{text}" not found.')


def _why(r, explain: bool) -> tuple[str, str]:
    """The verdict's "why" sentences: a column of status_table, or (since verdicts are judged in
    bulk) asked of `evaluate` through reads.explain for the rows a report prints."""
    vi = getattr(r, "explanation_vi", None)
    if vi is not None:
        return vi, r.explanation_en
    if explain and hasattr(reads, "explain"):
        v = reads.explain(r)
        if v is not None:
            return v.explanation_vi, v.explanation_en
    return "", ""


def _lines(rows: pd.DataFrame, months: int, explain: bool = True) -> list[Line]:
    out = []
    for r in rows.itertuples(index=False):
        why_vi, why_en = _why(r, explain)
        actual, target, kind = _clean(r.actual), _clean(r.value), _clean(r.kind) or "level"
        poa = None
        # A running total during the year: reports print it against the annual target too.
        actual_months = _clean(getattr(r, "actual_months", None)) or months
        if kind == "flow" and int(actual_months) < 12 and actual is not None and target and target > 0 \
                and r.comparator not in ("qualitative",):
            poa = round(actual / target * 100.0, 1)
        out.append(Line(
            stt=0, area=_clean(r.category) or "", indicator=r.indicator, name_vi=nfc(str(r.name_vi)),
            name_en=nfc(str(r.name_en)), scope=nfc(_clean(r.scope) or ""), unit=_clean(r.unit) or "",
            comparator=r.comparator, target=target, target_high=_clean(r.value_high),
            direction=_clean(r.direction) or "higher_is_better", kind=kind, actual=actual,
            verdict=_clean(r.actual_verdict), actual_period=_clean(r.actual_period),
            standing=_clean(r.actual_standing), illustrative=bool(r.illustrative),
            assigned=_clean(r.assigned_value), status=r.status, percent=_clean(r.percent), percent_of_annual=poa,
            explanation_vi=why_vi, explanation_en=why_en, n_values=int(r.n_values or 0)))
    return out


def _attach_last_year(con, lines_by_key: dict[str, list[Line]], year: int, period: Period) -> None:
    """Same period last year: the figure for the period of this year's actual (the report period
    when there is none), converted to the target's unit when only a scale word differs."""
    if not lines_by_key:
        return
    prev = report_reads.figures_of_year(con, list(lines_by_key), year - 1)
    index = {(k, i, s, p): r for k, i, s, p, r in zip(prev["key"], prev["indicator"], prev["scope"],
                                                      prev["period"], prev.itertuples(index=False))}
    for key, lines in lines_by_key.items():
        for line in lines:
            r = index.get((key, line.indicator, line.scope, line.actual_period or period.code))
            if r is None:
                continue
            value, factor = _clean(r.value), 1.0
            if value is not None and (r.unit or "") != line.unit and r.unit and line.unit:
                factor = unit_factor(r.unit, line.unit)
                if factor is None:
                    line.last_unit_note = f"{value:g} {r.unit}"
                    value = None
            line.last_value = None if value is None else value * factor
            line.last_verdict, line.last_standing = _clean(r.verdict), _clean(r.standing)
            line.last_illustrative = bool(r.illustrative)
            if line.actual is not None and line.last_value not in (None, 0):
                line.vs_last = round(line.actual / line.last_value * 100.0, 1)


def _areas(lines: list[Line]) -> list[Area]:
    """Group by area in the plan's own order (an area comes where its first target is)."""
    order: dict[str, list[Line]] = {}
    for line in lines:
        order.setdefault(line.area, []).append(line)
    areas = [Area(code, ls) for code, ls in order.items()]
    n = 0
    for a in areas:
        for line in a.lines:
            n += 1
            line.stt = n
    return areas


def _notes(con, scheme: str, code: str, year: int, months: int, lines: list[Line]) -> list[Note]:
    names = {line.indicator: (line.name_vi, line.name_en) for line in lines}
    notes: list[Note] = []
    for r in conflicts(con, scheme, code, year).itertuples(index=False):
        if r.kind == "no-plan":
            continue
        try:  # only what had been reported by the end of the period ("H1 → 8M": its later period)
            if parse_period(str(r.periods).split("→")[-1].strip()).months > months:
                continue
        except UserError:
            pass
        vi, en = names.get(r.indicator, (r.indicator, r.indicator))
        notes.append(Note(r.kind, r.indicator, vi, en, r.message_vi, r.message_en))
    for r in report_reads.revisions(con, scheme, code, year).itertuples(index=False):
        if parse_period(r.period).months > months:
            continue
        rev = detect_revision({"value": _clean(r.old_value), "standing": r.old_standing, "verdict": r.old_verdict},
                              {"value": _clean(r.new_value), "standing": r.new_standing, "verdict": r.new_verdict})
        if rev is None:
            continue
        vi, en = names.get(r.indicator, (r.indicator, r.indicator))
        per = parse_period(r.period)
        notes.append(Note(rev.kind, r.indicator, vi, en, f"{rev.label_vi} (kỳ {per.label_vi.lower()}).",
                          f"{rev.label_en} ({per.label_en})."))
    return notes


def _day(v) -> date | None:
    v = _clean(v)
    if v is None or v is pd.NaT:
        return None
    return v.date() if hasattr(v, "date") and callable(v.date) else v


def _explanations(con, scheme: str, code: str, year: int, lines: list[Line]) -> list[Explanation]:
    """The explanation requests of the year on the locality's targets, oldest first, with the name
    the report gives each target."""
    from chitieu.store.cycle import requests
    names = {(line.indicator, line.scope): (line.name("vi"), line.name("en")) for line in lines}
    out = []
    for r in requests(con, scheme, code, year).sort_values("request_id").itertuples(index=False):
        scope = nfc(r.scope or "")
        vi, en = names.get((r.indicator, scope), (
            nfc(f"{r.name_vi} ({scope})" if scope else str(r.name_vi)),
            nfc(f"{r.name_en} ({scope})" if scope else str(r.name_en))))
        out.append(Explanation(
            request_id=int(r.request_id), indicator=r.indicator, name_vi=vi, name_en=en, message=nfc(r.message),
            asked_by=_clean(r.created_by) or "", asked_at=_day(r.created_at), due=_day(r.due), state=r.state,
            answer=nfc(r.answer) if isinstance(r.answer, str) and r.answer else None,
            answered_by=_clean(r.answered_by), answered_at=_day(r.answered_at), closed_by=_clean(r.closed_by),
            closed_at=_day(r.closed_at),
            attachment=r.attachment_name if isinstance(r.attachment_name, str) else None))
    return out


def build_report(con, locality: str | tuple[str, str], year: int, period: str | Period = "FY", *,
                 rollup: bool | None = None, issued: date | None = None) -> Report:
    """The report of one locality for a year as of a period; `rollup` adds its units (None: only
    when the locality has no plan of its own that year but its units do)."""
    scheme, code = resolve(con, locality, year) if isinstance(locality, str) else locality
    info = report_reads.describe_locality(con, scheme, code)
    if info is None:
        raise UserError("unknown-locality", f'Không tìm thấy địa phương "{scheme}:{code}".',
                        f'Locality "{scheme}:{code}" not found.')
    per = parse_period(period)
    rows = status_table(con, int(year), per.code, locality=(scheme, code))
    lines = _lines(rows, per.months)
    units = report_reads.units_under(con, scheme, code, int(year)) if rollup is not False else pd.DataFrame()
    if rollup is None:
        rollup = not lines and not units.empty
    if not lines and not (rollup and not units.empty):
        raise UserError("no-plan-for-year",
                        f"{info['name']} chưa có kế hoạch năm {year}" + (
                            " và không có đơn vị trực thuộc nào có kế hoạch năm đó." if rollup else "."),
                        f"{info['name']} has no plan for {year}" + (
                            " and none of its units has one." if rollup else "."))
    _attach_last_year(con, {f"{scheme}:{code}": lines}, int(year), per)
    areas = _areas(lines)
    report = Report(scheme=scheme, code=code, name=nfc(info["name"]), level=info.get("level") or "",
                    province=info.get("province") or "", parent_name=info.get("parent_name"), year=int(year),
                    period=per, areas=areas, notes=_notes(con, scheme, code, int(year), per.months, lines),
                    issued=issued or date.today(),
                    synthetic=bool(rows["synthetic"].any()) if "synthetic" in rows and len(rows) else False,
                    explanations=_explanations(con, scheme, code, int(year), lines) if lines else [])
    if rollup and not units.empty:
        report.rollup = build_rollup(con, units, int(year), per)
        report.synthetic = report.synthetic or report.rollup.synthetic
    return report


def build_rollup(con, units: pd.DataFrame, year: int, per: Period) -> Rollup:
    """One bulk status query for every unit, then per-unit counts, key indicators, most behind."""
    keys = list(units["key"])
    rows = status_table(con, year, per.code, localities=tuple(keys))
    rows = rows.assign(key=rows["locality_scheme"] + ":" + rows["locality_code"])
    by_key: dict[str, list[Line]] = {k: [] for k in keys}
    for key, part in rows.groupby("key", sort=False):
        by_key[key] = _lines(part, per.months, explain=False)
    _attach_last_year(con, by_key, year, per)
    # Key indicators: those the most units plan, then those most units report, then plan order.
    first = rows.assign(reported=rows["actual_period"].notna()).groupby("indicator").agg(
        n=("key", "nunique"), with_data=("reported", "sum"), seq=("seq", "min"))
    first = first[first.index != "unmapped"].sort_values(["n", "with_data", "seq"], ascending=[False, False, True])
    names = rows.drop_duplicates("indicator").set_index("indicator")
    key_inds = [(c, names.at[c, "name_vi"], names.at[c, "name_en"], names.at[c, "unit"])
                for c in first.index[:KEY_INDICATORS]]
    out: list[UnitRow] = []
    for u in units.itertuples(index=False):
        lines = by_key.get(u.key, [])
        pcts = [line.percent for line in lines if line.percent is not None]
        kv = {c: next((line for line in lines if line.indicator == c and not line.scope), None) or next(
            (line for line in lines if line.indicator == c), None) for c, *_ in key_inds}
        worst = sorted([line for line in lines if line.status in BEHIND],
                       key=lambda line: (-STATUS_INFO[line.status]["severity"],
                                         line.percent if line.percent is not None else 0.0))
        out.append(UnitRow(key=u.key, name=nfc(u.name), level=u.level or "", counts=count_statuses(
            line.status for line in lines), targets=len(lines),
            mean_percent=round(sum(pcts) / len(pcts), 1) if pcts else None, key_values=kv, worst=worst[:3]))
    total = count_statuses([])
    for u in out:
        for s, n in u.counts.items():
            total[s] += n
    behind = sorted([u for u in out if u.counts["not_met"] + u.counts["at_risk"] > 0],
                    key=lambda u: (-(u.counts["not_met"] + u.counts["at_risk"]) / max(u.targets, 1),
                                   -u.counts["not_met"], u.mean_percent if u.mean_percent is not None else 1e9,
                                   u.name))
    return Rollup(units=out, key_indicators=key_inds, counts=total, most_behind=behind[:MOST_BEHIND],
                  synthetic=bool(rows["synthetic"].any()) if len(rows) else False)

