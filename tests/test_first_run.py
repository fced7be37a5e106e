"""First run as the README says it: `python3 tasks.py run`, started in the background with no
terminal (stdin closed) and a fresh home directory (no ~/.streamlit, as on a new machine).

- It serves the app without stopping at Streamlit's first-run "Email:" prompt. Only a free
  port (STREAMLIT_SERVER_PORT) and a temporary database (CHITIEU_DB) are set through the
  environment; no extra flag. The server is stopped through its own process group.
- The first browser session after the start (the one that used to run in Streamlit's old
  "pages/ folder" mode, before the pages moved to views/): the menu shows page titles, a click keeps the shared filters, a login
  works, a link straight to a page opens it, and nothing is fetched from outside the app.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import DEMO_PASSWORD
from tests.live_server import wait_healthy

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory):
    """`python3 tasks.py run` in the background on a new database with one analyst made by the CLI."""
    tmp = tmp_path_factory.mktemp("first_run")
    home = tmp / "home"
    home.mkdir()
    db = tmp / "chitieu.duckdb"
    port = _free_port()
    env = dict(os.environ, HOME=str(home), USERPROFILE=str(home), STREAMLIT_SERVER_PORT=str(port),
               STREAMLIT_SERVER_ADDRESS="127.0.0.1", CHITIEU_DB=str(db))
    env.pop("STREAMLIT_SERVER_HEADLESS", None)  # the project's own config must make it headless
    subprocess.run([sys.executable, "-m", "loaders", "build"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "loaders", "users", "add", "lan", "--role", "analyst", "--password-stdin"],
                   cwd=ROOT, env=env, check=True, capture_output=True, input=DEMO_PASSWORD + "\n", text=True)
    python3 = shutil.which("python3") or sys.executable
    log_path = tmp / "run.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen([python3, "tasks.py", "run"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc, 120, log_path)
        yield base, proc, log_path
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # our own process group only
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def test_tasks_run_in_the_background_serves_the_app_without_a_prompt(fresh_server):
    base, proc, log_path = fresh_server
    with urllib.request.urlopen(base + "/", timeout=5) as r:  # plain HTTP: no browser session yet
        assert r.status == 200 and b"<html" in r.read().lower()
    time.sleep(3)  # the old failure: waiting on a prompt, then exit 255 about 30 s later
    output = log_path.read_text(errors="replace")
    assert proc.poll() is None, output
    assert "Email" not in output and "Welcome to Streamlit" not in output, output


def _select_value(page, label: str) -> str:
    return page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label, exact=True).input_value()


def test_first_session_keeps_filters_logs_in_and_fetches_nothing_outside(fresh_server):
    from tests.test_e2e_browser import CHROMIUM, CHROMIUM_ARGS, _require_browser, settle
    _require_browser()
    from playwright.sync_api import sync_playwright
    base = fresh_server[0]
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="vi-VN")
        context.on("request", lambda r: requests.append(r.url))
        page = context.new_page()
        page.set_default_timeout(30_000)
        try:
            page.goto(base + "/")  # the first session since the server started
            settle(page, charts=1)
            nav = page.locator('[data-testid="stSidebarNav"]')
            assert "Tổng quan" in nav.inner_text() and "Địa phương" in nav.inner_text()
            # The menu links to the pages' own addresses, never to the raw file names.
            paths = {href.rstrip("/").rsplit("/", 1)[-1] for href in
                     nav.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")}
            raw = {p.stem for p in (ROOT / "views").glob("*.py")}  # what the old folder mode would list
            assert paths and not paths & raw, paths
            year, period = _select_value(page, "Năm"), _select_value(page, "Tính đến kỳ")
            assert (year, period) == ("2022", "Cả năm")  # the bundled data's default view

            page.locator('[data-testid="stSidebarNav"]').get_by_text("Địa phương", exact=True).click()
            page.get_by_role("heading", name="Địa phương").wait_for()
            settle(page, charts=1)
            assert (_select_value(page, "Năm"), _select_value(page, "Tính đến kỳ")) == (year, period)

            page.get_by_text("Đăng nhập (để nhập số liệu)").click()
            page.get_by_label("Tên đăng nhập").fill("lan")
            page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Đăng nhập", exact=True).click()
            page.get_by_text("Đăng nhập: ").first.wait_for(timeout=15_000)
            assert (_select_value(page, "Năm"), _select_value(page, "Tính đến kỳ")) == (year, period)
        finally:
            (ROOT / "tests" / "_artifacts").mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ROOT / "tests" / "_artifacts" / "first_session.png"))
            context.close()
            browser.close()
    outside = sorted({u for u in requests if not u.startswith((base, base.replace("http", "ws"), "data:", "blob:"))})
    assert requests and outside == [], outside


def test_a_link_straight_to_a_page_opens_it_in_a_new_session(fresh_server):
    from tests.test_e2e_browser import CHROMIUM, CHROMIUM_ARGS, _require_browser, settle
    _require_browser()
    from playwright.sync_api import sync_playwright
    base = fresh_server[0]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        try:
            page.goto(base + "/so-sanh?lang=en")
            page.get_by_role("heading", name="Compare").wait_for()
            settle(page)
            assert page.get_by_text("Page not found").count() == 0
        finally:
            browser.close()
