"""Users, their localities, and the locality hierarchy used for rights (SQL only).

Every change is audited through `record()` in the same transaction. Password hashes are
written here but never returned by listings and never put in the audit log: the audit
says "password changed", nothing more. Hashing itself lives in chitieu.auth.
"""
from __future__ import annotations

from chitieu.store import query_df, transaction
from chitieu.store.audit import record

USER_COLUMNS = "username, display_name, role, disabled, created_at"


def count_users(con, active_only: bool = False) -> int:
    cur = con.cursor()
    sql = "SELECT count(*) FROM users" + (" WHERE NOT coalesce(disabled, FALSE)" if active_only else "")
    return cur.execute(sql).fetchone()[0]


def roles(con) -> list[tuple[str, bool]]:
    """(role, disabled) of every user."""
    cur = con.cursor()
    return [(r, bool(d)) for r, d in cur.execute("SELECT role, coalesce(disabled, FALSE) FROM users").fetchall()]


def get_user(con, username: str) -> dict | None:
    """One user as a dict including `password_hash` and `localities` [(scheme, code)]; None if unknown."""
    cur = con.cursor()
    row = cur.execute(f"SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = ?",
                      [username]).fetchone()
    if row is None:
        return None
    keys = USER_COLUMNS.split(", ") + ["password_hash"]
    user = dict(zip(keys, row))
    user["disabled"] = bool(user["disabled"])
    user["localities"] = user_localities(con, username)
    return user


def user_localities(con, username: str) -> list[tuple[str, str]]:
    cur = con.cursor()
    return [tuple(r) for r in cur.execute(
        "SELECT locality_scheme, locality_code FROM user_localities WHERE username = ? "
        "ORDER BY locality_scheme, locality_code", [username]).fetchall()]


def _public(user: dict | None) -> dict | None:
    if user is None:
        return None
    return {k: v for k, v in user.items() if k not in ("password_hash", "created_at")}


def add_user(con, username: str, role: str, password_hash: str, display_name: str | None = None,
             localities: list[tuple[str, str]] = (), actor: str | None = None) -> None:
    """Create a user (raises duckdb ConstraintException if the name exists; callers check first)."""
    with transaction(con, bump=False) as cur:
        cur.execute("INSERT INTO users (username, display_name, role, password_hash) VALUES (?, ?, ?, ?)",
                    [username, display_name, role, password_hash])
        _insert_localities(cur, username, localities)
        record(cur, actor, "user.add", "user", username, None,
               {"role": role, "display_name": display_name, "localities": [list(x) for x in localities]})


def _insert_localities(cur, username: str, localities) -> None:
    rows = [[username, s, c] for s, c in localities]
    if rows:  # executemany refuses an empty list
        cur.executemany("INSERT INTO user_localities VALUES (?, ?, ?) ON CONFLICT DO NOTHING", rows)


def set_password(con, username: str, password_hash: str, actor: str | None = None) -> None:
    with transaction(con, bump=False) as cur:
        cur.execute("UPDATE users SET password_hash = ? WHERE username = ?", [password_hash, username])
        record(cur, actor, "user.password", "user", username, None, {"password": "changed"})


_UPDATES = {  # fixed statements: no SQL is ever built from a caller's text
    "disabled": ("SELECT disabled FROM users WHERE username = ?", "UPDATE users SET disabled = ? WHERE username = ?"),
    "role": ("SELECT role FROM users WHERE username = ?", "UPDATE users SET role = ? WHERE username = ?"),
}


def _update(con, username: str, action: str, column: str, value, actor: str | None) -> None:
    select, update = _UPDATES[column]
    with transaction(con, bump=False) as cur:
        before = cur.execute(select, [username]).fetchone()
        cur.execute(update, [value, username])
        record(cur, actor, action, "user", username, {column: before[0] if before else None}, {column: value})


def set_disabled(con, username: str, disabled: bool = True, actor: str | None = None) -> None:
    _update(con, username, "user.disable" if disabled else "user.enable", "disabled", bool(disabled), actor)


def set_role(con, username: str, role: str, actor: str | None = None) -> None:
    _update(con, username, "user.role", "role", role, actor)


