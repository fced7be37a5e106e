"""Widgets of the reporting-cycle page (views/cycle.py, issue 13): calendar, the admin's dates,
who has not reported, the submit / approve / return / unlock box, explanation requests (with the
file attached to an answer) and the cascade check. Every word goes through ui.i18n (cy_* keys)."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from chitieu import auth, cycle
from chitieu.errors import UserError
from chitieu.filetypes import upload_limit_text
from chitieu.periods import PERIOD_CHOICES, parse_period, period_year
from chitieu.store import cycle as cycle_store
from ui import common
from ui.i18n import t


def today() -> date:
    return date.today()


def _msg(exc: UserError, language: str) -> str:
    return exc.en if language == "en" else exc.vi


def _cap(text: str) -> str:
    """'full year' -> 'Full year' where a label opens a sentence or a cell."""
    return text[:1].upper() + text[1:]


def deadline_line(d: cycle.Deadline, language: str = "vi") -> str:
    return t("cy_deadline_line", language, when=period_year(d.period, d.year, language),
             cutoff=f"{d.cutoff:%d/%m/%Y}", due=f"{d.due:%d/%m/%Y}",
             left=cycle.due_text(cycle.days_to_due(d.due, today()), language),
             origin=t("cy_origin_admin" if d.source == "admin" else "cy_origin_default", language))


def calendar_table(con, year: int, language: str = "vi") -> None:
    rows = [{"period": _cap(parse_period(d.period).label(language)), "cutoff": f"{d.cutoff:%d/%m/%Y}",
             "due": f"{d.due:%d/%m/%Y}", "source": t("cy_source_admin" if d.source == "admin" else "cy_source_default",
                                                     language)} for d in cycle_store.calendar(con, year)]
    common.table(pd.DataFrame(rows), {"period": t("cy_col_period", language), "cutoff": t("cy_col_cutoff", language),
                                      "due": t("cy_col_due", language), "source": t("cy_col_source", language)},
                 key="calendar_table")


def deadline_form(con, admin: auth.User, year: int, language: str = "vi") -> None:
    """An administrator sets the cut-off and due date of one period of the year."""
    st.markdown(t("cy_set_dates", language))
    codes = {c: _cap(parse_period(c).label(language)) for c, _ in PERIOD_CHOICES}
    # outside the form: choosing a period shows its current dates at once
    code = st.selectbox(t("cy_period", language), list(codes), index=list(codes).index("H1"), format_func=codes.get,
                        key="dl_period")
    d = cycle_store.deadline(con, year, code)
    with st.form(f"deadline_form_{code}"):
        c1, c2 = st.columns(2)
        cutoff = c1.date_input(t("cy_col_cutoff", language), d.cutoff, format="DD/MM/YYYY", key=f"dl_cutoff_{code}")
        due = c2.date_input(t("cy_col_due", language), d.due, format="DD/MM/YYYY", key=f"dl_due_{code}")
        if st.form_submit_button(t("cy_save_dates", language)):
            try:
                saved = cycle_store.set_deadline(con, admin, year, code, cutoff, due)
            except UserError as exc:
                st.error(_msg(exc, language), icon=":material/error:")
            else:
                common.after_write()
                st.success(t("cy_saved", language) + deadline_line(saved, language), icon=":material/check:")


def missing_table(frame, language: str = "vi") -> None:
    behind = frame[frame["missing"] > 0]
    st.caption(t("cy_missing_caption", language, n=len(behind), total=len(frame), gaps=int(frame["missing"].sum())))
    if behind.empty:
        common.empty_state(t("cy_all_reported", language))
        return
    view = behind.assign(
        state_vi=[cycle.state_label(s if isinstance(s, str) else None, language) for s in behind["state"]],
        due_vi=[cycle.due_text(int(d), language) for d in behind["days"]])
    common.table(view, {"locality_name": t("cy_col_locality", language), "targets": t("cy_col_targets", language),
                        "missing": t("cy_col_missing", language), "state_vi": t("cy_col_state", language),
                        "due_vi": t("cy_col_due", language)}, numbers=["targets", "missing"],
                 wide=["locality_name", "state_vi", "due_vi"], key="missing_table")


ACTION_KEYS = {"submit": "cy_btn_submit", "approve": "cy_btn_approve", "return": "cy_btn_return",
               "unlock": "cy_btn_unlock"}


def action_box(con, user: auth.User | None, frame, year: int, period: str, language: str = "vi") -> None:
    """Submit (analyst of the locality) / approve, return, unlock (leader of it or above)."""
    if frame.empty:
        return
    names = dict(zip(frame["locality_scheme"] + ":" + frame["locality_code"], frame["locality_name"]))
    assigned = {f"{a}:{b}" for a, b in (user.localities if user is not None else ())}
    mine = next((k for k in names if k in assigned), None)      # start on the user's own locality
    who = user.username if user is not None else ""
    if st.session_state.get("_cycle_loc_for", who) != who and mine is not None:
        # a login (or a change of user) in this session: the choice made before it (kept in the
        # session and the URL) was someone else's, so the box moves to the new user's own locality
        st.session_state[common._widget_key("cycle_loc")] = mine
    st.session_state["_cycle_loc_for"] = who
    key = common.select("cycle_loc", t("cy_col_locality", language), list(names), mine, format_func=names.get)
    scheme, code = key.split(":", 1)
    line = st.empty()  # the state, written again after a step taken in this run
    state_line(con, line, scheme, code, year, period, language)
    gaps = cycle_store.missing_targets(con, scheme, code, year, period)
    if not gaps.empty:
        with st.expander(t("cy_gaps", language, n=len(gaps), period=parse_period(period).label(language))):
            missing = gaps["name_en"] if language == "en" else gaps["name"]  # not `names`: the success line needs those
            st.markdown("\n".join(f"- {n}" + (f" ({s})" if s else "") for n, s in zip(missing, gaps["scope"])))
    allowed = [a for a in ("submit", "approve", "return", "unlock")
               if (auth.can_write(user, scheme, code, con) if a == "submit" else auth.can_lead(user, scheme, code, con))]
    if not allowed:
        common.empty_state(t("cy_no_rights", language))
        return
    comment = st.text_input(t("cy_comment", language), key="cycle_comment")
    for col, action in zip(st.columns(len(allowed)), allowed):
        if col.button(t(ACTION_KEYS[action], language), key=f"cycle_{action}"):
            try:
                after = cycle_store.act(con, user, action, scheme, code, year, period, comment)
            except UserError as exc:
                st.error(_msg(exc, language), icon=":material/error:")
            else:
                common.after_write()
                state_line(con, line, scheme, code, year, period, language)
                st.success(f"{names[key]}: {cycle.state_label(after, language)}.", icon=":material/check:")


def state_line(con, where, scheme: str, code: str, year: int, period: str, language: str = "vi") -> None:
    state = cycle_store.state_of(con, scheme, code, year, period)
    now = state["state"] if state else None
    note = f" — “{state['comment']}” ({state['updated_by']})" if state and state.get("comment") else ""
    where.markdown(t("cy_state_line", language, state=cycle.state_label(now, language)) + note)


# ---- in the "why" panel and on the overview ---------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=256)
def _locality_cycle(db: str, version: int, scheme: str, code: str, year: int):
    """(states {period: state}, requests frame) of one locality and year, once per data version."""
    c = common._connection(db)
    states = cycle_store.locality_states(c, scheme, code, year)
    return states, cycle_store.requests(c, scheme, code, year)


def _file_note(q, language: str) -> str:
    return t("cy_file_line", language, name=q.attachment_name, size=cycle.size_text(int(q.attachment_size), language))


def download(con, user, request_id: int, key: str, language: str) -> None:
    """The download button of a request's attached file (rights checked by the store)."""
    try:
        f = cycle_store.attachment(con, user, request_id)
    except UserError as exc:
        st.caption(_msg(exc, language))
        return
    if f is not None:
        st.download_button(t("cy_download", language, name=f["file_name"]), f["data"], file_name=f["file_name"],
                           mime=f["mime"], key=key, icon=":material/attach_file:")


