"""Command line: `python -m loaders COMMAND ...`.

Each command lives in its own module under loaders/commands/ with `register(sub)` that adds
its parser and sets `func(args) -> int`. Every command takes --db PATH (else $CHITIEU_DB,
else data/chitieu.duckdb). Expected failures print a bilingual message and exit non-zero,
never a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from chitieu.store import DatabaseBusy
from chitieu.errors import UserError

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
            action.add_argument("--db", help="database file (default: $CHITIEU_DB or data/chitieu.duckdb)")
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")  # Windows consoles default to cp1252
        except (AttributeError, ValueError):
            pass
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"Lỗi: {exc.vi}\nError: {exc.en}", file=sys.stderr)
        return exc.exit_code
    except DatabaseBusy as exc:
        print(f"Lỗi: {exc.vi}\nError: {exc.en}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("Đã dừng / interrupted", file=sys.stderr)
        return 130
