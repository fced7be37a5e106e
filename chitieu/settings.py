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
            "Database file used by the dashboard and every command without --db."),
    Setting("CHITIEU_UPLOAD_MAX_MB", "20", "Largest file accepted for upload, in megabytes (keep "
            "server.maxUploadSize in .streamlit/config.toml the same)."),
    Setting("CHITIEU_PARSE_MAX_MB", "1024", "Memory cap of the child process that reads one uploaded file (MB)."),
    Setting("CHITIEU_PARSE_SECONDS", "60", "CPU-time cap of that child process (seconds)."),
    Setting("CHITIEU_YEARS", "2015-2035", "Years accepted for plans and actuals (range)."),
    Setting("CHITIEU_LANG", "vi", "Default interface language: vi or en."),
)


def get(name: str) -> str:
    for s in SETTINGS:
        if s.name == name:
            return os.environ.get(name) or s.default
    raise KeyError(name)


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """--db PATH, else $CHITIEU_DB, else data/chitieu.duckdb."""
    return Path(explicit) if explicit else Path(get("CHITIEU_DB"))


def upload_max_bytes() -> int:
    return int(float(get("CHITIEU_UPLOAD_MAX_MB")) * 1024 * 1024)


def accepted_years() -> range:
    lo, _, hi = get("CHITIEU_YEARS").partition("-")
    return range(int(lo), int(hi or lo) + 1)