def set_localities(con, username: str, localities: list[tuple[str, str]], replace: bool = False,
                   actor: str | None = None) -> list[tuple[str, str]]:
    """Add (or with replace=True, set exactly) a user's localities; returns the new list."""
    with transaction(con, bump=False) as cur:
        before = [list(r) for r in cur.execute(
            "SELECT locality_scheme, locality_code FROM user_localities WHERE username = ? "
            "ORDER BY 1, 2", [username]).fetchall()]
        if replace:
            cur.execute("DELETE FROM user_localities WHERE username = ?", [username])
        _insert_localities(cur, username, localities)
        after = [tuple(r) for r in cur.execute(
            "SELECT locality_scheme, locality_code FROM user_localities WHERE username = ? "
            "ORDER BY 1, 2", [username]).fetchall()]
        record(cur, actor, "user.localities", "user", username, {"localities": before},
               {"localities": [list(x) for x in after]})
    return after


def list_users(con):
    """Users without password hashes, with their localities joined as 'scheme:code; ...'."""
    return query_df(con, """
        SELECT u.username, u.display_name, u.role, u.disabled, u.created_at,
               string_agg(ul.locality_scheme || ':' || ul.locality_code, '; '
                          ORDER BY ul.locality_scheme, ul.locality_code) AS localities
        FROM users u LEFT JOIN user_localities ul USING (username)
        GROUP BY u.username, u.display_name, u.role, u.disabled, u.created_at ORDER BY u.username""")


def parent_of(con, scheme: str, code: str) -> tuple[str, str] | None:
    """The parent of a locality: localities.parent_scheme/parent_code, else admin_units.parent_code."""
    cur = con.cursor()
    row = cur.execute("SELECT parent_scheme, parent_code FROM localities WHERE scheme = ? AND code = ?",
                      [scheme, code]).fetchone()
    if row and row[1]:
        return (row[0] or scheme, row[1])
    row = cur.execute("SELECT parent_code FROM admin_units WHERE scheme = ? AND code = ?", [scheme, code]).fetchone()
    if row and row[0]:
        return (scheme, row[0])
    return None


def ancestors(con, scheme: str, code: str, max_depth: int = 8) -> list[tuple[str, str]]:
    """Parent, grandparent, ... of a locality (nearest first); stops on cycles."""
    out: list[tuple[str, str]] = []
    key = (scheme, code)
    for _ in range(max_depth):
        key = parent_of(con, *key)
        if key is None or key in out or key == (scheme, code):
            break
        out.append(key)
    return out


def find_localities(con, text: str) -> list[tuple[str, str, str]]:
    """Localities matching 'scheme:code', a bare code, or an exact name: [(scheme, code, name)]."""
    cur = con.cursor()
    text = (text or "").strip()
    scheme, sep, code = text.partition(":")
    rows: list = []
    if sep:
        rows = cur.execute("""SELECT scheme, code, name FROM localities WHERE scheme = ? AND code = ?
            UNION SELECT scheme, code, name FROM admin_units WHERE scheme = ? AND code = ?""",
                           [scheme, code, scheme, code]).fetchall()
    if not rows:
        rows = cur.execute("""SELECT scheme, code, name FROM localities WHERE code = ? OR name = ?
            UNION SELECT scheme, code, name FROM admin_units WHERE code = ? OR name = ?""",
                           [text, text, text, text]).fetchall()
    return sorted({tuple(r) for r in rows})


def add_first_admin(con, username: str, password_hash: str, display_name: str | None = None,
                    actor: str | None = None) -> bool:
    """Create the first administrator only while the database has no user at all (one check and
    the insert in one transaction, so two set-up screens submitted at once make one admin).
    Returns False (nothing written) when a user exists already."""
    with transaction(con, bump=False) as cur:
        if cur.execute("SELECT count(*) FROM users").fetchone()[0]:
            return False
        cur.execute("INSERT INTO users (username, display_name, role, password_hash) VALUES (?, ?, 'admin', ?)",
                    [username, display_name, password_hash])
        record(cur, actor or username, "setup.admin", "user", username, None,
               {"role": "admin", "display_name": display_name})
    return True


def meta_secret(con, key: str, make) -> str:
    """A per-database secret kept in meta (e.g. the key that signs login cookies), created once."""
    cur = con.cursor()
    row = cur.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    if row:
        return row[0]
    with transaction(con, bump=False) as tx:
        row = tx.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        if row:
            return row[0]
        value = make()
        tx.execute("INSERT INTO meta VALUES (?, ?)", [key, value])
        return value
