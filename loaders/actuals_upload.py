"""Upload of actuals, the two steps the dashboard and the command line share.

    preview = dry_run(con, data, "bao_cao.xlsx", user="analyst")   # reads, checks, diffs; writes nothing
    if preview.ok:
        upload_id = confirm(con, preview, user="analyst")          # the whole file, one transaction

A file that cannot be read at all (not Excel, corrupt, password-protected, too large, an
empty sheet) gives a preview with one file-level issue instead of an exception, so every
problem is rendered the same way.
"""
from __future__ import annotations

import hashlib

from chitieu.actuals import ERROR, Issue, Preview, plan_changes, validate
from chitieu.errors import UserError
from chitieu.store.actuals import current_values, load_context, store_preview
from loaders.excel_read import read_workbook


def dry_run(con, data: bytes, file_name: str, user: str | None = None, *, year: int | None = None,
            period: str | None = None, context=None) -> Preview:
    """Read and check an uploaded workbook against the store; nothing is written.

    `year` / `period` fill a wide sheet that names neither in a column nor in its title.
    """
    preview = Preview(file_name=file_name, sha256=hashlib.sha256(data).hexdigest(), size=len(data), uploader=user)
    ctx = context or load_context(con)
    try:
        read = read_workbook(data, file_name, ctx.catalogue, year=year, period=period)
    except UserError as exc:
        preview.file_issues.append(Issue(0, "file", exc.code, exc.vi, exc.en, ERROR))
        return preview
    preview.shape = read.shape
    preview.rows = validate(read.rows, ctx)
    if not preview.rows:
        preview.file_issues.append(Issue(
            0, "file", "no-values", f"Tệp {file_name} không có số liệu nào (cột Số thực hiện còn trống).",
            f"The file {file_name} holds no values (the actual column is empty).", ERROR))
    keys = [r.key for r in preview.rows if r.outcome != ERROR]
    plan_changes(preview.rows, current_values(con, keys))
    return preview


def confirm(con, preview: Preview, user: str | None = None) -> int:
    """Store a previewed file in one transaction; returns the upload_id. UserError if blocked."""
    return store_preview(con, preview, user or preview.uploader)


def import_file(con, data: bytes, file_name: str, user: str | None = None, **kw) -> tuple[Preview, int | None]:
    """dry_run then confirm when nothing blocks; (preview, upload_id or None)."""
    preview = dry_run(con, data, file_name, user, **kw)
    return preview, (confirm(con, preview, user) if preview.ok else None)
