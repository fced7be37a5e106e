"""Helpers shared by the tests/test_actuals_*.py files (no tests here)."""
from __future__ import annotations

from tests.conftest import scratch_db
from tests.make_fixtures import seed_db


def fresh_db():
    """The seeded plans in a new database of the chosen backend (DuckDB in memory by default)."""
    con = scratch_db()
    seed_db(con)
    return con


def snapshot(con) -> tuple:
    """Everything an upload may write: actuals, uploads, audit rows (to assert 'nothing stored')."""
    cur = con.cursor()
    try:
        return tuple(cur.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                     for t in ("actuals", "uploads", "audit_log"))
    finally:
        cur.close()
