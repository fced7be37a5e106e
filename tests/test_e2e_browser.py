"""End-to-end: the real app (`streamlit run`) in Debian's headless Chromium, driven by Playwright.

Overview → locality → compare, then the actuals round trip a user does: download the
template, fill it (openpyxl), upload it, confirm, and see the new status on the locality
page. Screenshots go to tests/_artifacts/ and the main ones to docs/screenshots/ (README).

The server gets its own database (the bundled sample built into a temp dir), a free loopback
port and its own process group, which the test stops. In CI (CI=true) a missing chromium is a
failure, never a skip (.ci/run installs it).
"""
from __future__ import annotations

import os
import shutil

import pytest

from chitieu.store import close_db, open_db, reads
# Re-exported: other browser tests import these names from here.
from tests.live_server import (ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, ROOT, SCREENSHOTS,  # noqa: F401
                               _free_port, _require_browser, live_app)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on 127.0.0.1:<free port> with its own sample database; yields (base_url, facts)."""
    _require_browser()
    from loaders.build import build_database
    from tests.conftest import new_database
    db = new_database(tmp_path_factory.mktemp("e2e"), "chitieu")   # a DuckDB file, or a PostgreSQL database
    build_database(db)
    con = open_db(db)
    year = reads.default_year(con)
    facts = {"db": db, "year": year, "localities": reads.localities(con, year)}
    rows = reads.status_table(con, year, "FY")
    # A target with no figure yet, numeric, "more is better", judged at once: the upload will meet it.
    todo = rows[(rows["status"] == "no_data") & rows["comparator"].isin(["ge", "gt"]) & rows["value"].notna()
                & (rows["value"] > 0) & (rows["indicator"] != "unmapped")]
    facts["todo"] = todo.iloc[0].to_dict()
    facts["indicator"] = reads.indicator_choices(con)["code"].iloc[0]  # the one with most figures
    # An analyst for that locality (uploads need a login once users exist).
    from chitieu.auth import hash_password
    from chitieu.store.users import add_user
    from tests.conftest import DEMO_PASSWORD
    add_user(con, "chuyen_vien", "analyst", hash_password(DEMO_PASSWORD),
             localities=[(facts["todo"]["locality_scheme"], facts["todo"]["locality_code"])], actor="e2e")
    facts["login"] = ("chuyen_vien", DEMO_PASSWORD)
    close_db(db)  # the server process holds the file from now on
    with live_app(db, "server.log") as base:
        yield base, facts


@pytest.fixture(scope="module")
def browser_page(server):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 1800}, accept_downloads=True,
                                      locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(30_000)
        yield page
        context.close()
        browser.close()


def settle(page, charts: int = 0) -> None:
    """Wait until Streamlit has finished the run and drawn `charts` Plotly charts."""
    page.wait_for_selector('[data-testid="stAppViewContainer"]')
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')""", timeout=90_000)
    if charts:
        page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}",
                               timeout=90_000)  # generous: the machine running the tests may be busy
    page.wait_for_timeout(800)  # let Plotly finish its transitions before a screenshot
    exc = page.locator('[data-testid="stException"]')
    assert exc.count() == 0, exc.first.inner_text()


def login(page, username: str, password: str) -> None:
    """Log in through the sidebar box (ui/auth.py); a session that is still signed in stays so."""
    if page.get_by_text("Đăng nhập: ").count():
        return
    page.get_by_text("Đăng nhập (để nhập số liệu)").click()
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.get_by_text("Đăng nhập: ").first.wait_for()
    settle(page)


