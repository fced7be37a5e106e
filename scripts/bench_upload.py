"""Benchmark: a 50,000-row actuals upload, validated and stored, vs openpyxl merely reading the file.

    .venv/bin/python scripts/bench_upload.py [--rows 50000] [--keep DIR]

Builds a throw-away database with enough plans (localities x targets = rows), writes a
filled template-shaped workbook, then times:
  ours      dry_run (calamine read + validation + diff) and confirm (one transaction)
  openpyxl  load_workbook + iterating every cell value (default mode, and read_only mode)
and prints both times and the ratio (aim: ours < half of openpyxl's read). Not a test.
"""
from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook, load_workbook  # noqa: E402

from chitieu.catalogue import default_catalogue  # noqa: E402
from chitieu.model import ExtractedPlan, Locality, PlanTarget  # noqa: E402
from chitieu.store import close_db, open_db, query_df  # noqa: E402
from chitieu.store.plans import save_plan, sync_catalogue  # noqa: E402
from loaders.actuals.upload import confirm, dry_run  # noqa: E402
from loaders.actuals.excel_template import COLUMNS, HEADER_ROW  # noqa: E402

INDICATORS = [("health_insurance_coverage", "%", 95), ("jobs_created", "lao động", 300),
              ("waste_collection_rate", "%", 90), ("poverty_rate", "%", 2.5), ("budget_revenue", "tỷ đồng", 120),
              ("clean_water_rate", "%", 80), ("trained_labour_rate", "%", 60), ("new_party_members", "đảng viên", 12),
              ("forest_cover", "%", 40), ("rice_output", "tấn", 5000)]
PERIODS = ["Quý I", "6 tháng", "9 tháng", "Cả năm"]


def build_db(path: Path, localities: int) -> None:
    con = open_db(path)
    sync_catalogue(con, default_catalogue())
    for i in range(localities):
        targets = [PlanTarget(code, "le" if code == "poverty_rate" else "ge", v, unit=u) for code, u, v in INDICATORS]
        save_plan(con, ExtractedPlan(f"bench_{i}", f"b{i}.txt", str(i), "", Locality(
            f"Xã Thử Nghiệm {i}", "commune", "Bench", "bench", f"{i:05d}"), 2024, targets=targets))


def write_workbook(localities: int, periods: int) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Số liệu")
    ws.append(["Biểu nhập số liệu (benchmark)"])
    for _ in range(HEADER_ROW - 2):
        ws.append([])
    ws.append([h for h, _, _ in COLUMNS])
    for i in range(localities):
        for k, (code, unit, v) in enumerate(INDICATORS):
            for p in range(periods):
                value = round(v * (0.5 + 0.1 * ((i + k + p) % 7)), 2)
                if unit == "%":
                    value = min(value, 100)
                ws.append([f"bench:{i:05d}", f"Xã Thử Nghiệm {i}", 2024, code, code, "", "≥", v, None, unit,
                           PERIODS[p], f"{value:.2f}".replace(".", ",") if (i + p) % 3 == 0 else value,
                           "Ước tính" if p < 3 else "Chính thức", None, None])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def openpyxl_read(data: bytes, read_only: bool) -> int:
    wb = load_workbook(io.BytesIO(data), read_only=read_only, data_only=True)
    n = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            n += sum(1 for v in row if v is not None)
    return n


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--keep", help="keep the database and workbook in this directory")
    args = ap.parse_args()
    periods = len(PERIODS)
    localities = -(-args.rows // (len(INDICATORS) * periods))
    work = Path(args.keep or tempfile.mkdtemp(prefix="bench_upload_"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "bench.duckdb"
    for f in (db, db.with_name(db.name + ".wal")):
        f.unlink(missing_ok=True)
    print(f"setting up {localities} localities x {len(INDICATORS)} targets x {periods} periods ...", flush=True)
    build_db(db, localities)
    data = write_workbook(localities, periods)
    (work / "bench.xlsx").write_bytes(data)
    rows = localities * len(INDICATORS) * periods
    print(f"workbook: {rows} rows, {len(data) / 1e6:.1f} MB", flush=True)

    t_default = best_of(lambda: openpyxl_read(data, read_only=False), 1)
    t_readonly = best_of(lambda: openpyxl_read(data, read_only=True), 1)

    con = open_db(db)
    t0 = time.perf_counter()
    preview = dry_run(con, data, "bench.xlsx", "bench")
    t1 = time.perf_counter()
    assert preview.ok, preview.report()
    upload_id = confirm(con, preview, "bench")
    t2 = time.perf_counter()
    stored = query_df(con, "SELECT count(*) AS n FROM actuals WHERE upload_id = ?", [upload_id]).n[0]
    assert stored == rows, (stored, rows)
    close_db(db)

    ours = t2 - t0
    print(f"ours: dry run (read + validate + diff) {t1 - t0:.2f} s + confirm (one transaction) {t2 - t1:.2f} s"
          f" = {ours:.2f} s for {stored} rows stored")
    print(f"openpyxl merely reading: {t_default:.2f} s (default mode), {t_readonly:.2f} s (read_only mode)")
    print(f"ratio ours / openpyxl: {ours / t_default:.2f} (default), {ours / t_readonly:.2f} (read_only); "
          f"aim < 0.5")


if __name__ == "__main__":
    main()
