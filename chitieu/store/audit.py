"""Audit trail: every write records who, when, what, before and after.

Call `record(cur, ...)` with the cursor of the write's own transaction, so the audit row
and the change commit (or roll back) together.
"""
from __future__ import annotations

import json
from typing import Any


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def record(cur, actor: str | None, action: str, entity: str, entity_key: str,
           before: Any = None, after: Any = None) -> None:
    """Append one audit row. `action` is a stable verb: plan.store, plan.delete, actuals.upload,
    actuals.undo, actual.edit, user.add, user.password, user.localities, user.disable, catalogue.edit."""
    cur.execute(
        "INSERT INTO audit_log (actor, action, entity, entity_key, before_json, after_json) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [actor or "system", action, entity, entity_key, _json(before), _json(after)])


def recent(con, limit: int = 500, action: str | None = None):
    """Newest audit rows first, as a DataFrame."""
    from chitieu.store import query_df
    if action:
        return query_df(con, "SELECT * FROM audit_log WHERE action = ? ORDER BY audit_id DESC LIMIT ?",
                        [action, limit])
    return query_df(con, "SELECT * FROM audit_log ORDER BY audit_id DESC LIMIT ?", [limit])
