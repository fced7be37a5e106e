"""The reporting cycle in the store (issue 13): deadlines, submit/approve/return/unlock, locks,
who has not reported, explanation requests. SQL only; the rules are in chitieu/cycle.py.

Every write records an audit row in its own transaction (cycle.deadline, cycle.submit,
cycle.approve, cycle.return, cycle.unlock, explain.request, explain.answer, explain.close) and
moves the data version on, so cached pages see it at once.

SQL is the portable subset (DuckDB and PostgreSQL): `= ANY(?)` with a Python list, min()/max(),
explicit GROUP BY, optional filters added in Python rather than `? IS NULL` on an untyped parameter.
"""
from __future__ import annotations

import hashlib
from datetime import date

import pandas as pd

from chitieu import auth, cycle
from chitieu.errors import UserError
from chitieu.periods import parse_period
from chitieu.store import query_df, transaction
from chitieu.store.audit import record
from chitieu.textnorm import nfc
from chitieu.store import notify as notify_hook  # issue 13: the inbox and e-mail


def _after_commit(con) -> None:
    # (the step's own transaction already moved the data version on)
    notify_hook.after_commit(con)  # e-mail the step's notifications, after its commit


# ---- calendar ----------------------------------------------------------------------------

def overrides(con, year: int | None = None) -> dict:
    """{(year, period): (cutoff, due)} set by an administrator."""
    cur = con.cursor()
    try:
        rows = cur.execute("SELECT year, period, cutoff, due FROM cycle_deadlines"
                           + ("" if year is None else " WHERE year = ?"), [] if year is None else [int(year)]
                           ).fetchall()
    finally:
        cur.close()
    return {(int(y), p): (c, d) for y, p, c, d in rows}


def deadline(con, year: int, period) -> cycle.Deadline:
    return cycle.deadline(year, period, overrides(con, year))


def calendar(con, year: int, periods=("Q1", "H1", "9M", "FY")) -> list[cycle.Deadline]:
    """The deadlines of `year`: the four usual periods plus any monthly period an admin has set."""
    extra = {p for (_, p) in overrides(con, year)}
    codes = sorted(set(periods) | extra, key=lambda c: parse_period(c).months)
    found = overrides(con, year)
    return [cycle.deadline(year, c, found) for c in codes]


def set_deadline(con, user: auth.User | None, year: int, period, cutoff: date, due: date,
                 actor: str | None = None) -> cycle.Deadline:
    """An administrator's cut-off and due date for (year, period); audited."""
    if user is not None or auth.users_exist(con):
        auth.require_role(user, "admin")
    cycle.check_dates(cutoff, due)
    p = parse_period(period)
    before = deadline(con, year, p.code)
    with transaction(con) as cur:
        cur.execute("DELETE FROM cycle_deadlines WHERE year = ? AND period = ?", [int(year), p.code])
        cur.execute("INSERT INTO cycle_deadlines (year, period, cutoff, due, set_by) VALUES (?, ?, ?, ?, ?)",
                    [int(year), p.code, cutoff, due, actor or getattr(user, "username", None)])
        record(cur, actor or getattr(user, "username", None), "cycle.deadline", "period", f"{year}:{p.code}",
               {"cutoff": before.cutoff, "due": before.due, "source": before.source},
               {"cutoff": cutoff, "due": due})
    _after_commit(con)
    return deadline(con, year, p.code)


# ---- states and locks ----------------------------------------------------------------------

def state_of(con, scheme: str, code: str, year: int, period) -> dict | None:
    """{'state', 'comment', 'updated_by', 'updated_at'} or None (never submitted)."""
    cur = con.cursor()
    try:
        row = cur.execute("SELECT state, comment, updated_by, updated_at FROM cycle_states WHERE locality_scheme = ? "
                          "AND locality_code = ? AND year = ? AND period = ?",
                          [scheme, code, int(year), parse_period(period).code]).fetchone()
    finally:
        cur.close()
    return dict(zip(("state", "comment", "updated_by", "updated_at"), row)) if row else None


