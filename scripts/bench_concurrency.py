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

Replicas on PostgreSQL (`--pg`, with `--replicas N`, default 2):

    .venv/bin/python scripts/bench_concurrency.py --pg --replicas 2 --seconds 20

also starts a PostgreSQL 15 server in a temporary directory (tests/pg_server.py: Debian's
`postgresql` package), builds the bundled sample into it, and measures the app on that database
as one process ("pg x1") and as N processes behind a local nginx ("pg xN"), the way a deployment
runs it: nginx (Debian's package, installed with apt-get when missing and running as root)
with a configuration written to a temporary directory, the websocket upgrade passed through, and
sticky sessions by a cookie nginx sets itself (`hash $chitieu_node consistent`, the cookie's
value chosen at random on a browser's first request): a Streamlit session, its uploads and its
downloads live in one process, so every request of a browser must reach the same replica. The
load tool opens every view as a new cookie-less session, so its views spread over the replicas
like new browsers. `ip_hash` would send a whole office behind one NAT address to one replica.
Prints throughput of N replicas against one process.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
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
    rss_pid = server.replicas[0].proc.pid if hasattr(server, "replicas") else server.proc.pid  # one process's RSS
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([sys.executable, str(LOAD_TOOL), server.address, str(sessions), str(seconds),
                          str(rss_pid), query], capture_output=True, text=True, timeout=seconds + 300)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("{")), None)
    if line is None:
        sys.exit(f"load tool failed on {server.name}:\n{out.stdout}\n{out.stderr}")
    result = json.loads(line)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the load tool's own CPU: it shares the machine
    result["load_tool_cpu_s"] = round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1)
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


NGINX_CONF = """# nginx in front of {n} replicas of the dashboard (scripts/bench_concurrency.py; README deployment)
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
daemon off;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    client_max_body_size {upload_mb}m;           # at least server.maxUploadSize (.streamlit/config.toml)
    map $http_upgrade $connection_upgrade {{ default upgrade; "" close; }}
    # Sticky sessions: a browser keeps the replica its first request was sent to (random).
    map $cookie_chitieu_node $chitieu_node {{ "" $request_id; default $cookie_chitieu_node; }}
    upstream chitieu {{
        hash $chitieu_node consistent;
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://chitieu;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;       # Streamlit's websocket, /_stcore/stream
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_read_timeout 3600s;
            proxy_send_timeout 3600s;
            proxy_buffering off;
            add_header Set-Cookie "chitieu_node=$chitieu_node; Path=/; HttpOnly; SameSite=Lax" always;
        }}
    }}
}}
"""


