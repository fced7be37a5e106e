"""The reporting-cycle page in the real app (`streamlit run`, headless Chromium, Playwright), on the
bundled sample: a leader signs in, sees the calendar, the localities not fully reported and the
explanation requests with an answer and its attached file, and downloads that file. The screenshot
(1280×720, the laptop the README is written for) goes to tests/_artifacts/cycle.png and, with
CHITIEU_UPDATE_SCREENSHOTS=1, to docs/screenshots/cycle.png."""
from __future__ import annotations

from datetime import date

import pytest

from chitieu.store import close_db, open_db, query_df, reads
from tests.live_server import live_app
from tests.test_e2e_browser import CHROMIUM, CHROMIUM_ARGS, _require_browser, login, settle, shot

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(scope="module")
def cycle_app(tmp_path_factory):
    _require_browser()
    from chitieu import auth
    from chitieu.store import cycle as cycle_store
    from chitieu.store.users import add_user
    from loaders.build import build_database
    from tests.conftest import DEMO_PASSWORD
    db = tmp_path_factory.mktemp("cycle_browser") / "chitieu.duckdb"
    build_database(db)
    con = open_db(db)
    year = reads.default_year(con)
    plans = query_df(con, "SELECT DISTINCT locality_scheme, locality_code, locality_name, province FROM plans "
                          "WHERE year = ? ORDER BY locality_name", [year])
    first = plans.iloc[0]
    key = (first["locality_scheme"], first["locality_code"])
    target = query_df(con, "SELECT t.indicator, t.scope FROM targets t JOIN plans p USING (plan_id) WHERE p.year = ? "
                           "AND p.locality_scheme = ? AND p.locality_code = ? AND t.indicator <> 'unmapped' "
                           "ORDER BY t.seq LIMIT 1", [year, *key]).iloc[0]
    add_user(con, "lanh_dao", "leader", auth.hash_password(DEMO_PASSWORD), localities=[key], actor="test")
    add_user(con, "chuyen_vien", "analyst", auth.hash_password(DEMO_PASSWORD), localities=[key], actor="test")
    leader, analyst = auth.load_user(con, "lanh_dao"), auth.load_user(con, "chuyen_vien")
    cycle_store.act(con, analyst, "submit", *key, year, "FY")
    rid = cycle_store.request_explanation(con, leader, *key, target["indicator"], target["scope"], year,
                                          "Đề nghị giải trình vì sao chỉ tiêu này chưa đạt.", date(year, 12, 28))
    cycle_store.answer_request(con, analyst, rid, "Do thiên tai, sản xuất nông nghiệp giảm; chi tiết trong tệp kèm.",
                               attachment=(PDF, "bao-cao-giai-trinh.pdf"))
    facts = {"year": year, "name": first["locality_name"], "login": ("lanh_dao", DEMO_PASSWORD), "rid": rid}
    close_db(db)
    with live_app(db, "cycle-server.log") as base:
        yield base, facts


def test_cycle_page_in_the_browser(cycle_app, tmp_path):
    from playwright.sync_api import sync_playwright
    base, facts = cycle_app
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 720}, accept_downloads=True, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(30_000)
        try:
            page.goto(f"{base}/ky-bao-cao?year={facts['year']}&period=FY")
            settle(page)
            login(page, *facts["login"])
            assert page.get_by_role("heading", name="Kỳ báo cáo").is_visible()
            assert page.get_by_text(f"Cả năm {facts['year']}: chốt số liệu ngày 14/12/{facts['year']}").is_visible()
            assert page.get_by_role("heading", name=f"Lịch báo cáo năm {facts['year']}").is_visible()
            toast = page.locator('[data-testid="stToast"]')         # the inbox's "unread" toast fades by itself
            if toast.count():
                toast.first.wait_for(state="detached", timeout=20_000)
            shot(page, "cycle")

            page.get_by_role("heading", name="Yêu cầu giải trình").scroll_into_view_if_needed()
            with page.expect_download() as got:
                page.get_by_role("button", name="Tải tệp kèm: bao-cao-giai-trinh.pdf").click()
            saved = tmp_path / "tep.pdf"
            got.value.save_as(saved)
            assert got.value.suggested_filename == "bao-cao-giai-trinh.pdf" and saved.read_bytes() == PDF
            shot(page, "cycle_requests", publish=False)
        finally:
            context.close()
            browser.close()
