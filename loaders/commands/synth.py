"""`python -m loaders synth --scale national --db PATH`: a synthetic national dataset.

    python -m loaders synth --scale national --db /tmp/national.duckdb
    python -m loaders synth --scale national --db /tmp/national.duckdb --replace   # rebuild
    python -m loaders synth --scale province --province 51 --db /tmp/qn.duckdb      # one province

Writes into a separate database file only: never the default database or $CHITIEU_DB, and
never a file that holds real (non-synthetic) plans, actuals or users. Every row written is
marked synthetic (see loaders/synth.py).
"""
from __future__ import annotations

import time
from pathlib import Path

from chitieu import settings
from chitieu.catalogue import default_catalogue
from chitieu.errors import UserError
from chitieu.store import open_db
from chitieu.store.pg import safe_url as safe_location
from chitieu.store import synth as synth_store
from chitieu.store.plans import sync_catalogue
from chitieu.store.units import load_units
from loaders import synth


def register(sub) -> None:
    p = sub.add_parser("synth", help="tạo dữ liệu giả lập toàn quốc / build a synthetic national dataset",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", choices=synth.SCALES, default="national",
                   help="national: 34 provinces and 3,321 communes; province: one province (tests)")
    p.add_argument("--db", help="the separate database file to write (required)")
    p.add_argument("--years", default="2026-2030", help="plan years, e.g. 2026-2030 (default)")
    p.add_argument("--per-commune", type=int, default=30, help="indicators per commune (default 30)")
    p.add_argument("--province", default="51", help="gso_2025 province code for --scale province")
    p.add_argument("--seed", type=int, default=2025)
    p.add_argument("--replace", action="store_true", help="remove earlier synthetic rows from the file first")
    p.set_defaults(func=run)


def _protected_paths() -> set[Path]:
    default = next(s.default for s in settings.SETTINGS if s.name == "CHITIEU_DB")
    configured = settings.db_path(None)
    return {Path(default).resolve(), configured if settings.is_server_db(configured) else configured.resolve()}


def _years(text: str) -> range:
    lo, _, hi = text.partition("-")
    try:
        years = range(int(lo), int(hi or lo) + 1)
    except ValueError:
        raise UserError("bad-years", f"Năm không hợp lệ: {text!r} (ví dụ 2026-2030).",
                        f"Bad years: {text!r} (e.g. 2026-2030).") from None
    if not years or len(years) > 20:
        raise UserError("bad-years", f"Khoảng năm không hợp lệ: {text!r}.", f"Bad year range: {text!r}.")
    return years


def run(args) -> int:
    if not args.db:
        raise UserError("synth-needs-db",
                        "Lệnh synth cần --db TỆP: dữ liệu giả lập phải nằm trong một tệp riêng.",
                        "synth needs --db PATH: synthetic data goes into a separate file.")
    path = args.db if settings.is_server_db(args.db) else Path(args.db)
    if (path if isinstance(path, str) else path.resolve()) in _protected_paths():
        raise UserError("synth-default-db",
                        f"Không ghi dữ liệu giả lập vào cơ sở dữ liệu chính ({path}). Hãy chọn một tệp khác.",
                        f"Refusing to write synthetic data into the main database ({path}). Choose another file.")
    years = _years(args.years)
    t0 = time.perf_counter()
    con = open_db(path)
    real = synth_store.real_data_counts(con)
    if any(real.values()):
        raise UserError("synth-real-data",
                        f"Tệp {path} có dữ liệu thật ({real}); không ghi dữ liệu giả lập vào đó.",
                        f"{path} holds real data ({real}); synthetic data will not be written into it.")
    if any(synth_store.synthetic_counts(con).values()):
        if not args.replace:
            raise UserError("synth-exists",
                            f"Tệp {path} đã có dữ liệu giả lập; dùng --replace để tạo lại.",
                            f"{path} already has synthetic data; use --replace to rebuild it.")
        synth_store.clear_synthetic(con)
    load_units(con)
    sync_catalogue(con, default_catalogue())
    data = synth.generate(args.scale, years, args.per_commune, args.seed, args.province)
    t1 = time.perf_counter()
    counts = synth_store.write_synthetic(con, data.localities, data.plans, data.targets, data.actuals)
    t2 = time.perf_counter()
    print(f"Đã tạo dữ liệu giả lập / synthetic data written: {safe_location(path)}")
    for k, v in counts.items():
        print(f"  {k:11} {v:>10,}")
    size = f", file {path.stat().st_size / 2**20:.0f} MiB" if isinstance(path, Path) and path.exists() else ""
    print(f"  generate {t1 - t0:.1f} s, write {t2 - t1:.1f} s{size}")
    return 0