def why_extra(r: dict, language: str) -> None:
    """Below a target's "why": whether its figure is submitted or approved, the explanation requests
    with their answers, attached files and history, and (for the right people) send / answer / close."""
    scheme, code, year = r.get("locality_scheme"), r.get("locality_code"), r.get("year")
    if not scheme or not code or year is None:
        return
    con = common.con()
    states, reqs = _locality_cycle(common.db_path(), common._run_version(con), scheme, code, int(year))
    period = r.get("actual_period")
    if isinstance(period, str) and states.get(period):
        st.caption(t("cy_figures_state", language, period=parse_period(period).label(language),
                     state=cycle.state_label(states[period], language)))
    mine = reqs[(reqs["indicator"] == r.get("indicator")) & (reqs["scope"] == (r.get("scope") or ""))]
    user, may_write, may_lead = _rights(con, scheme, code)
    tid = r.get("target_id")
    for q in mine.itertuples(index=False):
        due = t("cy_due", language, date=f"{q.due:%d/%m/%Y}") if pd.notna(q.due) else ""
        st.markdown(t("cy_request_line", language, id=q.request_id, state=cycle.request_state_label(q.state, language),
                      due=due, who=q.created_by or "–", message=q.message))
        if isinstance(q.answer, str) and q.answer:
            st.markdown(t("cy_answer_line", language, who=q.answered_by or "–", answer=q.answer))
        if isinstance(q.attachment_name, str):
            if may_write or may_lead:
                st.caption(_file_note(q, language))
                download(con, user, q.request_id, f"file_{tid}_{q.request_id}", language)
            else:
                st.caption(t("cy_file_hidden", language, name=q.attachment_name,
                             size=cycle.size_text(int(q.attachment_size), language)))
        st.caption(t("cy_history", language, steps=" → ".join(cycle.request_steps(q._asdict(), language))))
        if q.state != "closed" and may_write:
            text = st.text_area(t("cy_answer_text", language), key=f"ans_{tid}_{q.request_id}")
            up = st.file_uploader(t("cy_answer_file", language, limit=upload_limit_text(language)),
                                  type=["pdf", "docx", "xlsx", "png", "jpg", "jpeg"],
                                  key=f"ans_file_{tid}_{q.request_id}",
                                  help=t("cy_answer_keep", language) if isinstance(q.attachment_name, str) else None)
            if st.button(t("cy_btn_answer", language), key=f"ans_btn_{tid}_{q.request_id}"):
                file = (up.getvalue(), up.name) if up is not None else None
                _do(lambda: cycle_store.answer_request(con, user, q.request_id, text, attachment=file),
                    t("cy_answered", language), language)
        if q.state != "closed" and may_lead:
            if st.button(t("cy_btn_close", language), key=f"close_btn_{tid}_{q.request_id}"):
                _do(lambda: cycle_store.close_request(con, user, q.request_id), t("cy_closed", language), language)
    if may_lead:
        with st.form(f"ask_{tid}"):
            msg = st.text_area(t("cy_ask", language), key=f"ask_msg_{tid}")
            due = st.date_input(t("cy_ask_due", language), None, format="DD/MM/YYYY", key=f"ask_due_{tid}")
            if st.form_submit_button(t("cy_btn_ask", language)):
                _do(lambda: cycle_store.request_explanation(con, user, scheme, code, r["indicator"],
                                                            r.get("scope") or "", int(year), msg, due),
                    t("cy_asked", language), language)