def shot(page, name: str, publish: bool = True) -> None:
    """Screenshot to tests/_artifacts/; with CHITIEU_UPDATE_SCREENSHOTS=1 also refresh the
    README's copies in docs/screenshots/ (so an ordinary test run leaves the tree clean)."""
    path = ARTIFACTS / f"{name}.png"
    page.wait_for_timeout(1500)  # tables draw on a canvas after the run ends
    page.screenshot(path=str(path))
    if publish and os.environ.get("CHITIEU_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, SCREENSHOTS / path.name)


def test_overview_locality_compare_and_actuals_round_trip(server, browser_page, tmp_path):
    from tests.conftest import fill_template
    base, facts = server
    page, year, todo = browser_page, facts["year"], facts["todo"]
    loc_key = f"{todo['locality_scheme']}:{todo['locality_code']}"

    page.goto(f"{base}/?year={year}")
    settle(page, charts=2)
    assert page.get_by_role("heading", name="Tổng quan").is_visible()
    assert page.get_by_text("Chưa đạt / có nguy cơ").first.is_visible()
    shot(page, "overview")

    page.goto(f"{base}/dia-phuong?year={year}&loc={loc_key}")
    settle(page, charts=1)
    assert page.get_by_text(todo["locality_name"]).first.is_visible()
    shot(page, "locality")

    page.goto(f"{base}/dia-phuong?year={year}&loc={loc_key}&lang=en")  # the English switch, from a link
    settle(page, charts=1)
    assert page.get_by_role("heading", name="Locality").is_visible()
    shot(page, "locality_en", publish=False)

    page.goto(f"{base}/so-sanh?year={year}")
    settle(page, charts=1)
    shot(page, "compare")

    page.goto(f"{base}/chi-tieu?ind1={facts['indicator']}")
    settle(page, charts=1)
    shot(page, "indicator")

    # The analyst logs in (sidebar), then the round trip: template → fill → upload → preview → confirm.
    page.goto(f"{base}/nhap-so-lieu?year={year}&tlocs={loc_key}")
    settle(page)
    login(page, *facts["login"])
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải mẫu Excel").click()
    template = tmp_path / "mau.xlsx"
    download.value.save_as(template)
    filled = tmp_path / "bao_cao.xlsx"
    filled.write_bytes(fill_template(template.read_bytes(), {todo["indicator"]: round(todo["value"] * 1.2, 2)}))
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(filled))
    page.get_by_role("button", name="Xác nhận ghi").wait_for()
    settle(page)
    shot(page, "actuals_preview", publish=False)
    assert page.get_by_role("heading", name="3. Xem trước (chưa ghi gì)").is_visible()
    page.get_by_role("button", name="Xác nhận ghi").click()
    page.get_by_role("heading", name="3. Đã ghi vào cơ sở dữ liệu").wait_for()
    settle(page)
    assert page.get_by_role("heading", name="3. Xem trước (chưa ghi gì)").count() == 0
    page.get_by_text("Đã ghi 1 dòng").first.scroll_into_view_if_needed()
    # Undo points at the upload just made and asks before doing anything.
    assert "bao_cao.xlsx" in page.get_by_role("combobox", name="Lần tải lên").input_value()
    shot(page, "actuals")

    # The new status shows at once on the locality page (caches cleared after the write).
    page.goto(f"{base}/dia-phuong?year={year}&loc={loc_key}")
    settle(page, charts=1)
    name = todo["name_vi"]
    expander = page.locator('[data-testid="stExpander"]').filter(has_text=name).first
    assert "Vượt" in expander.inner_text(), expander.inner_text()
    expander.click()
    expander.get_by_text("Câu trong kế hoạch").first.wait_for()
    expander.scroll_into_view_if_needed()
    shot(page, "locality_after_upload", publish=False)

    # Plans: the extracted targets of a seed plan appear in the review table.
    page.goto(f"{base}/ke-hoach")  # a new page load is a new session: log in again
    settle(page)
    login(page, *facts["login"])
    plan_file = sorted((ROOT / "data" / "plans").glob("*.txt"))[0]
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(plan_file))
    page.get_by_role("button", name="Lưu kế hoạch").wait_for()
    settle(page)
    assert page.locator('[data-testid="stDataFrame"]').first.is_visible()
    shot(page, "plans")
