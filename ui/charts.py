"""Plotly figure builders: pure functions of DataFrames, no Streamlit (tested in tests/test_charts.py).

Every figure: a title that names what and the unit, Vietnamese separators (1.234,5 via
layout.separators=",."), status shown by colour *and* an icon/label, long names wrapped so
they stay readable, and a bounded number of bars (callers pass top/bottom N).
"""
from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from chitieu.status import STATUS_INFO
from ui.format import num, pct, target_text, with_unit
from ui.i18n import category_label, status_color, status_icon, status_label, t

FONT = "Source Sans Pro, DejaVu Sans, Arial, sans-serif"
# Good to bad, left to right in stacked bars and legends.
STATUS_ORDER = ("exceeded", "met", "on_track", "at_risk", "not_met", "needs_assigned", "not_assessable", "no_data")
PERCENT_CAP = 150.0  # bars beyond this are drawn at the cap; the label keeps the real figure
ROW_PX = 30


class BuiltFigure(go.Figure):
    """A figure built once and drawn for many sessions (see `built`): its dict, what st.plotly_chart
    turns into JSON, is made on the first draw and kept, instead of plotly deep-copying the whole
    figure, its 7 KB template included, on every draw (~1 ms of a view's CPU per chart). Not to be
    changed after it is built."""

    def to_dict(self):
        kept = self.__dict__.get("_built_dict")
        if kept is None:
            kept = super().to_dict()
            self._built_dict = kept
        return kept


def built(fig: go.Figure) -> BuiltFigure:
    """The figure, from now on drawn many times unchanged (a cached figure shared by sessions). The
    object itself becomes a BuiltFigure (no copy: copying a figure validates it all again)."""
    if not isinstance(fig, BuiltFigure):
        fig.__class__ = BuiltFigure
    return fig


def wrap(text: str, width: int = 42, max_lines: int = 3) -> str:
    """Break a long label into lines joined by <br> (Plotly's line break)."""
    lines = textwrap.wrap(str(text), width=width) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1] + "…"
    return "<br>".join(lines)


def _layout(fig: go.Figure, title: str, height: int, title_chars: int = 95, **kw) -> go.Figure:
    """Common look; a long title is wrapped onto more lines (never cut), with room made above the plot.
    title_chars: how many characters fit on one title line (about 45 in a half-width column at 1280 px)."""
    text = wrap(title, title_chars, max_lines=5) if title else ""
    extra = 22 * text.count("<br>")
    layout = dict(
        title={"text": text, "x": 0, "xanchor": "left", "font": {"size": 16}},
        separators=",.", font={"family": FONT, "size": 13}, height=int(height) + extra,
        margin={"l": 10, "r": 20, "t": 70, "b": 40}, plot_bgcolor="white",
        hoverlabel={"font": {"family": FONT}})
    layout.update(kw)
    layout["margin"] = dict(layout["margin"], t=layout["margin"].get("t", 70) + extra)
    fig.update_layout(**layout)
    return fig


def empty_figure(message: str, title: str = "") -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                       font={"size": 15})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, 220)


