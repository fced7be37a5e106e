"""Per-page server-side time of the dashboard (AppTest), on the bundled sample data by default.

    .venv/bin/python scripts/bench_pages.py [--db PATH] [--runs 10] [--query year=2022 ...]

For each page: the first render in a fresh session (cold: empty caches, connection opening)
and the median / worst of the following reruns (warm: what a user waits for after changing a
filter that was seen before). Without --db, the sample database is built from data/ into a
temporary directory first. Goal (issue 4): warm reruns under 300 ms on the bundled data.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PAGES = ["views/overview.py", "views/locality.py", "views/compare.py", "views/indicator.py", "views/plans.py",
         "views/actuals.py"]


def bench(db: Path, runs: int, query: dict[str, str]) -> list[tuple[str, float, float, float]]:
    os.environ["CHITIEU_DB"] = str(db)
    from streamlit.testing.v1 import AppTest
    results = []
    for page in PAGES:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        at.query_params.update(query)
        t0 = time.perf_counter()
        at.run()
        if page != PAGES[0]:
            at.switch_page(page)
            at.run()
        cold = time.perf_counter() - t0
        if at.exception:
            raise SystemExit(f"{page}: {at.exception[0].value}")
        warm = []
        for _ in range(runs):
            t0 = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - t0)
        results.append((page, cold * 1000, statistics.median(warm) * 1000, max(warm) * 1000))
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="database to measure (default: the bundled sample, built into a temp dir)")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--query", nargs="*", default=[], help="URL filters, e.g. year=2022 period=H1")
    args = ap.parse_args()
    query = dict(q.split("=", 1) for q in args.query)
    if args.db:
        db = Path(args.db)
    else:
        from loaders.build import build_database
        from chitieu.store import close_db
        db = Path(tempfile.mkdtemp(prefix="chitieu-bench-")) / "chitieu.duckdb"
        t0 = time.perf_counter()
        build_database(db)
        close_db(db)
        print(f"built the sample database in {time.perf_counter() - t0:.1f} s: {db}")
    print(f"{'page':<22} {'cold ms':>9} {'warm median ms':>15} {'warm max ms':>12}")
    worst = 0.0
    for page, cold, median, high in bench(db, args.runs, query):
        print(f"{page:<22} {cold:>9.0f} {median:>15.0f} {high:>12.0f}")
        worst = max(worst, median)
    print(f"slowest warm median: {worst:.0f} ms (goal < 300 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
