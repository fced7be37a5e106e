"""Figure builders (ui/charts.py) and formatting (ui/format.py) tested without Streamlit."""
from __future__ import annotations

import sys

import pandas as pd
import pytest

from chitieu.store import open_db, reads
from ui import charts
from ui.format import num, pct, target_text, vn_table
from ui.i18n import STRINGS, status_label


@pytest.fixture(scope="module")
def rows(demo_db) -> pd.DataFrame:
    return reads.status_table(open_db(demo_db), 2022, "FY")


def test_charts_and_formatting_do_not_import_streamlit():
    import importlib
    for name in ("ui.charts", "ui.format", "ui.i18n", "chitieu.store.reads"):
        mod = importlib.import_module(name)
        src = open(mod.__file__, encoding="utf-8").read()
        assert "import streamlit" not in src, name


def test_vietnamese_number_format():
    assert num(1234.5) == "1.234,5"
    assert num(1234567) == "1.234.567"
    assert num(0.456) == "0,46"
    assert num(None) == "–"
    assert pct(96.04) == "96,0%"
    assert target_text("ge", 95, None, "%") == "≥ 95%"
    assert target_text("between", 8, 9, "%") == "từ 8 đến 9%"
    assert target_text("le", 1500, None, "tỷ đồng", "en") == "≤ 1.500 tỷ đồng"


def test_tables_show_vietnamese_numbers_but_keep_numeric_columns():
    df = pd.DataFrame({"a": [1234.5, 2.0], "b": ["x", "y"], "p": [96.04, None]})
    styler = vn_table(df, ["a"], ["p"])
    html = styler.to_html()
    assert "1.234,5" in html and "96,0%" in html
    assert styler.data["a"].dtype.kind == "f"  # sorting stays numeric


def _all_text(fig) -> str:
    parts = [str(fig.layout.title.text)]
    for tr in fig.data:
        parts += [str(tr.name)] + [str(x) for x in (getattr(tr, "text", None) or [])]
        if getattr(tr, "y", None) is not None:
            parts += [str(y) for y in tr.y]
    return " ".join(parts)


def test_every_figure_has_title_vietnamese_separators_and_status_words(rows):
    counts = charts.status_counts(rows, "locality_name")
    one = rows[rows["indicator"] == "economic_growth"].rename(columns={"locality_name": "locality"})
    cells = rows.rename(columns={"locality_name": "locality"}).assign(indicator_name=rows["name_vi"])
    figs = [charts.status_counts_chart(counts, "Số chỉ tiêu theo trạng thái", "vi"),
            charts.bullet_chart(rows[rows["locality_code"] == "QNG"], "Thành phố Quảng Ngãi (%)", "vi"),
            charts.status_heatmap(cells, "Trạng thái", "vi"),
            charts.ranking_chart(one, "Xếp hạng (%)", "vi"),
            charts.target_actual_bars(one, "Chỉ tiêu và thực hiện (%)", "vi"),
            charts.timeline_chart(one.assign(year=2022), "Qua các năm (%)", "vi")]
    for fig in figs:
        assert fig.layout.title.text, "titled"
        assert fig.layout.separators == ",.", "Vietnamese decimal comma and thousands dot"
    # Status never by colour alone: the legend names and bar texts carry the words/icons.
    text = _all_text(figs[0])
    assert status_label("not_met", "vi") in text and "✘" in text
    assert status_label("exceeded", "vi") in text


def test_status_counts_chart_orders_most_behind_on_top(rows):
    fig = charts.status_counts_chart(charts.status_counts(rows, "locality_name"), "t", "vi")
    y = list(fig.data[0].y)
    assert y[-1] == "Huyện Ba Tơ"  # plotly draws bottom-up: last = top; Ba Tơ has the most not met


def test_bullet_chart_groups_by_area_and_caps_bars(rows):
    part = rows[rows["locality_code"] == "QNG"].copy()
    part.loc[part.index[0], "percent"] = 900.0
    fig = charts.bullet_chart(part, "t", "vi")
    cats = list(fig.layout.yaxis.categoryarray)
    assert any(c.startswith("<b>KINH TẾ") for c in cats)
    assert max(x for tr in fig.data for x in tr.x) <= charts.PERCENT_CAP
    assert any("900,0%" in s for tr in fig.data for s in (tr.text or []))  # the label keeps the real figure
    assert any(sh.x0 == 100 for sh in fig.layout.shapes)  # the target marker


def test_bullet_labels_are_unique_even_for_repeated_names(rows):
    part = rows[rows["locality_code"] == "QNG"]
    doubled = pd.concat([part, part], ignore_index=True)
    fig = charts.bullet_chart(doubled, "t", "vi")
    labels = [y for tr in fig.data[1:] for y in tr.y]
    assert len(labels) == len(set(labels)) == len(doubled)


def test_heatmap_cells_have_icon_and_percent(rows):
    cells = rows.rename(columns={"locality_name": "locality"}).assign(indicator_name=rows["name_vi"])
    fig = charts.status_heatmap(cells, "t", "vi")
    flat = [c for row in fig.data[0].text for c in row if c]
    assert any(c.startswith("✔") or c.startswith("★") for c in flat)
    assert any("%" in c for c in flat)
    assert {tr.name for tr in fig.data[1:]} >= {status_label("not_met", "vi")}  # legend of statuses


def test_timeline_years_are_not_formatted_as_thousands(rows):
    one = rows[rows["indicator"] == "budget_revenue"].rename(columns={"locality_name": "locality"})
    df = pd.concat([one.assign(year=2022), one.assign(year=2023)])
    fig = charts.timeline_chart(df, "t", "vi")
    assert list(fig.layout.xaxis.ticktext) == ["2022", "2023"]


def test_empty_inputs_give_a_message_not_an_error():
    empty = pd.DataFrame(columns=["locality", "status", "n", "percent", "indicator_name"])
    for fig in (charts.status_counts_chart(empty[["locality", "status", "n"]], "t"),
                charts.bullet_chart(empty, "t"), charts.status_heatmap(empty, "t"),
                charts.ranking_chart(empty, "t"), charts.timeline_chart(empty.assign(year=[], value=[],
                                                                                      actual=[], unit=[]), "t")):
        assert fig.layout.annotations, "an explanatory message"


def test_long_labels_wrap():
    assert "<br>" in charts.wrap("Tỷ lệ xã, phường, cơ quan, nhà trường, doanh nghiệp, khu dân cư đạt tiêu chuẩn")


def test_strings_have_both_languages():
    for key, (vi, en) in STRINGS.items():
        assert vi and en, key


def test_range_targets_get_a_band_on_the_percent_axis(rows):
    assert charts.range_band("between", "higher_is_better", 8, 9) == (100.0, 112.5)
    assert charts.range_band("between", "target_band", 40, 60) == (80.0, 120.0)
    assert charts.range_band("ge", "higher_is_better", 8, None) is None
    part = rows[rows["locality_code"] == "QNG"]  # school enrolment: between 98 and 99,5
    fig = charts.bullet_chart(part, "t", "vi")
    assert [sh.type for sh in fig.layout.shapes].count("rect") == 1
