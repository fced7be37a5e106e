"""Soak (issue 10): the real dashboard keeps serving while an analyst uploads every hostile file.

One `streamlit run` on a free loopback port with its own database. Five reader sessions open
pages over the websocket, the way a browser tab does (after /work/shared/tools/streamlit_load.py:
a new session per view, a rerun request, wait for "script finished"), for the whole test. Meanwhile
an analyst, in headless Chromium, logs in and uploads in turn: the workbook with a cell at
XFD1048576, the one at ZZ200000, the 380 MB xlsx bomb (Nhập số liệu), then the 380 MB docx bomb
and 10 MB of random text (Kế hoạch), each time waiting for the Vietnamese refusal. Then an
anonymous client PUTs 8 x 45 MB to /_stcore/upload_file (the issue's memory attack).

Asserted: every reader page view finished without an exception; each refusal was shown; the
uploads were refused with 413 (above server.maxUploadSize); the database is unchanged; and the
server's resident memory at the end is within 100 MB of where it was after warm-up. The
figures (views, p95, RSS before/peak/after) are printed (`pytest -s`). Runs in CI: a missing
Chromium is a failure there (CI=true), as for the other browser tests.
"""
from __future__ import annotations

import asyncio
import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from chitieu import auth
from chitieu.store import close_db, open_db, query_df
from chitieu.store import users as user_store
from loaders.actuals.excel_template import template_bytes
from tests import make_fixtures as fx
from tests.test_e2e_browser import CHROMIUM, CHROMIUM_ARGS, _free_port, _require_browser
from tests.live_server import wait_healthy

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "mat-khau-soak-1"
READERS = 5
PAGES = [("", "year=2022"), ("dia-phuong", "year=2022&loc=gso_pre2025:522"), ("so-sanh", "year=2022"),
         ("", "year=2021"), ("dia-phuong", "year=2021&loc=gso_pre2025:911")]


def rss_mb(pid: int) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", text).group(1)) / 1024


