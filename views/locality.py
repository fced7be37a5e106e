"""Địa phương: every target of one locality and year, bullet chart by area, each with its plan sentence."""
import streamlit as st

from ui import charts, common, report
from ui.i18n import category_label, indicator_name, status_label, t

f = common.filters()
lang, year, period = f["lang"], f["year"], f["period"]
per = "period_en" if lang == "en" else "period_vi"  # period of the actual, in words
st.title(t("page_locality", lang))
if year is None:
    common.empty_state(t("empty_db", lang))
    st.stop()
locs = common.read("localities", year, f["province"])
if locs.empty:
    common.empty_state(t("empty_year", lang, year=year))
    st.stop()

names = dict(zip(locs["key"], locs["name"] + " — " + locs["province"].fillna("")))
left, right = st.columns([2, 3])
key = common.select("loc", t("locality", lang), list(names), where=left, format_func=names.get)
statuses = common.multiselect("status", t("status_filter", lang), list(charts.STATUS_ORDER), where=right,
                              format_func=lambda s: status_label(s, lang))
scheme, code = key.split(":", 1)
rows = common.statuses(year, period, (scheme, code))
# One order everywhere, the plan's own: a target keeps its number in the chart, the table and the
# list, in both languages and whatever the filter.
rows = rows.sort_values("seq", kind="stable").assign(number=range(1, len(rows) + 1))
areas = list(dict.fromkeys(rows["category"]))  # areas in the order the plan first mentions them
if statuses:
    rows = rows[rows["status"].isin(statuses)]
name = names[key].split(" — ")[0]
if rows.empty:
    common.empty_state(t("no_targets_locality", lang, name=name, year=year))
    st.stop()

st.caption(t("locality_caption", lang, name=names[key], year=year, period=common.period_label(period, lang),
             n=len(rows)))
common.demo_banner(rows, year, lang)
report.download(key, year, period, lang)
common.chart("bullet_chart", rows, t("bullet_title", lang, name=name, year=year), lang, key="bullet")
st.caption(t("bullet_help", lang))

st.subheader(t("details", lang))
table = common.with_texts(rows, lang).assign(name=[indicator_name(r, lang) for r in rows.to_dict("records")])
common.table(table, dict(zip(["number", "status_text", "name", "target", "actual_text", "percent", "text"],
                             common.headers(lang, "col_number", "status", "indicator", "target", "actual", "percent",
                                            "plan_sentence"))),
             percents=["percent"], wide=["name", "actual_text", "text"], key="targets_table")
st.caption(t("table_marks", lang))
for cat in areas:
    part = rows[rows["category"] == cat]
    if not part.empty:
        st.markdown(f"#### {category_label(cat, lang)}")
        common.status_list(part, lang)
common.related_units(key, year, lang)
