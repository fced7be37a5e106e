"""Notifications in the store (issue 13): the inbox table, who is told, and the e-mail after commit.

The cycle store calls `cycle_step(cur, ...)` or `request_step(cur, ...)` with the cursor of the
step's own transaction, so a notification exists exactly when the step does (a rolled-back step
tells nobody). Who is told is decided here from the users table and the locality hierarchy
(the same ancestors as chitieu.auth's rights); the words are chitieu/notify.py's.

E-mail (only when CHITIEU_SMTP_HOST is set): `after_commit(con)` — called once the step is
committed — hands the new notifications to a background thread, which sends them with a short
timeout and writes the outcome (`emailed_at`, or `email_error` with a failure code; a failure is
also logged and audited as `notify.email_failed`). The step never waits for the mail server and
never fails because of it. `drain()` waits for the threads (tests; the command line at exit).

Reading is per user only: `inbox`, `unread_count` and `mark_read` take the reader's user name and
never return or touch anyone else's rows.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from chitieu import notify
from chitieu.store import query_df, transaction

log = logging.getLogger("chitieu")

_PENDING = threading.local()      # ids written by this thread's steps, waiting for their commit
_THREADS: list[threading.Thread] = []
_COLUMNS = ("username", "kind", "actor", "locality_scheme", "locality_code", "locality_name", "year", "period",
            "indicator", "indicator_name", "request_id", "message", "due")


# ---- who is concerned ----------------------------------------------------------------------

class _Same:
    """Lets chitieu.auth's ancestor walk read through the step's own cursor."""

    def __init__(self, cur):
        self._cur = cur

    def cursor(self):
        return self._cur


def _locality_name(cur, scheme: str, code: str) -> str:
    row = cur.execute("SELECT name FROM localities WHERE scheme = ? AND code = ? UNION ALL "
                      "SELECT name FROM admin_units WHERE scheme = ? AND code = ? LIMIT 1",
                      [scheme, code, scheme, code]).fetchone()
    return row[0] if row else f"{scheme}:{code}"


def people(cur, role: str, scheme: str, code: str) -> list[str]:
    """Active users of `role` assigned to the locality or to a level above it (those whose rights cover it)."""
    from chitieu.auth import locality_ancestors
    keys = [f"{scheme}:{code}"] + [f"{s}:{c}" for s, c in locality_ancestors(_Same(cur), scheme, code)]
    rows = cur.execute("SELECT DISTINCT u.username FROM users u JOIN user_localities ul ON ul.username = u.username "
                       "WHERE u.role = ? AND NOT coalesce(u.disabled, FALSE) "
                       "AND ul.locality_scheme || ':' || ul.locality_code = ANY(?) ORDER BY u.username",
                       [role, keys]).fetchall()
    return [r[0] for r in rows]


def _active(cur, username: str | None) -> list[str]:
    if not username:
        return []
    row = cur.execute("SELECT username FROM users WHERE username = ? AND NOT coalesce(disabled, FALSE)",
                      [username]).fetchone()
    return [row[0]] if row else []


def _write(cur, recipients, actor: str | None, fields: dict) -> list[int]:
    ids = []
    for name in dict.fromkeys(recipients):
        if name == actor:  # nobody is told about their own step
            continue
        values = {**fields, "username": name, "actor": actor}
        ids.append(int(cur.execute(
            f"INSERT INTO notifications ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))}) "
            "RETURNING notification_id", [values.get(c) for c in _COLUMNS]).fetchone()[0]))
    if ids:
        _PENDING.__dict__.setdefault("ids", []).extend(ids)
    return ids


def cycle_step(cur, action: str, actor: str | None, scheme: str, code: str, year: int, period: str,
               comment: str = "") -> list[int]:
    """Inside a submit / approve / return / unlock transaction: a submission tells the leaders over the
    locality; the other steps tell its analysts. Returns the new notification ids."""
    role = "leader" if action == "submit" else "analyst"
    fields = {"kind": f"cycle.{action}", "locality_scheme": scheme, "locality_code": code,
              "locality_name": _locality_name(cur, scheme, code), "year": int(year), "period": period,
              "message": comment or None}
    return _write(cur, people(cur, role, scheme, code), actor, fields)


def request_step(cur, kind: str, request_id: int, actor: str | None) -> list[int]:
    """Inside an explanation request's transaction (kind explain.request / explain.answer / explain.close):
    a request tells the locality's analysts, an answer the leader who asked, a close the analysts (and the
    requester when someone else closed it)."""
    row = cur.execute("SELECT r.locality_scheme, r.locality_code, r.indicator, r.year, r.message, r.answer, r.due, "
                      "r.created_by, coalesce(i.name_vi, r.indicator) FROM explain_requests r "
                      "LEFT JOIN indicators i ON i.code = r.indicator WHERE r.request_id = ?",
                      [int(request_id)]).fetchone()
    if row is None:
        return []
    scheme, code, indicator, year, message, answer, due, asked_by, indicator_name = row
    if kind == "explain.answer":
        recipients = _active(cur, asked_by)
    else:
        recipients = people(cur, "analyst", scheme, code)
        if kind == "explain.close":
            recipients += _active(cur, asked_by)
    fields = {"kind": kind, "locality_scheme": scheme, "locality_code": code,
              "locality_name": _locality_name(cur, scheme, code), "year": year, "indicator": indicator,
              "indicator_name": indicator_name, "request_id": int(request_id),
              "message": answer if kind == "explain.answer" else message, "due": due}
    return _write(cur, recipients, actor, fields)


# ---- e-mail after the commit -----------------------------------------------------------------

def after_commit(con) -> threading.Thread | None:
    """Once a step is committed: e-mail its notifications in the background (SMTP configured only).
    Never raises; returns the sending thread (or None)."""
    ids = _PENDING.__dict__.pop("ids", [])
    try:
        config = notify.smtp_config()
        if not ids or config is None:
            return None
        thread = threading.Thread(target=deliver, args=(con, ids, config), name="chitieu-mail")
        thread.start()
        _THREADS[:] = [t for t in _THREADS if t.is_alive()] + [thread]
        return thread
    except Exception as exc:  # noqa: BLE001 - e-mail must never break a step that is already done
        log.warning("e-mail of notifications %s not started: %s", ids, exc)
        return None


def drain(timeout: float | None = None) -> None:
    """Wait for the e-mail threads started so far."""
    for thread in list(_THREADS):
        thread.join(timeout)


def deliver(con, ids: list[int], config: notify.SmtpConfig, lang: str | None = None) -> dict:
    """Send the committed notifications among `ids` to recipients with an address; record the outcome.
    Returns {'sent': n, 'failed': n, 'no_address': n}. Never raises."""
    from chitieu import settings
    out = {"sent": 0, "failed": 0, "no_address": 0}
    try:
        lang = lang or settings.get("CHITIEU_LANG")
        rows = query_df(con, "SELECT n.*, u.email FROM notifications n JOIN users u ON u.username = n.username "
                             "WHERE n.notification_id = ANY(?) AND n.emailed_at IS NULL ORDER BY n.notification_id",
                        [[int(i) for i in ids]])
        batch = []
        for n in rows.to_dict("records"):
            to = notify.address_of(n["username"], n.get("email"))
            if to is None:
                out["no_address"] += 1
                continue
            n = notify.clean(n)
            batch.append((n["notification_id"], notify.email(n, to, config.sender, lang)))
        results = notify.send(config, [m for _, m in batch])
        sent = [i for (i, _), r in zip(batch, results) if r is None]
        failed = [(i, r) for (i, _), r in zip(batch, results) if r is not None]
        out["sent"], out["failed"] = len(sent), len(failed)
        if not batch:  # nobody concerned has an address
            return out
        with transaction(con) as cur:
            if sent:
                cur.execute("UPDATE notifications SET emailed_at = current_timestamp, email_error = NULL "
                            "WHERE notification_id = ANY(?)", [sent])
            for i, code in failed:
                cur.execute("UPDATE notifications SET email_error = ? WHERE notification_id = ?", [code, i])
        if failed:
            from chitieu.store.audit import event
            event(con, "system", "notify.email_failed", "notification", ",".join(str(i) for i, _ in failed),
                  {"server": f"{config.host}:{config.port}", "error": failed[0][1], "messages": len(failed)})
    except Exception as exc:  # noqa: BLE001 - the step is done; the inbox has the notification anyway
        log.warning("e-mail of notifications %s: outcome not recorded (%s: %s)", ids, type(exc).__name__, exc)
    return out


# ---- the reader's inbox ------------------------------------------------------------------------

def inbox(con, username: str, limit: int = 50):
    """The user's newest notifications first, with the indicator's names in both languages, and on every
    row `unread` and `total`: the user's counts over all their notifications (one query per page run)."""
    return query_df(con, "SELECT n.*, coalesce(i.name_vi, n.indicator_name) AS name_vi, i.name_en, "
                         "count(*) FILTER (WHERE n.read_at IS NULL) OVER () AS unread, count(*) OVER () AS total "
                         "FROM notifications n LEFT JOIN indicators i ON i.code = n.indicator "
                         "WHERE n.username = ? ORDER BY n.notification_id DESC LIMIT ?", [username, int(limit)])


