"""The first administrator is created from the browser on a fresh install while the app runs
(issue 11): no terminal, no stopping the app. The browser is on the server's own machine, so no
set-up token is asked (the token path from another computer is covered in test_login_app).
"""
from __future__ import annotations

import time

import pytest

from chitieu import auth
from chitieu.store import close_db, open_db
from tests.live_server import live_app
from tests.live_server import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, _require_browser
from tests.test_login_app import fresh_install
from tests.test_login_browser import logged_in, sidebar

pytestmark = pytest.mark.browser
PASSWORD = "Mat-khau-quan-tri-9"


def test_first_admin_created_in_the_browser_while_the_app_runs(tmp_path):
    _require_browser()
    from playwright.sync_api import sync_playwright
    db = fresh_install(tmp_path)
    with live_app(db, "setup-server.log") as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 720}, locale="vi-VN").new_page()
        page.set_default_timeout(30_000)
        page.goto(base + "/")
        text = sidebar(page)
        assert "Tạo quản trị viên đầu tiên" in text and "python -m loaders" not in text
        assert "Mã thiết lập" not in text                     # the server's own machine needs no token
        page.get_by_label("Tên đăng nhập").fill("quantri")
        page.get_by_label("Mật khẩu (ít nhất 8 ký tự)").fill(PASSWORD)
        page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD + "x")
        page.get_by_role("button", name="Tạo quản trị viên").click()
        page.get_by_text("Hai lần nhập mật khẩu không khớp").wait_for()
        page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Tạo quản trị viên").click()
        assert logged_in(page), "the new administrator is signed in at once"
        assert "quantri" in sidebar(page)
        page.get_by_text("Nhật ký thay đổi").first.wait_for()  # the admin-only page is in the menu
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "setup-admin-created.png"))
        other = browser.new_context(viewport={"width": 1280, "height": 720}, locale="vi-VN").new_page()
        other.goto(base + "/")
        deadline = time.time() + 20
        while "Đăng nhập (để nhập số liệu)" not in sidebar(other) and time.time() < deadline:
            time.sleep(0.3)
        assert "Tạo quản trị viên đầu tiên" not in sidebar(other), "the set-up form is gone for everyone"
        browser.close()
    con = open_db(db)                                       # the server has stopped: the file is free
    try:
        user = auth.authenticate(con, "quantri", PASSWORD)
        assert user is not None and user.role == "admin"
    finally:
        close_db(db)