class Readers:
    """READERS sessions reading pages over the websocket until stopped; records every view."""

    def __init__(self, host: str):
        self.host, self.stop, self.times, self.errors = host, threading.Event(), [], []
        self.thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    async def _view(self, page: str, query: str) -> None:
        import websockets
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        t = time.time()
        async with websockets.connect(f"ws://{self.host}/_stcore/stream", subprotocols=["streamlit"],
                                      max_size=2 ** 26, open_timeout=60, ping_interval=None) as ws:
            bm = BackMsg()
            bm.rerun_script.query_string = query
            bm.rerun_script.page_script_hash = ""
            bm.rerun_script.page_name = page
            await ws.send(bm.SerializeToString())
            while True:
                fm = ForwardMsg()
                fm.ParseFromString(await asyncio.wait_for(ws.recv(), timeout=120))
                kind = fm.WhichOneof("type")
                if kind == "delta" and fm.delta.WhichOneof("type") == "new_element" \
                        and fm.delta.new_element.WhichOneof("type") == "exception":
                    self.errors.append(f"{page}?{query}: {fm.delta.new_element.exception.message[:200]}")
                elif kind == "script_finished":
                    if fm.script_finished not in (ForwardMsg.FINISHED_SUCCESSFULLY,
                                                  ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
                        self.errors.append(f"{page}?{query}: script_finished={fm.script_finished}")
                    else:
                        self.times.append(time.time() - t)
                    return

    async def _worker(self, i: int) -> None:
        n = i
        while not self.stop.is_set():
            page, query = PAGES[n % len(PAGES)]
            n += 1
            try:
                await self._view(page, query)
            except Exception as exc:  # a refused or dropped connection is a failed page view
                self.errors.append(f"{page}?{query}: {type(exc).__name__}: {str(exc)[:150]}")

    async def _main(self) -> None:
        await asyncio.gather(*(self._worker(i) for i in range(READERS)))

    def p95(self) -> float:
        s = sorted(self.times)
        return s[int(0.95 * (len(s) - 1))] if s else float("nan")


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """Database (four plans, one analyst), the hostile files, and the running server."""
    _require_browser()
    d = tmp_path_factory.mktemp("soak")
    db = d / "chitieu.duckdb"
    con = open_db(db)
    fx.seed_db(con)
    template = template_bytes(con, ["gso_pre2025:522"], 2022)
    user_store.add_user(con, "chuyen_vien", "analyst", auth.hash_password(PASSWORD),
                        localities=[("gso_pre2025", "522")], actor="soak")
    close_db(db)
    before_db = snapshot(db)        # the server holds the file from now on (one DuckDB writer per file)
    files = []
    for name, data, page, words in [
            ("xfd.xlsx", fx.with_far_cell(template), "nhap-so-lieu", "dòng 1.048.576"),
            ("zz200000.xlsx", fx.with_far_cell(template, "ZZ200000"), "nhap-so-lieu", "dòng 200.000"),
            ("xlsx_bomb.xlsx", fx.xlsx_bomb(template), "nhap-so-lieu", "giải nén thành 380 MB"),
            ("docx_bomb.docx", fx.docx_bomb(), "ke-hoach", "giải nén thành 38"),
            ("random.txt", fx.random_vietnamese_text(10), "ke-hoach", "ký tự")]:
        (d / name).write_bytes(data)
        files.append((d / name, page, words))
    port = _free_port()
    env = dict(os.environ, CHITIEU_DB=str(db), STREAMLIT_SERVER_HEADLESS="true",
               STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    log = open(d / "server.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc, 60, d / "server.log")
        yield {"base": base, "port": port, "pid": proc.pid, "db": db, "files": files, "proc": proc,
               "before_db": before_db}
    finally:
        if proc.poll() is None:
            stop(proc)
        log.close()


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # our own process group only
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)


def snapshot(db: Path) -> dict:
    con = open_db(db)
    try:
        return {t: len(query_df(con, f"SELECT * FROM {t}")) for t in ("plans", "targets", "uploads", "actuals")}
    finally:
        close_db(db)


def settle(page) -> None:
    page.wait_for_selector('[data-testid="stAppViewContainer"]')
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)


def login(page) -> None:
    """Log in through the sidebar box (ui/auth.py: an expander "Đăng nhập…" holding a form with the
    keys login_name / login_password), unless this session is already logged in."""
    page.wait_for_selector('[data-testid="stSidebar"] :is([data-testid="stExpander"], .st-key-logout)')
    box = page.locator('[data-testid="stSidebar"] [data-testid="stExpander"] summary').filter(has_text="Đăng nhập")
    if box.count() == 0 or page.locator(".st-key-logout").count():
        return
    name = page.locator(".st-key-login_name input")
    if name.count() == 0 or not name.is_visible():
        box.first.click()
    name.wait_for(timeout=30_000)
    name.fill("chuyen_vien")
    page.locator(".st-key-login_password input").fill(PASSWORD)
    page.locator('[data-testid="stSidebar"] [data-testid="stFormSubmitButton"] button').first.click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').wait_for(state="attached", timeout=60_000)
    settle(page)


def anonymous_puts(base: str, port: int, n: int = 8, mb: int = 45) -> list[int]:
    """The issue's attack: a visitor's session PUTs n x mb MB to /_stcore/upload_file."""
    import websockets.sync.client as wsc
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    with urllib.request.urlopen(base + "/_stcore/health") as r:     # where Streamlit sets the XSRF cookie
        cookie = r.headers.get("Set-Cookie", "")
    m = re.search(r"_streamlit_xsrf=([^;]+)", cookie)
    xsrf_cookie = m.group(1) if m else ""
    statuses = []
    with wsc.connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"], max_size=2 ** 26,
                     additional_headers={"Cookie": f"_streamlit_xsrf={xsrf_cookie}"} if xsrf_cookie else None) as ws:
        bm = BackMsg()
        bm.rerun_script.query_string = ""
        bm.rerun_script.page_script_hash = ""
        ws.send(bm.SerializeToString())
        session_id = ""
        while not session_id:
            fm = ForwardMsg()
            fm.ParseFromString(ws.recv(timeout=60))
            if fm.WhichOneof("type") == "new_session":
                session_id = fm.new_session.initialize.session_id
        token = xsrf_cookie.strip('"')       # the page's script sends the cookie's token back as a header
        body = b"x" * (mb * 1024 * 1024)
        for i in range(n):
            boundary = "soakboundary"
            head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f{i}.xlsx\"\r\n"
                    "Content-Type: application/octet-stream\r\n\r\n").encode()
            tail = f"\r\n--{boundary}--\r\n".encode()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                conn.putrequest("PUT", f"/_stcore/upload_file/{session_id}/soak-{i}")
                conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
                conn.putheader("Content-Length", str(len(head) + len(body) + len(tail)))
                if xsrf_cookie:
                    conn.putheader("Cookie", f"_streamlit_xsrf={xsrf_cookie}")
                    conn.putheader("X-Xsrftoken", token)
                conn.endheaders()
                try:
                    conn.send(head)
                    conn.send(body)
                    conn.send(tail)
                except OSError:
                    pass            # the server answered and closed before the body was sent
                statuses.append(conn.getresponse().status)
            except OSError as exc:
                statuses.append(f"{type(exc).__name__}")
            finally:
                conn.close()
    return statuses


