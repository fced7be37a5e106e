"""Time the store's main reads on any database: a DuckDB file or a PostgreSQL address.

    .venv/bin/python scripts/bench_store.py /tmp/national.duckdb
    .venv/bin/python scripts/bench_store.py postgresql://user@host/chitieu_national

Build the national set first with `python -m loaders synth --scale national --db <same>`.
Prints the median of 3 timings (after one warm-up) per read, with the rows returned and the
load average (the figures mean little on a shared machine without it).
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chitieu.store import open_db, reads  # noqa: E402
from chitieu.store.pg import safe_url  # noqa: E402


def timed(label: str, fn) -> None:
    fn()
    times = []
    for _ in range(3):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    size = len(result) if hasattr(result, "__len__") else result
    print(f"{statistics.median(times) * 1000:10.1f} ms {size!s:>8}  {label}", flush=True)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    con = open_db(argv[0])
    year = reads.default_year(con)
    provinces = reads.provinces(con, year)
    if year is None or provinces.empty:
        print("no plans in this database")
        return 1
    province = provinces["province"].iloc[min(1, len(provinces) - 1)]
    print(f"{safe_url(argv[0])}: year {year}, load average {os.getloadavg()[0]:.1f}")
    timed("plan_years", lambda: reads.plan_years(con))
    timed(f"localities({year})", lambda: reads.localities(con, year))
    timed("indicators_in_use", lambda: reads.indicators_in_use(con))
    timed(f"target_rows one province ({province}), H1", lambda: reads.target_rows(con, year, 6, province=province))
    timed("target_rows whole country, H1", lambda: reads.target_rows(con, year, 6))
    timed("rollup_counts whole country, H1 (kept verdicts)", lambda: reads.rollup_counts(con, year, "H1"))
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
