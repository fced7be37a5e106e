"""Widgets of the reporting-cycle page (views/cycle.py, issue 13): calendar, the admin's dates,
who has not reported, and the submit / approve / return / unlock box."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from chitieu import auth, cycle
from chitieu.errors import UserError
from chitieu.periods import PERIOD_CHOICES, parse_period
from chitieu.store import cycle as cycle_store
from ui import common


def today() -> date:
    return date.today()


def deadline_line(d: cycle.Deadline) -> str:
    origin = "do quản trị viên đặt" if d.source == "admin" else "mặc định theo Nghị định 09/2019/NĐ-CP"
    return (f"{d.label_vi} năm {d.year}: chốt số liệu ngày {d.cutoff:%d/%m/%Y}, hạn nộp ngày {d.due:%d/%m/%Y} "
            f"({cycle.due_text(cycle.days_to_due(d.due, today()))}; {origin}).")


def calendar_table(con, year: int) -> None:
    rows = [{"period": d.label_vi, "cutoff": f"{d.cutoff:%d/%m/%Y}", "due": f"{d.due:%d/%m/%Y}",
             "source": "Quản trị viên đặt" if d.source == "admin" else "Mặc định"} for d in cycle_store.calendar(con, year)]
    common.table(pd.DataFrame(rows), {"period": "Kỳ báo cáo", "cutoff": "Ngày chốt số liệu", "due": "Hạn nộp",
                                      "source": "Nguồn"}, key="calendar_table")


def deadline_form(con, admin: auth.User, year: int) -> None:
    """An administrator sets the cut-off and due date of one period of the year."""
    st.markdown("**Đặt lịch cho một kỳ** (chỉ quản trị viên)")
    codes = dict(PERIOD_CHOICES)  # outside the form: choosing a period shows its current dates at once
    code = st.selectbox("Kỳ", list(codes), index=list(codes).index("H1"), format_func=codes.get, key="dl_period")
    d = cycle_store.deadline(con, year, code)
    with st.form(f"deadline_form_{code}"):
        c1, c2 = st.columns(2)
        cutoff = c1.date_input("Ngày chốt số liệu", d.cutoff, format="DD/MM/YYYY", key=f"dl_cutoff_{code}")
        due = c2.date_input("Hạn nộp", d.due, format="DD/MM/YYYY", key=f"dl_due_{code}")
        if st.form_submit_button("Lưu lịch"):
            try:
                saved = cycle_store.set_deadline(con, admin, year, code, cutoff, due)
            except UserError as exc:
                st.error(exc.vi, icon=":material/error:")
            else:
                common.after_write()
                st.success("Đã lưu: " + deadline_line(saved), icon=":material/check:")


def missing_table(frame) -> None:
    behind = frame[frame["missing"] > 0]
    st.caption(f"{len(behind)} trên {len(frame)} địa phương chưa có đủ số liệu của kỳ này "
               f"({int(frame['missing'].sum())} chỉ tiêu còn trống).")
    if behind.empty:
        common.empty_state("Mọi địa phương trong phạm vi đang xem đã có số liệu cho mọi chỉ tiêu của kỳ này.")
        return
    view = behind.assign(state_vi=[cycle.STATE_VI.get(s if isinstance(s, str) else None, s) for s in behind["state"]],
                         due_vi=[cycle.due_text(int(d)) for d in behind["days"]])
    common.table(view, {"locality_name": "Địa phương", "targets": "Số chỉ tiêu", "missing": "Chưa có số liệu",
                        "state_vi": "Trạng thái", "due_vi": "Hạn nộp"}, numbers=["targets", "missing"],
                 wide=["locality_name", "state_vi", "due_vi"], key="missing_table")


def action_box(con, user: auth.User | None, frame, year: int, period: str) -> None:
    """Submit (analyst of the locality) / approve, return, unlock (leader of it or above)."""
    if frame.empty:
        return
    names = dict(zip(frame["locality_scheme"] + ":" + frame["locality_code"], frame["locality_name"]))
    key = common.select("cycle_loc", "Địa phương", list(names), format_func=names.get)
    scheme, code = key.split(":", 1)
    line = st.empty()  # the state, written again after a step taken in this run
    state_line(con, line, scheme, code, year, period)
    gaps = cycle_store.missing_targets(con, scheme, code, year, period)
    if not gaps.empty:
        with st.expander(f"{len(gaps)} chỉ tiêu chưa có số liệu {parse_period(period).label_vi}"):
            st.markdown("\n".join(f"- {n}" + (f" ({s})" if s else "") for n, s in zip(gaps["name"], gaps["scope"])))
    allowed = [a for a in ("submit", "approve", "return", "unlock")
               if (auth.can_write(user, scheme, code, con) if a == "submit" else auth.can_lead(user, scheme, code, con))]
    if not allowed:
        common.empty_state("Chỉ chuyên viên của địa phương (gửi duyệt) và lãnh đạo của địa phương hoặc cấp trên "
                           "(duyệt, trả lại, mở khoá) thao tác được ở đây. Hãy đăng nhập ở thanh bên.")
        return
    comment = st.text_input("Nhận xét / lý do (bắt buộc khi trả lại hoặc mở khoá)", key="cycle_comment")
    labels = {"submit": "Gửi duyệt", "approve": "Duyệt và khoá", "return": "Trả lại", "unlock": "Mở khoá"}
    for col, action in zip(st.columns(len(allowed)), allowed):
        if col.button(labels[action], key=f"cycle_{action}"):
            try:
                after = cycle_store.act(con, user, action, scheme, code, year, period, comment)
            except UserError as exc:
                st.error(exc.vi, icon=":material/error:")
            else:
                common.after_write()
                state_line(con, line, scheme, code, year, period)
                st.success(f"{names[key]}: {cycle.STATE_VI[after]}.", icon=":material/check:")


def state_line(con, where, scheme: str, code: str, year: int, period: str) -> None:
    state = cycle_store.state_of(con, scheme, code, year, period)
    now = state["state"] if state else None
    note = f" — “{state['comment']}” ({state['updated_by']})" if state and state.get("comment") else ""
    where.markdown(f"**Trạng thái:** {cycle.STATE_VI.get(now)}{note}")


# ---- in the "why" panel and on the overview ---------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=256)
def _locality_cycle(db: str, version: int, scheme: str, code: str, year: int):
    """(states {period: state}, requests frame) of one locality and year, once per data version."""
    c = common._connection(db)
    states = cycle_store.locality_states(c, scheme, code, year)
    return states, cycle_store.requests(c, scheme, code, year)


def why_extra(r: dict, language: str) -> None:
    """Below a target's "why": whether its figure is submitted or approved, the explanation requests
    with their answers, and (for the right people) send / answer / close."""
    scheme, code, year = r.get("locality_scheme"), r.get("locality_code"), r.get("year")
    if not scheme or not code or year is None:
        return
    con = common.con()
    states, reqs = _locality_cycle(common.db_path(), common._run_version(con), scheme, code, int(year))
    period = r.get("actual_period")
    if isinstance(period, str) and states.get(period):
        st.caption(f"Số liệu {parse_period(period).label_vi}: {cycle.STATE_VI[states[period]]}.")
    mine = reqs[(reqs["indicator"] == r.get("indicator")) & (reqs["scope"] == (r.get("scope") or ""))]
    user, may_write, may_lead = _rights(con, scheme, code)
    tid = r.get("target_id")
    for q in mine.itertuples(index=False):
        due = f", hạn {q.due:%d/%m/%Y}" if pd.notna(q.due) else ""
        st.markdown(f"**Yêu cầu giải trình #{q.request_id}** ({REQUEST_VI.get(q.state, q.state)}{due}) — "
                    f"{q.created_by or '–'}: “{q.message}”")
        if isinstance(q.answer, str) and q.answer:
            st.markdown(f"**Giải trình** ({q.answered_by or '–'}): “{q.answer}”")
        if q.state != "closed" and may_write:
            text = st.text_area("Nội dung giải trình", key=f"ans_{tid}_{q.request_id}")
            if st.button("Gửi giải trình", key=f"ans_btn_{tid}_{q.request_id}"):
                _do(lambda: cycle_store.answer_request(con, user, q.request_id, text), "Đã gửi giải trình.")
        if q.state != "closed" and may_lead:
            if st.button("Đóng yêu cầu", key=f"close_btn_{tid}_{q.request_id}"):
                _do(lambda: cycle_store.close_request(con, user, q.request_id), "Đã đóng yêu cầu.")
    if may_lead:
        with st.form(f"ask_{tid}"):
            msg = st.text_area("Yêu cầu giải trình (gửi chuyên viên của địa phương)", key=f"ask_msg_{tid}")
            due = st.date_input("Hạn trả lời", None, format="DD/MM/YYYY", key=f"ask_due_{tid}")
            if st.form_submit_button("Gửi yêu cầu giải trình"):
                _do(lambda: cycle_store.request_explanation(con, user, scheme, code, r["indicator"],
                                                            r.get("scope") or "", int(year), msg, due),
                    "Đã gửi yêu cầu giải trình.")


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


REQUEST_VI = {"open": "đang chờ trả lời", "answered": "đã trả lời", "closed": "đã đóng"}


def _do(step, done: str) -> None:
    try:
        step()
    except UserError as exc:
        st.error(exc.vi, icon=":material/error:")
    else:
        common.after_write()
        st.success(done, icon=":material/check:")


def overview_notes(f: dict) -> None:
    """On the overview: an analyst's open explanation requests; a leader's localities not yet reported."""
    from ui import auth as auth_ui
    con = common.con()
    user = auth_ui.current_user(con)
    if user is None or f.get("year") is None:
        return
    if user.role in ("analyst", "admin"):
        inbox = cycle_store.open_requests_for(con, user)
        if not inbox.empty:
            st.warning(f"Bạn có {len(inbox)} yêu cầu giải trình đang chờ trả lời: " + "; ".join(
                f"{n} — {i} ({y})" for n, i, y in zip(inbox["locality_name"], inbox["name_vi"], inbox["year"]))
                + ". Trả lời trong mục “Vì sao” của chỉ tiêu (trang Địa phương).", icon=":material/mail:")
    if user.role == "leader" and user.localities:
        frame = cycle_store.missing(con, f["year"], f["period"], today(), under=list(user.localities))
        behind = frame[frame["missing"] > 0]
        if len(frame):
            d = cycle_store.deadline(con, f["year"], f["period"])
            st.info(f"{len(behind)} trên {len(frame)} địa phương bạn phụ trách chưa có đủ số liệu "
                    f"{d.label_vi} ({cycle.due_text(cycle.days_to_due(d.due, today()))}); danh sách ở trang "
                    "Kỳ báo cáo.", icon=":material/event_available:")


def requests_table(con, year: int, province: str | None) -> None:
    """Explanation requests of the year (the sidebar's province only, when one is chosen), with their state."""
    frame = cycle_store.requests(con, year=year)
    if province and not frame.empty:
        view = cycle_store.missing(con, year, "FY", today(), province=province)
        keys = set(view["locality_scheme"] + ":" + view["locality_code"])
        frame = frame[(frame["locality_scheme"] + ":" + frame["locality_code"]).isin(keys)]
    if frame.empty:
        common.empty_state("Chưa có yêu cầu giải trình nào trong năm này.")
        return
    view = frame.assign(state_vi=frame["state"].map(REQUEST_VI), due_vi=[
        f"{d:%d/%m/%Y}" if pd.notna(d) else "–" for d in frame["due"]])
    common.table(view, {"request_id": "Số", "locality_name": "Địa phương", "name_vi": "Chỉ tiêu", "message": "Yêu cầu",
                        "state_vi": "Trạng thái", "due_vi": "Hạn trả lời", "answer": "Giải trình"},
                 wide=["locality_name", "name_vi", "message", "answer"], key="requests_table")


def cascade_table(con, year: int, province: str | None) -> None:
    """The units' targets against the level above's: the gaps first, the rest on request."""
    from chitieu.cascade import VERDICT_VI, check
    frame = check(cycle_store.cascade_pairs(con, year, province))
    if frame.empty:
        common.empty_state("Không có chỉ tiêu nào vừa ở kế hoạch cấp trên vừa ở kế hoạch của đơn vị trực thuộc "
                           "trong năm này.")
        return
    bad = frame[frame["verdict"].isin(["gap", "incomplete"])]
    st.caption(f"{len(bad)} trên {len(frame)} chỉ tiêu cấp trên vênh với chỉ tiêu của các đơn vị trực thuộc "
               "(hoặc mới có một phần đơn vị đặt chỉ tiêu).")
    everything = st.toggle("Cả những chỉ tiêu đã khớp", key="cascade_all")
    view = (frame if everything else bad).assign(verdict_vi=lambda d: d["verdict"].map(VERDICT_VI))
    common.table(view, {"parent_name": "Cấp trên", "indicator_name": "Chỉ tiêu", "verdict_vi": "Kết quả",
                        "message": "Giải thích"}, wide=["parent_name", "indicator_name", "message"],
                 key="cascade_table")
