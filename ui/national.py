"""Roll-up views for many units at once: the whole country (34 provinces, 3,321 communes) or a
province's ~100 communes. Called with one line from views/overview.py and views/compare.py.

Never thousands of bars: counts by status (four groups), one bar per province (34) or the 15
localities most behind, a ranking with the best and worst 10, and a searchable table of every
unit (names compared without diacritics, shown as stored). Data comes from the cached roll-up
reads (chitieu.store.reads.rollup_counts / most_behind / indicator_ranking) and the pure
functions of chitieu.rollup.
"""
from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from chitieu import rollup
from ui import charts, common
from ui.format import num, pct
from ui.i18n import STRINGS, category_label, status_icon, status_label, t

MANY = 30   # localities in view beyond which the overview is a roll-up
TOP = 15    # bars of "localities most behind"
SHOW = 10   # best / worst units listed

_TEXT = {
    "nat_caption": ("Năm {year}, tính đến kỳ {period}: {n} chỉ tiêu của {m} địa phương{where}.",
                    "{year}, as of {period}: {n} targets of {m} localities{where}."),
    "nat_where_country": (" trên cả nước ({p} tỉnh, thành phố)", " nationwide ({p} provinces)"),
    "nat_where_province": (" của {p}", " in {p}"),
    "nat_by_province": ("Theo tỉnh, thành phố", "By province"),
    "nat_ranking": ("Xếp hạng theo tỷ lệ chỉ tiêu đạt", "Ranking by share of targets met"),
    "nat_ranking_note": ("Xếp theo tỷ lệ chỉ tiêu đạt / vượt, rồi ít chỉ tiêu chưa đạt hơn.",
                         "Ranked by share of targets met or exceeded, then fewer behind."),
    "nat_best": ("{n} đơn vị dẫn đầu", "Top {n}"),
    "nat_worst": ("{n} đơn vị cuối bảng", "Bottom {n}"),
    "nat_search": ("Tìm địa phương theo tên (gõ có dấu hoặc không dấu)",
                   "Find a locality by name (with or without diacritics)"),
    "nat_all_units": ("Tất cả địa phương ({n})", "Every locality ({n})"),
    "nat_found": ("{n} địa phương khớp với “{q}”.", "{n} localities match “{q}”."),
    "nat_none_found": ("Không có địa phương nào khớp với “{q}”.", "No locality matches “{q}”."),
    "nat_rank": ("Hạng", "Rank"),
    "nat_targets": ("Số chỉ tiêu", "Targets"),
    "nat_share_met": ("% đạt / vượt", "% met"),
    "nat_share_behind": ("% chưa đạt / nguy cơ", "% behind"),
    "nat_share_no_data": ("% chưa có số liệu", "% no data"),
    "nat_open": ("Mở", "Open"),
    "nat_link": ("Trang địa phương", "Locality page"),
    "nat_rank_all": ("Xếp hạng mọi đơn vị theo một chỉ tiêu", "Rank every unit on one indicator"),
    "nat_rank_scope_country": ("Các tỉnh, thành phố ({n}) theo chỉ tiêu của chính tỉnh.",
                               "The provinces ({n}), on each province's own target."),
    "nat_rank_scope_province": ("Các địa phương của {p} ({n}).", "The localities of {p} ({n})."),
    "nat_no_ranking": ("Chưa có đơn vị nào có chỉ tiêu này.", "No unit has this target yet."),
}
for _k, _v in _TEXT.items():  # this module's strings join the one table of interface strings
    STRINGS.setdefault(_k, _v)


def _scope(f: dict) -> int:
    """Localities in view for the year and province of the filters (from the sidebar's own read)."""
    provs = common.read("provinces", f["year"])
    if f["province"]:
        provs = provs[provs["province"] == f["province"]]
    return int(provs["localities"].sum())


def _link(key: str, f: dict, province: str | None) -> str:
    return "dia-phuong?" + urlencode({"loc": key, "year": f["year"], "prov": province or "", "lang": f["lang"]})