def status_counts_chart(counts: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """Stacked horizontal bars: one bar per group (locality or area), one segment per status.

    counts: columns [group, status, n] (the first column names the group, see status_counts).
    Groups are ordered most-behind first (top).
    """
    group_col = counts.columns[0]
    if counts.empty:
        return empty_figure(t("none_behind", lang), title)
    wide = counts.pivot_table(index=group_col, columns="status", values="n", aggfunc="sum", fill_value=0)
    behind = wide.reindex(columns=["not_met", "at_risk"], fill_value=0).sum(axis=1)
    order = behind.sort_values(ascending=True, kind="stable").index.tolist()  # plotly draws bottom-up
    widest = max(1, int(wide.sum(axis=1).max()))
    fig = go.Figure()
    for status in STATUS_ORDER:
        if status not in wide.columns or wide[status].sum() == 0:
            continue
        vals = wide.loc[order, status]
        fig.add_bar(
            y=[wrap(g, 34) for g in order], x=vals, orientation="h", name=status_label(status, lang),
            marker={"color": status_color(status), "line": {"color": "white", "width": 1}},
            # A count is written only in a segment wide enough for it, level and full size; the
            # legend (icon + word), the hover and the table under the charts carry the rest.
            text=[f"{status_icon(status)} {int(v)}" if v and v / widest >= 0.12 else "" for v in vals],
            textposition="inside", textangle=0, insidetextanchor="middle",
            textfont={"color": "white" if status not in ("no_data", "not_assessable") else "#222"},
            hovertemplate="%{y}<br>" + status_label(status, lang) + ": %{x}<extra></extra>")
    fig.update_xaxes(title=t("n_targets", lang), gridcolor="#eee", rangemode="tozero", tickformat=",~f")
    fig.update_yaxes(automargin=True)
    plot_h = 60 + 40 * len(order)
    # Legend under the axis title; in a half-width column its items wrap onto up to 4 rows.
    return _layout(fig, title, plot_h + 60 + 190, title_chars=46, barmode="stack", margin={"l": 10, "r": 20, "t": 60, "b": 190},
                   uniformtext={"minsize": 11, "mode": "hide"},
                   legend={"orientation": "h", "y": -75 / plot_h, "yanchor": "top", "x": 0,
                           "traceorder": "normal"})


def bullet_chart(rows: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """Bullet-style chart of one locality's targets, grouped by area (a bold heading row per area).

    rows: name_vi/name_en, scope, category, status, percent, actual, unit, comparator, value,
    value_high, actual_period. Bar = % of target achieved (capped at PERCENT_CAP), the
    dashed line at 100 % is the target; colour, icon and label give the status. Targets are
    numbered (1., 2., …) in the order of the details table below the chart.
    """
    if rows.empty:
        return empty_figure(t("no_targets_locality", lang, name="", year=""), title)
    rows = rows.assign(_cat=rows["category"].map(lambda c: category_label(c, lang))).reset_index(drop=True)
    if "number" not in rows:  # the target's number in its plan (the page numbers before any filter)
        rows = rows.assign(number=range(1, len(rows) + 1))
    order: list[str] = []           # y categories top to bottom: heading, its targets, next heading ...
    label_of: dict[int, str] = {}
    # Areas in the order the plan first mentions them, targets in the plan's order: the numbers
    # run 1, 2, 3 … down the chart in either language. Names wrap (up to 4 lines), never cut.
    for cat, part in rows.groupby("_cat", sort=False):
        order.append(f"<b>{cat.upper()}</b>")
        for i, r in zip(part.index, part.to_dict("records")):
            label_of[i] = wrap(f"{int(r['number'])}. {_name(r, lang)}", 62, max_lines=4)
            order.append(label_of[i])
    headings = [o for o in order if o.startswith("<b>")]
    data = [{"type": "bar", "orientation": "h", "y": headings, "x": [0] * len(headings), "showlegend": False,
             "hoverinfo": "skip", "marker": {"color": "rgba(0,0,0,0)"}}]
    for status in STATUS_ORDER:
        sub = rows[rows["status"] == status]
        if sub.empty:
            continue
        recs = sub.to_dict("records")
        data.append({
            "type": "bar", "orientation": "h", "name": status_label(status, lang),
            "y": [label_of[i] for i in sub.index],
            "x": [min(PERCENT_CAP, p) if pd.notna(p) else 0 for p in sub["percent"]],
            "marker": {"color": status_color(status),  # illustrative figures: hatched bars
                       "pattern": {"shape": ["/" if ill else "" for ill in _illustrative(sub)], "fgcolor": "white",
                                   "fgopacity": 0.7, "fillmode": "overlay", "size": 7}},
            "textposition": "outside", "cliponaxis": False,
            "text": [f"{status_icon(status)} {pct(p) if pd.notna(p) else status_label(status, lang, False)}"
                     + (" ◇" if ill else "")
                     for p, ill in zip(sub["percent"], _illustrative(sub))],
            "hovertext": [_hover(r, lang) for r in recs], "hoverinfo": "text"})
    lines = max(o.count("<br>") + 1 for o in order)
    row_px = 16 * lines + 14  # every row gets room for the tallest label: no overlapping text
    height = int(190 + row_px * len(order))
    layout = {
        "barmode": "overlay", "bargap": 0.3,
        "yaxis": {"categoryorder": "array", "categoryarray": order[::-1], "automargin": True,
                  "range": [-0.6, len(order) - 0.4]},
        "xaxis": {"range": [0, PERCENT_CAP + 30], "gridcolor": "#eee", "ticksuffix": "%", "side": "top",
                  "tickvals": [0, 25, 50, 75, 100, 125, 150], "title": {"text": t("percent_axis", lang)}},
        "shapes": [*_range_bands(rows, label_of, order),
                   {"type": "line", "x0": 100, "x1": 100, "y0": 0, "y1": 1, "yref": "paper",
                    "line": {"color": "#333", "dash": "dash", "width": 1.5}}],
        "legend": {"orientation": "h", "x": 0, "y": -row_px / height, "yanchor": "top"},
        "margin": {"l": 10, "r": 20, "t": 130, "b": 50}}
    return _layout(go.Figure(data=data, layout=layout), title, height, **layout)


def _illustrative(rows: pd.DataFrame) -> list[bool]:
    if "illustrative" not in rows:
        return [False] * len(rows)
    return [bool(v) if pd.notna(v) else False for v in rows["illustrative"]]


def range_band(comparator: str, direction: str | None, low, high) -> tuple[float, float] | None:
    """Where a range target ("từ 8 đến 9%") lies on the % achieved axis (same rules as the percent
    in chitieu.status: up = against the lower end, down = mirrored against the upper end,
    target band = against the midpoint). None for a point target."""
    if comparator != "between" or pd.isna(low) or pd.isna(high) or low <= 0 or high <= 0:
        return None
    low, high = sorted((float(low), float(high)))
    if direction == "lower_is_better":
        return 100.0, 100.0 + (high - low) / high * 100.0
    if direction == "target_band":
        mid = (low + high) / 2
        return low / mid * 100.0, high / mid * 100.0
    return 100.0, high / low * 100.0


def _range_bands(rows: pd.DataFrame, label_of: dict[int, str], order: list[str]) -> list[dict]:
    """Light bands behind the bars of range targets (the bullet chart's "target band")."""
    position = {label: i for i, label in enumerate(order[::-1])}  # category index on the y axis
    shapes = []
    for i, r in zip(rows.index, rows.to_dict("records")):
        band = range_band(r["comparator"], r.get("direction"), r.get("value"), r.get("value_high"))
        if band is None:
            continue
        y = position[label_of[i]]
        shapes.append({"type": "rect", "x0": band[0], "x1": min(PERCENT_CAP, band[1]), "y0": y - 0.45,
                       "y1": y + 0.45, "layer": "above", "line": {"color": "#333", "width": 1.5},
                       "fillcolor": "rgba(0,0,0,0.08)"})
    return shapes


def _name(r: dict, lang: str) -> str:
    name = (r.get("name_en") if lang == "en" else r.get("name_vi")) or r.get("indicator", "")
    return f"{name} ({r['scope']})" if r.get("scope") else name


def _hover(r: dict, lang: str) -> str:
    target = target_text(r["comparator"], r.get("value"), r.get("value_high"), r.get("unit", ""), lang)
    actual = with_unit(r.get("actual"), r.get("unit", ""))
    period = _period_words(r.get("actual_period"), lang)
    mark = f" ({t('illustrative_mark', lang)})" if r.get("illustrative") is True else ""
    return (f"<b>{_name(r, lang)}</b><br>{t('target', lang)}: {target}<br>"
            f"{t('actual', lang)} ({period}): {actual}{mark}<br>{status_label(r['status'], lang)} · "
            f"{pct(r.get('percent'))}")


def _period_words(code, lang: str) -> str:
    """'Cả năm', '9 tháng' for a stored period code ('FY', '9M'); '–' when there is none."""
    if not isinstance(code, str) or not code:
        return "–"
    from chitieu.periods import parse_period
    try:
        return parse_period(code).label(lang)
    except Exception:  # noqa: BLE001 — an odd stored code is shown as it is rather than failing the chart
        return code


def status_heatmap(cells: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """Localities (rows) × indicators (columns); colour by status, text = icon + % achieved.

    cells: locality, indicator_name, status, percent.
    """
    if cells.empty:
        return empty_figure(t("compare_pick", lang), title)
    locs = list(dict.fromkeys(cells["locality"]))
    inds = list(dict.fromkeys(cells["indicator_name"]))
    idx = {s: i for i, s in enumerate(STATUS_ORDER)}
    z = [[None] * len(inds) for _ in locs]
    text = [[""] * len(inds) for _ in locs]
    hover = [[""] * len(inds) for _ in locs]
    for r in cells.to_dict("records"):
        i, j = locs.index(r["locality"]), inds.index(r["indicator_name"])
        z[i][j] = idx[r["status"]]
        text[i][j] = f"{status_icon(r['status'])} {pct(r['percent']) if pd.notna(r['percent']) else ''}".strip()
        hover[i][j] = f"{r['locality']}<br>{r['indicator_name']}<br>{status_label(r['status'], lang)} {text[i][j]}"
    n = len(STATUS_ORDER)
    scale = []
    for s, i in idx.items():  # discrete colour bands, one per status
        scale += [[i / n, status_color(s)], [(i + 1) / n, status_color(s)]]
    fig = go.Figure(go.Heatmap(
        z=z, x=[wrap(c, 22) for c in inds], y=locs, text=text, texttemplate="%{text}", hovertext=hover,
        hoverinfo="text", colorscale=scale, zmin=0, zmax=n, showscale=False, xgap=3, ygap=3,
        textfont={"size": 13, "color": "black"}))
    present = [s for s in STATUS_ORDER if s in set(cells["status"])]
    for s in present:  # legend entries: the heat map itself has none
        fig.add_scatter(x=[None], y=[None], mode="markers", name=status_label(s, lang),
                        marker={"size": 12, "color": status_color(s), "symbol": "square"})
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(side="top", automargin=True)
    height = 160 + 44 * len(locs) + 30
    return _layout(fig, title, height, legend={"orientation": "h", "y": -0.05, "yanchor": "top", "x": 0},
                   plot_bgcolor="white", margin={"l": 10, "r": 20, "t": 130, "b": 20})


def ranking_chart(rows: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """Localities ranked by % of target achieved for one indicator (best on top).

    rows: locality, percent, status, actual, unit, comparator, value, value_high.
    """
    rows = rows.dropna(subset=["percent"])
    if rows.empty:
        return empty_figure(t("no_targets_selection", lang, year=""), title)
    rows = rows.sort_values("percent", ascending=True)
    fig = go.Figure(go.Bar(
        y=[wrap(l, 30) for l in rows["locality"]], x=[min(PERCENT_CAP, p) for p in rows["percent"]],
        orientation="h", marker={"color": [status_color(s) for s in rows["status"]]},
        text=[f"{status_icon(s)} {pct(p)} · {with_unit(a, u)}"
              for s, p, a, u in zip(rows["status"], rows["percent"], rows["actual"], rows["unit"])],
        textposition="outside", cliponaxis=False,
        hovertext=[f"{l}<br>{status_label(s, lang)} {pct(p)}" for l, s, p in
                   zip(rows["locality"], rows["status"], rows["percent"])], hoverinfo="text", showlegend=False))
    fig.add_vline(x=100, line={"color": "#333", "dash": "dash", "width": 1.5},
                  annotation_text=t("target_line", lang), annotation_position="top")
    fig.update_xaxes(range=[0, PERCENT_CAP + 60], ticksuffix="%", title=t("percent_axis", lang), gridcolor="#eee",
                     tickvals=[0, 25, 50, 75, 100, 125, 150])
    fig.update_yaxes(automargin=True)
    return _layout(fig, title, 140 + ROW_PX * 1.3 * len(rows), title_chars=46)


def target_actual_bars(rows: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """Target and actual side by side per locality for one indicator (one unit).

    rows: locality, value (target), actual, status, unit.
    """
    if rows.empty:
        return empty_figure(t("no_targets_selection", lang, year=""), title)
    unit = rows["unit"].iloc[0] or ""
    fig = go.Figure()
    fig.add_bar(x=[wrap(l, 18) for l in rows["locality"]], y=rows["value"], name=t("target", lang),
                marker={"color": "#D9D9D9", "line": {"color": "#555", "width": 1}},
                text=[num(v) for v in rows["value"]], textposition="outside", cliponaxis=False)
    fig.add_bar(x=[wrap(l, 18) for l in rows["locality"]], y=rows["actual"], name=t("actual", lang),
                marker={"color": [status_color(s) for s in rows["status"]]}, showlegend=False,
                text=[f"{status_icon(s)} {num(a)}" for s, a in zip(rows["status"], rows["actual"])],
                textposition="outside", cliponaxis=False)
    # The actual bars take their status colour, so the legend names the statuses (not one "actual" colour).
    for s in [s for s in STATUS_ORDER if s in set(rows["status"])]:
        fig.add_scatter(x=[None], y=[None], mode="markers", name=f"{t('actual', lang)}: {status_label(s, lang)}",
                        marker={"size": 12, "color": status_color(s), "symbol": "square"})
    fig.update_yaxes(title=unit, gridcolor="#eee", rangemode="tozero", tickformat=",~f")
    return _layout(fig, title, 430, title_chars=46, barmode="group",
                   legend={"orientation": "h", "y": -0.15, "yanchor": "top", "x": 0})


def timeline_chart(rows: pd.DataFrame, title: str, lang: str = "vi") -> go.Figure:
    """One indicator over the years: target (dashed) and actual (solid) per locality.

    rows: year, locality, value (target), actual, status, unit.
    """
    if rows.empty:
        return empty_figure(t("no_indicator_data", lang), title)
    unit = rows["unit"].dropna().iloc[0] if rows["unit"].notna().any() else ""
    palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999933"]
    fig = go.Figure()
    groups = list(rows.sort_values("year").groupby("locality", sort=False))
    for k, (loc, part) in enumerate(groups):
        color = palette[k % len(palette)]
        # Localities side by side within a year (a small offset), so markers never hide each other.
        part = part.assign(x=part["year"] + (k - (len(groups) - 1) / 2) * min(0.12, 0.6 / len(groups)))
        fig.add_scatter(x=part["x"], y=part["value"], mode="lines+markers", name=f"{loc} — {t('target', lang)}",
                        line={"color": color, "dash": "dash", "width": 2},
                        marker={"symbol": "line-ew", "size": 26, "line": {"width": 4, "color": color}},
                        legendgroup=loc, hovertext=[f"{loc} {y}: {t('target', lang)} {with_unit(v, unit)}" for y, v in
                                   zip(part["year"], part["value"])], hoverinfo="text")
        has = part["actual"].notna()
        fig.add_scatter(x=part.loc[has, "x"], y=part.loc[has, "actual"], mode="lines+markers+text",
                        name=f"{loc} — {t('actual', lang)}", line={"color": color}, marker={"size": 10},
                        text=[status_icon(s) for s in part.loc[has, "status"]], textposition="top center",
                        legendgroup=loc, hovertext=[f"{loc} {y}: {with_unit(a, unit)} · {status_label(s, lang)}"
                                                    for y, a, s in zip(part.loc[has, "year"], part.loc[has, "actual"],
                                                                       part.loc[has, "status"])], hoverinfo="text")
    years = sorted(rows["year"].unique())
    fig.update_xaxes(tickmode="array", tickvals=years, ticktext=[str(y) for y in years], title=t("year", lang))
    fig.update_yaxes(title=unit, gridcolor="#eee", tickformat=",~f")  # not from zero: rates sit near 100 %
    return _layout(fig, title, 460, legend={"orientation": "h", "y": -0.3, "yanchor": "top", "x": 0},
                   margin={"l": 10, "r": 20, "t": 70, "b": 40})


def status_counts(rows: pd.DataFrame, group_col: str) -> pd.DataFrame:
    """Pure helper: [group_col, status, n] from a status table."""
    if rows.empty:
        return pd.DataFrame(columns=[group_col, "status", "n"])
    return rows.groupby([group_col, "status"]).size().reset_index(name="n")


TITLE_COLUMNS = ("target_id", "number", "status", "percent", "illustrative", "name_vi", "name_en", "indicator",
                 "scope", "locality_name")  # what a target's one-line title (ui.common.status_title) reads


def title_records(rows: pd.DataFrame, limit: int | None = None) -> list[dict]:
    """Pure: the first `limit` rows as dicts of TITLE_COLUMNS only (a whole row of ~50 columns made
    into a dict costs ten times more, and a closed "why" needs nothing else)."""
    part = rows if limit is None else rows.iloc[:limit]
    return part[[c for c in TITLE_COLUMNS if c in part.columns]].to_dict("records")


def overview_parts(rows: pd.DataFrame, lang: str = "vi", top: int = 15) -> dict:
    """Pure: what the overview draws from its status rows, computed once per data version and shared
    by every session (ui.common.overview_parts). The counts in the four groups of chitieu.rollup,
    the targets most behind (furthest first), the counts by locality (the `top` most behind when
    there are more) and by area, and their two figures, built once (Plotly validates every property
    it is given: building a figure cost more than drawing it)."""
    from chitieu.rollup import GROUPS
    behind = rows[rows["status"].isin(GROUPS["behind"])].sort_values(["severity", "percent"],
                                                                    ascending=[False, True])
    by_loc = status_counts(rows, "locality_name")
    n_loc = by_loc["locality_name"].nunique()
    if n_loc > top:  # never thousands of bars: the localities most behind
        worst = (by_loc[by_loc["status"].isin(GROUPS["behind"])].groupby("locality_name")["n"].sum()
                 .sort_values(ascending=False).head(top).index)
        by_loc = by_loc[by_loc["locality_name"].isin(worst)]
    by_cat = status_counts(rows.assign(area=rows["category"].map(lambda c: category_label(c, lang))), "area")
    title = t("chart_status_by", lang, what=t("by_locality", lang).lower())
    return {"n": len(rows), "m": rows["locality_code"].nunique(),
            "groups": {g: int(rows["status"].isin(members).sum()) for g, members in GROUPS.items()},
            "behind": behind, "behind_heads": title_records(behind, 50), "by_loc": by_loc, "n_loc": n_loc, "top": top, "by_cat": by_cat,
            "fig_loc": built(status_counts_chart(by_loc, title, lang)),
            "fig_cat": built(status_counts_chart(by_cat, t("chart_status_by", lang,
                                                           what=t("by_category", lang).lower()), lang))}


__all__ = ["TITLE_COLUMNS", "title_records", "BuiltFigure", "built", "bullet_chart", "empty_figure", "overview_parts", "ranking_chart", "status_counts",
           "status_counts_chart", "status_heatmap", "target_actual_bars", "timeline_chart", "wrap", "STATUS_ORDER",
           "STATUS_INFO"]
