"""Time the roll-up report of the largest province of a national-size database (issue 12: < 10 s).

    python -m loaders synth --scale national --db /tmp/nat.duckdb      # ~15 s, once
    python scripts/bench_report.py --db /tmp/nat.duckdb [--year 2026] [--period 9M]

Prints the province, its units and targets, then the seconds to assemble the report (one bulk
status query over all its communes) and to write each format.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chitieu.report import FORMATS, build_report, render  # noqa: E402
from chitieu.store import open_db, query_df  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--year", type=int)
    ap.add_argument("--period", default="9M")
    args = ap.parse_args()
    con = open_db(args.db)
    year = args.year or int(query_df(con, "SELECT min(year) AS y FROM plans")["y"].iloc[0])
    big = query_df(con, """
        SELECT p.scheme, p.code, p.name, count(*) AS units FROM localities c
        JOIN localities p ON p.scheme = c.parent_scheme AND p.code = c.parent_code
        GROUP BY ALL ORDER BY units DESC LIMIT 1""")
    if big.empty:
        print("no unit has units under it in this database", file=sys.stderr)
        return 1
    scheme, code, name, n = big.iloc[0]
    t0 = time.perf_counter()
    report = build_report(con, (scheme, code), year, args.period, rollup=True)
    t_build = time.perf_counter() - t0
    targets = sum(u.targets for u in report.rollup.units)
    print(f"{name} ({scheme}:{code}), {year}, {args.period}: {len(report.rollup.units)} units, "
          f"{targets:,} unit targets + {len(report.lines)} of its own")
    print(f"  assemble (store reads, verdicts, roll-up)  {t_build:6.2f} s")
    total = t_build
    for fmt in FORMATS:
        t0 = time.perf_counter()
        data = render(report, fmt)
        dt = time.perf_counter() - t0
        total += dt
        print(f"  write {fmt:<5} {f'({len(data) / 1024:,.0f} KiB)':<34} {dt:6.2f} s")
    print(f"  assemble + all three formats               {total:6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
