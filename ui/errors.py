"""The product's own error page: no traceback and no server path ever reaches a visitor.

dashboard.py runs every page through `run_page(st.navigation(...))`:
- a UserError (bad input, a refused write: read-only database, full disk) is its Vietnamese
  (or English) message;
- a DatabaseFault (busy, damaged, cannot be created) is its public message; the detail with
  file names and how to restore goes to the server log only;
- anything else is a short apology with an incident number; the traceback goes to the server
  log (logger "chitieu"), and a database invalidated by a failed write is reopened next time.
`.streamlit/config.toml` sets `client.showErrorDetails = "none"` for whatever escapes this.

Developers and the test suite set CHITIEU_DEBUG=1: unexpected exceptions are then raised as
usual, so Streamlit and AppTest show them (tests/conftest.py sets it).
"""
from __future__ import annotations

import logging
import os
import uuid

import streamlit as st

from chitieu.errors import UserError
from chitieu.store import DatabaseFault, note_failure

log = logging.getLogger("chitieu")

_TEXT = {
    "vi": ("Đã có lỗi khi hiển thị trang này (mã sự cố {ref}); dữ liệu không bị thay đổi. Hãy tải lại trang hoặc "
           "chọn trang khác; nếu vẫn lỗi, báo quản trị viên kèm mã sự cố."),
    "en": ("Something went wrong showing this page (incident {ref}); no data was changed. Reload the page or "
           "open another one; if it keeps happening, tell the administrator the incident number."),
}


def debug() -> bool:
    return os.environ.get("CHITIEU_DEBUG", "") not in ("", "0", "false", "False")


def _lang() -> str:
    try:
        from ui.common import lang
        return lang()
    except Exception:  # noqa: BLE001 - the error page must not fail
        return "vi"


def show_fault(exc: DatabaseFault, lang: str | None = None) -> None:
    log.error("database fault: %s", exc.detail or exc)
    st.error(exc.message(lang or _lang()), icon=":material/database:")


def show_unexpected(exc: BaseException, lang: str | None = None) -> str:
    ref = uuid.uuid4().hex[:8]
    note_failure(exc)  # an invalidated database is reopened on the next query
    log.error("incident %s", ref, exc_info=exc)
    st.error(_TEXT["en" if (lang or _lang()) == "en" else "vi"].format(ref=ref), icon=":material/error:")
    return ref


def run_page(page, lang: str | None = None) -> None:
    """page.run() with the product's error page around it (st.stop / st.rerun pass through)."""
    try:
        page.run()
    except UserError as exc:
        st.error(exc.message(lang or _lang()), icon=":material/error:")
    except DatabaseFault as exc:
        show_fault(exc, lang)
    except Exception as exc:  # noqa: BLE001 - the visitor gets the error page, the log the traceback
        if debug():
            raise
        show_unexpected(exc, lang)
