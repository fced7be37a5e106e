"""Shared fixtures: databases built by code in a temporary directory (never checked in).

- `demo_db`: a small, fully known database (3 localities, 2 years, 8 indicators, actuals for
  some of them, one conflict, one illustrative figure) made with the store's own writers.
- `bundled_db`: the product's sample data, built from data/ by loaders.build (what a new
  user sees after `python3 tasks.py run`).
- `empty_db`: the schema and the catalogue, no plan, no actual.

Each is a file path; tests that start the app point CHITIEU_DB at it.

Backends (issue 14): with CHITIEU_TEST_BACKEND=postgres (or `pytest --backend postgres`) the
same fixtures return the postgresql:// URL of a fresh database, filled the same way, on a real
PostgreSQL server the test session starts (tests/pg_server.py); `new_db(name)` gives a fresh
database of the chosen backend and `scratch_db()` an open one (in place of `memory_db()`).
Tests about DuckDB files (locks, damaged files, backups, disks) are marked `duckdb_only` and
skipped on PostgreSQL with their reason. `python3 tasks.py test` runs everything on DuckDB, then
the store, CLI and page tests again on PostgreSQL.
"""
from __future__ import annotations

import hashlib
import os
import shutil
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
from chitieu.store import close_db, memory_db, open_db
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


def make_demo_db(path: Path | str) -> Path | str:
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


# -- backends ----------------------------------------------------------------------------------

def pytest_addoption(parser):
    parser.addoption("--backend", choices=("duckdb", "postgres"), default=None,
                     help="database backend of the fixtures (default: $CHITIEU_TEST_BACKEND or duckdb)")


def pytest_configure(config):
    if config.getoption("--backend"):
        os.environ["CHITIEU_TEST_BACKEND"] = config.getoption("--backend")
    if os.environ.get("CHITIEU_TEST_BACKEND", "duckdb") not in ("duckdb", "postgres"):
        raise pytest.UsageError("CHITIEU_TEST_BACKEND must be duckdb or postgres")
    config.addinivalue_line("markers", "duckdb_only(reason): about DuckDB files; skipped on PostgreSQL")


def on_postgres() -> bool:
    """True when the fixtures give PostgreSQL databases (CHITIEU_TEST_BACKEND=postgres)."""
    return os.environ.get("CHITIEU_TEST_BACKEND", "duckdb") == "postgres"


def pytest_report_header(config):
    return f"database backend of the fixtures: {'postgres' if on_postgres() else 'duckdb'}"


# Whole modules about the DuckDB file, skipped on PostgreSQL (not in tasks.POSTGRES_TESTS either).
DUCKDB_ONLY_MODULES = {
    "test_faults.py": "faults of the DuckDB file (kills mid-write, full and read-only disks, damaged files, "
                      "the lock of another process, backups before a schema change)",
}


def pytest_collection_modifyitems(config, items):
    if not on_postgres():
        return
    for item in items:
        module_reason = DUCKDB_ONLY_MODULES.get(item.path.name)
        if module_reason:
            item.add_marker(pytest.mark.skip(reason=f"DuckDB only: {module_reason}"))
            continue
        mark = item.get_closest_marker("duckdb_only")
        if mark is not None:
            why = mark.args[0] if mark.args else "about DuckDB files"
            item.add_marker(pytest.mark.skip(reason=f"DuckDB only: {why}"))


def pytest_sessionfinish(session, exitstatus):
    from tests.pg_server import stop_shared_server
    stop_shared_server()


def postgres_server():
    """The session's PostgreSQL server (started on first use). Without the server programs a
    test skips locally and fails in CI (`python3 tasks.py test` installs them as root)."""
    from tests.pg_server import PgUnavailable, shared_server
    try:
        return shared_server()
    except PgUnavailable as exc:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI: the PostgreSQL tests must run: {exc}")
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL 15 server for the session (tests/pg_server.py); `.create_database()`."""
    return postgres_server()


_SCRATCH: list[str] = []  # server databases made by new_database/scratch_db, dropped after their module


def new_database(tmp_dir: Path, name: str) -> Path | str:
    """Where a new database of the chosen backend goes: `tmp_dir/name.duckdb`, or a new empty
    PostgreSQL database's URL (dropped after the test module)."""
    if not on_postgres():
        return Path(tmp_dir) / f"{name}.duckdb"
    url = postgres_server().create_database(name.replace("-", "_")[:20])
    _SCRATCH.append(url)
    return url


_TEMPLATES: dict[str, str] = {}  # session database URL -> an untouched copy of it made right after filling


def copy_db(src: Path | str, tmp_dir: Path, name: str) -> Path | str:
    """A copy of a fixture database to change in one test: the file copied, or on PostgreSQL a
    new database made from the session fixture's untouched template (CREATE DATABASE ...
    TEMPLATE, instant), or else with pg_dump | pg_restore (others may be using `src`)."""
    if not on_postgres():
        dst = Path(tmp_dir) / f"{name}.duckdb"
        shutil.copy(src, dst)
        return dst
    server, prefix = postgres_server(), name.replace("-", "_")[:20]
    if str(src) in _TEMPLATES:
        url = server.create_database(prefix, template=_TEMPLATES[str(src)])
    else:
        url = server.copy_database(str(src), prefix)
    _SCRATCH.append(url)
    return url


def scratch_db():
    """An open, empty database with the schema: DuckDB in memory, or a fresh PostgreSQL database."""
    if not on_postgres():
        return memory_db()
    return open_db(new_database(Path("."), "scratch"))


@pytest.fixture
def new_db(tmp_path):
    """`new_db("name")`: a fresh database location of the chosen backend (a path or a URL)."""
    return lambda name="db": new_database(tmp_path, name)


@pytest.fixture(scope="module", autouse=True)
def _drop_scratch_databases():
    """Close and drop the server databases a test module made (the server keeps few connections)."""
    yield
    if not _SCRATCH:
        return
    from tests.pg_server import shared_server
    while _SCRATCH:
        url = _SCRATCH.pop()
        close_db(url)
        shared_server().drop_database(url)


def _session_db(tmp_path_factory, name: str, file_name: str) -> Path | str:
    if on_postgres():
        return postgres_server().create_database(name)
    return tmp_path_factory.mktemp(name) / file_name


def _keep_template(location: Path | str) -> Path | str:
    """On PostgreSQL, an untouched copy of a just-filled session database (nobody connects to it),
    from which copy_db makes copies without disturbing the sessions using the original."""
    if on_postgres():
        _TEMPLATES[str(location)] = postgres_server().create_database("tpl", template=str(location).rsplit("/", 1)[1])
    return location


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path | str:
    return _keep_template(make_demo_db(_session_db(tmp_path_factory, "demo", "demo.duckdb")))


@pytest.fixture(scope="session")
def empty_db(tmp_path_factory) -> Path | str:
    path = _session_db(tmp_path_factory, "empty", "empty.duckdb")
    con = open_db(path)
    sync_catalogue(con, default_catalogue())
    close_db(path)
    return _keep_template(path)


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory) -> Path | str:
    """The sample data of data/, as `python -m loaders build` makes it."""
    from loaders.build import build_database
    path = _session_db(tmp_path_factory, "bundled", "chitieu.duckdb")
    build_database(path)
    close_db(path)
    return _keep_template(path)


def login_form(at, name: str, password: str = DEMO_PASSWORD):
    """Sign in through the sidebar's login form as a person would (AppTest); returns the rerun app."""
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    next(b for b in at.button if b.label == "Đăng nhập").click()
    return at.run()


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