def _rights(con, scheme: str, code: str):
    """(user, may write, may lead) for one locality, worked out once per script run (a locality page
    opens a "why" panel per target)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    from ui import auth as auth_ui
    ctx = get_script_run_ctx()
    memo = getattr(ctx, "_chitieu_cycle_rights", None)
    if memo is None or memo[0] is not getattr(ctx, "cursors", None):
        memo = (getattr(ctx, "cursors", None), auth_ui.current_user(con), {})
        if ctx is not None:
            ctx._chitieu_cycle_rights = memo
    user, seen = memo[1], memo[2]
    if (scheme, code) not in seen:
        seen[(scheme, code)] = (auth.can_write(user, scheme, code, con), auth.can_lead(user, scheme, code, con))
    return (user, *seen[(scheme, code)])


def _do(step, done: str, language: str = "vi") -> None:
    try:
        step()
    except UserError as exc:
        st.error(_msg(exc, language), icon=":material/error:")
    else:
        common.after_write()
        st.success(done, icon=":material/check:")


def overview_notes(f: dict) -> None:
    """On the overview: an analyst's open explanation requests; a leader's localities not yet reported."""
    from ui import auth as auth_ui
    con = common.con()
    user = auth_ui.current_user(con)
    language = f.get("lang") or common.lang()
    if user is None or f.get("year") is None:
        return
    if user.role in ("analyst", "admin"):
        inbox = cycle_store.open_requests_for(con, user)
        if not inbox.empty:
            names = inbox["name_en"] if language == "en" else inbox["name_vi"]
            st.warning(t("cy_inbox", language, n=len(inbox), items="; ".join(
                f"{n} — {i} ({y})" for n, i, y in zip(inbox["locality_name"], names, inbox["year"]))),
                icon=":material/mail:")
    if user.role == "leader" and user.localities:
        frame = cycle_store.missing(con, f["year"], f["period"], today(), under=list(user.localities))
        behind = frame[frame["missing"] > 0]
        if len(frame):
            d = cycle_store.deadline(con, f["year"], f["period"])
            st.info(t("cy_leader_note", language, n=len(behind), total=len(frame),
                      period=parse_period(d.period).label(language),
                      left=cycle.due_text(cycle.days_to_due(d.due, today()), language)),
                    icon=":material/event_available:")


def requests_table(con, year: int, province: str | None, language: str = "vi") -> None:
    """Explanation requests of the year (the sidebar's province only, when one is chosen): state (with the
    due date while open), answer and attached file; below, the download of an attached file for those
    with rights. (A request's dated history is in its target's "why" panel.)"""
    from ui import auth as auth_ui
    frame = cycle_store.requests(con, year=year)
    if province and not frame.empty:
        view = cycle_store.missing(con, year, "FY", today(), province=province)
        keys = set(view["locality_scheme"] + ":" + view["locality_code"])
        frame = frame[(frame["locality_scheme"] + ":" + frame["locality_code"]).isin(keys)]
    if frame.empty:
        common.empty_state(t("cy_no_requests", language))
        return
    def state_cell(state, due) -> str:     # an open request's due date beside its state: the table fits 1280 px
        word = cycle.request_state_label(state, language)
        return word + (t("cy_due", language, date=f"{due:%d/%m/%Y}") if state == "open" and pd.notna(due) else "")

    def answer_cell(answer, name, size) -> str:
        text = answer if isinstance(answer, str) and answer else "–"
        if isinstance(name, str):
            text += " (" + t("cy_file_line", language, name=name, size=cycle.size_text(int(size), language)) + ")"
        return text

    view = frame.assign(
        target=frame["name_en"] if language == "en" else frame["name_vi"],
        state_vi=[state_cell(s, d) for s, d in zip(frame["state"], frame["due"])],
        answer_vi=[answer_cell(a, n, z) for a, n, z in zip(frame["answer"], frame["attachment_name"],
                                                            frame["attachment_size"])])
    common.table(view, {"request_id": t("cy_col_no", language), "locality_name": t("cy_col_locality", language),
                        "target": t("cy_col_target", language), "message": t("cy_col_request", language),
                        "state_vi": t("cy_col_state", language), "answer_vi": t("cy_col_answer", language)},
                 wide=["locality_name", "target", "message", "answer_vi"], key="requests_table")
    user = auth_ui.current_user(con)
    files = frame[frame["attachment_name"].notna()]
    mine = [int(r.request_id) for r in files.itertuples(index=False)
            if auth.can_write(user, r.locality_scheme, r.locality_code, con)
            or auth.can_lead(user, r.locality_scheme, r.locality_code, con)]
    if mine:
        label = {int(r.request_id): f"#{r.request_id} — {r.locality_name} — {r.attachment_name}"
                 for r in files.itertuples(index=False)}
        c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
        with c1:
            rid = st.selectbox(t("cy_pick_file", language), mine, format_func=label.get, key="req_file_pick")
        with c2:
            download(con, user, rid, "req_file_dl", language)


def cascade_table(con, year: int, province: str | None, language: str = "vi") -> None:
    """The units' targets against the level above's: the gaps first, the rest on request."""
    from chitieu.cascade import VERDICT_EN, VERDICT_VI, check
    frame = check(cycle_store.cascade_pairs(con, year, province))
    if frame.empty:
        common.empty_state(t("cy_cascade_none", language))
        return
    bad = frame[frame["verdict"].isin(["gap", "incomplete"])]
    st.caption(t("cy_cascade_count", language, n=len(bad), total=len(frame)))
    everything = st.toggle(t("cy_cascade_all", language), key="cascade_all")
    words = VERDICT_EN if language == "en" else VERDICT_VI
    view = (frame if everything else bad).assign(verdict_vi=lambda d: d["verdict"].map(words))
    name_col, msg_col = ("indicator_name_en", "message_en") if language == "en" else ("indicator_name", "message")
    common.table(view, {"parent_name": t("cy_col_parent", language), name_col: t("cy_col_target", language),
                        "verdict_vi": t("cy_col_verdict", language), msg_col: t("cy_col_message", language)},
                 wide=["parent_name", name_col, msg_col], key="cascade_table")
