"""Tổng quan: how many targets are met / behind / without data, the ones most behind, per locality and area."""
import streamlit as st

from ui import charts, common, cycle, national
from ui.format import target_text
from ui.i18n import category_label, indicator_name, status_icon, t

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

st.caption(t("overview_caption", lang, year=year, period=common.period_label(period, lang), n=len(rows),
             m=rows["locality_code"].nunique()))
common.demo_banner(rows, year, lang)
groups = {"kpi_met": ("met", "exceeded"), "kpi_on_track": ("on_track",), "kpi_behind": ("not_met", "at_risk"),
          "kpi_no_data": ("no_data", "not_assessable", "needs_assigned")}
icons = {"kpi_met": status_icon("met"), "kpi_on_track": status_icon("on_track"),
         "kpi_behind": status_icon("not_met"), "kpi_no_data": status_icon("no_data")}
for col, (key, statuses) in zip(st.columns(4), groups.items()):
    n = int(rows["status"].isin(statuses).sum())
    share = f"{n / len(rows):.0%}"
    helper = "kpi_no_data_help" if key == "kpi_no_data" else "share_of_targets"
    col.metric(f"{icons[key]} {t(key, lang)}", n, border=True, help=t(helper, lang, share=share, total=len(rows)))
    col.caption(t("share_of_targets", lang, share=share, total=len(rows)))

# The targets most behind come first: on a laptop screen they are what a leader reads first.
st.subheader(t("most_behind", lang))
behind = rows[rows["status"].isin(["not_met", "at_risk"])].sort_values(["severity", "percent"],
                                                                       ascending=[False, True])
if behind.empty:
    common.empty_state(t("none_behind", lang))
else:  # each "why", the details and the counts table are drawn once opened (common.expander)
    common.status_list(behind, lang, with_locality=True, limit=5, lazy="why_top")
    details = common.expander(t("details", lang), key="ov_details")
    if details.open:
        with details:
            common.status_list(behind.iloc[5:], lang, with_locality=True, limit=45, lazy="why_more")
            common.table(behind.assign(name=[indicator_name(r, lang) for r in behind.to_dict("records")],
                                       actual_text=common.actual_text(behind, lang),
                                       target=[target_text(c, v, h, u, lang) for c, v, h, u in
                                               zip(behind["comparator"], behind["value"], behind["value_high"],
                                                   behind["unit"])]),
                         dict(zip(["locality_name", "name", "target", "actual_text", "percent"],
                                  common.headers(lang, "locality", "indicator", "target", "actual", "percent"))),
                         percents=["percent"], wide=["locality_name", "name", "actual_text"])

TOP = 15
by_loc = charts.status_counts(rows, "locality_name")
n_loc = by_loc["locality_name"].nunique()
if n_loc > TOP:  # never thousands of bars: the localities most behind
    behind_locs = (by_loc[by_loc["status"].isin(["not_met", "at_risk"])].groupby("locality_name")["n"].sum()
                   .sort_values(ascending=False).head(TOP).index)
    by_loc = by_loc[by_loc["locality_name"].isin(behind_locs)]
by_cat = charts.status_counts(rows.assign(area=rows["category"].map(lambda c: category_label(c, lang))), "area")
left, right = st.columns(2)
common.chart("status_counts_chart", by_loc, t("chart_status_by", lang, what=t("by_locality", lang).lower()), lang,
             key="by_locality", where=left)
if n_loc > TOP:
    left.caption(t("top_n_note", lang, n=TOP, total=n_loc))
common.chart("status_counts_chart", by_cat, t("chart_status_by", lang, what=t("by_category", lang).lower()), lang,
             key="by_category", where=right)
counts = common.expander(t("counts_table", lang), key="ov_counts")
if counts.open:  # the same counts as numbers, every status in words
    with counts:
        common.counts_table(by_loc, lang)
        common.counts_table(by_cat, lang)