def unread_count(con, username: str) -> int:
    cur = con.cursor()
    try:
        return int(cur.execute("SELECT count(*) FROM notifications WHERE username = ? AND read_at IS NULL",
                               [username]).fetchone()[0])
    finally:
        cur.close()


def email_of(con, username: str) -> str | None:
    """The user's e-mail address as stored (users.email), or None."""
    cur = con.cursor()
    try:
        row = cur.execute("SELECT email FROM users WHERE username = ?", [username]).fetchone()
    finally:
        cur.close()
    return row[0] if row else None


def set_email(con, username: str, email: str | None, actor: str | None = None) -> None:
    """Set (or with None clear) a user's e-mail address; audited as user.email. The address is checked
    first (chitieu.notify.check_email)."""
    from chitieu.store.audit import record
    email = notify.check_email(email)
    with transaction(con) as cur:
        before = cur.execute("SELECT email FROM users WHERE username = ?", [username]).fetchone()
        cur.execute("UPDATE users SET email = ? WHERE username = ?", [email, username])
        record(cur, actor, "user.email", "user", username, {"email": before[0] if before else None}, {"email": email})


def mark_read(con, username: str, ids: list[int] | None = None) -> int:
    """Mark the user's own notifications (all, or those among `ids`) read; returns how many changed.
    Another user's ids are left alone (the user name is part of every condition)."""
    with transaction(con) as cur:
        if ids is None:
            return len(cur.execute("UPDATE notifications SET read_at = current_timestamp WHERE username = ? "
                                   "AND read_at IS NULL RETURNING notification_id", [username]).fetchall())
        return len(cur.execute("UPDATE notifications SET read_at = current_timestamp WHERE username = ? "
                               "AND read_at IS NULL AND notification_id = ANY(?) RETURNING notification_id",
                               [username, [int(i) for i in ids]]).fetchall())


def email_failures(con, days: int = 7) -> dict | None:
    """For the administrator: e-mails not sent in the last `days` days — {'n', 'error', 'last'} or None."""
    since = datetime.now() - timedelta(days=days)
    cur = con.cursor()
    try:
        row = cur.execute("SELECT count(*), max(created_at) FROM notifications WHERE email_error IS NOT NULL "
                          "AND emailed_at IS NULL AND created_at >= ?", [since]).fetchone()
        if not row or not row[0]:
            return None
        code = cur.execute("SELECT email_error FROM notifications WHERE email_error IS NOT NULL AND emailed_at "
                           "IS NULL ORDER BY notification_id DESC LIMIT 1").fetchone()[0]
    finally:
        cur.close()
    return {"n": int(row[0]), "error": code, "last": row[1]}
