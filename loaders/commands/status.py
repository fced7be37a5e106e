"""`python -m loaders status --locality NAME --year YEAR [--period P]`: verdicts as CSV.

    python -m loaders status --locality "Thành phố Phú Quốc" --year 2021 --period "10 tháng"

One row per target: indicator, scope, comparator, target, target_high, unit, period, actual,
standing, status, percent (then illustrative). The verdicts are the dashboard's
(chitieu.store.reads.status_table -> chitieu.status.evaluate); as of a period the latest
figure reported up to it is used. Without --period: as of the full year (the latest figure).
"""
from __future__ import annotations

import csv
import os
import sys

from chitieu import settings
from chitieu.excel_safe import escape_cell
from chitieu.periods import FY, parse_period
from chitieu.store import open_db
from chitieu.store.reads import status_table
from loaders.actuals.excel_template import resolve_localities

COLUMNS = ["indicator", "scope", "comparator", "target", "target_high", "unit", "period", "actual", "standing",
           "status", "percent", "illustrative"]


def register(sub) -> None:
    p = sub.add_parser("status", help="tình trạng các chỉ tiêu (CSV) / target statuses as CSV",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("--locality", required=True, help="name or scheme:code")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--period", help="Q1, H1, 9M, FY, NM or a Vietnamese label (default: FY = latest)")
    p.set_defaults(func=run)


def _cell(v):
    v = _clean(v)
    if v is None:
        return ""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(round(v, 9))
    return escape_cell(v)


def _clean(v):
    return None if v is None or (isinstance(v, float) and v != v) else v


def status_rows(con, locality: str, year: int, period: str | None = None) -> list[dict]:
    """The CSV rows for one locality and year (also used by tests). `period` is the period the
    figure judged is for (as of --period, the latest reported up to it)."""
    p = parse_period(period) if period else FY
    (scheme, code, _), = resolve_localities(con, [locality])
    df = status_table(con, year, p.code, locality=(scheme, code))
    return [{"indicator": r.indicator, "scope": r.scope, "comparator": r.comparator, "target": _clean(r.value),
             "target_high": _clean(r.value_high), "unit": r.unit, "period": _clean(r.actual_period) or p.code,
             "actual": _clean(r.actual) if _clean(r.actual) is not None else _clean(r.actual_verdict),
             "standing": _clean(r.actual_standing), "status": r.status, "percent": _clean(r.percent),
             "illustrative": bool(r.illustrative)} for r in df.itertuples(index=False)]


def run(args) -> int:
    con = open_db(settings.db_path(args.db))
    rows = status_rows(con, args.locality, args.year, args.period)
    w = csv.writer(sys.stdout, lineterminator="\n")
    try:
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow([_cell(r[c]) for c in COLUMNS])
        sys.stdout.flush()
    except BrokenPipeError:  # `| head`: the reader has gone, which is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