def test_server_keeps_serving_and_memory_returns_while_an_analyst_uploads_every_hostile_file(setup):
    from playwright.sync_api import sync_playwright
    base, pid = setup["base"], setup["pid"]
    t0 = time.time()
    readers = Readers(f"127.0.0.1:{setup['port']}")
    readers.thread.start()
    peak = 0.0
    shown = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{base}/nhap-so-lieu?year=2022")
        settle(page)
        try:
            login(page)
        except Exception:
            (ROOT / "tests" / "_artifacts").mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ROOT / "tests" / "_artifacts" / "soak_login.png"))
            raise
        time.sleep(2)                       # warm-up: every reader has drawn pages by now
        start = rss_mb(pid)
        current = "nhap-so-lieu"
        for path, url, words in setup["files"]:
            try:
                if url != current:
                    page.goto(f"{base}/{url}?year=2022")
                    settle(page)
                    login(page)
                    current = url
                page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
                alert = page.locator('[data-testid="stAlert"]').filter(has_text=words)
                alert.first.wait_for(timeout=120_000)
            except Exception:
                (ROOT / "tests" / "_artifacts").mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(ROOT / "tests" / "_artifacts" / "soak_failed.png"), full_page=True)
                raise
            shown.append((path.name, alert.first.inner_text()[:160].replace("\n", " ")))
            assert page.locator('[data-testid="stException"]').count() == 0
            peak = max(peak, rss_mb(pid))
        browser.close()
    statuses = anonymous_puts(base, setup["port"])
    peak = max(peak, rss_mb(pid))
    after_puts = rss_mb(pid)
    readers.stop.set()
    readers.thread.join(timeout=120)
    time.sleep(1)
    end = rss_mb(pid)
    print(f"\nsoak: {len(readers.times)} reader page views, {len(readers.errors)} errors, "
          f"p95 {readers.p95():.2f} s; server RSS start {start:.0f} MB, peak {peak:.0f} MB, end {end:.0f} MB; "
          f"PUT 8 x 45 MB -> {statuses}, RSS {after_puts:.0f} MB after them; {time.time() - t0:.0f} s")
    for name, text in shown:
        print(f"  {name}: {text}")
    assert setup["proc"].poll() is None, "the server died"
    stop(setup["proc"])                                   # frees the database file for the check below
    assert readers.errors == [], readers.errors[:5]
    assert len(readers.times) >= READERS * 2
    # refused: above server.maxUploadSize (20 MB); the server may also cut the connection mid-body
    assert statuses.count(413) >= 1 and all(s == 413 or s in ("ConnectionResetError", "BrokenPipeError",
                                                                 "RemoteDisconnected") for s in statuses), statuses
    assert end - start < 100, (start, peak, end)
    assert snapshot(setup["db"]) == setup["before_db"]
