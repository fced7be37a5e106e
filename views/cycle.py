"""Kỳ báo cáo (issue 13): the calendar, who has not reported, submit / approve / return / unlock."""
import streamlit as st

from chitieu.store import cycle as cycle_store
from ui import auth as auth_ui
from ui import common
from ui import cycle as cycle_ui

f = common.filters()
year, period = f["year"], f["period"]
st.title("Kỳ báo cáo")
if year is None:
    common.empty_state("Chưa có kế hoạch nào: hãy nạp kế hoạch trước.")
    st.stop()
con = common.con()
user = auth_ui.current_user(con)
st.caption(cycle_ui.deadline_line(cycle_store.deadline(con, year, period)) + " Kỳ và năm chọn ở thanh bên.")

st.subheader("Lịch báo cáo năm " + str(year))
cycle_ui.calendar_table(con, year)
if user is not None and user.role == "admin":
    cycle_ui.deadline_form(con, user, year)

st.subheader("Địa phương chưa báo cáo đủ")
frame = cycle_store.missing(con, year, period, cycle_ui.today(), province=f["province"])
cycle_ui.missing_table(frame)

st.subheader("Gửi duyệt, duyệt và khoá số liệu")
st.caption("Chuyên viên gửi số liệu của địa phương; lãnh đạo địa phương hoặc cấp trên duyệt (số liệu kỳ đó bị "
           "khoá: không tải lên, không hoàn tác được) hoặc trả lại kèm nhận xét; mở khoá cần ghi lý do. "
           "Mọi bước có trong nhật ký thay đổi.")
cycle_ui.action_box(con, user, frame, year, period)

st.subheader("Yêu cầu giải trình")
st.caption("Lãnh đạo gửi yêu cầu từ mục “Vì sao” của một chỉ tiêu (trang Địa phương); chuyên viên trả lời ở đó.")
cycle_ui.requests_table(con, year, f["province"])

st.subheader("Chỉ tiêu cấp dưới so với cấp trên")
st.caption("Số lượng, số tiền (việc làm, thu ngân sách, xã nông thôn mới…) được cộng lại; tỷ lệ thì xem có đơn vị "
           "nào đặt chỉ tiêu bằng hoặc cao hơn cấp trên không.")
cycle_ui.cascade_table(con, year, f["province"])
