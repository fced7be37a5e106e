"""The unit registry in the database: load it, and the reads the dashboard needs.

`load_units` copies data/units/units.csv and crosswalk.csv into admin_units and
unit_crosswalk; it is idempotent (a hash of the two files is kept in `meta`, and an
unchanged registry is not rewritten). Every read takes and returns (scheme, code).
"""
from __future__ import annotations

import hashlib

import duckdb
import pandas as pd

from chitieu.store import query_df, transaction
from chitieu.textnorm import fold, nfc
from chitieu.units import UNITS_DIR

_UNIT_COLS = ["scheme", "code", "name", "type", "level", "parent_code", "province_code", "valid_from", "valid_to"]
_XWALK_COLS = ["old_scheme", "old_code", "new_scheme", "new_code", "note"]
_META_KEY = "units_sha256"


def _registry_hash() -> str:
    h = hashlib.sha256()
    for name in ("units.csv", "crosswalk.csv"):
        h.update((UNITS_DIR / name).read_bytes())
    return h.hexdigest()


def load_units(con: duckdb.DuckDBPyConnection, force: bool = False) -> dict[str, int]:
    """Load the registry (both schemes and the crosswalk); skip when already current.

    Returns {"units": n, "crosswalk": m, "loaded": 0 or 1}.
    """
    digest = _registry_hash()
    cur = con.cursor()
    try:
        row = cur.execute("SELECT value FROM meta WHERE key = ?", [_META_KEY]).fetchone()
    finally:
        cur.close()
    loaded = 0
    if force or not row or row[0] != digest:
        units = pd.read_csv(UNITS_DIR / "units.csv", dtype=str, keep_default_na=False, encoding="utf-8")
        units = units[_UNIT_COLS].copy()
        units["name_folded"] = units["name"].map(fold)
        for col in ("valid_from", "valid_to"):
            units[col] = pd.to_datetime(units[col].replace("", None)).dt.date
        xwalk = pd.read_csv(UNITS_DIR / "crosswalk.csv", dtype=str, keep_default_na=False, encoding="utf-8")[_XWALK_COLS]
        with transaction(con) as tx:
            tx.execute("DELETE FROM admin_units")
            tx.execute("DELETE FROM unit_crosswalk")
            tx.register("units_df", units)
            tx.execute("INSERT INTO admin_units (scheme, code, name, type, level, parent_code, province_code, "
                       "valid_from, valid_to, name_folded) SELECT scheme, code, name, type, level, "
                       "NULLIF(parent_code, ''), province_code, valid_from, valid_to, name_folded FROM units_df")
            tx.unregister("units_df")
            tx.register("xwalk_df", xwalk)
            tx.execute("INSERT INTO unit_crosswalk SELECT old_scheme, old_code, new_scheme, new_code, note FROM xwalk_df")
            tx.unregister("xwalk_df")
            tx.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                       [_META_KEY, digest])
        loaded = 1
    cur = con.cursor()
    try:
        n_units = cur.execute("SELECT count(*) FROM admin_units").fetchone()[0]
        n_xwalk = cur.execute("SELECT count(*) FROM unit_crosswalk").fetchone()[0]
    finally:
        cur.close()
    return {"units": n_units, "crosswalk": n_xwalk, "loaded": loaded}


_SELECT = """SELECT u.scheme, u.code, u.name, u.type, u.level, u.parent_code, par.name AS parent_name,
                    u.province_code, prov.name AS province_name
             FROM admin_units u
             LEFT JOIN admin_units par ON par.scheme = u.scheme AND par.code = u.parent_code
             LEFT JOIN admin_units prov ON prov.scheme = u.scheme AND prov.code = u.province_code"""


def get_unit_row(con: duckdb.DuckDBPyConnection, scheme: str, code: str) -> dict | None:
    df = query_df(con, _SELECT + " WHERE u.scheme = ? AND u.code = ?", [scheme, str(code)])
    return df.iloc[0].to_dict() if len(df) else None


