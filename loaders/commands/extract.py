"""`python -m loaders extract FILE...`: print every target as CSV (the gold file's columns, then
`doubts`: the reason codes of chitieu.model.DOUBT_LABELS separated by ";", empty when sure).

Values are printed exactly (1.929.002 prints 1929002, 8.962,72 prints 8962.72), never rounded.
Text cells are escaped like every other export (chitieu.excel_safe.escape_cell): a cell that
starts with = + - @ gets a leading apostrophe so a spreadsheet shows it as text.
"""
from __future__ import annotations

import csv
import sys

from chitieu.errors import UserError
from chitieu.excel_safe import escape_cell

COLUMNS = ["plan", "locality", "level", "province", "year", "indicator", "scope", "comparator", "value",
           "value_high", "unit", "text", "note", "doubts"]
_NUMERIC = {"year", "value", "value_high"}


def _num(v) -> str:
    """The exact value: integers without a decimal point, others by repr (shortest exact form)."""
    if v is None:
        return ""
    v = float(v)
    if v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    return repr(v)


def plan_rows(plan):
    loc = plan.locality
    for t in plan.targets:
        yield {"plan": plan.plan_key, "locality": loc.name, "level": loc.level, "province": loc.province,
               "year": plan.year or "", "indicator": t.indicator, "scope": t.scope, "comparator": t.comparator,
               "value": _num(t.value), "value_high": _num(t.value_high), "unit": t.unit, "text": t.text,
               "note": t.note, "doubts": ";".join(t.doubts)}


def safe_row(row: dict) -> dict:
    """Every text cell escaped against formula injection; numbers stay numbers (-6.52 is a value)."""
    return {k: (v if k in _NUMERIC else escape_cell(v)) for k, v in row.items()}


def run(args) -> int:
    from loaders.plans.extract import extract_file
    writer = csv.DictWriter(sys.stdout, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    failures = 0
    for path in args.files:
        try:
            plan = extract_file(path)
        except UserError as exc:
            print(f"Lỗi: {exc.vi}\nError: {exc.en}", file=sys.stderr)
            failures += 1
            continue
        if args.year:
            plan.year = args.year
        if args.locality:
            plan.locality.name = args.locality
        writer.writerows(safe_row(r) for r in plan_rows(plan))
    return 2 if failures else 0


def register(sub) -> None:
    p = sub.add_parser("extract", help="in chỉ tiêu của các kế hoạch ra CSV / print the targets of plans as CSV")
    p.add_argument("files", nargs="+", help=".txt, .docx or .pdf plans")
    p.add_argument("--year", type=int, help="ghi đè năm kế hoạch / override the plan year")
    p.add_argument("--locality", help="ghi đè tên địa phương / override the locality name")
    p.set_defaults(func=run)
