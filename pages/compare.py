"""So sánh: chosen indicators × chosen localities — heat map by status, ranking, targets beside actuals."""
import streamlit as st

from ui import common, national
from ui.format import target_text
from ui.i18n import indicator_name, status_label, t

f = common.filters()
lang, year, period = f["lang"], f["year"], f["period"]
per = "period_en" if lang == "en" else "period_vi"  # period of the actual, in words
st.title(t("page_compare", lang))
choices = common.read("indicator_choices", year, f["province"]) if year is not None else None
if choices is None or choices.empty:
    common.empty_state(t("empty_db", lang) if year is None else t("empty_year", lang, year=year))
    st.stop()

# Indicators most localities have figures for come first (and are the default choice).
names = dict(zip(choices["code"], choices["name_en" if lang == "en" else "name_vi"] + " (" + choices["unit"] + ")"))
national.compare(f, names)  # many units: every one ranked on one indicator
localities = common.read("localities", year, f["province"])
loc_names = dict(zip(localities["key"], localities["name"]))
inds = common.multiselect("ind", t("indicators", lang), list(names), list(names)[:4], format_func=names.get)
locs = common.multiselect("locs", t("localities", lang), list(loc_names), list(loc_names)[:8],
                          format_func=loc_names.get)
sel = common.read("status_table", year, period, indicators=tuple(inds), localities=tuple(locs)) \
    if inds and len(locs) >= 2 else None
if sel is None or sel.empty:
    common.empty_state(t("compare_pick", lang))
    st.stop()
sel = sel.assign(indicator_name=[indicator_name(r, lang) for r in sel.to_dict("records")]).rename(
    columns={"locality_name": "locality"})

for code, part in sel.groupby("indicator"):  # comparability: same unit, scope, way of setting, period
    problems = [t(k, lang, v=", ".join(sorted(map(str, set(part[c].dropna()))))) for k, c in
                (("diff_unit", "unit"), ("diff_comparator", "comparator"),
                 ("diff_period", per)) if part[c].dropna().nunique() > 1]
    if part.groupby("locality")["scope"].apply(frozenset).nunique() > 1:  # localities measure different groups
        problems.append(t("diff_scope", lang, v=", ".join(sorted(set(part["scope"]) - {""}))))
    if problems:
        st.warning(t("not_comparable", lang, name=names[code], why="; ".join(problems)), icon=":material/warning:")

common.chart("status_heatmap", sel.head(40 * max(1, len(inds))), t("heatmap_title", lang), lang, key="heatmap")
rank_code = common.select("rank", t("rank_indicator", lang), inds, inds[0], format_func=names.get)
one = sel[sel["indicator"] == rank_code]
if len(one) > 40:  # never thousands of bars: best and worst 20
    one = one.sort_values("percent").iloc[list(range(20)) + list(range(-20, 0))]
left, right = st.columns(2)
common.chart("ranking_chart", one, t("ranking_title", lang, name=names[rank_code]), lang, key="ranking", where=left)
if one["unit"].nunique() == 1:
    common.chart("target_actual_bars", one, f"{t('side_by_side', lang)}: {names[rank_code]}", lang,
                 key="side_by_side", where=right)

st.subheader(t("side_by_side", lang))
view = sel.assign(target=[target_text(c, v, h, u, lang) for c, v, h, u in
                          zip(sel["comparator"], sel["value"], sel["value_high"], sel["unit"])],
                  status_text=sel["status"].map(lambda s: status_label(s, lang)))
common.table(view, dict(zip(["locality", "indicator_name", "target", "actual", "unit", "percent", "status_text",
                             per], common.headers(lang, "locality", "indicator", "target", "actual",
                                                              "unit", "percent", "status", "period"))),
             numbers=["actual"], percents=["percent"], key="compare_table")
with st.expander(t("why", lang)):
    common.status_list(sel.rename(columns={"locality": "locality_name"}), lang, with_locality=True)
