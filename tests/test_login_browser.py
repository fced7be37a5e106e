"""The login cookie in a real browser (issue 10 finding 5): a reload keeps the user logged in,
a shared link does not log anyone else in, logging out ends it; the token never enters the URL.

The app runs as `python3 tasks.py run` serves it, on a free loopback port in its own process
group, with a small demo database; Chromium is driven by Playwright. Screenshots (1280×720)
go to tests/_artifacts/.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.test_e2e_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, _free_port, _require_browser

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _require_browser()
    from chitieu.store import close_db
    from tests.conftest import make_demo_db
    db = make_demo_db(tmp_path_factory.mktemp("login") / "login.duckdb")
    close_db(db)
    port = _free_port()
    env = dict(os.environ, CHITIEU_DB=str(db), STREAMLIT_SERVER_HEADLESS="true",
               STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    env.pop("CHITIEU_DEBUG", None)  # as deployed
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS / "login-server.log", "wb")
    from tasks import streamlit_command
    proc = subprocess.Popen(
        streamlit_command(sys.executable, ["--server.address", "127.0.0.1", "--server.port", str(port),
                                           "--server.fileWatcherType", "none"]),
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                pytest.fail(f"streamlit did not start: {(ARTIFACTS / 'login-server.log').read_text(errors='replace')}")
            time.sleep(0.3)
        yield base
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # our own process group only
            proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


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
