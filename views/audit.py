"""Nhật ký thay đổi (admin only): every write with who, when, what, before and after — and the
plan history: a replaced or deleted plan comes back with one confirmed click (chitieu.store.plans)."""
import streamlit as st

from chitieu.errors import UserError
from chitieu.excel_safe import escape_frame
from chitieu.store.audit import recent
from chitieu.store.plans import plan_versions, restore_plan
from ui import common
from ui.auth import db, require_role
from ui.i18n import actor_label, audit_action_label, audit_entity_label

admin = require_role("admin")
st.title("Nhật ký thay đổi")
st.caption("Mọi lần ghi: kế hoạch, số liệu thực hiện (tải lên, sửa, huỷ), người dùng và các lần đăng nhập sai — "
           "ai, lúc nào, từ đâu (máy và tài khoản hệ điều hành với dòng lệnh, địa chỉ máy với ứng dụng), "
           "trước và sau khi đổi. Mật khẩu không bao giờ được ghi.")

c1, c2, c3 = st.columns(3)
limit = c3.number_input("Số dòng gần nhất", min_value=50, max_value=20000, value=1000, step=50)
log = recent(db(), int(limit))
actions = sorted(log["action"].dropna().unique()) if not log.empty else []
action = c1.selectbox("Thao tác", ["(tất cả)", *actions], format_func=audit_action_label)
actor = c2.text_input("Người thực hiện chứa")
if action != "(tất cả)":
    log = log[log["action"] == action]
if actor:
    log = log[log["actor"].fillna("").str.contains(actor, case=False, regex=False)]

shown = log.assign(action=log["action"].map(audit_action_label), entity=log["entity"].map(audit_entity_label),
                   actor=log["actor"].map(actor_label),
                   before_json=log["before_json"].fillna("–"), after_json=log["after_json"].fillna("–"))
st.dataframe(shown, hide_index=True, width="stretch", column_config={
    "audit_id": "#", "logged_at": st.column_config.DatetimeColumn("Thời điểm", format="DD/MM/YYYY HH:mm:ss"),
    "actor": "Người thực hiện", "action": "Thao tác", "entity": "Đối tượng", "entity_key": "Khoá",
    "before_json": "Trước", "after_json": "Sau", "via": "Từ đâu"})
st.download_button("Tải CSV", escape_frame(log).to_csv(index=False).encode("utf-8-sig"),
                   file_name="nhat-ky-thay-doi.csv", mime="text/csv")

st.subheader("Lịch sử kế hoạch")
versions = plan_versions(db())
if versions.empty:
    st.info("Chưa có kế hoạch nào bị thay thế hay xoá.", icon=":material/info:")
else:
    REASONS = {"replace": "bị thay thế", "delete": "bị xoá", "restore": "bị thay khi khôi phục"}
    rows = {int(r.version_id): r for r in versions.itertuples()}
    pick = st.selectbox("Phiên bản", list(rows), key="plan_version", format_func=lambda v: (
        f"Số {v}: {rows[v].locality_name or rows[v].locality_code} — năm {rows[v].year} — {rows[v].n_targets} chỉ "
        f"tiêu — tệp “{rows[v].source_file}” — {REASONS.get(rows[v].reason, rows[v].reason)} lúc "
        f"{rows[v].replaced_at:%d/%m/%Y %H:%M} bởi {rows[v].replaced_by or '–'}"))
    st.caption("Khôi phục đưa phiên bản này trở lại làm kế hoạch của địa phương và năm đó; kế hoạch đang có "
               "được giữ lại trong lịch sử, nên thao tác này cũng hoàn tác được.")
    sure = st.checkbox("Tôi muốn khôi phục phiên bản này", key="plan_restore_sure")
    if st.button("Khôi phục kế hoạch", key="plan_restore", disabled=not sure):
        try:
            result = restore_plan(db(), pick, actor=admin.username, user=admin)
        except UserError as exc:
            st.error(exc.vi, icon=":material/error:")
        else:
            common.after_write()
            st.success(f"Đã khôi phục: {result.targets} chỉ tiêu.", icon=":material/check:")
