"""First run as the README says it: `python3 tasks.py run`, started in the background with no
terminal (stdin closed) and a fresh home directory (no ~/.streamlit, as on a new machine).

It must serve the app without stopping at Streamlit's first-run "Email:" prompt. Only a free
port (STREAMLIT_SERVER_PORT) and a temporary database (CHITIEU_DB) are set through the
environment; no extra flag. The server is stopped through its own process group.
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

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_tasks_run_in_the_background_serves_the_app_without_a_prompt(tmp_path):
    port = _free_port()
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, HOME=str(home), USERPROFILE=str(home), STREAMLIT_SERVER_PORT=str(port),
               STREAMLIT_SERVER_ADDRESS="127.0.0.1", CHITIEU_DB=str(tmp_path / "chitieu.duckdb"))
    env.pop("STREAMLIT_SERVER_HEADLESS", None)  # the project's own config must make it headless
    python3 = shutil.which("python3") or sys.executable
    log = open(tmp_path / "run.log", "wb")
    proc = subprocess.Popen([python3, "tasks.py", "run"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline, healthy = time.time() + 120, False
        while time.time() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                    healthy = r.read().strip() == b"ok"
                    break
            except OSError:
                time.sleep(0.5)
        output = (tmp_path / "run.log").read_text(errors="replace")
        assert healthy, f"no answer on {base} (exit code {proc.poll()}):\n{output}"
        with urllib.request.urlopen(base + "/", timeout=5) as r:
            assert r.status == 200 and b"<html" in r.read().lower()
        time.sleep(3)  # the old failure: waiting on a prompt, then exit 255 about 30 s later
        assert proc.poll() is None, output
        output = (tmp_path / "run.log").read_text(errors="replace")
        assert "Email" not in output and "Welcome to Streamlit" not in output, output
        assert (tmp_path / "chitieu.duckdb").exists()  # the sample database was built on first start
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # our own process group only
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
