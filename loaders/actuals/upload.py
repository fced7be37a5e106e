"""Upload of actuals, the two steps the dashboard and the command line share.

    preview = dry_run(con, data, "bao_cao.xlsx", user="analyst")   # reads, checks, diffs; writes nothing
    if preview.ok:
        upload_id = confirm(con, preview, user="analyst")          # the whole file, one transaction
    undo(con, upload_id, user="analyst")                           # rights checked, values restored

A file that cannot be read at all (not Excel, corrupt, password-protected, too large, an
empty sheet, a sheet reaching XFD1048576, a reader that ran out of memory or time) gives a
preview with one file-level issue instead of an exception, so every problem is rendered the
same way.

The workbook is read in a capped child process (`read_isolated`, chitieu.isolation): the
server (or the command line) only runs the cheap checks on the bytes (size, type, ZIP
directory and declared sizes), never the Excel reader itself.
"""
from __future__ import annotations

import hashlib

from chitieu import auth, isolation
from chitieu.actuals import ERROR, Issue, Preview, plan_changes, validate
from chitieu.cycle import locked_message
from chitieu.periods import parse_period
from chitieu.errors import UserError
from chitieu.filetypes import safe_name
from chitieu.store import cycle as cycle_store
from chitieu.store.actuals import current_values, load_context, store_preview, undo_upload, upload_localities
from loaders.actuals.excel_read import ReadResult, check_file


def read_isolated(data: bytes, file_name: str, catalogue=None, year: int | None = None,
                  period: str | None = None) -> ReadResult:
    """`excel_read.read_workbook` in a child process capped in memory, CPU and wall-clock time;
    UserError for anything it refuses, including a reader that crashed or ran out of its limits."""
    check_file(data, file_name)       # cheap, in this process: size, type by content, ZIP directory
    return isolation.run("loaders.actuals.excel_read:read_workbook", data, file_name, catalogue, year, period,
                         shown=file_name)


def dry_run(con, data: bytes, file_name: str, user=None, *, year: int | None = None,
            period: str | None = None, context=None) -> Preview:
    """Read and check an uploaded workbook against the store; nothing is written.

    `user` is the uploader (a chitieu.auth.User or a user name); once users exist, rows for
    localities they may not write are errors (forbidden-locality). `year` / `period` fill a
    wide sheet that names neither in a column nor in its title.
    """
    name = getattr(user, "username", user)
    preview = Preview(file_name=safe_name(file_name), sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                      uploader=name)
    ctx = context or load_context(con)
    try:
        read = read_isolated(data, file_name, ctx.catalogue, year=year, period=period)
    except UserError as exc:
        preview.file_issues.append(Issue(0, "file", exc.code, exc.vi, exc.en, ERROR))
        return preview
    preview.shape = read.shape
    preview.rows = validate(read.rows, ctx)
    if not preview.rows:
        preview.file_issues.append(Issue(
            0, "file", "no-values", f"Tệp {file_name} không có số liệu nào (cột Số thực hiện còn trống).",
            f"The file {file_name} holds no values (the actual column is empty).", ERROR))
    _check_rights(con, preview, user)
    _check_locks(con, preview)
    keys = [r.key for r in preview.rows if r.outcome != ERROR]
    plan_changes(preview.rows, current_values(con, keys))
    return preview


def _check_rights(con, preview: Preview, user) -> None:
    """Once users exist, every locality in the file must be writable by the uploader
    (chitieu.auth: analysts write their assigned localities and those under them)."""
    if not auth.users_exist(con):
        return
    account = user if isinstance(user, auth.User) else (auth.load_user(con, user) if user else None)
    keys = {(r.locality_scheme, r.locality_code) for r in preview.rows if r.locality_code}
    denied = set(auth.forbidden_localities(account, sorted(keys), con))
    for r in preview.rows:
        if (r.locality_scheme, r.locality_code) in denied:
            r.add("locality", "forbidden-locality", f"Bạn không có quyền nhập số liệu cho {r.locality_name}.",
                  f"You may not enter figures for {r.locality_name}.")


def _check_locks(con, preview: Preview) -> None:
    """Rows for a period a leader approved (locked, issue 13) are errors: nothing of the file is stored."""
    locked = set(cycle_store.locked_keys(con, [(r.locality_scheme, r.locality_code, r.year, r.period)
                                               for r in preview.rows if r.locality_code and r.year and r.period]))
    for r in preview.rows:
        if locked and (r.locality_scheme, r.locality_code, r.year, r.period) in locked:
            vi, en = locked_message(r.locality_name, parse_period(r.period).label_vi, r.year)
            r.add("period", "period-locked", vi, en)


def confirm(con, preview: Preview, user: str | None = None) -> int:
    """Store a previewed file in one transaction; returns the upload_id. UserError if blocked
    (also 'period-locked' when a leader approved one of its periods since the preview)."""
    cycle_store.refuse_if_locked(con, [(r.locality_scheme, r.locality_code, r.year, r.period) for r in preview.rows])
    return store_preview(con, preview, getattr(user, "username", user) or preview.uploader)


def undo(con, upload_id: int, user=None) -> dict:
    """Undo an upload after checking the user may write every locality it touched (once users
    exist; UserError 'forbidden' otherwise). `user`: a chitieu.auth.User or a user name."""
    if auth.users_exist(con):
        account = user if isinstance(user, auth.User) else (auth.load_user(con, user) if user else None)
        denied = auth.forbidden_localities(account, upload_localities(con, int(upload_id)), con)
        if denied:
            shown = ", ".join(f"{s}:{c}" for s, c in denied)
            raise auth.forbidden(f"hoàn tác lần tải lên {upload_id} (có số liệu của {shown})",
                                 f"undo upload {upload_id} (it holds figures for {shown})")
    cycle_store.refuse_if_locked(con, cycle_store.upload_keys(con, int(upload_id)))
    return undo_upload(con, int(upload_id), getattr(user, "username", user))


def import_file(con, data: bytes, file_name: str, user: str | None = None, **kw) -> tuple[Preview, int | None]:
    """dry_run then confirm when nothing blocks; (preview, upload_id or None)."""
    preview = dry_run(con, data, file_name, user, **kw)
    return preview, (confirm(con, preview, user) if preview.ok else None)
