"""The data version: one counter in the database that every write moves on.

Caches of read results (ui/common.py, in every app process) are keyed by it: a reader asks
for the version (one tiny query) before serving a cached result, so a write made by any
session of any process is visible to every other at once, and a new session reuses what
another session computed for the same version instead of computing it again.
"""
from __future__ import annotations

from chitieu.store import BUMP_VERSION_SQL, transaction

_KEY = "data_version"


def data_version(con) -> int:
    """The current version (0 before the first counted write)."""
    cur = con.cursor()
    try:
        row = cur.execute("SELECT value FROM meta WHERE key = ?", [_KEY]).fetchone()
    finally:
        cur.close()
    return int(row[0]) if row and str(row[0]).isdigit() else 0


def bump_data_version(con) -> int:
    """Move the version on (its own small transaction); returns the new version. Every write through
    `transaction()` already does this in its own transaction; this is for a caller that must."""
    with transaction(con, bump=False) as cur:  # one statement: two processes at once each get their own number
        row = cur.execute(BUMP_VERSION_SQL).fetchone()
    return int(row[0])
