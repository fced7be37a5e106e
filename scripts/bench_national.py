"""Benchmark at national scale: build time, database size, main queries, pages, peak memory.

    python scripts/bench_national.py --db /tmp/national.duckdb            # build (if missing) and measure
    python scripts/bench_national.py --db /tmp/national.duckdb --rebuild  # build afresh first
    python scripts/bench_national.py --db /tmp/national.duckdb --no-pages # queries only

Builds the synthetic dataset with `python -m loaders synth --scale national` in a child
process (its time and peak memory are the build figures), then, in this process, times the
store's main read queries, judges every target x period of the country in bulk and checks each
verdict against the per-target rules (--no-compare skips that minute), and times every page of
the dashboard with streamlit.testing's AppTest against that file (CHITIEU_DB), plus the
whole-country overview. Goals: every page under 500 ms server-side for one province, the
whole-country overview under 1.5 s first and 300 ms from cache, the whole app under 2 GB
resident. Peak memory is resource.getrusage's ru_maxrss.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGE_GOAL_MS, MEMORY_GOAL_MB = 500, 2048
CPU_MS: list[tuple[float, float]] = []  # per page of pages(): process CPU ms of the first run and again


def _mb(kbytes: int) -> float:
    return kbytes / 1024  # ru_maxrss is in KiB on Linux


def build(db: Path) -> tuple[float, float]:
    """Run the synth command in a child; returns (seconds, child's peak MiB)."""
    argv = ["--scale", "national", "--db", str(db), "--replace"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "loaders", "synth", *argv], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0 and "ModuleNotFoundError" in proc.stderr:
        # The CLI frame imports every command module; while one of them is still being
        # written, run the synth command module on its own (same code path).
        print("  (python -m loaders could not import every command; running loaders.commands.synth directly)")
        snippet = ("import argparse, sys\nfrom loaders.commands import synth\n"
                   "p = argparse.ArgumentParser(); synth.register(p.add_subparsers())\n"
                   "a = p.parse_args(['synth'] + sys.argv[1:]); sys.exit(a.func(a))")
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", snippet, *argv], cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"build failed:\n{proc.stdout}\n{proc.stderr}")
    print("  " + proc.stdout.strip().replace("\n", "\n  "))
    return seconds, _mb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def time_ms(fn, repeat: int = 3) -> tuple[float, int]:
    fn()  # warm: the first call pays for DuckDB's caches, not what a user waits for twice
    runs, n = [], 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        runs.append((time.perf_counter() - t0) * 1000)
        n = len(out) if hasattr(out, "__len__") else 0
    return statistics.median(runs), n


def queries(db: Path) -> list[tuple[str, float, int]]:
    from chitieu import units
    from chitieu.store import open_db, reads
    from chitieu.store import units as unit_store

    con = open_db(db, read_only=True)
    year = reads.plan_years(con)[0]
    province, commune = ("gso_2025", "51"), ("gso_2025", "21484")
    cases = [
        ("plan_years", lambda: reads.plan_years(con)),
        (f"localities({year}) — every locality", lambda: reads.localities(con, year)),
        ("indicators_in_use", lambda: reads.indicators_in_use(con)),
        ("data_counts", lambda: reads.data_counts(con)),
        ("status_table(one province, H1)", lambda: reads.status_table(con, year, "H1", province)),
        ("status_table(one commune, H1)", lambda: reads.status_table(con, year, "H1", commune)),
        ("target_rows(one indicator, whole country, H1)",
         lambda: reads.target_rows(con, year, 6, indicator="economic_growth")),
        ("status_table(one indicator, whole country, H1)",
         lambda: reads.status_table(con, year, "H1", indicator="economic_growth")),
        ("target_rows(whole country, H1) — no filter", lambda: reads.target_rows(con, year, 6)),
        ("status_table(whole country, H1) — bulk verdicts", lambda: reads.status_table(con, year, "H1")),
        ("rollup_counts(whole country, H1) — from the kept verdicts", lambda: reads.rollup_counts(con, year, "H1")),
        ("most_behind(whole country, H1)", lambda: reads.most_behind(con, year, "H1", limit=10)),
        ("units: search_units('ba tơ')", lambda: unit_store.search_units(con, "ba tơ")),
        ("units: children_of(province 51)", lambda: unit_store.children_of(con, *province)),
        ("units: predecessors_of(Đặc khu Phú Quốc)", lambda: unit_store.predecessors_of(con, "gso_2025", "31078")),
        ("units: resolve_locality (registry in memory)",
         lambda: [units.resolve_locality("phường Quyết Thắng", province="Sơn La", year=2022)]),
    ]
    return [(label, *time_ms(fn)) for label, fn in cases]


def judge_country(db: Path, compare: bool) -> None:
    """Every target x period of every year judged at once (bulk), and, with compare, the per-target
    rules (chitieu.status.evaluate) on the same rows: the time each takes and any disagreement."""
    from chitieu.status_bulk import judge
    from chitieu.store import open_db, reads

    con = open_db(db, read_only=True)
    rows_all, t_query, t_bulk, t_eval, bad = 0, 0.0, 0.0, 0.0, 0
    for months in (3, 6, 9, 12):
        t0 = time.perf_counter()
        rows = reads.target_rows(con, None, months)
        t1 = time.perf_counter()
        got = judge(rows)
        t2 = time.perf_counter()
        t_query, t_bulk, rows_all = t_query + t1 - t0, t_bulk + t2 - t1, rows_all + len(rows)
        if compare:
            for start in range(0, len(rows), 20_000):  # in slices: a dict per row of 514,300 rows is large
                part, verdicts = rows.iloc[start:start + 20_000], got.iloc[start:start + 20_000]
                for (s, p, r), row in zip(zip(verdicts["status"], verdicts["percent"], verdicts["rule"]),
                                          part.to_dict("records")):
                    v = reads.explain(row)
                    want = ("no_data", None, "error") if v is None else (v.status, v.percent, v.rule)
                    bad += want != (s, None if p != p else p, r)
            t_eval += time.perf_counter() - t2
    print(f"  {rows_all:,} target x period rows (every year, Q1/H1/9M/FY): query {t_query:.1f} s, "
          f"bulk verdicts {t_bulk:.2f} s")
    if compare:
        print(f"  per-target evaluate on the same rows: {t_eval:.1f} s; disagreements with the bulk path: {bad}")


def pages(db: Path) -> list[tuple[str, float, float, str]]:
    """(page, first run ms, second run ms, problem) for every page of dashboard.py. CPU_MS gets the
    process CPU time of each run (all threads: the script's, DuckDB's and the background judging of
    the country), which a loaded, shared machine inflates far less than the wall time."""
    import logging

    from streamlit.testing.v1 import AppTest

    # Page errors are reported in the table below; Streamlit's own traceback logging would bury it.
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
    os.environ["CHITIEU_DB"] = str(db)
    os.chdir(ROOT)
    page_files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "views").glob("*.py"))
    out = []
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    t0, c0 = time.perf_counter(), time.process_time()
    at.run()
    CPU_MS.append(((time.process_time() - c0) * 1000, float("nan")))
    out.append(("dashboard.py (default page, cold start)", (time.perf_counter() - t0) * 1000, float("nan"),
                "; ".join(str(e.value)[:80] for e in at.exception)))
    for page in page_files:
        times, cpu, problem = [], [], ""
        for _ in range(2):
            try:
                at.switch_page(page)
                t0, c0 = time.perf_counter(), time.process_time()
                at.run()
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
                if at.exception:
                    problem = "; ".join(str(e.value)[:80] for e in at.exception)
            except ValueError as exc:  # not in st.navigation (e.g. a page shown to admins only)
                times.append(float("nan"))
                cpu.append(float("nan"))
                problem = "not in the navigation for this user" if "navigation page" in str(exc) else str(exc)[:80]
            except Exception as exc:  # a page that cannot run is reported, not fatal
                times.append(float("nan"))
                cpu.append(float("nan"))
                problem = f"{type(exc).__name__}: {str(exc)[:80]}"
        out.append((page, *times, problem))
        CPU_MS.append(tuple(cpu))
    # The whole country ("all provinces"): the roll-up overview, first render and again (cached).
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["prov"] = ""
    times, cpu = [], []
    for _ in range(2):
        t0, c0 = time.perf_counter(), time.process_time()
        at.run()
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    CPU_MS.append(tuple(cpu))
    out.append(("whole country: views/overview.py (prov=all)", *times,
                "; ".join(str(e.value)[:80] for e in at.exception)))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="synthetic database file (built if missing)")
    ap.add_argument("--rebuild", action="store_true", help="build the file afresh first")
    ap.add_argument("--no-pages", action="store_true", help="time the queries only")
    ap.add_argument("--no-compare", action="store_true",
                    help="skip the per-target comparison of every national verdict (about a minute)")
    args = ap.parse_args()
    db = Path(args.db).resolve()

    print("== build")
    if args.rebuild or not db.exists():
        seconds, child_mb = build(db)
        print(f"  build time {seconds:.1f} s, build peak memory {child_mb:.0f} MiB")
    else:
        print("  (existing file kept; use --rebuild to time the build)")
    size = db.stat().st_size + sum(p.stat().st_size for p in db.parent.glob(db.name + ".wal"))
    print(f"  database size {size / 2**20:.0f} MiB")

    print("== main queries (median of 3 after one warm-up)")
    for label, ms, n in queries(db):
        print(f"  {ms:9.1f} ms  {n:>8} rows  {label}")

    if args.no_pages:
        print("== pages: skipped (--no-pages)")
    elif not list((ROOT / "views").glob("*.py")) or not (ROOT / "dashboard.py").exists():
        print("== pages: not ready (no dashboard.py or views/); query timings only")
    else:
        print(f"== pages (AppTest, server-side; goal < {PAGE_GOAL_MS} ms; wall time, then process CPU time)")
        for (page, first, second, problem), (c1, c2) in zip(pages(db), CPU_MS):
            flag = "" if problem else ("  OVER GOAL" if min(first, second if second == second else first) > PAGE_GOAL_MS else "")
            print(f"  {first:9.0f} ms first, {second:7.0f} ms again (CPU {c1:6.0f} / {c2:5.0f} ms)  {page}{flag}"
                  f"{'  ERROR: ' + problem if problem else ''}")
        print(f"  load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    peak = _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    print(f"== peak memory of this process (queries + app): {peak:.0f} MiB (goal < {MEMORY_GOAL_MB} MiB)")
    # After the memory figure: the check below holds every verdict twice, which no page does.
    print("== judging the whole country" + ("" if args.no_compare else " (and checking every verdict)"))
    judge_country(db, compare=not args.no_compare)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
