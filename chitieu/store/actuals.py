"""Reported actuals in the store: validation context, confirm, history, undo, uploads, conflicts.

Every value ever stored stays in `actuals`; the current one for a key (locality, indicator,
scope, year, period) is the active row. Confirming writes a whole file in one transaction
(with its audit row); undoing an upload deactivates its rows and reactivates the rows they
had superseded.
"""
from __future__ import annotations

import threading

import pandas as pd

from chitieu import settings
from chitieu.actuals import ERROR, Context, Preview
from chitieu.catalogue import Indicator, default_catalogue
from chitieu.errors import UserError
from chitieu.store import query_df, transaction
from chitieu.store.audit import record
from chitieu.store import cycle as cycle_store
from chitieu.store.reads import months_sql

# Confirms and undos run one at a time per process: under DuckDB's snapshot isolation two
# concurrent confirms of the same new keys would not see each other's rows (both would stay
# current). Serialised, the second sees the first and is refused as stale-preview.
_WRITE_LOCK = threading.Lock()
KEY = ["locality_scheme", "locality_code", "indicator", "scope", "year", "period"]
_ROW_COLUMNS = ["actual_id", "upload_id", *KEY, "value", "unit", "verdict", "assigned_value", "standing", "note",
                "source", "illustrative", "created_by", "superseded_by", "active"]


def load_context(con, catalogue: dict[str, Indicator] | None = None, *, allow_duplicates: bool = False,
                 allow_no_plan: bool = False) -> Context:
    """Localities, years with a plan and targets: what `chitieu.actuals.validate` checks against."""
    cur = con.cursor()
    locs = cur.execute("SELECT scheme, code, name FROM localities").fetchall()
    years = {(s, c, int(y)) for s, c, y in cur.execute(
        "SELECT locality_scheme, locality_code, year FROM plans").fetchall()}
    targets: dict[tuple, list[dict]] = {}
    for s, c, y, ind, scope, comp, v, vh, unit in cur.execute(
            "SELECT p.locality_scheme, p.locality_code, p.year, t.indicator, t.scope, t.comparator, t.value, "
            "t.value_high, t.unit FROM targets t JOIN plans p USING (plan_id)").fetchall():
        targets.setdefault((s, c, int(y), ind), []).append(
            {"scope": scope or "", "comparator": comp, "value": v, "value_high": vh, "unit": unit or ""})
    cur.close()
    return Context(catalogue=catalogue or default_catalogue(), localities=locs, plan_years=years,
                   targets=targets, years=settings.accepted_years(), allow_duplicates=allow_duplicates,
                   allow_no_plan=allow_no_plan)


def current_values(con, keys: list[tuple]) -> dict[tuple, dict]:
    """Active stored value for each key present (one query: the keys are joined as a table)."""
    if not keys:
        return {}
    frame = pd.DataFrame(list(set(keys)), columns=KEY)
    cur = con.cursor()
    try:
        cur.register("wanted_keys", frame)
        rows = cur.execute(
            "SELECT a.actual_id, a.locality_scheme, a.locality_code, a.indicator, a.scope, a.year, a.period, "
            "a.value, a.standing, a.verdict, a.assigned_value FROM actuals a JOIN wanted_keys k "
            "USING (locality_scheme, locality_code, indicator, scope, year, period) WHERE a.active "
            "ORDER BY a.actual_id").fetchall()   # two current figures (a sample conflict): the newest counts
    finally:
        cur.close()
    return {tuple(r[1:7]): {"actual_id": r[0], "value": r[7], "standing": r[8], "verdict": r[9],
                            "assigned_value": r[10]} for r in rows}


def _stale(cur, preview: Preview) -> bool:
    """True when the stored values changed since the dry run (another upload in between)."""
    planned = {r.key: r.previous_id for r in preview.rows if r.change in ("revision", "supersede", "same")}
    new_keys = [r.key for r in preview.rows if r.change == "new"]
    if not planned and not new_keys:
        return False
    frame = pd.DataFrame([*planned.keys(), *new_keys], columns=KEY)
    cur.register("check_keys", frame)
    now = {tuple(r[1:]): r[0] for r in cur.execute(
        "SELECT a.actual_id, a.locality_scheme, a.locality_code, a.indicator, a.scope, a.year, a.period "
        "FROM actuals a JOIN check_keys k USING (locality_scheme, locality_code, indicator, scope, year, period) "
        "WHERE a.active ORDER BY a.actual_id").fetchall()}
    cur.unregister("check_keys")
    return any(now.get(k) != v for k, v in planned.items()) or any(k in now for k in new_keys)


