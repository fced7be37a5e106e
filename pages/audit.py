"""Nhật ký thay đổi (admin only): every write with who, when, what, before and after."""
import streamlit as st

from chitieu.excel_safe import escape_frame
from chitieu.store.audit import recent
from ui.auth import db, require_role

require_role("admin")
st.title("Nhật ký thay đổi")
st.caption("Mọi lần ghi: kế hoạch, số liệu thực hiện (tải lên, sửa, huỷ) và người dùng — ai, lúc nào, "
           "trước và sau khi đổi. Mật khẩu không bao giờ được ghi.")

c1, c2, c3 = st.columns(3)
limit = c3.number_input("Số dòng gần nhất", min_value=50, max_value=20000, value=1000, step=50)
log = recent(db(), int(limit))
actions = sorted(log["action"].dropna().unique()) if not log.empty else []
action = c1.selectbox("Thao tác", ["(tất cả)", *actions])
actor = c2.text_input("Người thực hiện chứa")
if action != "(tất cả)":
    log = log[log["action"] == action]
if actor:
    log = log[log["actor"].fillna("").str.contains(actor, case=False, regex=False)]

st.dataframe(log, hide_index=True, width="stretch", column_config={
    "audit_id": "#", "logged_at": st.column_config.DatetimeColumn("Thời điểm", format="DD/MM/YYYY HH:mm:ss"),
    "actor": "Người thực hiện", "action": "Thao tác", "entity": "Đối tượng", "entity_key": "Khoá",
    "before_json": "Trước", "after_json": "Sau"})
st.download_button("Tải CSV", escape_frame(log).to_csv(index=False).encode("utf-8-sig"),
                   file_name="nhat-ky-thay-doi.csv", mime="text/csv")
