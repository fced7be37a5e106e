"""The login cookie in a real browser (issue 10 finding 5): a reload keeps the user logged in,
a shared link does not log anyone else in, logging out ends it; the token never enters the URL.

The app runs as `python3 tasks.py run` serves it, on a free loopback port in its own process
group, with a small demo database; Chromium is driven by Playwright. Screenshots (1280×720)
go to tests/_artifacts/.
"""
from __future__ import annotations

import time

import pytest

from tests.live_server import live_app
from tests.live_server import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, _require_browser

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _require_browser()
    from chitieu.store import close_db
    from tests.conftest import make_demo_db
    db = make_demo_db(tmp_path_factory.mktemp("login") / "login.duckdb")
    close_db(db)
    with live_app(db, "login-server.log") as base:
        yield base


def sidebar(page) -> str:
    page.wait_for_selector('[data-testid="stSidebar"]')
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    return page.inner_text('[data-testid="stSidebar"]')


def logged_in(page, timeout: float = 20) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        text = sidebar(page)
        if "Đăng xuất" in text:
            return True
        if "Đăng nhập (để nhập số liệu)" in text:
            time.sleep(1.0)  # the run may still be finishing; look again once
            return "Đăng xuất" in sidebar(page)
        time.sleep(0.3)
    return False


def test_login_survives_a_reload_but_not_a_shared_link(server):
    from playwright.sync_api import sync_playwright
    from tests.conftest import DEMO_PASSWORD
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        mine = browser.new_context(viewport={"width": 1280, "height": 720}, locale="vi-VN")
        page = mine.new_page()
        page.set_default_timeout(30_000)
        page.goto(server + "/nhap-so-lieu?year=2022")
        assert not logged_in(page, timeout=5)
        page.get_by_text("Đăng nhập (để nhập số liệu)").click()
        page.get_by_label("Tên đăng nhập").fill("ba_to")
        page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        assert logged_in(page)
        cookie = next(c for c in mine.cookies() if c["name"] == "chitieu_session")
        assert cookie["sameSite"] == "Strict" and cookie["expires"] > time.time() + 3600
        assert cookie["value"] not in page.url and "chitieu_session" not in page.url
        page.screenshot(path=str(ARTIFACTS / "login-before-reload.png"))
        page.reload()
        assert logged_in(page), "a reload keeps the login"
        assert "ba_to" in sidebar(page)
        page.screenshot(path=str(ARTIFACTS / "login-after-reload.png"))
        shared = page.url                                   # the link someone pastes into a chat
        other = browser.new_context(viewport={"width": 1280, "height": 720}, locale="vi-VN").new_page()
        other.goto(shared)
        assert not logged_in(other, timeout=8), "a shared link must not log anyone else in"
        assert "Đăng nhập (để nhập số liệu)" in sidebar(other)
        other.screenshot(path=str(ARTIFACTS / "login-shared-link.png"))
        page.get_by_role("button", name="Đăng xuất").click()
        deadline = time.time() + 20
        while "chitieu_session" in {c["name"] for c in mine.cookies()} and time.time() < deadline:
            time.sleep(0.3)
        assert "chitieu_session" not in {c["name"] for c in mine.cookies()}
        page.reload()
        assert not logged_in(page, timeout=8), "after logging out a reload stays logged out"
        browser.close()