def store_preview(con, preview: Preview, user: str | None, *, sample: bool = False) -> int:
    """Write a checked file in ONE transaction; returns the upload_id.

    Refuses (UserError) while an error remains, or when the stored values changed since the
    dry run. Rows whose value is unchanged are counted as accepted but not written again.
    """
    if not preview.ok:
        n = sum(1 for i in preview.issues if i.severity == ERROR)
        raise UserError("upload-has-errors", f"Tệp còn {n} lỗi; chưa lưu gì. Hãy sửa rồi tải lên lại.",
                        f"The file still has {n} errors; nothing was stored. Fix them and upload again.")
    write = [r for r in preview.rows if r.change in ("new", "revision", "supersede")]
    with _WRITE_LOCK, transaction(con) as cur:
        # An approved (locked) period refuses the file, checked inside this transaction (issue 13).
        cycle_store.refuse_if_locked_in(cur, [(r.key[0], r.key[1], r.key[4], r.key[5]) for r in preview.rows])
        if _stale(cur, preview):
            raise UserError("stale-preview", "Số liệu đã thay đổi từ lúc kiểm tra thử; hãy kiểm tra lại trước khi lưu.",
                            "Stored values changed since the dry run; run the check again before confirming.")
        upload_id = cur.execute(
            "INSERT INTO uploads (file_name, sha256, uploader, rows_accepted, rows_rejected, sample) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING upload_id",
            [preview.file_name, preview.sha256, user, len(preview.rows), 0, sample]).fetchone()[0]
        records = [(upload_id, *r.key, r.value, r.unit, r.verdict, r.assigned_value, r.standing, r.note,
                     r.source, r.illustrative, user) for r in write]
        if records:
            frame = pd.DataFrame(records, columns=["upload_id", *KEY, "value", "unit", "verdict", "assigned_value",
                                                   "standing", "note", "source", "illustrative", "created_by"])
            cur.register("new_actuals", frame)
            cur.execute("INSERT INTO actuals (upload_id, locality_scheme, locality_code, indicator, scope, year, period, "
                        "value, unit, verdict, assigned_value, standing, note, source, illustrative, created_by) "
                        "SELECT * FROM new_actuals")
            cur.unregister("new_actuals")
            # Every value current before this upload gives way to the new one for its key. Two figures
            # for one key in the same file (sample data only) both stay current: a visible conflict.
            cur.execute(f"""
                UPDATE actuals SET active = FALSE, superseded_by = n.new_id
                FROM (SELECT {', '.join(KEY)}, max(actual_id) AS new_id FROM actuals WHERE upload_id = ?
                      GROUP BY {', '.join(KEY)}) n
                WHERE actuals.active AND actuals.upload_id IS DISTINCT FROM ?
                  AND {' AND '.join(f'actuals.{k} = n.{k}' for k in KEY)}""", [upload_id, upload_id])
        c = preview.counts()
        record(cur, user, "actuals.upload", "upload", str(upload_id), None,
               {"file": preview.file_name, "sha256": preview.sha256, "rows": c["rows"], "new": c["new"],
                "revision": c["revision"], "supersede": c["supersede"], "same": c["same"], "sample": sample})
    return upload_id


def undo_upload(con, upload_id: int, user: str | None) -> dict:
    """Take an upload back: its rows leave the current values, the values they replaced return.

    Rows stay in history (the upload is marked undone). Returns counts.
    """
    with _WRITE_LOCK, transaction(con) as cur:
        row = cur.execute("SELECT file_name, undone_at FROM uploads WHERE upload_id = ?", [upload_id]).fetchone()
        if row is None:
            raise UserError("unknown-upload", f"Không có lần tải lên số {upload_id}.", f"No upload {upload_id}.")
        if row[1] is not None:
            raise UserError("already-undone", f"Lần tải lên số {upload_id} đã được hoàn tác.",
                            f"Upload {upload_id} was already undone.")
        cycle_store.refuse_if_locked_in(cur, cycle_store.upload_keys_in(cur, upload_id))  # issue 13: locked
        # Values of this upload still current give way to the ones they superseded.
        restored = cur.execute(
            "UPDATE actuals SET active = TRUE, superseded_by = NULL FROM actuals n "
            "WHERE actuals.superseded_by = n.actual_id AND n.upload_id = ? AND n.active RETURNING actuals.actual_id",
            [upload_id]).fetchall()
        # A later upload may have superseded this one's rows: its values stay current, but the chain
        # now skips the undone rows.
        cur.execute("UPDATE actuals SET superseded_by = n.superseded_by FROM actuals n "
                    "WHERE actuals.superseded_by = n.actual_id AND n.upload_id = ? AND NOT n.active", [upload_id])
        removed = cur.execute("UPDATE actuals SET active = FALSE WHERE upload_id = ? AND active RETURNING actual_id",
                              [upload_id]).fetchall()
        cur.execute("UPDATE uploads SET undone_at = current_timestamp, undone_by = ? WHERE upload_id = ?",
                    [user, upload_id])
        result = {"upload_id": upload_id, "removed": len(removed), "restored": len(restored)}
        record(cur, user, "actuals.undo", "upload", str(upload_id), {"file": row[0]}, result)
    return result


