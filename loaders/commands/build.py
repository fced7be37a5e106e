"""`python -m loaders build [--db PATH] [--user NAME]`: build or refresh the database from data/.

Once accounts exist only an administrator rebuilds: --user NAME or $CHITIEU_USER, with the
password from $CHITIEU_PASSWORD or typed on a terminal (see chitieu.auth).
"""
from __future__ import annotations

from chitieu.settings import db_path


def run(args) -> int:
    from chitieu.auth import cli_check_role
    from chitieu.store import db_exists, open_db, require_writable
    from loaders.build import build_database
    path = db_path(args.db)
    require_writable(open_db(path))
    # Once accounts exist, only an administrator rebuilds (a fresh install has none: set-up).
    actor = cli_check_role(open_db(path), args.user, "admin") if db_exists(path) else (args.user or "build")
    report = build_database(path, actor=actor or "build")
    print("\n".join(report.lines()))
    return 1 if report.plans_failed else 0


def register(sub) -> None:
    p = sub.add_parser("build", help="tạo/cập nhật cơ sở dữ liệu từ data/ / build or refresh the database from data/")
    from loaders.commands.users import add_user_option
    add_user_option(p)  # --user, default $CHITIEU_USER (it used to ignore the variable it asked for)
    p.set_defaults(func=run)
