"""Kỳ báo cáo (issue 13): the calendar, who has not reported, submit / approve / return / unlock,
explanation requests and the cascade check, in the sidebar's language."""
import streamlit as st

from chitieu.store import cycle as cycle_store
from ui import auth as auth_ui
from ui import common
from ui import cycle as cycle_ui
from ui.i18n import t

f = common.filters()
year, period, lang = f["year"], f["period"], f["lang"]
st.title(t("page_cycle", lang))
if year is None:
    common.empty_state(t("cy_no_plan", lang))
    st.stop()
con = common.con()
user = auth_ui.current_user(con)
st.caption(cycle_ui.deadline_line(cycle_store.deadline(con, year, period), lang) + " " + t("cy_sidebar_hint", lang))

st.subheader(t("cy_calendar", lang, year=year))
cycle_ui.calendar_table(con, year, lang)
if user is not None and user.role == "admin":
    cycle_ui.deadline_form(con, user, year, lang)

st.subheader(t("cy_missing_head", lang))
frame = cycle_store.missing(con, year, period, cycle_ui.today(), province=f["province"])
cycle_ui.missing_table(frame, lang)

st.subheader(t("cy_approve_head", lang))
st.caption(t("cy_approve_caption", lang))
cycle_ui.action_box(con, user, frame, year, period, lang)

st.subheader(t("cy_requests_head", lang))
st.caption(t("cy_requests_caption", lang))
cycle_ui.requests_table(con, year, f["province"], lang)

st.subheader(t("cy_cascade_head", lang))
st.caption(t("cy_cascade_caption", lang))
cycle_ui.cascade_table(con, year, f["province"], lang)