def list_uploads(con, include_sample: bool = True):
    """Uploads newest first: file, sha256, uploader, time, rows accepted/rejected, undone, sample."""
    return query_df(con, f"""
        SELECT u.upload_id, u.file_name, u.sha256, u.uploader, u.uploaded_at, u.rows_accepted, u.rows_rejected,
               u.undone_at, u.undone_by, u.sample, count(a.actual_id) AS values_written
        FROM uploads u LEFT JOIN actuals a USING (upload_id)
        {'' if include_sample else 'WHERE NOT u.sample'}
        GROUP BY u.upload_id, u.file_name, u.sha256, u.uploader, u.uploaded_at, u.rows_accepted, u.rows_rejected,
                 u.undone_at, u.undone_by, u.sample
        ORDER BY u.upload_id DESC""")


def history(con, locality_scheme: str, locality_code: str, indicator: str | None = None, year: int | None = None,
            scope: str | None = None, period: str | None = None):
    """Every value ever stored for a locality (optionally one indicator/year/scope/period), newest first.

    `state` is current / superseded / undone; `revision` is True where an official figure
    replaced an estimate or a preliminary one.
    """
    sql = """
        SELECT a.*, u.file_name, u.uploader, u.uploaded_at, u.undone_at, u.sample,
               CASE WHEN a.active THEN 'current' WHEN u.undone_at IS NOT NULL THEN 'undone' ELSE 'superseded' END
                   AS state,
               coalesce(n.standing = 'official' AND a.standing IN ('estimate', 'preliminary'), FALSE) AS revised_by_official,
               n.value AS replaced_by_value
        FROM actuals a LEFT JOIN uploads u USING (upload_id) LEFT JOIN actuals n ON n.actual_id = a.superseded_by
        WHERE a.locality_scheme = ? AND a.locality_code = ?"""
    params: list = [locality_scheme, locality_code]
    for col, val in (("indicator", indicator), ("year", year), ("scope", scope), ("period", period)):
        if val is not None:
            sql += f" AND a.{col} = ?"
            params.append(val)
    return query_df(con, sql + " ORDER BY a.indicator, a.scope, a.year, a.period, a.actual_id DESC", params)


def current_actuals(con, locality_scheme: str, locality_code: str, year: int):
    """The current (active) values of one locality and year."""
    return query_df(con, f"SELECT {', '.join('a.' + c for c in _ROW_COLUMNS)}, u.sample FROM actuals a "
                         "LEFT JOIN uploads u USING (upload_id) "
                         "WHERE a.active AND a.locality_scheme = ? AND a.locality_code = ? AND a.year = ?",
                    [locality_scheme, locality_code, int(year)])


def all_current_actuals(con, year: int | None = None):
    sql = (f"SELECT {', '.join('a.' + c for c in _ROW_COLUMNS)}, l.name AS locality_name FROM actuals a "
           "LEFT JOIN localities l ON l.scheme = a.locality_scheme AND l.code = a.locality_code WHERE a.active")
    return query_df(con, sql + (" AND a.year = ?" if year is not None else ""),
                    [int(year)] if year is not None else [])


_MONTHS = months_sql("a.period")
_LIVE = "FROM actuals a LEFT JOIN uploads u USING (upload_id) WHERE u.undone_at IS NULL"


def _where(scheme, code, year) -> tuple[str, list]:
    sql, params = "", []
    if scheme is not None:
        sql += " AND a.locality_scheme = ? AND a.locality_code = ?"
        params += [scheme, code]
    if year is not None:
        sql += " AND a.year = ?"
        params.append(int(year))
    return sql, params


def _fmt(v) -> str:
    from chitieu.numbers import format_vn
    return format_vn(v)


