"""`python -m loaders import-actuals FILE [--dry-run] [--db PATH] [--user NAME]`: load reported actuals.

    python -m loaders import-actuals qn_2022.xlsx --dry-run     # check only: every row's outcome
    python -m loaders import-actuals qn_2022.xlsx --user lan    # check, then store in one transaction

Accepts the filled template and a "wide" sheet (localities in rows, indicators in columns;
--year/--period fill a wide sheet that names neither). Prints a report of every issue.
Exit code 0 when stored (or, with --dry-run, when nothing blocks), 1 when rejected.
"""
from __future__ import annotations

import sys
from pathlib import Path

from chitieu import auth, settings
from chitieu.errors import UserError
from chitieu.store import open_db
from loaders.actuals.upload import confirm, dry_run
from loaders.commands.users import add_user_option


def register(sub) -> None:
    p = sub.add_parser("import-actuals", help="nạp số liệu thực hiện từ Excel / import actuals from Excel",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="check and show the changes; store nothing")
    p.add_argument("--year", type=int, help="year for a wide sheet without a year column")
    p.add_argument("--period", help="period for a wide sheet without a period column (e.g. '6 tháng', FY)")
    p.add_argument("--lang", choices=("vi", "en"), default=settings.get("CHITIEU_LANG"))
    add_user_option(p)
    p.set_defaults(func=run)


def run(args) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise UserError("file-not-found", f"Không có tệp {path}.", f"No such file: {path}.")
    con = open_db(settings.db_path(args.db))
    user = auth.cli_user(con, args.user)
    actor = auth.cli_actor(user, args.user)
    preview = dry_run(con, path.read_bytes(), path.name, user if user is not None else actor,
                      year=args.year, period=args.period)
    print(preview.report(args.lang))
    if not preview.ok:
        print("Không lưu gì: còn lỗi. / Nothing stored: errors remain.", file=sys.stderr)
        return 1
    if args.dry_run:
        print("Kiểm tra thử: chưa lưu. / Dry run: nothing stored.")
        return 0
    upload_id = confirm(con, preview, actor)
    print(f"Đã lưu lần tải lên số {upload_id}. / Stored as upload {upload_id}.")
    return 0
