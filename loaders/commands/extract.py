"""`python -m loaders extract FILE...`: print every target as CSV (the gold file's columns)."""
from __future__ import annotations

import csv
import sys

from chitieu.errors import UserError

COLUMNS = ["plan", "locality", "level", "province", "year", "indicator", "scope", "comparator", "value",
           "value_high", "unit", "text", "note"]


def _num(v):
    if v is None:
        return ""
    return f"{v:g}" if abs(v) < 1e15 else repr(v)


def plan_rows(plan):
    loc = plan.locality
    for t in plan.targets:
        yield {"plan": plan.plan_key, "locality": loc.name, "level": loc.level, "province": loc.province,
               "year": plan.year or "", "indicator": t.indicator, "scope": t.scope, "comparator": t.comparator,
               "value": _num(t.value), "value_high": _num(t.value_high), "unit": t.unit, "text": t.text,
               "note": t.note}


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
        writer.writerows(plan_rows(plan))
    return 2 if failures else 0


def register(sub) -> None:
    p = sub.add_parser("extract", help="in chỉ tiêu của các kế hoạch ra CSV / print the targets of plans as CSV")
    p.add_argument("files", nargs="+", help=".txt, .docx or .pdf plans")
    p.add_argument("--year", type=int, help="ghi đè năm kế hoạch / override the plan year")
    p.add_argument("--locality", help="ghi đè tên địa phương / override the locality name")
    p.set_defaults(func=run)
