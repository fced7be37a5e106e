"""Audit trail: every write records who, when, what, before and after — and through what.

Call `record(cur, ...)` with the cursor of the write's own transaction, so the audit row
and the change commit (or roll back) together. `via` says where the write came from: the
command line sets `cli:<operating-system account>` (so `--user admin` typed by the account
`nam` reads actor 'admin', via 'cli:nam'), the app sets `app:<client address>` per run
(`set_via`). Events that are not writes of data (a failed login) use `event()`, which
commits on its own and never raises (a read-only or full disk must not hide the login form).
"""
from __future__ import annotations

import contextvars
import json
from typing import Any

_VIA: contextvars.ContextVar[str | None] = contextvars.ContextVar("chitieu_audit_via", default=None)
_DEFAULT_VIA: list[str | None] = [None]  # the process-wide fallback (the CLI sets it once)


def set_via(via: str | None, process_wide: bool = False) -> None:
    """Where writes of this thread (or, process_wide, of the whole process) come from."""
    if process_wide:
        _DEFAULT_VIA[0] = via
    else:
        _VIA.set(via)


def current_via() -> str | None:
    return _VIA.get() or _DEFAULT_VIA[0]


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def record(cur, actor: str | None, action: str, entity: str, entity_key: str,
           before: Any = None, after: Any = None) -> None:
    """Append one audit row. `action` is a stable verb: plan.store, plan.replace, plan.restore,
    plan.delete, actuals.upload, actuals.undo, actual.edit, user.add, user.password, user.localities,
    user.disable, catalogue.edit, login.failed, setup.admin."""
    cur.execute(
        "INSERT INTO audit_log (actor, action, entity, entity_key, before_json, after_json, via) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [actor or "system", action, entity, entity_key, _json(before), _json(after), current_via()])


def event(con, actor: str | None, action: str, entity: str, entity_key: str, after: Any = None) -> bool:
    """Record an event in its own transaction; False (and nothing raised) when it cannot be written."""
    from chitieu.errors import UserError
    from chitieu.store import transaction
    try:
        with transaction(con, bump=False) as cur:  # an event changes nothing a page shows from cache
            record(cur, actor, action, entity, entity_key, None, after)
        return True
    except (UserError, Exception):  # noqa: BLE001 - an audit event must never break the page
        return False


def recent(con, limit: int = 500, action: str | None = None):
    """Newest audit rows first, as a DataFrame."""
    from chitieu.store import query_df
    if action:
        return query_df(con, "SELECT * FROM audit_log WHERE action = ? ORDER BY audit_id DESC LIMIT ?",
                        [action, limit])
    return query_df(con, "SELECT * FROM audit_log ORDER BY audit_id DESC LIMIT ?", [limit])
