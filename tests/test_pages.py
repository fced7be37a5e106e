"""AppTest (streamlit.testing.v1) tests of every dashboard page.

One smoke test parametrised over every page and database (bundled sample data, a small known
demo database, an empty one); then filters, the URL, the language switch, empty states and
the write paths (plan upload and save, actuals template → upload → confirm → undo).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from chitieu.store import close_db, open_db, reads

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["views/overview.py", "views/locality.py", "views/compare.py", "views/indicator.py", "views/plans.py",
         "views/actuals.py"]


def app(db: Path, monkeypatch, page: str | None = None, query: dict | None = None, user: str | None = None
        ) -> AppTest:
    monkeypatch.setenv("CHITIEU_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    if user:
        at.session_state["chitieu_user"] = user  # what ui.auth keeps after a login
    if query:
        at.query_params.update(query)
    at.run()
    if page and page != PAGES[0]:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """Everything written on the page, to assert on what a user reads."""
    parts = [e.value for e in (*at.title, *at.markdown, *at.caption, *at.info, *at.warning, *at.error,
                                *at.success, *at.subheader)]
    parts += [e.label for e in at.expander] + [m.label + str(m.value) for m in at.metric]
    return "\n".join(map(str, parts))


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("db_name", ["bundled_db", "demo_db", "empty_db"])
def test_every_page_renders(page, db_name, request, monkeypatch):
    at = app(request.getfixturevalue(db_name), monkeypatch, page)
    assert at.title, "every page has a title"
    if db_name == "empty_db":
        assert at.info, "an empty database shows a helpful empty state, not an error"
        assert not at.error


def test_overview_counts_and_most_behind(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, query={"year": "2022"})
    metrics = {m.label: m.value for m in at.metric}
    assert sum(int(v) for v in metrics.values()) == 24  # 3 localities × 8 targets
    assert any("Chưa đạt" in label for label in metrics)
    assert "Huyện Ba Tơ" in texts(at)  # most behind: Ba Tơ's poverty rate 4% against ≤ 2%
    assert len(at.get("plotly_chart")) == 2


def test_year_and_period_filters_change_the_overview(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, query={"year": "2022"})
    fy = {m.label: m.value for m in at.metric}
    at.sidebar.selectbox(key="period").set_value("H1").run()
    h1 = {m.label: m.value for m in at.metric}
    assert fy != h1  # only budget revenue has a half-year figure
    assert at.query_params["period"] == "H1"
    at.sidebar.selectbox(key="year").set_value(2023).run()
    assert at.query_params["year"] == "2023"
    assert "2023" in texts(at)


def test_url_sets_the_filters(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, "views/locality.py", query={"year": "2022", "loc": "test:BTO"})
    assert at.sidebar.selectbox(key="year").value == 2022
    assert at.selectbox(key="loc").value == "test:BTO"
    assert "Huyện Ba Tơ" in texts(at)


def test_language_switch(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch)
    assert at.title[0].value == "Tổng quan"
    at.sidebar.selectbox(key="lang").set_value("en").run()
    assert at.title[0].value == "Overview"
    assert any("Not met" in m.label for m in at.metric)


def test_locality_filters_change_what_is_shown(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, "views/locality.py", query={"year": "2022", "loc": "test:QNG"})
    all_rows = len(at.dataframe[0].value)
    assert all_rows == 8
    at.multiselect(key="status").set_value(["exceeded"]).run()
    assert 0 < len(at.dataframe[0].value) < all_rows
    at.multiselect(key="status").set_value([]).run()
    at.selectbox(key="loc").set_value("test:PQC").run()
    assert "Thành phố Phú Quốc" in texts(at)
    # Every status comes with its why: the plan sentence and the rule.
    why = texts(at)
    assert "Câu trong kế hoạch" in why and "Cách đánh giá" in why
    assert not re.search(r"\b(ge|gt|le|lt|eq)\.[a-z_]+", why), "rule codes never reach the reader"
    assert "2 số khác nhau" in why  # the conflicting tourist figures are surfaced


def test_compare_warns_when_not_comparable(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, "views/compare.py", query={"year": "2022"})
    at.multiselect(key="ind").set_value(["tourist_arrivals", "economic_growth"]).run()
    warnings = [w.value for w in at.warning]
    assert any("nghìn lượt" in w and "lượt" in w for w in warnings), warnings
    assert len(at.get("plotly_chart")) >= 2  # heat map and ranking
    at.multiselect(key="locs").set_value(["test:QNG"]).run()
    assert at.info  # two localities are needed


def test_indicator_page_over_time(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, "views/indicator.py", query={"ind1": "health_insurance_coverage"})
    table = at.dataframe[0].value
    assert len(table) == 6  # 3 localities × 2 years
    at.selectbox(key="ind1").set_value("poverty_rate").run()
    assert not at.exception


def test_plan_upload_review_and_save(tmp_path, monkeypatch):
    from tests.conftest import make_demo_db
    db = make_demo_db(tmp_path / "plans.duckdb")
    plan_file = sorted((ROOT / "data" / "plans").glob("*.txt"))[0]
    at = app(db, monkeypatch, "views/plans.py", user="admin")
    at.file_uploader(key="plan_file").upload(plan_file.name, plan_file.read_bytes(), "text/plain").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success, "the extracted targets are announced"
    at.button(key="save_plan").click().run()
    assert not at.exception, [e.value for e in at.exception]
    close_db(db)
    con = open_db(db)
    assert plan_file.stem in set(reads.plans(con)["plan_key"])
    close_db(db)


def test_actuals_template_upload_confirm_undo(tmp_path, monkeypatch):
    from tests.conftest import fill_template, make_demo_db
    db = make_demo_db(tmp_path / "actuals.duckdb")
    at = app(db, monkeypatch, "views/actuals.py", query={"year": "2022", "tlocs": "test:BTO"}, user="ba_to")
    assert at.get("download_button"), "a template download button"
    data = fill_template(_template_bytes(db, ["test:BTO"], 2022), {"economic_growth": 9.0})
    at.file_uploader(key="actuals_file").upload("bao_cao.xlsx", data, XLSX).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.dataframe[0].value) == 1, "a dry-run preview with the one filled row"
    assert _status(db, "BTO", "economic_growth") == "not_met", "nothing written by the dry run"
    heads = [h.value for h in at.subheader]
    assert [h[:2] for h in heads if h[:1].isdigit()] == ["1.", "2.", "3."], heads
    assert "Xem trước" in heads[2]
    preview = at.dataframe[0].value
    cells = " ".join(map(str, preview.astype(str).values.ravel())) + " ".join(preview.columns)
    assert "Cả năm" in cells and not re.search(r"\b(FY|official|estimate|economic_growth|ok|new)\b", cells), cells
    at.button(key="confirm_upload").click().run()
    assert at.success, "confirmation shown"
    heads = [h.value for h in at.subheader]
    assert any(h.startswith("3. Đã ghi") for h in heads) and not any("Xem trước" in h for h in heads), heads
    upload_id = int(re.search(r"số (\d+)", at.success[0].value).group(1))
    assert _status(db, "BTO", "economic_growth") == "exceeded"  # 9 % against ≥ 8 %
    at.switch_page("views/locality.py").run()
    at.selectbox(key="loc").set_value("test:BTO").run()
    assert "Vượt" in texts(at), "the locality page shows the new status at once (cache cleared)"
    at.switch_page("views/actuals.py").run()
    assert at.selectbox(key="undo_id").value == upload_id, "undo points at the upload just made"
    at.button(key="undo_btn").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"số {upload_id}" in w.value for w in at.warning), "undo asks first, naming the upload"
    assert _status(db, "BTO", "economic_growth") == "exceeded", "nothing undone before the second click"
    at.button(key="undo_yes").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _status(db, "BTO", "economic_growth") == "not_met"


@pytest.mark.parametrize("user", [None, "viewer"])
def test_readers_cannot_upload(demo_db, monkeypatch, user):
    for page in ("views/actuals.py", "views/plans.py"):
        at = app(demo_db, monkeypatch, page, query={"year": "2022"}, user=user)
        assert not at.file_uploader, f"{page}: no upload for {user or 'anonymous'}"
        assert any("Đăng nhập" in i.value or "chỉ được xem" in i.value for i in at.info)
    assert not at.get("button") or all(b.key != "undo_btn" for b in at.button)


def test_analyst_cannot_upload_for_another_locality(tmp_path, monkeypatch):
    from tests.conftest import fill_template, make_demo_db
    db = make_demo_db(tmp_path / "rights.duckdb")
    at = app(db, monkeypatch, "views/actuals.py", query={"year": "2022"}, user="ba_to")
    data = fill_template(_template_bytes(db, ["test:QNG"], 2022), {"economic_growth": 9.0})
    at.file_uploader(key="actuals_file").upload("qng.xlsx", data, XLSX).run()
    assert at.error, "rights error in the dry run"
    assert any(re.search(r"Dòng \d+ \(", e.value) for e in at.error), "the red box names the row and says why"
    assert not [b for b in at.button if b.key == "confirm_upload"]


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _status(db: Path, code: str, indicator: str, year: int = 2022) -> str:
    df = reads.status_table(open_db(db), year, "FY", ("test", code))
    return df.set_index("indicator").at[indicator, "status"]


def _template_bytes(db: Path, localities: list[str], year: int) -> bytes:
    from loaders.actuals.excel_template import template_bytes
    return template_bytes(open_db(db), localities, year)


def test_province_filter_narrows_every_page(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, query={"year": "2022", "prov": "Kiên Giang"})
    assert sum(int(m.value) for m in at.metric) == 8  # only Phú Quốc's targets
    at.switch_page("views/locality.py").run()
    assert at.selectbox(key="loc").options == ["Thành phố Phú Quốc — Kiên Giang"]
    at.sidebar.selectbox(key="prov").set_value("").run()
    assert len(at.selectbox(key="loc").options) == 3


def test_router_and_pages_stay_thin():
    """dashboard.py only routes (no SQL, no pandas); pages are short and leave queries to the store."""
    router = (ROOT / "dashboard.py").read_text(encoding="utf-8")
    assert "import pandas" not in router and "duckdb" not in router and "SELECT" not in router
    for page in PAGES:
        src = (ROOT / page).read_text(encoding="utf-8")
        assert len(src.splitlines()) < 100, page
        assert "SELECT " not in src and "import duckdb" not in src, page


# ---------------------------------------------------------------- what a reader sees (issue 11)

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def every_text(at: AppTest) -> str:
    """What the page writes, the cells and headers of its tables and the labels of its choices."""
    parts = [texts(at)]
    for df in at.dataframe:
        table = df.value
        for c in table.columns:  # st.dataframe draws a missing number as "None"
            if table[c].dtype != object and table[c].isna().any():
                parts.append(f"None (a gap in the numeric column {c})")
        text_cols = [c for c in table.columns if table[c].dtype == object]
        parts += list(map(str, table.columns)) + [str(v) for v in table[text_cols].values.ravel()]
    for box in (*at.selectbox, *at.multiselect):
        parts += [str(o) for o in box.options] + [box.label]
    return "\n".join(parts)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("page", [p for p in PAGES if not p.endswith("plans.py")])
def test_pages_never_show_none_empty_brackets_or_codes(bundled_db, monkeypatch, page, lang):
    at = app(bundled_db, monkeypatch, page, query={"lang": lang}, user="admin")
    text = every_text(at)
    assert re.findall(r".{0,40}\b(?:None|nan)\b.{0,20}", text) == []
    assert re.findall(r".{0,40}\(\).{0,20}", text) == []
    assert SNAKE.findall(text) == []


def _metrics(at: AppTest) -> dict[str, int]:
    return {m.label: int(str(m.value).replace(".", "")) for m in at.metric}


def test_first_run_shows_a_labelled_demonstration_one_click_hides(bundled_db, monkeypatch):
    at = app(bundled_db, monkeypatch)
    before = _metrics(at)
    total = sum(before.values())
    no_data = next(v for k, v in before.items() if "Chưa có số liệu" in k)
    assert no_data <= total * 0.1, before  # the bundled plans come with a figure for nearly every target
    assert any("số liệu minh họa" in i.value for i in at.info), "the demonstration says what it is"
    assert any("◇ minh họa" in e.label for e in at.expander), "each illustrative figure is marked"
    assert at.sidebar.toggle(key="demo").value is True
    at.button(key="demo_off").click().run()
    after = _metrics(at)
    assert sum(after.values()) == total and next(v for k, v in after.items() if "Chưa có số liệu" in k) > no_data
    assert at.sidebar.toggle(key="demo").value is False
    assert not any("◇ minh họa" in e.label for e in at.expander)
    at.switch_page("views/locality.py").run()  # the choice holds on every page
    assert "◇ minh họa" not in every_text(at)


def test_locality_keeps_the_plans_order_and_numbers(bundled_db, monkeypatch):
    at = app(bundled_db, monkeypatch, "views/locality.py")
    table = at.dataframe[0].value
    numbers = dict(zip(table["Tên chỉ tiêu"], table["STT"]))
    assert list(table["STT"]) == list(range(1, len(table) + 1))
    titles = [e.label for e in at.expander if e.label[:1].isdigit()]
    assert [int(x.split(".")[0]) for x in titles] == sorted(int(x.split(".")[0]) for x in titles), titles
    from ui.charts import STATUS_ORDER
    from ui.i18n import status_label
    present = [c for c in STATUS_ORDER if status_label(c, "vi") in set(table["Trạng thái"])]
    at.multiselect(key="status").set_value([present[-1]]).run()
    filtered = at.dataframe[0].value
    assert 0 < len(filtered) < len(table)
    assert all(numbers[n] == k for n, k in zip(filtered["Tên chỉ tiêu"], filtered["STT"])), "numbers stay"
    at.sidebar.selectbox(key="lang").set_value("en").run()
    at.multiselect(key="status__en").set_value([]).run()
    english = at.dataframe[0].value
    assert list(english["No."]) == list(range(1, len(table) + 1))  # the same order in English


def test_compare_keeps_the_choice_across_years_and_names_a_locality_without_targets(bundled_db, demo_db,
                                                                                      monkeypatch):
    at = app(demo_db, monkeypatch, "views/compare.py", query={"year": "2022"})
    at.multiselect(key="locs").set_value(["test:QNG", "test:PQC"]).run()
    at.sidebar.selectbox(key="year").set_value(2023).run()
    assert at.multiselect(key="locs").value == ["test:QNG", "test:PQC"]
    at = app(bundled_db, monkeypatch, "views/compare.py", query={"year": "2022"})
    locs = at.multiselect(key="locs")
    con = open_db(bundled_db)
    planned = set(reads.localities(con, 2022)["key"])
    other = next(k for k in reads.localities(con)["key"] if k not in planned)  # no plan in 2022
    locs.set_value([*locs.value, other]).run()
    assert any("2022" in w.value and "Không có chỉ tiêu đã chọn" in w.value for w in at.warning), \
        [w.value for w in at.warning]


def test_indicator_opens_on_a_numeric_indicator_with_figures_and_the_box_follows(bundled_db, monkeypatch):
    at = app(bundled_db, monkeypatch, "views/indicator.py")
    table = at.dataframe[0].value
    box = at.multiselect(key="ilocs").value
    assert (table["Thực hiện"] != "–").any() and "định tính" not in set(table["Mức chỉ tiêu"])
    assert len(box) >= 2 and set(table["Địa phương"]) == set(box)
    codes = [c for c in reads.indicators_in_use(open_db(bundled_db))["code"] if c != at.selectbox(key="ind1").value]
    at.selectbox(key="ind1").set_value(codes[-1]).run()
    box = at.multiselect(key="ilocs").value
    assert box and set(at.dataframe[0].value["Địa phương"]) == set(box), "the box says what the chart shows"


def test_sidebar_choices_follow_the_language(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, query={"year": "2022"})
    at.sidebar.selectbox(key="lang").set_value("en").run()
    period = at.sidebar.selectbox(key="period__en")
    assert period.value == "FY" and "full year" in str(period.options).lower(), period.options
    assert at.sidebar.selectbox(key="prov__en").options[0] == "All"
    assert at.sidebar.selectbox(key="year__en").value == 2022
    assert "Cả năm" not in every_text(at)


def test_template_writes_comparators_readably(bundled_db):
    """A target band or an exact figure is written as a word, never as the text "'=" (issue 11)."""
    import io

    import openpyxl
    con = open_db(bundled_db)
    keys = list(reads.localities(con, 2022)["key"])
    book = openpyxl.load_workbook(io.BytesIO(_template_bytes(bundled_db, keys, 2022)))
    rows = [r for sheet in book.worksheets for r in sheet.iter_rows(values_only=True)]
    header = next(r for r in rows if r and "So sánh" in r)
    col = header.index("So sánh")
    cells = [r[col] for r in rows[rows.index(header) + 1:] if len(r) > col and r[col] is not None]
    assert cells and not [c for c in cells if str(c).startswith(("'", "="))], cells
    assert "bằng" in cells or "từ … đến" in cells or {"≥", "≤"} & set(cells)