def nginx_binary() -> str:
    """Debian's nginx, installed with apt-get when missing (as root), else a clear exit."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing nginx (apt-get) …", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-q"], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "nginx"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        return shutil.which("nginx") or "/usr/sbin/nginx"
    sys.exit("nginx is missing: sudo apt-get install nginx")


class Balancer:
    """nginx on a free loopback port in front of `replicas`, in its own process group."""

    def __init__(self, name: str, replicas: list[Server]):
        self.name, self.replicas, self.port = name, replicas, free_port()
        self.tmp = Path(tempfile.mkdtemp(prefix="chitieu-nginx-"))
        os.chmod(self.tmp, 0o755)  # nginx's workers (an unprivileged account under root) use its temp dirs
        upload_mb = int(os.environ.get("CHITIEU_UPLOAD_MAX_MB", "20"))
        conf = self.tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(
            n=len(replicas), tmp=self.tmp, port=self.port, upload_mb=upload_mb,
            servers="\n".join(f"        server {r.address};" for r in replicas)), encoding="utf-8")
        nginx = nginx_binary()
        check = subprocess.run([nginx, "-t", "-q", "-p", str(self.tmp), "-e", str(self.tmp / "error.log"),
                                "-c", str(conf)], capture_output=True, text=True)
        if check.returncode != 0:
            sys.exit(f"nginx rejected {conf}:\n{check.stderr}")
        self.log = str(self.tmp / "error.log")
        self.proc = subprocess.Popen([nginx, "-p", str(self.tmp), "-e", self.log, "-c", str(conf)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def wait(self, timeout: float = 120) -> None:
        for r in self.replicas:
            r.wait(timeout)
        Server.wait(self, timeout)  # the same health check, through the balancer

    def stop(self) -> None:
        Server.stop(self)
        shutil.rmtree(self.tmp, ignore_errors=True)


def postgres_bundled(replicas: int):
    """A PostgreSQL server in a temp dir with the bundled sample in one database; (server, url)."""
    sys.path.insert(0, str(ROOT))
    from chitieu.store import close_db
    from loaders.build import build_database
    from tests.pg_server import PgServer
    pg = PgServer().start()
    url = pg.create_database("bench")
    print(f"PostgreSQL {pg.bindir} on 127.0.0.1:{pg.port} (pid {pg.pid}); building the sample …", flush=True)
    build_database(url)
    close_db(url)
    return pg, url


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def run_servers(targets, sessions: list[int], seconds: float, results: dict) -> None:
    for target, query in targets:
        target.wait()
        for r in getattr(target, "replicas", [target]):  # one view per process: its first render
            first = load(r, 1, 0.1, query)
            print(f"{target.name:9} first view {first['p50_s']} s (a fresh server, empty caches)", flush=True)
    for n in sessions:
        for target, query in targets:
            replicas = getattr(target, "replicas", [])
            cpu0 = [cpu_seconds(rep.proc.pid) for rep in replicas]
            r = load(target, n, seconds, query)
            results.setdefault(target.name, {})[n] = r
            print(f"{target.name:9} {n:>3} sessions: p50 {r['p50_s']} s, p95 {r['p95_s']} s, "
                  f"{r['views_per_s']} views/s, {r['page_views']} views, {r['errors']} errors, "
                  f"server RSS {r.get('server_rss_mb')} MB", flush=True)
            if replicas:  # how the balancer spread the work: CPU seconds each replica spent in this run
                spent = [cpu_seconds(rep.proc.pid) - c for rep, c in zip(replicas, cpu0)]
                print("           CPU seconds per replica: " + ", ".join(f"{x:.1f}" for x in spent), flush=True)
            print(f"           the load tool itself used {r['load_tool_cpu_s']} CPU seconds; "
                  f"load average {os.getloadavg()[0]:.1f}", flush=True)
            for e in r.get("first_errors", []):
                print("           ", e)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--national", type=Path, help="national synthetic database (built when missing)")
    ap.add_argument("--seconds", type=float, default=20, help="length of each load run (default 20)")
    ap.add_argument("--sessions", type=int, nargs="+", default=[1, 20])
    ap.add_argument("--national-query", default="", help="query string of the national views (default page)")
    ap.add_argument("--pg", action="store_true",
                    help="also the bundled data on PostgreSQL: one process, and --replicas behind nginx")
    ap.add_argument("--replicas", type=int, default=2, help="app processes behind the balancer with --pg (default 2)")
    ap.add_argument("--no-duckdb", action="store_true", help="with --pg: leave out the bare app and DuckDB runs")
    args = ap.parse_args()
    if not LOAD_TOOL.exists():
        sys.exit(f"the load tool {LOAD_TOOL} is missing (it ships in ../shared/tools)")

    tmp = Path(tempfile.mkdtemp(prefix="chitieu-bare-"))
    (tmp / "bare.py").write_text(BARE_APP, encoding="utf-8")
    apps = []
    if not (args.pg and args.no_duckdb):
        apps += [("bare", tmp / "bare.py", {}, tmp, ""), ("bundled", ROOT / "dashboard.py",
                                                          {"CHITIEU_DB": str(bundled_db())}, ROOT, "")]
    if args.national:
        apps.append(("national", ROOT / "dashboard.py", {"CHITIEU_DB": str(national_db(args.national.resolve()))},
                     ROOT, args.national_query))
    pg = None
    targets: list = []
    results: dict[str, dict[int, dict]] = {}
    try:
        targets = [(Server(name, script, env, cwd), query) for name, script, env, cwd, query in apps]
        if args.pg:
            pg, url = postgres_bundled(args.replicas)
            env = {"CHITIEU_DB": url}
            targets.append((Server("pg x1", ROOT / "dashboard.py", env, ROOT), ""))
            replicas = [Server(f"pg-r{i + 1}", ROOT / "dashboard.py", env, ROOT) for i in range(args.replicas)]
            targets.append((Balancer(f"pg x{args.replicas}", replicas), ""))
        run_servers(targets, args.sessions, args.seconds, results)
    finally:
        for target, _ in targets:
            for r in getattr(target, "replicas", []):
                r.stop()
            target.stop()
        if pg is not None:
            pg.stop()

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
    if args.pg:
        many = f"pg x{args.replicas}"
        print(f"\n== {args.replicas} app processes on one PostgreSQL database behind nginx, against one process")
        for n, r in sorted(results.get(many, {}).items()):
            one, duck = results.get("pg x1", {}).get(n), results.get("bundled", {}).get(n)
            if not one or not one.get("views_per_s") or not r.get("p95_s"):
                continue
            line = (f"  {n:>3} sessions: views/s {r['views_per_s']} against {one['views_per_s']} "
                    f"({r['views_per_s'] / one['views_per_s']:.2f}x), p95 {r['p95_s']} s against {one['p95_s']} s")
            if duck and duck.get("views_per_s"):
                line += f"; one process on DuckDB: {duck['views_per_s']} views/s, p95 {duck['p95_s']} s"
            print(line)
    print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