def states(con, year: int, period) -> pd.DataFrame:
    return query_df(con, "SELECT s.*, coalesce(l.name, s.locality_code) AS locality_name FROM cycle_states s "
                    "LEFT JOIN localities l ON l.scheme = s.locality_scheme AND l.code = s.locality_code "
                    "WHERE s.year = ? AND s.period = ? ORDER BY locality_name",
                    [int(year), parse_period(period).code])


def _name(con, scheme: str, code: str) -> str:
    cur = con.cursor()
    try:
        return _name_in(cur, scheme, code)
    finally:
        cur.close()


def _name_in(cur, scheme: str, code: str) -> str:
    row = cur.execute("SELECT name FROM localities WHERE scheme = ? AND code = ? UNION ALL "
                      "SELECT name FROM admin_units WHERE scheme = ? AND code = ? LIMIT 1",
                      [scheme, code, scheme, code]).fetchone()
    return row[0] if row else f"{scheme}:{code}"


def _check_right(con, user, action: str, scheme: str, code: str) -> None:
    if not auth.users_exist(con) and user is None:
        return  # operator mode before any user exists (the CLI's first set-up)
    name = _name(con, scheme, code)
    if action == "submit":
        if not auth.can_write(user, scheme, code, con):
            raise auth.forbidden(f"gửi duyệt số liệu của {name}", f"submit the figures of {name}")
    elif not auth.can_lead(user, scheme, code, con):
        raise auth.forbidden(f"{cycle.ACTION_VI[action]} số liệu của {name} (cần lãnh đạo của địa phương này "
                             "hoặc cấp trên)", f"{action} the figures of {name} (needs a leader of it or above)")


def act(con, user, action: str, scheme: str, code: str, year: int, period, comment: str = "",
        actor: str | None = None) -> str:
    """Submit / approve / return / unlock one locality's figures for (year, period); returns the new state.

    Rights: submit needs write rights on the locality (analyst, admin); approve, return and unlock
    a leader of that locality or above (or an admin). Return and unlock need a comment."""
    p = parse_period(period)
    _check_right(con, user, action, scheme, code)
    comment = (comment or "").strip()
    if action in ("return", "unlock") and not comment:
        raise UserError("comment-needed", "Cần ghi lý do (nhận xét) khi trả lại hoặc mở khoá.",
                        "A reason (comment) is needed to return or unlock.")
    who = actor or getattr(user, "username", None)
    with transaction(con) as cur:
        row = cur.execute("SELECT state FROM cycle_states WHERE locality_scheme = ? AND locality_code = ? "
                          "AND year = ? AND period = ?", [scheme, code, int(year), p.code]).fetchone()
        before = row[0] if row else None
        after = cycle.next_state(before, action)
        cur.execute("DELETE FROM cycle_states WHERE locality_scheme = ? AND locality_code = ? AND year = ? "
                    "AND period = ?", [scheme, code, int(year), p.code])
        cur.execute("INSERT INTO cycle_states (locality_scheme, locality_code, year, period, state, comment, "
                    "updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)", [scheme, code, int(year), p.code, after, comment, who])
        record(cur, who, f"cycle.{action}", "period", f"{scheme}:{code}:{year}:{p.code}",
               {"state": before}, {"state": after, "comment": comment})
        notify_hook.cycle_step(cur, action, who, scheme, code, year, p.code, comment)
    _after_commit(con)
    return after


def _approved_among(cur, keys) -> list[tuple[str, str, int, str]]:
    raw = {(s, c, int(y), p) for s, c, y, p in keys if c and y and p}   # a file's rows share few keys
    keys = sorted({(s, c, y, parse_period(p).code) for s, c, y, p in raw})
    if not keys:
        return []
    rows = cur.execute("SELECT locality_scheme, locality_code, year, period FROM cycle_states "
                       "WHERE state = 'approved'").fetchall()
    approved = {(s, c, int(y), p) for s, c, y, p in rows}
    return [k for k in keys if k in approved]


