"""So sánh: chosen indicators × chosen localities — heat map by status, ranking, targets beside actuals."""
import streamlit as st

from ui import common, national
from ui.format import comparator_label, name_unit
from ui.i18n import indicator_name, t

f = common.filters()
lang, year, period = f["lang"], f["year"], f["period"]
per = "period_en" if lang == "en" else "period_vi"  # period of the actual, in words
st.title(t("page_compare", lang))
choices = common.read("indicator_choices", year, f["province"]) if year is not None else None
if choices is None or choices.empty:
    common.empty_state(t("empty_db", lang) if year is None else t("empty_year", lang, year=year))
    st.stop()

# Indicators most localities have figures for come first (and are the default choice).
names = {c: name_unit(n, u) for c, n, u in zip(choices["code"], choices["name_en" if lang == "en" else "name_vi"],
                                               choices["unit"])}
national.compare(f, names)  # many units: every one ranked on one indicator
# Every locality can be chosen (a year change keeps the choice); those planned this year come first.
this_year = common.read("localities", year, f["province"])
every = common.read("localities", None, f["province"])
loc_names = dict(zip(this_year["key"], this_year["name"])) | dict(zip(every["key"], every["name"]))
inds = common.multiselect("ind", t("indicators", lang), list(names), list(names)[:4], format_func=names.get)
locs = common.multiselect("locs", t("localities", lang), list(loc_names), list(this_year["key"])[:8],
                          format_func=loc_names.get)
if not inds or len(locs) < 2:
    common.empty_state(t("compare_pick", lang))
    st.stop()
sel = common.statuses(year, period, indicators=tuple(inds), localities=tuple(locs))
missing = [loc_names[k] for k in locs if sel.empty or k not in set(sel["locality_scheme"] + ":" + sel["locality_code"])]
if missing:  # a chosen locality without any chosen target that year is said, not silently dropped
    st.warning(t("locs_without", lang, year=year, names=", ".join(missing)), icon=":material/info:")
if sel.empty:
    common.empty_state(t("no_targets_year", lang, year=year))
    st.stop()
common.demo_banner(sel, year, lang)
sel = sel.assign(indicator_name=[indicator_name(r, lang) for r in sel.to_dict("records")]).rename(
    columns={"locality_name": "locality"})

for code, part in sel.groupby("indicator"):  # comparability: same unit, scope, way of setting, period
    problems = [t(k, lang, v=", ".join(sorted(map(str, set(part[c].dropna()))))) for k, c in
                (("diff_unit", "unit"), ("diff_period", per)) if part[c].dropna().nunique() > 1]
    if part["comparator"].nunique() > 1:
        problems.insert(1, t("diff_comparator", lang, v=", ".join(sorted({comparator_label(c, lang)
                                                                          for c in part["comparator"]}))))
    if part.groupby("locality")["scope"].apply(frozenset).nunique() > 1:  # localities measure different groups
        problems.append(t("diff_scope", lang, v=", ".join(sorted(set(part["scope"]) - {""}))))
    if problems:
        st.warning(t("not_comparable", lang, name=names[code], why="; ".join(problems)), icon=":material/warning:")

common.chart("status_heatmap", sel.head(40 * max(1, len(inds))), t("heatmap_title", lang), lang, key="heatmap")
rank_code = common.select("rank", t("rank_indicator", lang), inds, inds[0], format_func=names.get)
one = sel[sel["indicator"] == rank_code]
if len(one) > 40:  # never thousands of bars: best and worst 20
    one = one.sort_values("percent").iloc[list(range(20)) + list(range(-20, 0))]
if one["percent"].notna().any():
    left, right = st.columns(2)
    common.chart("ranking_chart", one, t("ranking_title", lang, name=names[rank_code]), lang, key="ranking",
                 where=left)
    if one["unit"].nunique() == 1:
        common.chart("target_actual_bars", one, f"{t('side_by_side', lang)}: {names[rank_code]}", lang,
                     key="side_by_side", where=right)
else:  # targets exist, figures do not: say so, with the year
    common.empty_state(t("no_actuals_selection", lang, name=names[rank_code], year=year))

st.subheader(t("side_by_side", lang))
view = common.with_texts(sel, lang)
common.table(view, dict(zip(["locality", "indicator_name", "target", "actual_text", "percent", "status_text"],
                            common.headers(lang, "locality", "indicator", "target", "actual", "percent", "status"))),
             percents=["percent"], wide=["locality", "indicator_name", "actual_text"], key="compare_table")
st.caption(t("table_marks", lang))
if (why := common.expander(t("why", lang), key="cmp_why")).open:  # drawn once opened, each why too
    with why:
        common.status_list(sel.rename(columns={"locality": "locality_name"}), lang, with_locality=True,
                           lazy="cmp_why_t")
