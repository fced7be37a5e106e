"""Command line: `python -m loaders COMMAND ...`.

Each command lives in its own module under loaders/commands/ with `register(sub)` that adds
its parser and sets `func(args) -> int`. Every command takes --db PATH (else $CHITIEU_DB,
else data/chitieu.duckdb). Expected failures print a bilingual message and exit non-zero,
never a traceback: UserError (2, or its own code), a busy database (3), a damaged one (4, with
how to restore it from its backup), a database error (5). A file or disk that cannot be written
is opened read-only: reading commands work, writing ones say so. Every audit row written by a
command records the operating-system account (audit_log.via = 'cli:<account>').
"""
from __future__ import annotations

import argparse
import importlib
import sys

from chitieu.auth import os_user
from chitieu.errors import UserError
from chitieu.store import DatabaseError, DatabaseFault
from chitieu.store.audit import set_via

# One line per command module; add yours here.
COMMAND_MODULES = [
    "loaders.commands.extract",
    "loaders.commands.build",
    "loaders.commands.users",
    "loaders.commands.synth",
    "loaders.commands.template",
    "loaders.commands.import_actuals",
    "loaders.commands.status",
    "loaders.commands.report",
    "loaders.commands.cycle",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m loaders",
        description="Chỉ tiêu: nạp kế hoạch và số liệu / load plans and actuals.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    for action in sub.choices.values():
        if not any("--db" in a.option_strings for a in action._actions):
            action.add_argument("--db", help="database: a DuckDB file or postgresql://user:password@host/db "
                                "(default: $CHITIEU_DB or data/chitieu.duckdb)")
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")  # Windows consoles default to cp1252
        except (AttributeError, ValueError):
            pass
    args = build_parser().parse_args(argv)
    set_via(f"cli:{os_user()}", process_wide=True)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"Lỗi: {exc.vi}\nError: {exc.en}", file=sys.stderr)
        return exc.exit_code
    except DatabaseFault as exc:
        print(f"Lỗi: {exc.vi}\nError: {exc.en}\n{exc.detail}".rstrip(), file=sys.stderr)
        return exc.exit_code
    except DatabaseError as exc:  # anything else the database refuses: its words, no traceback
        print(f"Lỗi cơ sở dữ liệu / database error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 5
    except OSError as exc:
        print(f"Lỗi tệp / file error: {exc}", file=sys.stderr)
        return 5
    except KeyboardInterrupt:
        print("Đã dừng / interrupted", file=sys.stderr)
        return 130
