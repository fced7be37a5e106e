"""`python -m loaders template --locality NAME --year YEAR -o FILE.xlsx`: the Excel template.

    python -m loaders template --locality "Thành phố Quảng Ngãi" --year 2022 -o qn_2022.xlsx
    python -m loaders template --locality "Huyện Ba Tơ" --with-communes --year 2021 -o bato.xlsx

One row per target of each locality's plan for that year; --locality may be repeated (a
name or scheme:code); --with-communes adds the communes of a district that have plans.
"""
from __future__ import annotations

from pathlib import Path

from chitieu import settings
from chitieu.store import open_db
from loaders.actuals.excel_template import template_bytes


def register(sub) -> None:
    p = sub.add_parser("template", help="biểu mẫu Excel nhập số liệu / Excel template for actuals",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("--locality", action="append", required=True, help="name or scheme:code; repeatable")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--with-communes", action="store_true", help="add the communes of a district")
    p.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
    p.set_defaults(func=run)


def run(args) -> int:
    con = open_db(settings.db_path(args.db))
    data = template_bytes(con, args.locality, args.year, with_children=args.with_communes)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"Đã ghi / written {out} ({len(data) // 1024 + 1} KB)")
    return 0
