"""The real app for browser tests: served the way `python3 tasks.py run` serves it, on a free
loopback port, in its own process group (stopped by that group, never by name).

    with live_app(db, "setup-server.log") as base:
        page.goto(base + "/")
"""
from __future__ import annotations

import os
import socket
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest



ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "_artifacts"
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def _require_browser():
    """Skip locally without chromium/playwright; in CI (CI=true) that is a failure, never a skip."""
    missing = not Path(CHROMIUM).exists()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = True
    if missing:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI: browser tests must run: /usr/bin/chromium or playwright is missing "
                        "(python3 tasks.py test installs chromium as root)")
        pytest.skip("chromium or playwright missing (apt-get install chromium chromium-driver)")


def wait_healthy(base: str, proc: subprocess.Popen, timeout: float, log_path: Path) -> None:
    """Wait until the Streamlit server at `base` answers its health check; fail the test with the
    server's log when it exits or stays silent for `timeout` seconds."""
    deadline = time.time() + timeout
    while True:
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            pytest.fail(f"streamlit did not answer on {base} (exit code {proc.poll()}):\n"
                        + log_path.read_text(errors="replace")[-4000:])
        time.sleep(0.3)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_app(db: Path, log_name: str, env_extra: dict[str, str] | None = None,
             timeout: float = 60) -> Iterator[str]:
    """Start the dashboard on `db`, wait for /_stcore/health, yield its base URL, stop it."""
    port = _free_port()
    env = dict(os.environ, CHITIEU_DB=str(db), STREAMLIT_SERVER_HEADLESS="true",
               STREAMLIT_BROWSER_GATHER_USAGE_STATS="false", **(env_extra or {}))
    env.pop("CHITIEU_DEBUG", None)  # as deployed: the product's own error page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / log_name
    from tasks import streamlit_command
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            streamlit_command(sys.executable, ["--server.address", "127.0.0.1", "--server.port", str(port),
                                               "--server.fileWatcherType", "none"]),
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(base, proc, timeout, log_path)
            yield base
        finally:
            try:
                os.killpg(proc.pid, signal.SIGTERM)  # our own process group only
                proc.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(proc.pid, signal.SIGKILL)
