"""The logged-in user's notifications (issue 13) in the sidebar, under the login box, on every page.

`sidebar(user, where)` is called by dashboard.py once the pages are known: a "Thông báo: N chưa đọc"
expander (open while something is unread) with the newest notifications first — what happened,
who did it, their words, what to do — a button that opens the page where to act (with the year,
period or locality already chosen) and marks it read, "Đã đọc" per message and "Đánh dấu tất cả đã
đọc". A toast says how many are unread once per login. Administrators also see e-mails that could
not be sent (when a mail server is configured). Only the reader's own notifications are read or
changed (chitieu.store.notify takes the user name). Widget keys: inbox_open_<id>, inbox_read_<id>,
inbox_read_all. The words come from chitieu/notify.py, in the sidebar's language.
"""
from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from chitieu import auth, notify
from chitieu.store import notify as store
from ui import common
from ui.i18n import t

log = logging.getLogger("chitieu")
SHOWN = 10
PAGES = {"locality": "views/locality.py", "cycle": "views/cycle.py"}


def _mark(username: str, ids: list[int] | None) -> None:
    try:
        store.mark_read(common.con(), username, ids)
    except Exception as exc:  # noqa: BLE001 - a read-only database: the message simply stays unread
        log.warning("inbox: cannot mark read (%s)", exc)


def _open(username: str, nid: int, page: str, query: dict) -> None:
    """Button callback: mark read, choose the notification's year / period / locality, go to its page."""
    _mark(username, [nid])
    for key, value in query.items():
        st.session_state[key] = value
        st.session_state["_keep_" + key] = value
        st.session_state[common._widget_key(key)] = value
    st.session_state["_inbox_go"] = PAGES[page]


def _when(value) -> str:
    return pd.Timestamp(value).strftime("%d/%m/%Y %H:%M") if value is not None and not pd.isna(value) else ""


def sidebar(user: auth.User | None, where=None) -> None:
    """The inbox of `user` (nothing for an anonymous reader)."""
    if (target := st.session_state.pop("_inbox_go", None)) is not None:
        st.switch_page(target)
    if user is None:
        return
    lang = common.lang()
    try:
        con = common.con()
        rows = store.inbox(con, user.username, limit=SHOWN)
        unread = 0 if rows.empty else int(rows["unread"].iloc[0])
    except Exception as exc:  # noqa: BLE001 - the inbox must never stop a page
        log.warning("inbox of %s not shown (%s)", user.username, exc)
        return
    if unread and st.session_state.get("_inbox_toast") != user.username:
        st.session_state["_inbox_toast"] = user.username
        st.toast(t("inbox_toast", lang, n=unread), icon=":material/mail:")
    box = (where or st.sidebar).expander(t("inbox_title", lang, n=unread) if unread else t("inbox_title_none", lang),
                                         expanded=bool(unread), icon=":material/mail:")
    with box:
        _admin_lines(con, user, lang)
        if rows.empty:
            st.caption(t("inbox_empty", lang))
            return
        if unread:
            st.button(t("inbox_mark_all", lang), key="inbox_read_all", on_click=_mark, args=(user.username, None),
                      type="tertiary", icon=":material/done_all:")
        for r in rows.to_dict("records"):
            _item(notify.clean(r), user.username, lang)
        if int(rows["total"].iloc[0]) > SHOWN:
            st.caption(t("inbox_more", lang, n=int(rows["total"].iloc[0]) - SHOWN))


def _item(n: dict, username: str, lang: str) -> None:
    nid = int(n["notification_id"])
    if lang == "en" and n.get("name_en"):
        n["indicator_name"] = n["name_en"]
    elif n.get("name_vi"):
        n["indicator_name"] = n["name_vi"]
    fresh = n.get("read_at") is None
    head = common._md_escape(notify.title(n, lang))
    st.markdown(("**" + head + "**" if fresh else head) + "  \n" + common._md_escape(notify.body(n, lang)))
    st.caption(" · ".join(x for x in (_when(n.get("created_at")), t("inbox_unread", lang) if fresh else "") if x))
    label, page, query = notify.link(n, lang)
    st.button(label, key=f"inbox_open_{nid}", on_click=_open, args=(username, nid, page, query),  # the sidebar is
              type="tertiary", icon=":material/arrow_forward:")                                    # narrow: stacked
    if fresh:
        st.button(t("inbox_mark", lang), key=f"inbox_read_{nid}", on_click=_mark, args=(username, [nid]),
                  type="tertiary", icon=":material/done:")


def _admin_lines(con, user: auth.User, lang: str) -> None:
    """With e-mail on: failures for an administrator; a hint for a user without an address."""
    config = notify.smtp_config()
    if config is None:
        return
    try:
        if user.role == "admin" and (failed := store.email_failures(con)):
            st.warning(t("inbox_mail_failed", lang, n=failed["n"], why=notify.failure_text(failed["error"], config,
                                                                                            lang)),
                       icon=":material/mail_lock:")
        if notify.address_of(user.username, store.email_of(con, user.username)) is None:
            st.caption(t("inbox_no_address", lang))
    except Exception as exc:  # noqa: BLE001
        log.warning("inbox: e-mail state not shown (%s)", exc)
