"""Chỉ tiêu: one indicator across years and localities — targets and actuals over time."""
import streamlit as st

from ui import common
from ui.format import name_unit
from ui.i18n import t

f = common.filters()
lang, period = f["lang"], f["period"]
per = "period_en" if lang == "en" else "period_vi"  # period of the actual, in words
st.title(t("page_indicator", lang))
inds = common.read("indicators_in_use")
if inds.empty:
    common.empty_state(t("empty_db", lang))
    st.stop()

names = {c: name_unit(n, u) for c, n, u in zip(inds["code"], inds["name_en" if lang == "en" else "name_vi"],
                                               inds["unit"])}
# The first view: a numeric indicator with figures, planned by the most localities (a chart with lines).
ranked_codes = [c for c in common.read("indicator_choices", None, f["province"])["code"] if c in names]
default = next((c for c in ranked_codes[:12] if common.has_figures(c, period, f["province"])),
               ranked_codes[0] if ranked_codes else None)
code = common.select("ind1", t("pick_indicator", lang), list(names), default, format_func=names.get)
rows = common.statuses(None, period, None, code, province=f["province"])
if rows.empty:
    common.empty_state(t("no_indicator_data", lang))
    st.stop()
rows = rows.assign(locality=rows["locality_name"] + rows["scope"].map(lambda s: f" ({s})" if s else ""))
ranked = rows.groupby("locality")["actual"].count().sort_values(ascending=False, kind="stable").index.tolist()
TOP = 8  # a readable number of lines; the others can be picked
chosen = common.multiselect("ilocs", t("localities", lang), ranked, ranked[:TOP])
if len(ranked) > TOP:
    st.caption(t("top_localities", lang, n=TOP))
if not chosen:
    common.empty_state(t("choose_localities", lang))
    st.stop()
sel = rows[rows["locality"].isin(chosen)]  # the chart shows exactly what the box says
common.demo_banner(sel, ", ".join(map(str, sorted(sel["year"].unique()))), lang)
unit = sel["unit"].mode().iloc[0] if not sel.empty else ""
name = inds.set_index("code").at[code, "name_en" if lang == "en" else "name_vi"]
other_units = sorted(set(sel["unit"].dropna()) - {unit})
if other_units:  # never one axis for two units: the chart keeps the main unit, the table shows all
    st.warning(t("units_excluded", lang, unit=unit, others=", ".join(other_units)), icon=":material/warning:")
common.chart("timeline_chart", sel[sel["unit"] == unit], t("timeline_title", lang, name=name, unit=unit or "–"),
             lang, key="timeline")

view = sel.sort_values(["year", "locality"], ascending=[False, True])
view = common.with_texts(view, lang)
common.table(view, dict(zip(["year", "locality", "target", "actual_text", "percent", "status_text"],
                            common.headers(lang, "year", "locality", "target", "actual", "percent", "status"))),
             percents=["percent"], wide=["locality", "actual_text", "status_text"], key="indicator_table")
st.caption(t("table_marks", lang))
if (why := common.expander(t("why", lang), key="ind_why")).open:  # drawn once opened, each why too
    with why:
        common.status_list(view, lang, with_locality=True, lazy="ind_why_t")
