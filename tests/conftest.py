"""Shared fixtures: databases built by code in a temporary directory (never checked in).

- `demo_db`: a small, fully known database (3 localities, 2 years, 8 indicators, actuals for
  some of them, one conflict, one illustrative figure) made with the store's own writers.
- `bundled_db`: the product's sample data, built from data/ by loaders.build (what a new
  user sees after `python3 tasks.py run`).
- `empty_db`: the schema and the catalogue, no plan, no actual.

Each is a file path; tests that start the app point CHITIEU_DB at it.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from chitieu.auth import hash_password
from hypothesis import settings as hypothesis_settings

# CI runs the property tests with a fixed seed (a red build must be reproducible); on a
# developer's machine they stay random and keep looking for new failing inputs.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
os.environ.setdefault("CHITIEU_DEBUG", "1")  # pages raise unexpected errors in tests (ui/errors.py)
from streamlit import config as _streamlit_config  # noqa: E402
_streamlit_config.set_option("client.showErrorDetails", "full")  # AppTest shows them (deployed config: "none")
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

from chitieu.catalogue import default_catalogue
from chitieu.model import ExtractedPlan, Locality, PlanTarget
from chitieu.store import close_db, open_db
from chitieu.store.plans import save_plan, sync_catalogue
from chitieu.store.users import add_user

DEMO_LOCALITIES = [
    Locality("Thành phố Quảng Ngãi", "district", "Quảng Ngãi", "test", "QNG"),
    Locality("Huyện Ba Tơ", "district", "Quảng Ngãi", "test", "BTO"),
    Locality("Thành phố Phú Quốc", "district", "Kiên Giang", "test", "PQC"),
]
# indicator, comparator, value, value_high, unit, per-locality actual FY (None = not reported)
DEMO_TARGETS = [
    ("economic_growth", "ge", 8.0, None, "%", (8.5, 6.0, None)),
    ("budget_revenue", "ge", 1000.0, None, "tỷ đồng", (1100.0, 900.0, 1000.0)),
    ("tourist_arrivals", "ge", 5_000_000.0, None, "lượt", (None, None, 5_099_870.0)),
    ("health_insurance_coverage", "ge", 95.0, None, "%", (96.0, 93.5, 94.0)),
    ("poverty_rate", "le", 2.0, None, "%", (1.5, 4.0, None)),
    ("forest_cover", "ge", 60.0, None, "%", (None, 61.0, None)),
    ("school_enrolment_rate", "between", 98.0, 99.5, "%", (99.0, None, 97.0)),
    ("unmapped", "ge", 3.0, None, "công trình", (None, None, None)),
]
DEMO_YEARS = (2022, 2023)
DEMO_PASSWORD = "Mat-khau-thu-2025"
DEMO_USERS = [("admin", "admin", []), ("ba_to", "analyst", [("test", "BTO")]), ("viewer", "viewer", [])]


def _demo_plan(loc: Locality, year: int, k: int) -> ExtractedPlan:
    targets, text = [], f"KẾ HOẠCH phát triển kinh tế - xã hội năm {year} của {loc.name}\n"
    for code, cmp_, v, vh, unit, _ in DEMO_TARGETS:
        value = v * (1 + 0.02 * (year - 2022)) if code not in ("poverty_rate",) else v
        if loc.code == "BTO" and code == "tourist_arrivals":  # not comparable: another unit
            value, unit = value / 1000, "nghìn lượt"
        sentence = f"- Chỉ tiêu {code.replace('_', ' ')} đạt {value:g} {unit}."
        start = len(text)
        text += sentence + "\n"
        targets.append(PlanTarget(code, cmp_, round(value, 2), vh, unit, "", sentence, start, start + len(sentence),
                                  "Xây dựng mới các công trình" if code == "unmapped" else ""))
    key = f"demo_{loc.code}_{year}"
    return ExtractedPlan(key, f"{key}.txt", hashlib.sha256(text.encode()).hexdigest(), text, loc, year,
                         f"Kế hoạch năm {year}", targets)


def make_demo_db(path: Path) -> Path:
    con = open_db(path)
    sync_catalogue(con, default_catalogue())
    for year in DEMO_YEARS:
        for k, loc in enumerate(DEMO_LOCALITIES):
            save_plan(con, _demo_plan(loc, year, k), actor="test")
    cur = con.cursor()
    upload_id = cur.execute(
        "INSERT INTO uploads (file_name, sha256, uploader, rows_accepted, rows_rejected, sample) "
        "VALUES ('demo.xlsx', 'x', 'test', 0, 0, TRUE) RETURNING upload_id").fetchone()[0]
    n = 0
    for year in DEMO_YEARS:
        for code, _, v, _, unit, actuals in DEMO_TARGETS:
            for loc, actual in zip(DEMO_LOCALITIES, actuals):
                if actual is None:
                    continue
                rows = [("FY", actual, "official")]
                if code == "budget_revenue":
                    rows.append(("H1", actual * 0.4, "estimate"))
                for period, value, standing in rows:
                    n += 1
                    cur.execute(
                        "INSERT INTO actuals (upload_id, locality_scheme, locality_code, indicator, scope, year, "
                        "period, value, unit, standing, source, illustrative) VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, ?, "
                        "'demo', ?)", [upload_id, loc.scheme, loc.code, code, year, period, value, unit, standing,
                                       code == "forest_cover"])
    # A conflict: two different FY figures for the same key, both active (as in the real sample).
    cur.execute("INSERT INTO actuals (upload_id, locality_scheme, locality_code, indicator, scope, year, period, "
                "value, unit, standing, source) VALUES (?, 'test', 'PQC', 'tourist_arrivals', '', 2022, 'FY', "
                "5009870, 'lượt', 'official', 'demo table')", [upload_id])
    cur.close()
    for name, role, locs in DEMO_USERS:
        add_user(con, name, role, hash_password(DEMO_PASSWORD), localities=locs, actor="test")
    close_db(path)
    return path


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    return make_demo_db(tmp_path_factory.mktemp("demo") / "demo.duckdb")


@pytest.fixture(scope="session")
def empty_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("empty") / "empty.duckdb"
    con = open_db(path)
    sync_catalogue(con, default_catalogue())
    close_db(path)
    return path


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory) -> Path:
    """The sample data of data/, as `python -m loaders build` makes it."""
    from loaders.build import build_database
    path = tmp_path_factory.mktemp("bundled") / "chitieu.duckdb"
    build_database(path)
    close_db(path)
    return path


def fill_template(data: bytes, values: dict[str, object], period: str = "Cả năm",
                  standing: str = "Chính thức") -> bytes:
    """Fill the downloaded actuals template like an analyst: for each row whose indicator code is in
    `values`, choose the period, type the value and the standing. Returns the new .xlsx bytes."""
    import io

    import openpyxl
    from loaders.actuals.excel_template import COLUMNS, DATA_SHEET, HEADER_ROW
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[DATA_SHEET]
    col = {name: i for i, (name, _, _) in enumerate(COLUMNS, start=1)}
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        code = ws.cell(r, col["Mã chỉ tiêu"]).value
        if code in values:
            ws.cell(r, col["Kỳ báo cáo"], period)
            ws.cell(r, col["Số thực hiện"], values[code])
            ws.cell(r, col["Tình trạng số liệu"], standing)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