def _units_table(units, lang: str, key: str, with_province: bool) -> None:
    cols = {"rank": t("nat_rank", lang), "locality_name": t("locality", lang)}
    if with_province:
        cols["province"] = t("province", lang)
    cols.update({"targets": t("nat_targets", lang), "share_met": t("nat_share_met", lang),
                 "share_behind": t("nat_share_behind", lang), "share_no_data": t("nat_share_no_data", lang),
                 "link": t("nat_link", lang)})
    common.table(units, cols, numbers=["targets"], percents=["share_met", "share_behind", "share_no_data"],
                 key=key, column_config={cols["link"]: st.column_config.LinkColumn(
                     cols["link"], display_text=t("nat_open", lang))})


def summary(year: int, period: str, province: str | None, lang: str) -> dict | None:
    """What the roll-up overview shows, from the counts of one data version (no Streamlit output):
    totals, the bars by unit and by area, every unit ranked (with its link), the provinces ranked
    (whole country), the best and worst. Shared by every session through common.derived."""
    counts = common.read("rollup_counts", year, period, province)
    if counts.empty:
        return None
    if province:  # one bar per locality would be ~100: the TOP most behind
        per_loc = rollup.table(counts, ["key", "locality_name"])
        worst = per_loc.sort_values(["behind", "locality_name"], ascending=[False, True]).head(TOP)["key"]
        bars = rollup.by_status(counts[counts["key"].isin(worst)], "locality_name")
    else:
        bars = rollup.by_status(counts, "province")
    areas = counts.assign(area=counts["category"].map(lambda c: category_label(c, lang)))
    units = rollup.ranking(rollup.table(counts, ["key", "locality_name", "level", "province"]))
    f = {"year": year, "lang": lang}
    units = units.assign(link=[_link(k, f, p) for k, p in zip(units["key"], units["province"])])
    best, worst = rollup.top_bottom(units, SHOW)
    by_unit = t("chart_status_by", lang, what=t("by_locality" if province else "nat_by_province", lang).lower())
    behind = common.read("most_behind", year, period, province, SHOW)
    return {"totals": rollup.totals(counts), "n_loc": counts["key"].nunique(),
            "n_prov": counts["province"].nunique(), "units": units,
            "provinces": None if province else rollup.ranking(rollup.table(counts, ["province"])),
            "best": best, "worst": worst, "behind": behind, "behind_heads": charts.title_records(behind),
            # the figures built once too (validating a figure is most of its cost)
            "fig_unit": charts.built(charts.status_counts_chart(bars, by_unit, lang)),
            "fig_area": charts.built(charts.status_counts_chart(
                rollup.by_status(areas, "area"), t("chart_status_by", lang, what=t("by_category", lang).lower()),
                lang))}