def locked_keys(con, keys) -> list[tuple[str, str, int, str]]:
    """Among (scheme, code, year, period) keys, those whose figures are approved (locked)."""
    cur = con.cursor()
    try:
        return _approved_among(cur, keys)
    finally:
        cur.close()


def _refuse(locked, name_of) -> None:
    if locked:
        s, c, y, p = locked[0]
        per = parse_period(p)
        vi, en = cycle.locked_message(name_of(s, c), per.label_vi, y, per.label_en)
        raise UserError("period-locked", vi, en)


def refuse_if_locked(con, keys) -> None:
    """UserError 'period-locked' when any (scheme, code, year, period) is approved; changes nothing."""
    _refuse(locked_keys(con, keys), lambda s, c: _name(con, s, c))


def refuse_if_locked_in(cur, keys) -> None:
    """The same check with the writer's own cursor, inside its transaction (chitieu.store.actuals): an
    approval committed before the write began is seen, one after it waits for the write (one writer at
    a time), so an upload or undo racing an approval cannot slip into a locked period."""
    _refuse(_approved_among(cur, keys), lambda s, c: _name_in(cur, s, c))


def upload_keys_in(cur, upload_id: int) -> list[tuple[str, str, int, str]]:
    return [tuple(r) for r in cur.execute(
        "SELECT DISTINCT locality_scheme, locality_code, year, period FROM actuals WHERE upload_id = ?",
        [int(upload_id)]).fetchall()]


def upload_keys(con, upload_id: int) -> list[tuple[str, str, int, str]]:
    cur = con.cursor()
    try:
        return [tuple(r) for r in cur.execute(
            "SELECT DISTINCT locality_scheme, locality_code, year, period FROM actuals WHERE upload_id = ?",
            [int(upload_id)]).fetchall()]
    finally:
        cur.close()


# ---- who has not reported --------------------------------------------------------------------

def missing(con, year: int, period, today: date, province: str | None = None,
            localities: list[tuple[str, str]] | None = None, under: list[tuple[str, str]] | None = None
            ) -> pd.DataFrame:
    """Per locality with a plan of `year` (in `province`, among `localities`, or `under` some): targets, targets
    without a figure for exactly `period`, the state, and days to (+) or past (-) the due date.
    Localities with every figure in are included (missing = 0); most missing first."""
    p = parse_period(period)
    where, params = ["p.year = ?"], [int(year)]
    if province:
        where.append("p.province = ?")
        params.append(province)
    if localities is not None:
        where.append("p.locality_scheme || ':' || p.locality_code = ANY(?)")
        params.append([f"{s}:{c}" for s, c in localities])
    if under is not None:  # a leader's or analyst's view: their localities and those below
        sql, more = under_filter(under)
        where.append(sql)
        params += more
    frame = query_df(con, f"""
        WITH tp AS (SELECT p.locality_scheme, p.locality_code, p.locality_name, p.province, t.indicator, t.scope
                    FROM targets t JOIN plans p USING (plan_id) WHERE {' AND '.join(where)}),
        got AS (SELECT DISTINCT a.locality_scheme, a.locality_code, a.indicator, a.scope
                FROM actuals a LEFT JOIN uploads u ON u.upload_id = a.upload_id
                WHERE a.active AND u.undone_at IS NULL AND a.year = ? AND a.period = ?)
        SELECT tp.locality_scheme, tp.locality_code, max(tp.locality_name) AS locality_name,
               max(tp.province) AS province, count(*) AS targets,
               count(*) FILTER (WHERE got.indicator IS NULL) AS missing,
               max(s.state) AS state
        FROM tp LEFT JOIN got USING (locality_scheme, locality_code, indicator, scope)
        LEFT JOIN cycle_states s ON s.locality_scheme = tp.locality_scheme AND s.locality_code = tp.locality_code
             AND s.year = ? AND s.period = ?
        GROUP BY tp.locality_scheme, tp.locality_code
        ORDER BY missing DESC, locality_name""", params + [int(year), p.code, int(year), p.code])
    due = deadline(con, year, p.code).due
    frame["days"] = cycle.days_to_due(due, today)
    frame["due"] = due
    return frame


