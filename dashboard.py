"""Chỉ tiêu dashboard: the entry point is only a router.

    streamlit run dashboard.py      (or: python3 tasks.py run)

Page config, the login hook, the shared sidebar filters (year, "as of" period, language,
kept in the URL) and st.navigation over views/. The folder is not called pages/: Streamlit
would then serve the first session after a start in its old folder mode. No SQL, no pandas.
"""
import streamlit as st

from ui import common
from ui.i18n import t

st.set_page_config(page_title="Chỉ tiêu", page_icon=common.app_icon(), layout="wide")

# --- LOGIN HOOK (issue 5) ------------------------------------------------------------
# ui/auth.py decides who is signed in and puts {"username", "role", "localities"} into
# st.session_state["user"] (pages read it with common.user()); it may st.stop() to show a
# login form. Until it exists, everyone may read and write.
# -------------------------------------------------------------------------------------
from ui import auth as auth_ui  # noqa: E402  (the login hook: sidebar box, sets session "user")
user = auth_ui.login_box()
inbox_slot = st.sidebar.container()  # issue 13: the user's notifications, under the login box (ui/inbox.py)

lang = common.sidebar_filters()["lang"]
pages = [
    st.Page("views/overview.py", title=t("page_overview", lang), icon=":material/dashboard:", default=True,
            url_path="tong-quan"),
    st.Page("views/locality.py", title=t("page_locality", lang), icon=":material/location_city:",
            url_path="dia-phuong"),
    st.Page("views/compare.py", title=t("page_compare", lang), icon=":material/compare_arrows:",
            url_path="so-sanh"),
    st.Page("views/indicator.py", title=t("page_indicator", lang), icon=":material/show_chart:",
            url_path="chi-tieu"),
    st.Page("views/plans.py", title=t("page_plans", lang), icon=":material/description:", url_path="ke-hoach"),
    st.Page("views/actuals.py", title=t("page_actuals", lang), icon=":material/upload_file:",
            url_path="nhap-so-lieu"),
    st.Page("views/cycle.py", title=t("page_cycle", lang), icon=":material/event_available:", url_path="ky-bao-cao"),
    *([st.Page("views/audit.py", title=t("page_audit", lang), icon=":material/history:", url_path="nhat-ky")] if auth_ui.is_admin() else []),  # noqa: E501
]
from ui.errors import run_page  # noqa: E402  (the product's error page: no traceback reaches a visitor)
page = st.navigation(pages, position="sidebar")
from ui import inbox  # noqa: E402  (filled once the pages are known: its buttons open them)
inbox.sidebar(user, inbox_slot)
run_page(page)
