"""Server-side time of the Kế hoạch page with a plan under review (AppTest), bundled sample data.

    .venv/bin/python scripts/bench_plan_review.py [--runs 9] [FILE ...]

For each plan file (default: the review test's commune resolution and the first seed plan): the
upload run (reading in the child process, the review table, the locality drop-down of every
unit valid for the year) and the median / worst of the following reruns, which is what an
analyst waits for after each edit in the table. Prints one line per file.
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
DEFAULT = [ROOT / "tests" / "review_plans" / "xa_tam_phuoc_2024.txt",
           sorted((ROOT / "data" / "plans").glob("*.txt"))[0]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, default=DEFAULT)
    ap.add_argument("--runs", type=int, default=9)
    args = ap.parse_args()
    from chitieu.auth import hash_password
    from chitieu.store import close_db, open_db
    from chitieu.store.users import add_user
    from loaders.build import build_database
    db = Path(tempfile.mkdtemp()) / "chitieu.duckdb"
    build_database(db)
    add_user(open_db(db), "bench", "admin", hash_password("Mat-khau-bench-2025"), actor="bench")
    close_db(db)
    os.environ["CHITIEU_DB"] = str(db)
    from streamlit.testing.v1 import AppTest
    for path in args.files:
        at = AppTest.from_file(str(ROOT / "views" / "plans.py"), default_timeout=300)
        at.session_state["chitieu_user"] = "bench"
        at.run()
        t = time.perf_counter()
        at.file_uploader(key="plan_file").upload(path.name, path.read_bytes(), "text/plain").run()
        first = time.perf_counter() - t
        assert not at.exception, [e.value for e in at.exception]
        runs = []
        for _ in range(args.runs):
            t = time.perf_counter()
            at.run()
            runs.append(time.perf_counter() - t)
        units = len(next(s for s in at.selectbox if (s.key or "").startswith("plan_loc_")).options)
        print(f"{path.name}: upload run {first * 1000:.0f} ms; rerun median {statistics.median(runs) * 1000:.0f} ms, "
              f"worst {max(runs) * 1000:.0f} ms ({len(at.dataframe[0].value)} rows, {units} units in the drop-down)")


if __name__ == "__main__":
    main()