def missing_targets(con, scheme: str, code: str, year: int, period) -> pd.DataFrame:
    """The targets of one locality with no figure for exactly `period`."""
    p = parse_period(period)
    return query_df(con, """
        SELECT t.indicator, coalesce(i.name_vi, t.indicator_label, t.indicator) AS name,
               coalesce(i.name_en, i.name_vi, t.indicator_label, t.indicator) AS name_en, t.scope
        FROM targets t JOIN plans p USING (plan_id) LEFT JOIN indicators i ON i.code = t.indicator
        WHERE p.locality_scheme = ? AND p.locality_code = ? AND p.year = ?
          AND NOT EXISTS (SELECT 1 FROM actuals a LEFT JOIN uploads u ON u.upload_id = a.upload_id
                          WHERE a.active AND u.undone_at IS NULL AND a.locality_scheme = p.locality_scheme
                            AND a.locality_code = p.locality_code AND a.indicator = t.indicator
                            AND a.scope = t.scope AND a.year = p.year AND a.period = ?)
        ORDER BY t.seq""", [scheme, code, int(year), p.code])


def under_filter(keys) -> tuple[str, list]:
    """SQL (on plans p) keeping localities that are one of `keys` or lie up to three levels below one."""
    wanted = [f"{s}:{c}" for s, c in keys]
    sql = """(p.locality_scheme || ':' || p.locality_code = ANY(?) OR EXISTS (
        SELECT 1 FROM localities l1 LEFT JOIN localities l2 ON l2.scheme = l1.parent_scheme AND l2.code = l1.parent_code
        LEFT JOIN localities l3 ON l3.scheme = l2.parent_scheme AND l3.code = l2.parent_code
        WHERE l1.scheme = p.locality_scheme AND l1.code = p.locality_code AND (
            l1.parent_scheme || ':' || l1.parent_code = ANY(?)
            OR l2.parent_scheme || ':' || l2.parent_code = ANY(?)
            OR l3.parent_scheme || ':' || l3.parent_code = ANY(?))))"""
    return sql, [wanted] * 4


# ---- explanation requests ---------------------------------------------------------------------

def _request(con, request_id: int) -> dict:
    try:
        rid = int(request_id)
    except (TypeError, ValueError):
        rid = None
    row = None
    if rid is not None and -2**31 < rid < 2**31:
        cur = con.cursor()
        try:
            row = cur.execute("SELECT request_id, locality_scheme, locality_code, indicator, scope, year, state, "
                              "message FROM explain_requests WHERE request_id = ?", [rid]).fetchone()
        finally:
            cur.close()
    if row is None:
        raise UserError("unknown-request", f"Không có yêu cầu giải trình số {request_id}.",
                        f"No explanation request {request_id}.")
    return dict(zip(("request_id", "scheme", "code", "indicator", "scope", "year", "state", "message"), row))


def request_explanation(con, user, scheme: str, code: str, indicator: str, scope: str, year: int, message: str,
                        due: date | None = None, actor: str | None = None) -> int:
    """A leader of the locality (or above) asks its analysts why a target stands where it does."""
    if (user is not None or auth.users_exist(con)) and not auth.can_lead(user, scheme, code, con):
        name = _name(con, scheme, code)
        raise auth.forbidden(f"yêu cầu {name} giải trình (cần lãnh đạo của địa phương này hoặc cấp trên)",
                             f"ask {name} for an explanation (needs a leader of it or above)")
    message = (message or "").strip()
    if not message:
        raise UserError("message-needed", "Hãy ghi nội dung cần giải trình.", "Write what needs explaining.")
    who = actor or getattr(user, "username", None)
    with transaction(con) as cur:
        rid = cur.execute("INSERT INTO explain_requests (locality_scheme, locality_code, indicator, scope, year, "
                          "message, due, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING request_id",
                          [scheme, code, indicator, scope or "", int(year), message, due, who]).fetchone()[0]
        record(cur, who, "explain.request", "explain_request", str(rid), None,
               {"locality": f"{scheme}:{code}", "indicator": indicator, "scope": scope, "year": year,
                "message": message, "due": due})
        notify_hook.request_step(cur, "explain.request", rid, who)
    _after_commit(con)
    return int(rid)


