"""`python -m loaders report --locality NAME --year YEAR --period P --format docx|xlsx|pdf -o FILE`.

    python -m loaders report --locality "Thành phố Quảng Ngãi" --year 2022 --period "Cả năm" --format pdf -o bc.pdf
    python -m loaders report --locality "Tỉnh Quảng Ngãi" --year 2022 --rollup --format xlsx -o tong_hop.xlsx

The periodic report on the targets (issue 12), laid out per Nghị định 30/2020/NĐ-CP: the
figures, verdicts and reasons are the dashboard's (chitieu.report). --rollup adds one row per
unit under the locality (a locality without a plan of its own that year but with units that
have one is always rolled up). --lang en writes it in English.
"""
from __future__ import annotations

import sys
from pathlib import Path

from chitieu import settings
from chitieu.errors import UserError
from chitieu.report import FORMATS, build_report, render
from chitieu.store import open_db


def register(sub) -> None:
    p = sub.add_parser("report", help="báo cáo tình hình thực hiện chỉ tiêu (docx/xlsx/pdf) / the printed report",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("--locality", required=True, help="name or scheme:code")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--period", default="FY", help="Q1, H1, 9M, FY, NM or a Vietnamese label (default: FY)")
    p.add_argument("--format", dest="fmt", help="docx, xlsx or pdf (default: from the file name)")
    p.add_argument("-o", "--output", required=True, help="file to write")
    p.add_argument("--lang", default="vi", help="vi (default) or en")
    p.add_argument("--rollup", action="store_true", help="add the units under the locality")
    p.set_defaults(func=run)


def run(args) -> int:
    out = Path(args.output)
    fmt = (args.fmt or out.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise UserError("unknown-format", f'Định dạng "{fmt}" không hợp lệ: dùng docx, xlsx hoặc pdf.',
                        f'Unknown format "{fmt}": use docx, xlsx or pdf.')
    if args.lang not in ("vi", "en"):
        raise UserError("unknown-language", f'Ngôn ngữ "{args.lang}" không hợp lệ: dùng vi hoặc en.',
                        f'Unknown language "{args.lang}": use vi or en.')
    if not out.parent.is_dir():
        raise UserError("no-such-folder", f'Thư mục "{out.parent}" không tồn tại.',
                        f'Folder "{out.parent}" does not exist.')
    con = open_db(settings.db_path(args.db))
    report = build_report(con, args.locality, args.year, args.period, rollup=True if args.rollup else None)
    data = render(report, fmt, args.lang)
    out.write_bytes(data)
    print(f"Đã ghi báo cáo / report written: {out} ({len(report.lines)} chỉ tiêu / targets"
          + (f", {len(report.rollup.units)} đơn vị / units" if report.rollup else "") + ")", file=sys.stderr)
    return 0