def children_of(con: duckdb.DuckDBPyConnection, scheme: str, code: str) -> pd.DataFrame:
    """Units directly under (scheme, code), by code: a province's districts (gso_pre2025) or
    communes (gso_2025), a district's communes."""
    return query_df(con, _SELECT + " WHERE u.scheme = ? AND u.parent_code = ? ORDER BY u.code",
                    [scheme, str(code)])


def predecessors_of(con: duckdb.DuckDBPyConnection, scheme: str, code: str) -> pd.DataFrame:
    """Units of the older scheme that (scheme, code) replaced, with the crosswalk note.

    For a gso_2025 commune: the old communes merged into it and the old district(s) they lay in.
    """
    return query_df(con, _SELECT.replace("SELECT ", "SELECT x.note, ", 1)
                    + " JOIN unit_crosswalk x ON x.old_scheme = u.scheme AND x.old_code = u.code"
                    " WHERE x.new_scheme = ? AND x.new_code = ?"
                    " ORDER BY CASE u.level WHEN 'province' THEN 0 WHEN 'district' THEN 1 ELSE 2 END, u.code",
                    [scheme, str(code)])


def successors_of(con: duckdb.DuckDBPyConnection, scheme: str, code: str) -> pd.DataFrame:
    """Units of the newer scheme that took over (scheme, code)."""
    return query_df(con, _SELECT.replace("SELECT ", "SELECT x.note, ", 1)
                    + " JOIN unit_crosswalk x ON x.new_scheme = u.scheme AND x.new_code = u.code"
                    " WHERE x.old_scheme = ? AND x.old_code = ? ORDER BY u.code",
                    [scheme, str(code)])


def search_units(con: duckdb.DuckDBPyConnection, text: str, scheme: str | None = None,
                 limit: int = 20) -> pd.DataFrame:
    """Units whose name contains `text` (compared without diacritics, to find candidates).

    Exact names first, then names starting with the text, then the rest; provinces before
    districts before communes.
    """
    key = fold(text)
    if not key:
        return query_df(con, _SELECT + " WHERE false")
    where = " WHERE u.name_folded LIKE ?"
    params: list = [f"%{key}%"]
    if scheme:
        where += " AND u.scheme = ?"
        params.append(scheme)
    # Names containing the text as written (with its marks) come before look-alikes.
    order = (" ORDER BY CASE WHEN strpos(lower(u.name), ?) > 0 THEN 0 ELSE 1 END,"
             " CASE WHEN u.name_folded = ? OR u.name_folded LIKE ? THEN 0"
             " WHEN u.name_folded LIKE ? THEN 1 ELSE 2 END,"
             " CASE u.level WHEN 'province' THEN 0 WHEN 'district' THEN 1 ELSE 2 END, u.scheme DESC, u.name"
             " LIMIT ?")
    params += [nfc(text).strip().lower(), key, f"% {key}", f"{key}%", int(limit)]
    return query_df(con, _SELECT + where + order, params)


def predecessor_plans(con: duckdb.DuckDBPyConnection, scheme: str, code: str) -> pd.DataFrame:
    """Plans stored for the units that (scheme, code) replaced, for the dashboard to show
    beside the unit's own, labelled as predecessors ("đơn vị trước sắp xếp").

    Columns: plan_key, year, title, synthetic, locality_scheme, locality_code, locality_name,
    level, relation ('predecessor'), note (how the crosswalk links them).
    """
    return query_df(con, """
        SELECT p.plan_key, p.year, p.title, p.synthetic, p.locality_scheme, p.locality_code,
               coalesce(u.name, p.locality_name) AS locality_name, coalesce(u.level, p.level) AS level,
               'predecessor' AS relation, x.note
        FROM unit_crosswalk x
        JOIN plans p ON p.locality_scheme = x.old_scheme AND p.locality_code = x.old_code
        LEFT JOIN admin_units u ON u.scheme = x.old_scheme AND u.code = x.old_code
        WHERE x.new_scheme = ? AND x.new_code = ?
        ORDER BY p.year DESC, CASE coalesce(u.level, p.level) WHEN 'province' THEN 0 WHEN 'district' THEN 1
                 ELSE 2 END, locality_name""", [scheme, str(code)])