def answer_request(con, user, request_id: int, text: str, actor: str | None = None,
                   attachment: tuple[bytes, str] | None = None) -> None:
    """An analyst of the locality answers in text (an open or answered request; a later answer replaces it,
    the earlier one stays in the audit log), optionally with one file `attachment` = (bytes, file name):
    checked with the upload rules (chitieu.cycle.check_attachment) before anything is written, stored in
    the database with the answer in one transaction; a new file replaces the request's earlier one, an
    answer without a file keeps it."""
    req = _request(con, request_id)
    if (user is not None or auth.users_exist(con)) and not auth.can_write(user, req["scheme"], req["code"], con):
        raise auth.forbidden("trả lời yêu cầu giải trình này", "answer this explanation request")
    if req["state"] == "closed":
        raise UserError("request-closed", "Yêu cầu giải trình này đã đóng.", "This explanation request is closed.")
    text = (text or "").strip()
    if not text:
        raise UserError("answer-needed", "Hãy ghi nội dung giải trình.", "Write the explanation.")
    file = None
    if attachment is not None:
        data, name = attachment
        data = bytes(data or b"")
        shown, kind = cycle.check_attachment(data, name)
        file = (shown, kind, len(data), hashlib.sha256(data).hexdigest(), data)
    who = actor or getattr(user, "username", None)
    rid = int(request_id)
    with transaction(con) as cur:
        old = cur.execute("SELECT answer FROM explain_requests WHERE request_id = ?", [rid]).fetchone()[0]
        cur.execute("UPDATE explain_requests SET answer = ?, answered_by = ?, answered_at = current_timestamp, "
                    "state = 'answered' WHERE request_id = ?", [text, who, rid])
        after = {"answer": text}
        if file is not None:
            cur.execute("DELETE FROM explain_attachments WHERE request_id = ?", [rid])
            cur.execute("INSERT INTO explain_attachments (request_id, file_name, kind, size_bytes, sha256, data, "
                        "uploaded_by) VALUES (?, ?, ?, ?, ?, ?, ?)", [rid, *file, who])
            after["attachment"] = {"file": file[0], "kind": file[1], "bytes": file[2], "sha256": file[3]}
        record(cur, who, "explain.answer", "explain_request", str(rid), {"answer": old}, after)
        notify_hook.request_step(cur, "explain.answer", request_id, who)
    _after_commit(con)


def close_request(con, user, request_id: int, actor: str | None = None) -> None:
    req = _request(con, request_id)
    if (user is not None or auth.users_exist(con)) and not auth.can_lead(user, req["scheme"], req["code"], con):
        raise auth.forbidden("đóng yêu cầu giải trình này", "close this explanation request")
    if req["state"] == "closed":
        raise UserError("request-closed", "Yêu cầu giải trình này đã đóng.", "This explanation request is closed.")
    who = actor or getattr(user, "username", None)
    with transaction(con) as cur:
        cur.execute("UPDATE explain_requests SET state = 'closed', closed_by = ?, closed_at = current_timestamp "
                    "WHERE request_id = ?", [who, int(request_id)])
        record(cur, who, "explain.close", "explain_request", str(request_id), {"state": req["state"]},
               {"state": "closed"})
        notify_hook.request_step(cur, "explain.close", request_id, who)
    _after_commit(con)


