"""Widgets of the reporting-cycle page (pages/cycle.py, issue 13): calendar, the admin's dates,
who has not reported, and the submit / approve / return / unlock box."""
from __future__ import annotations

from datetime import date

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
    import pandas as pd
    common.table(pd.DataFrame(rows), {"period": "Kỳ báo cáo", "cutoff": "Ngày chốt số liệu", "due": "Hạn nộp",
                                      "source": "Nguồn"}, key="calendar_table")


def deadline_form(con, admin: auth.User, year: int) -> None:
    """An administrator sets the cut-off and due date of one period of the year."""
    with st.form("deadline_form"):
        st.markdown("**Đặt lịch cho một kỳ** (chỉ quản trị viên)")
        codes = dict(PERIOD_CHOICES)
        code = st.selectbox("Kỳ", list(codes), index=list(codes).index("H1"), format_func=codes.get, key="dl_period")
        d = cycle_store.deadline(con, year, code)
        c1, c2 = st.columns(2)
        cutoff = c1.date_input("Ngày chốt số liệu", d.cutoff, format="DD/MM/YYYY", key="dl_cutoff")
        due = c2.date_input("Hạn nộp", d.due, format="DD/MM/YYYY", key="dl_due")
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
                 wide=["locality_name"], key="missing_table")


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
