"""`python -m loaders build [--db PATH]`: build or refresh the database from data/."""
from __future__ import annotations

from chitieu.settings import db_path


def run(args) -> int:
    from loaders.build import build_database
    report = build_database(db_path(args.db), actor=getattr(args, "user", None) or "build")
    print("\n".join(report.lines()))
    return 1 if report.plans_failed else 0


def register(sub) -> None:
    p = sub.add_parser("build", help="tạo/cập nhật cơ sở dữ liệu từ data/ / build or refresh the database from data/")
    p.add_argument("--user", help="người thực hiện (ghi vào nhật ký) / who runs it (audit log)")
    p.set_defaults(func=run)