def requests(con, scheme: str | None = None, code: str | None = None, year: int | None = None,
             open_only: bool = False) -> pd.DataFrame:
    """Explanation requests (newest first) with the locality and indicator names and the attached file's
    name, kind and size (not its bytes: `attachment` gives those)."""
    where, params = [], []
    if scheme is not None:
        where.append("r.locality_scheme = ? AND r.locality_code = ?")
        params += [scheme, code]
    if year is not None:
        where.append("r.year = ?")
        params.append(int(year))
    if open_only:
        where.append("r.state = 'open'")
    return query_df(con, f"""
        SELECT r.*, coalesce(l.name, r.locality_code) AS locality_name, coalesce(i.name_vi, r.indicator) AS name_vi,
               coalesce(i.name_en, i.name_vi, r.indicator) AS name_en,
               f.file_name AS attachment_name, f.kind AS attachment_kind, f.size_bytes AS attachment_size
        FROM explain_requests r LEFT JOIN localities l ON l.scheme = r.locality_scheme AND l.code = r.locality_code
        LEFT JOIN indicators i ON i.code = r.indicator
        LEFT JOIN explain_attachments f ON f.request_id = r.request_id
        {'WHERE ' + ' AND '.join(where) if where else ''}
        ORDER BY r.request_id DESC""", params)


def attachment(con, user, request_id: int) -> dict | None:
    """{'file_name', 'kind', 'mime', 'data'} of the file attached to a request's answer (None: no file).

    Once users exist, only people with rights on the locality open it: its analysts (and those of the
    levels above), its leaders and those above, administrators (UserError 'forbidden' otherwise); every
    reader sees the file's name and size beside the answer."""
    req = _request(con, request_id)
    if (user is not None or auth.users_exist(con)) and not (
            auth.can_write(user, req["scheme"], req["code"], con) or auth.can_lead(user, req["scheme"], req["code"], con)):
        raise auth.forbidden("mở tệp đính kèm của giải trình này (cần chuyên viên hoặc lãnh đạo của địa phương)",
                             "open the file attached to this explanation (needs an analyst or leader of the locality)")
    cur = con.cursor()
    try:
        row = cur.execute("SELECT file_name, kind, data FROM explain_attachments WHERE request_id = ?",
                          [int(request_id)]).fetchone()
    finally:
        cur.close()
    if row is None:
        return None
    return {"file_name": row[0], "kind": row[1], "mime": cycle.ATTACHMENT_MIME.get(row[1], "application/octet-stream"),
            "data": bytes(row[2])}


def find_target(con, scheme: str, code: str, year: int, indicator: str, scope: str | None = None) -> tuple[str, str]:
    """(indicator code, scope) of a target of the locality's plan for `year`, named by its catalogue code
    or its exact Vietnamese / English name (what the command line asks for); UserError naming the
    targets when none or several match."""
    rows = query_df(con, """
        SELECT DISTINCT t.indicator, t.scope, coalesce(i.name_vi, t.indicator_label, t.indicator) AS name_vi,
               coalesce(i.name_en, '') AS name_en, min(t.seq) AS seq
        FROM targets t JOIN plans p USING (plan_id) LEFT JOIN indicators i ON i.code = t.indicator
        WHERE p.locality_scheme = ? AND p.locality_code = ? AND p.year = ?
        GROUP BY t.indicator, t.scope, i.name_vi, t.indicator_label, i.name_en ORDER BY seq""",
                    [scheme, code, int(year)])
    want = nfc(str(indicator or "")).strip().casefold()
    hit = rows[(rows["indicator"].str.casefold() == want) | (rows["name_vi"].map(nfc).str.casefold() == want)
               | (rows["name_en"].str.casefold() == want)]
    if scope is not None:
        hit = hit[hit["scope"] == nfc(scope).strip()]
    if len(hit) == 1:
        return hit.iloc[0]["indicator"], hit.iloc[0]["scope"]
    name = _name(con, scheme, code)
    if hit.empty:
        shown = "; ".join(f"{i} ({n})" for i, n in zip(rows["indicator"][:12], rows["name_vi"][:12]))
        raise UserError("unknown-target", f'Kế hoạch năm {year} của {name} không có chỉ tiêu "{indicator}"'
                        + (f' (phạm vi "{scope}")' if scope else "") + f". Có: {shown or 'không có chỉ tiêu nào'}.",
                        f'The {year} plan of {name} has no target "{indicator}"'
                        + (f' (scope "{scope}")' if scope else "") + f". It has: {shown or 'none'}.")
    scopes = ", ".join(f'"{s}"' for s in hit["scope"])
    raise UserError("ambiguous-target", f'Chỉ tiêu "{indicator}" có nhiều phạm vi ({scopes}): thêm --scope.',
                    f'Target "{indicator}" has several scopes ({scopes}): add --scope.')


