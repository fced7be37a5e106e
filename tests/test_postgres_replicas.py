"""Two app processes on one PostgreSQL database (issue 14): a deployment's replicas.

Each replica is a real `streamlit run dashboard.py` (tests/live_server.py) with CHITIEU_DB set
to the same postgresql:// database on the session's PostgreSQL server (tests/pg_server.py).
An analyst uploads a figure through replica A in Chromium; a leader who had the locality page
open on replica B (its caches warm at the old data version) sees the new figure and status on
the next view, with no restart and no wait: every cached read is keyed by the data version in
the database, which A's write moved on. A write from the command line, while both run, shows in
both the same way.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from chitieu.store import close_db, open_db
from chitieu.store.version import data_version
from tests.conftest import DEMO_PASSWORD, fill_template, make_demo_db
from tests.live_server import CHROMIUM, CHROMIUM_ARGS, ROOT, _require_browser, live_app

pytestmark = pytest.mark.browser

YEAR = 2022
LOC = "test:BTO"            # Huyện Ba Tơ in the demo data; the analyst ba_to may write for it
GROWTH = "Tốc độ tăng trưởng kinh tế (giá trị tăng thêm)"   # economic_growth: plan 8 %, reported 6 %


def _settle(page) -> None:
    page.wait_for_selector('[data-testid="stAppViewContainer"]')
    page.wait_for_function("""() => !document.querySelector('[data-testid="stStatusWidget"]')""",
                           timeout=90_000)
    exc = page.locator('[data-testid="stException"]')
    assert exc.count() == 0, exc.first.inner_text()


def _growth_line(page, base: str) -> str:
    """What the locality page says about Ba Tơ's economic growth in 2022 (a new view)."""
    page.goto(f"{base}/dia-phuong?year={YEAR}&loc={LOC}")
    _settle(page)
    expander = page.locator('[data-testid="stExpander"]').filter(has_text=GROWTH).first
    expander.wait_for()
    return expander.inner_text()


@pytest.fixture(scope="module")
def replicas(pg_server, tmp_path_factory):
    """(url, base A, base B): two app servers on one fresh demo database."""
    _require_browser()
    url = pg_server.create_database("replicas")
    make_demo_db(url)
    with live_app(url, "replica-a.log") as a, live_app(url, "replica-b.log") as b:
        yield url, a, b
    close_db(url)
    pg_server.drop_database(url)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1600}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(60_000)
    return context, page


def test_an_upload_through_one_replica_shows_at_once_in_the_other(replicas, browser, tmp_path):
    from loaders.actuals.excel_template import template_bytes
    url, base_a, base_b = replicas
    leader_ctx, leader = _page(browser)      # a leader reading on replica B
    analyst_ctx, analyst = _page(browser)    # an analyst uploading on replica A
    try:
        before = _growth_line(leader, base_b)
        assert "Vượt" not in before and "75" in before, before   # 6 % reported against 8 %: 75 %

        con = open_db(url)
        version = data_version(con)
        filled = tmp_path / "ba_to_2022.xlsx"
        filled.write_bytes(fill_template(template_bytes(con, [LOC], YEAR), {"economic_growth": 9.3}))

        analyst.goto(f"{base_a}/nhap-so-lieu?year={YEAR}&tlocs={LOC}")
        _settle(analyst)
        analyst.get_by_text("Đăng nhập (để nhập số liệu)").click()
        analyst.get_by_label("Tên đăng nhập").fill("ba_to")
        analyst.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
        analyst.get_by_role("button", name="Đăng nhập", exact=True).click()
        analyst.get_by_text("Đăng nhập: ").first.wait_for()
        _settle(analyst)
        analyst.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(filled))
        analyst.get_by_role("button", name="Xác nhận ghi").wait_for()
        _settle(analyst)
        analyst.get_by_role("button", name="Xác nhận ghi").click()
        analyst.get_by_role("heading", name="3. Đã ghi vào cơ sở dữ liệu").wait_for()
        assert data_version(con) > version          # the write moved the shared version on

        after = _growth_line(leader, base_b)        # replica B, which served the old figure
        assert "Vượt · 116,3%" in after, after           # 9.3 % against 8 %
        assert "Vượt · 116,3%" in _growth_line(analyst, base_a)
    finally:
        leader_ctx.close()
        analyst_ctx.close()


def test_a_command_line_write_while_both_replicas_run_shows_in_both(replicas, browser, tmp_path):
    """The CLI writes to the server database while the apps run (a DuckDB file would be held)."""
    from loaders.actuals.excel_template import template_bytes
    url, base_a, base_b = replicas
    ctx, page = _page(browser)
    try:
        for base in (base_a, base_b):        # both warm at the current version
            assert "110" not in _growth_line(page, base)
        filled = tmp_path / "cli.xlsx"
        filled.write_bytes(fill_template(template_bytes(open_db(url), [LOC], YEAR), {"economic_growth": 8.8}))
        out = subprocess.run([sys.executable, "-m", "loaders", "import-actuals", str(filled), "--db", url,
                              "--user", "ba_to"], cwd=ROOT, capture_output=True, text=True, timeout=300,
                             env={**os.environ, "CHITIEU_PASSWORD": DEMO_PASSWORD})
        assert out.returncode == 0, out.stdout + out.stderr
        for base in (base_a, base_b):
            line = _growth_line(page, base)
            assert "Vượt · 110" in line, line                  # 8.8 % against 8 %
    finally:
        ctx.close()
