"""One place for settings, read from the environment (each documented in README.md)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS = (
    Setting("CHITIEU_DB", str(DATA_DIR / "chitieu.duckdb"),
            "Database used by the dashboard and every command without --db: a DuckDB file, or a PostgreSQL "
            "address postgresql://user:password@host:port/database shared by several app processes."),
    Setting("CHITIEU_UPLOAD_MAX_MB", "20", "Largest file accepted for upload, in megabytes (keep "
            "server.maxUploadSize in .streamlit/config.toml the same)."),
    Setting("CHITIEU_PARSE_MAX_MB", "1024", "Memory cap of the child process that reads one uploaded file (MB)."),
    Setting("CHITIEU_PARSE_SECONDS", "60", "CPU-time cap of that child process (seconds)."),
    Setting("CHITIEU_YEARS", "2015-2035", "Years accepted for plans and actuals (range)."),
    Setting("CHITIEU_LANG", "vi", "Default interface language: vi or en."),
    # E-mail of the cycle's notifications (issue 13): off while CHITIEU_SMTP_HOST is empty.
    Setting("CHITIEU_SMTP_HOST", "", "Mail server that sends notifications by e-mail (empty: in-app inbox only)."),
    Setting("CHITIEU_SMTP_PORT", "587", "Its port (465: TLS from the start)."),
    Setting("CHITIEU_SMTP_USER", "", "User name on the mail server (empty: no login)."),
    Setting("CHITIEU_SMTP_PASSWORD", "", "Its password."),
    Setting("CHITIEU_SMTP_FROM", "", "Sender address (default: the user name when it is an address)."),
    Setting("CHITIEU_SMTP_STARTTLS", "1", "1: encrypt with STARTTLS before logging in; 0: a plain local relay."),
)


def get(name: str) -> str:
    for s in SETTINGS:
        if s.name == name:
            return os.environ.get(name) or s.default
    raise KeyError(name)


def is_server_db(location) -> bool:
    """A PostgreSQL address rather than a DuckDB file."""
    return str(location).startswith(("postgresql://", "postgres://"))


def db_path(explicit: str | os.PathLike | None = None):
    """--db PATH, else $CHITIEU_DB, else data/chitieu.duckdb: a Path for a DuckDB file, the address
    itself (a str) for a PostgreSQL database."""
    location = explicit or get("CHITIEU_DB")
    return str(location) if is_server_db(location) else Path(location)


def upload_max_bytes() -> int:
    return int(float(get("CHITIEU_UPLOAD_MAX_MB")) * 1024 * 1024)


def accepted_years() -> range:
    lo, _, hi = get("CHITIEU_YEARS").partition("-")
    return range(int(lo), int(hi or lo) + 1)
