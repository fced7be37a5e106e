"""Many readers at once: the dashboard against Streamlit's own floor, in one run.

    .venv/bin/python scripts/bench_concurrency.py                       # bundled data + bare app
    .venv/bin/python scripts/bench_concurrency.py --national /tmp/national.duckdb   # + the national set
    .venv/bin/python scripts/bench_concurrency.py --seconds 30 --sessions 1 20

Starts, each on a free loopback port and in its own process group: the app on the bundled
sample data (built into a temporary directory), the app on a national synthetic database
(`--national PATH`, built with `python -m loaders synth --scale national` when missing), and
a bare one-chart Streamlit app. Each server gets one warm-up view, then for every --sessions
count N, N websocket clients open new sessions (each view a new session, like a new browser
tab) for --seconds, with the shared load tool ../shared/tools/streamlit_load.py. Prints
p50/p95 seconds from connect to script finished, page views per second, the server's
resident memory, and the ratios to the bare app.

Goals (issue 14): 20 sessions p95 <= 1.3 x bare and views/s >= 0.75 x bare on the bundled
data; p95 <= 1.6 x bare on the national set (one province, the default view). The machine
may be shared: quote the figures with the command and the load at the time.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOAD_TOOL = ROOT.parent / "shared" / "tools" / "streamlit_load.py"
BARE_APP = '''import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.title("Bare app")
st.plotly_chart(go.Figure(go.Bar(x=list("abcdefghij"), y=np.arange(10))))
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A Streamlit server on 127.0.0.1, in its own process group (stopped as a group)."""

    def __init__(self, name: str, script: Path, env: dict[str, str], cwd: Path):
        self.name, self.port = name, free_port()
        log = open(Path(tempfile.gettempdir()) / f"bench-{name}-{self.port}.log", "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=cwd, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.log = log.name

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def wait(self, timeout: float = 120) -> None:
        t_end = time.time() + timeout
        while time.time() < t_end:
            if self.proc.poll() is not None:
                sys.exit(f"{self.name}: the server stopped (see {self.log})")
            try:
                with urllib.request.urlopen(f"http://{self.address}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        sys.exit(f"{self.name}: no answer on {self.address} after {timeout:.0f} s (see {self.log})")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def load(server: Server, sessions: int, seconds: float, query: str = "") -> dict:
    out = subprocess.run([sys.executable, str(LOAD_TOOL), server.address, str(sessions), str(seconds),
                          str(server.proc.pid), query], capture_output=True, text=True, timeout=seconds + 300)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("{")), None)
    if line is None:
        sys.exit(f"load tool failed on {server.name}:\n{out.stdout}\n{out.stderr}")
    result = json.loads(line)
    if out.stderr.strip():
        result["first_errors"] = out.stderr.strip().splitlines()[:3]
    return result


def bundled_db() -> Path:
    sys.path.insert(0, str(ROOT))
    from chitieu.store import close_db
    from loaders.build import build_database
    db = Path(tempfile.mkdtemp(prefix="chitieu-conc-")) / "chitieu.duckdb"
    build_database(db)
    close_db(db)
    return db


def national_db(path: Path) -> Path:
    if not path.exists():
        print(f"building the national synthetic set into {path} …", flush=True)
        subprocess.run([sys.executable, "-m", "loaders", "synth", "--scale", "national", "--db", str(path)],
                       cwd=ROOT, check=True)
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--national", type=Path, help="national synthetic database (built when missing)")
    ap.add_argument("--seconds", type=float, default=20, help="length of each load run (default 20)")
    ap.add_argument("--sessions", type=int, nargs="+", default=[1, 20])
    ap.add_argument("--national-query", default="", help="query string of the national views (default page)")
    args = ap.parse_args()
    if not LOAD_TOOL.exists():
        sys.exit(f"the load tool {LOAD_TOOL} is missing (it ships in ../shared/tools)")

    tmp = Path(tempfile.mkdtemp(prefix="chitieu-bare-"))
    (tmp / "bare.py").write_text(BARE_APP, encoding="utf-8")
    apps = [("bare", tmp / "bare.py", {}, tmp, ""), ("bundled", ROOT / "dashboard.py",
                                                      {"CHITIEU_DB": str(bundled_db())}, ROOT, "")]
    if args.national:
        apps.append(("national", ROOT / "dashboard.py", {"CHITIEU_DB": str(national_db(args.national.resolve()))},
                     ROOT, args.national_query))
    servers = [(Server(name, script, env, cwd), query) for name, script, env, cwd, query in apps]
    results: dict[str, dict[int, dict]] = {}
    try:
        for server, query in servers:
            server.wait()
            first = load(server, 1, 0.1, query)  # one view: the first render of a fresh process
            print(f"{server.name:9} first view {first['p50_s']} s (a fresh server, empty caches)", flush=True)
        for n in args.sessions:
            for server, query in servers:
                r = load(server, n, args.seconds, query)
                results.setdefault(server.name, {})[n] = r
                print(f"{server.name:9} {n:>3} sessions: p50 {r['p50_s']} s, p95 {r['p95_s']} s, "
                      f"{r['views_per_s']} views/s, {r['page_views']} views, {r['errors']} errors, "
                      f"server RSS {r.get('server_rss_mb')} MB", flush=True)
                for e in r.get("first_errors", []):
                    print("           ", e)
    finally:
        for server, _ in servers:
            server.stop()

    print("\n== ratios to the bare app (goal at 20 sessions: bundled p95 <= 1.3x, views/s >= 0.75x; "
          "national p95 <= 1.6x)")
    bare = results.get("bare", {})
    for name in ("bundled", "national"):
        for n, r in sorted(results.get(name, {}).items()):
            b = bare.get(n)
            if not b or not b.get("p95_s") or not r.get("p95_s"):
                continue
            print(f"  {name:9} {n:>3} sessions: p50 {r['p50_s'] / b['p50_s']:.2f}x, p95 {r['p95_s'] / b['p95_s']:.2f}x, "
                  f"views/s {r['views_per_s'] / b['views_per_s']:.2f}x")
    print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
