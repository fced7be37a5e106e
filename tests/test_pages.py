"""AppTest (streamlit.testing.v1) tests of every dashboard page.

One smoke test parametrised over every page and database (bundled sample data, a small known
demo database, an empty one); then filters, the URL, the language switch, empty states and
the write paths (plan upload and save, actuals template → upload → confirm → undo).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from chitieu.store import close_db, open_db, reads

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["pages/overview.py", "pages/locality.py", "pages/compare.py", "pages/indicator.py", "pages/plans.py",
         "pages/actuals.py"]


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
    at = app(demo_db, monkeypatch, "pages/locality.py", query={"year": "2022", "loc": "test:BTO"})
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
    at = app(demo_db, monkeypatch, "pages/locality.py", query={"year": "2022", "loc": "test:QNG"})
    all_rows = len(at.dataframe[0].value)
    assert all_rows == 8
    at.multiselect(key="status").set_value(["exceeded"]).run()
    assert 0 < len(at.dataframe[0].value) < all_rows
    at.multiselect(key="status").set_value([]).run()
    at.selectbox(key="loc").set_value("test:PQC").run()
    assert "Thành phố Phú Quốc" in texts(at)
    # Every status comes with its why: the plan sentence and the rule.
    why = texts(at)
    assert "Câu trong kế hoạch" in why and "Quy tắc" in why
    assert "2 số khác nhau" in why  # the conflicting tourist figures are surfaced


def test_compare_warns_when_not_comparable(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, "pages/compare.py", query={"year": "2022"})
    at.multiselect(key="ind").set_value(["tourist_arrivals", "economic_growth"]).run()
    warnings = [w.value for w in at.warning]
    assert any("nghìn lượt" in w and "lượt" in w for w in warnings), warnings
    assert len(at.get("plotly_chart")) >= 2  # heat map and ranking
    at.multiselect(key="locs").set_value(["test:QNG"]).run()
    assert at.info  # two localities are needed


def test_indicator_page_over_time(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch, "pages/indicator.py", query={"ind1": "health_insurance_coverage"})
    table = at.dataframe[0].value
    assert len(table) == 6  # 3 localities × 2 years
    at.selectbox(key="ind1").set_value("poverty_rate").run()
    assert not at.exception


def test_plan_upload_review_and_save(tmp_path, monkeypatch):
    from tests.conftest import make_demo_db
    db = make_demo_db(tmp_path / "plans.duckdb")
    plan_file = sorted((ROOT / "data" / "plans").glob("*.txt"))[0]
    at = app(db, monkeypatch, "pages/plans.py", user="admin")
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
    at = app(db, monkeypatch, "pages/actuals.py", query={"year": "2022", "tlocs": "test:BTO"}, user="ba_to")
    assert at.get("download_button"), "a template download button"
    data = fill_template(_template_bytes(db, ["test:BTO"], 2022), {"economic_growth": 9.0})
    at.file_uploader(key="actuals_file").upload("bao_cao.xlsx", data, XLSX).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.dataframe[0].value) == 1, "a dry-run preview with the one filled row"
    assert _status(db, "BTO", "economic_growth") == "not_met", "nothing written by the dry run"
    at.button(key="confirm_upload").click().run()
    assert at.success, "confirmation shown"
    assert _status(db, "BTO", "economic_growth") == "exceeded"  # 9 % against ≥ 8 %
    at.switch_page("pages/locality.py").run()
    at.selectbox(key="loc").set_value("test:BTO").run()
    assert "Vượt" in texts(at), "the locality page shows the new status at once (cache cleared)"
    at.switch_page("pages/actuals.py").run()
    at.button(key="undo_btn").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _status(db, "BTO", "economic_growth") == "not_met"


@pytest.mark.parametrize("user", [None, "viewer"])
def test_readers_cannot_upload(demo_db, monkeypatch, user):
    for page in ("pages/actuals.py", "pages/plans.py"):
        at = app(demo_db, monkeypatch, page, query={"year": "2022"}, user=user)
        assert not at.file_uploader, f"{page}: no upload for {user or 'anonymous'}"
        assert any("Đăng nhập" in i.value or "chỉ được xem" in i.value for i in at.info)
    assert not at.get("button") or all(b.key != "undo_btn" for b in at.button)


def test_analyst_cannot_upload_for_another_locality(tmp_path, monkeypatch):
    from tests.conftest import fill_template, make_demo_db
    db = make_demo_db(tmp_path / "rights.duckdb")
    at = app(db, monkeypatch, "pages/actuals.py", query={"year": "2022"}, user="ba_to")
    data = fill_template(_template_bytes(db, ["test:QNG"], 2022), {"economic_growth": 9.0})
    at.file_uploader(key="actuals_file").upload("qng.xlsx", data, XLSX).run()
    assert at.error, "rights error in the dry run"
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
    at.switch_page("pages/locality.py").run()
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