def conflicts(con, locality_scheme: str | None = None, locality_code: str | None = None,
              year: int | None = None):
    """Figures that contradict each other, to show rather than hide. One row per conflict:
    kind, locality, indicator, scope, year, periods, values, message_vi, message_en.

    kinds: conflicting-values (one source gives two figures for the same key: both kept
    current, the later one judges the target); cumulative-decrease (a flow indicator's count from
    1 January falls from one period to a later one: one figure is wrong or the sources
    count differently); no-plan (figures for a year the locality has no plan for).
    """
    where, params = _where(locality_scheme, locality_code, year)
    out = []
    for r in query_df(con, f"""
            SELECT a.locality_scheme, a.locality_code, a.indicator, a.scope, a.year, a.period, a.upload_id,
                   array_agg(a.value ORDER BY a.actual_id) AS vals, array_agg(a.note ORDER BY a.actual_id) AS notes
            {_LIVE} {where}
            GROUP BY a.locality_scheme, a.locality_code, a.indicator, a.scope, a.year, a.period, a.upload_id
            HAVING count(DISTINCT a.value) > 1""", params).itertuples(index=False):
        vals = " / ".join(_fmt(v) for v in r.vals)
        out.append({**_key(r), "kind": "conflicting-values", "periods": r.period, "values": vals,
                    "message_vi": f"Cùng một nguồn (lần tải {r.upload_id}) cho {len(r.vals)} số khác nhau "
                                  f"kỳ {r.period}: {vals}. Cả hai được giữ; trang tổng quan dùng số nhập sau. Cần kiểm tra lại nguồn.",
                    "message_en": f"One source (upload {r.upload_id}) gives {len(r.vals)} different figures for "
                                  f"{r.period}: {vals}. Both are kept; the dashboard uses the later one. Check the source."})
    for r in query_df(con, f"""
            WITH cur AS (
                SELECT a.locality_scheme, a.locality_code, a.indicator, a.scope, a.year, a.period, a.value,
                       a.standing, {_MONTHS} AS months
                {_LIVE} AND a.active AND a.value IS NOT NULL {where}
                  AND a.indicator IN (SELECT code FROM indicators WHERE kind = 'flow')),
            seq AS (
                SELECT *, lag(value) OVER w AS prev_value, lag(period) OVER w AS prev_period
                FROM cur WINDOW w AS (PARTITION BY locality_scheme, locality_code, indicator, scope, year
                                      ORDER BY months))
            SELECT * FROM seq WHERE value < prev_value AND prev_period <> period ORDER BY year, indicator, months""",
                      params).itertuples(index=False):
        vals = f"{_fmt(r.prev_value)} → {_fmt(r.value)}"
        out.append({**_key(r), "kind": "cumulative-decrease", "periods": f"{r.prev_period} → {r.period}",
                    "values": vals,
                    "message_vi": f"Số lũy kế từ đầu năm giảm từ kỳ {r.prev_period} đến kỳ {r.period} ({vals}): "
                                  "một trong hai số sai, hoặc hai nguồn tính khác nhau.",
                    "message_en": f"The count since 1 January falls from {r.prev_period} to {r.period} ({vals}): "
                                  "one figure is wrong, or the sources count differently."})
    for r in query_df(con, f"""
            SELECT a.locality_scheme, a.locality_code, '' AS indicator, '' AS scope, a.year,
                   string_agg(DISTINCT a.period, ', ') AS periods, count(*) AS n,
                   string_agg(DISTINCT a.indicator, ', ') AS indicators
            {_LIVE} AND a.active {where}
              AND NOT EXISTS (SELECT 1 FROM plans p WHERE p.locality_scheme = a.locality_scheme
                              AND p.locality_code = a.locality_code AND p.year = a.year)
            GROUP BY a.locality_scheme, a.locality_code, a.year ORDER BY a.year""", params).itertuples(index=False):
        out.append({**_key(r), "kind": "no-plan", "periods": r.periods, "values": r.indicators,
                    "message_vi": f"Có {r.n} số liệu năm {r.year} ({r.indicators}) nhưng chưa có kế hoạch năm đó: "
                                  "chưa đánh giá được.",
                    "message_en": f"{r.n} figures for {r.year} ({r.indicators}) but no plan for that year: "
                                  "nothing to judge them against."})
    columns = ["kind", "locality_scheme", "locality_code", "locality_name", "indicator", "scope", "year", "periods",
               "values", "message_vi", "message_en"]
    frame = pd.DataFrame(out, columns=columns)
    if not frame.empty:
        names = dict(((s, c), n) for s, c, n in con.cursor().execute(
            "SELECT scheme, code, name FROM localities").fetchall())
        frame["locality_name"] = [names.get((s, c), c) for s, c in zip(frame.locality_scheme, frame.locality_code)]
    return frame


def _key(r) -> dict:
    return {"locality_scheme": r.locality_scheme, "locality_code": r.locality_code, "indicator": r.indicator,
            "scope": r.scope, "year": int(r.year)}


def upload_localities(con, upload_id: int) -> list[tuple[str, str]]:
    """The (scheme, code) pairs an upload wrote figures for (to check who may undo it)."""
    cur = con.cursor()
    try:
        return [tuple(r) for r in cur.execute(
            "SELECT DISTINCT locality_scheme, locality_code FROM actuals WHERE upload_id = ? ORDER BY 1, 2",
            [upload_id]).fetchall()]
    finally:
        cur.close()
