"""Tổng quan: how many targets are met / behind / without data, the ones most behind, per locality and area."""
import streamlit as st

from ui import common, cycle, national
from ui.i18n import indicator_name, status_icon, t

f = common.filters()
lang, year, period = f["lang"], f["year"], f["period"]
st.title(t("page_overview", lang))
cycle.overview_notes(f)  # issue 13: an analyst's open explanation requests, a leader's units not yet reported
if year is None:
    common.empty_state(t("empty_db", lang))
    st.stop()
if national.overview(f):  # many units (a province's communes, the whole country): the roll-up instead
    st.stop()  # (an `x and st.stop()` line made Streamlit's magic print "False" on the page)
rows = common.statuses(year, period, province=f["province"])
if rows.empty:
    common.empty_state(t("empty_year", lang, year=year))
    st.stop()

v = common.derived(common.overview_parts, year, period, f["province"], lang, common.show_demo())  # shared
n = v["n"]
st.caption(t("overview_caption", lang, year=year, period=common.period_label(period, lang), n=n, m=v["m"]))
common.demo_banner(rows, year, lang)
icons = {"met": status_icon("met"), "on_track": status_icon("on_track"), "behind": status_icon("not_met"),
         "no_data": status_icon("no_data")}
for col, (group, k) in zip(st.columns(4), v["groups"].items()):
    share = f"{k / n:.0%}"
    helper = "kpi_no_data_help" if group == "no_data" else "share_of_targets"
    col.metric(f"{icons[group]} {t('kpi_' + group, lang)}", k, border=True, help=t(helper, lang, share=share, total=n))
    col.caption(t("share_of_targets", lang, share=share, total=n))

# The targets most behind come first: on a laptop screen they are what a leader reads first.
st.subheader(t("most_behind", lang))
behind = v["behind"]
if behind.empty:
    common.empty_state(t("none_behind", lang))
else:  # each "why", the details and the counts table are drawn once opened (common.expander)
    common.status_list(behind, lang, with_locality=True, limit=5, lazy="why_top", heads=v["behind_heads"])
    details = common.expander(t("details", lang), key="ov_details")
    if details.open:
        with details:
            common.status_list(behind.iloc[5:], lang, with_locality=True, limit=45, lazy="why_more",
                               heads=v["behind_heads"][5:])
            common.table(common.with_texts(behind, lang).assign(
                             name=[indicator_name(r, lang) for r in behind.to_dict("records")]),
                         dict(zip(["locality_name", "name", "target", "actual_text", "percent"],
                                  common.headers(lang, "locality", "indicator", "target", "actual", "percent"))),
                         percents=["percent"], wide=["locality_name", "name", "actual_text"])

left, right = st.columns(2)
common.figure(v["fig_loc"], key="by_locality", where=left)
if v["n_loc"] > v["top"]:  # only the localities most behind are drawn
    left.caption(t("top_n_note", lang, n=v["top"], total=v["n_loc"]))
common.figure(v["fig_cat"], key="by_category", where=right)
counts = common.expander(t("counts_table", lang), key="ov_counts")
if counts.open:  # the same counts as numbers, every status in words
    with counts:
        common.counts_table(v["by_loc"], lang)
        common.counts_table(v["by_cat"], lang)