def open_requests_for(con, user) -> pd.DataFrame:
    """Open requests for localities `user` may write (what an analyst sees on logging in)."""
    frame = requests(con, open_only=True)
    if frame.empty or user is None:
        return frame.iloc[0:0]
    keep = [auth.can_write(user, s, c, con) for s, c in zip(frame["locality_scheme"], frame["locality_code"])]
    return frame[keep]


def locality_states(con, scheme: str, code: str, year: int) -> dict[str, str]:
    """{period: state} of one locality and year."""
    cur = con.cursor()
    try:
        rows = cur.execute("SELECT period, state FROM cycle_states WHERE locality_scheme = ? AND locality_code = ? "
                           "AND year = ?", [scheme, code, int(year)]).fetchall()
    finally:
        cur.close()
    return dict(rows)


# ---- cascade check (units' targets against the level above) -------------------------------------

def cascade_pairs(con, year: int, province: str | None = None) -> pd.DataFrame:
    """Every target of a locality with a plan of `year` set also by the plan of one of its direct
    units (localities.parent_*, else the unit registry's admin_units.parent_code): parent and unit target side by side, plus how many units have a plan."""
    return query_df(con, f"""
        WITH tp AS (SELECT p.locality_scheme AS scheme, p.locality_code AS code, p.locality_name AS name,
                           p.province, t.indicator, t.scope, t.comparator, t.value, t.unit
                    FROM targets t JOIN plans p USING (plan_id) WHERE p.year = ? AND t.value IS NOT NULL),
        links AS (SELECT l.scheme, l.code, CASE WHEN l.parent_code IS NOT NULL THEN coalesce(l.parent_scheme, l.scheme)
                                                 ELSE l.scheme END AS parent_scheme,
                         coalesce(l.parent_code, a.parent_code) AS parent_code
                  FROM localities l LEFT JOIN admin_units a ON a.scheme = l.scheme AND a.code = l.code),
        kids AS (SELECT l.parent_scheme, l.parent_code, count(DISTINCT l.code) AS units_planned
                 FROM links l JOIN plans p ON p.locality_scheme = l.scheme AND p.locality_code = l.code
                 WHERE p.year = ? GROUP BY l.parent_scheme, l.parent_code)
        SELECT par.scheme AS parent_scheme, par.code AS parent_code, par.name AS parent_name, par.province,
               par.indicator, par.scope, par.comparator, par.value AS parent_value, par.unit AS parent_unit,
               ch.code AS unit_code, ch.comparator AS unit_comparator, ch.value AS unit_value, ch.unit AS unit_unit,
               k.units_planned, i.kind, i.direction, coalesce(i.name_vi, par.indicator) AS indicator_name,
               coalesce(i.name_en, i.name_vi, par.indicator) AS indicator_name_en
        FROM tp par LEFT JOIN indicators i ON i.code = par.indicator
        JOIN links l ON l.parent_scheme = par.scheme AND l.parent_code = par.code
        JOIN tp ch ON ch.scheme = l.scheme AND ch.code = l.code AND ch.indicator = par.indicator
             AND ch.scope = par.scope
        JOIN kids k ON k.parent_scheme = par.scheme AND k.parent_code = par.code
        {'' if province is None else 'WHERE par.province = ?'}
        ORDER BY par.name, par.indicator""", [int(year), int(year)] + ([] if province is None else [province]))