def overview(f: dict) -> bool:
    """The overview for many units (more than MANY localities in view); False when the page's own
    view (a handful of localities) should be drawn instead."""
    lang, year, period, province = f["lang"], f["year"], f["period"], f["province"]
    if year is None or _scope(f) <= MANY:
        return False
    s = common.derived(summary, year, period, province, lang)
    if s is None:
        return False
    tot, n_loc = s["totals"], s["n_loc"]
    where = (t("nat_where_province", lang, p=province) if province else
             t("nat_where_country", lang, p=s["n_prov"]))
    st.caption(t("nat_caption", lang, year=year, period=common.period_label(period, lang), n=num(tot["total"]),
                 m=num(n_loc), where=where))
    for col, group, status in zip(st.columns(4), rollup.GROUPS, ("met", "on_track", "not_met", "no_data")):
        share = f"{tot[group] / tot['total']:.0%}" if tot["total"] else "–"
        col.metric(f"{status_icon(status)} {t('kpi_' + group, lang)}", num(tot[group]),
                   border=True, help=t("share_of_targets", lang, share=share, total=num(tot["total"])))
        col.caption(t("share_of_targets", lang, share=share, total=num(tot["total"])))

    left, right = st.columns(2)
    common.figure(s["fig_unit"], key="nat_by_unit", where=left)  # by locality (the TOP most behind) or province
    if province:
        left.caption(t("top_n_note", lang, n=TOP, total=n_loc))
    common.figure(s["fig_area"], key="nat_by_area", where=right)

    st.subheader(t("nat_ranking", lang))
    st.caption(t("nat_ranking_note", lang))
    units = s["units"]
    if not province:  # the provinces first: 34 rows
        common.table(s["provinces"], {"rank": t("nat_rank", lang), "province": t("province", lang),
                                      "targets": t("nat_targets", lang), "share_met": t("nat_share_met", lang),
                                      "share_behind": t("nat_share_behind", lang),
                                      "share_no_data": t("nat_share_no_data", lang)},
                     numbers=["targets"], percents=["share_met", "share_behind", "share_no_data"], key="nat_provs")
    c1, c2 = st.columns(2)
    for col, part, title in ((c1, s["best"], "nat_best"), (c2, s["worst"], "nat_worst")):
        col.markdown(f"**{t(title, lang, n=len(part))}**")
        col.markdown("\n".join(f"{r.rank}. [{common._md_escape(r.locality_name)}]({r.link})"
                               f" — {pct(r.share_met)} {t('kpi_met', lang).lower()}"
                               for r in part.itertuples()))

    query = common.text("q", t("nat_search", lang))
    found = rollup.search(units, query)
    if query:
        st.caption(t("nat_found" if len(found) else "nat_none_found", lang, n=len(found), q=query))
    # drawn once opened (or searched): formatting every unit's row was half a national view's CPU
    box = common.expander(t("nat_all_units", lang, n=len(units)), key="nat_units_open", expanded=bool(query))
    if box.open or query:
        with box:
            _units_table(found, lang, "nat_units", with_province=not province)

    st.subheader(t("most_behind", lang))
    if s["behind"].empty:
        common.empty_state(t("none_behind", lang))
    else:  # each why drawn once opened
        common.status_list(s["behind"], lang, with_locality=True, limit=SHOW, lazy="nat_why", heads=s["behind_heads"])
    return True


def compare(f: dict, names: dict[str, str]) -> None:
    """Above the hand-picked comparison, for many units: every unit ranked on one indicator (the
    provinces nationwide, the localities of a province), best and worst 10 drawn, all in a table."""
    lang, year, period, province = f["lang"], f["year"], f["period"], f["province"]
    if year is None or not names or _scope(f) <= MANY:
        return
    with st.expander(t("nat_rank_all", lang), expanded=True):
        code = common.select("rank_all", t("rank_indicator", lang), list(names), list(names)[0],
                             format_func=names.get)
        rows = common.read("indicator_ranking", year, period, code, province)
        if rows.empty:
            common.empty_state(t("nat_no_ranking", lang))
            return
        st.caption(t("nat_rank_scope_province", lang, p=province, n=len(rows)) if province else
                   t("nat_rank_scope_country", lang, n=len(rows)))
        rows = rows.rename(columns={"locality_name": "locality"})
        shown = rows.dropna(subset=["percent"])
        if len(shown) > 2 * SHOW:
            shown = shown.iloc[list(range(SHOW)) + list(range(-SHOW, 0))]
        common.chart("ranking_chart", shown, t("ranking_title", lang, name=names[code]), lang, key="nat_ranking")
        query = common.text("q_rank", t("nat_search", lang))
        found = rollup.search(rows.assign(rank=range(1, len(rows) + 1)), query, column="locality")
        if query:
            st.caption(t("nat_found" if len(found) else "nat_none_found", lang, n=len(found), q=query))
        view = found.assign(status_text=found["status"].map(lambda s: status_label(s, lang)))
        common.table(view, {"rank": t("nat_rank", lang), "locality": t("locality", lang),
                            "actual": t("actual", lang), "unit": t("unit", lang), "percent": t("percent", lang),
                            "status_text": t("status", lang)},
                     numbers=["actual"], percents=["percent"], key="nat_rank_table")
