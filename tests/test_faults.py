"""Faults and concurrency with real processes: SIGKILL mid-import, simultaneous imports,
a busy database file, the backup before a schema change.

The child processes run this same file (`python tests/test_faults.py MODE DB ...`), so the
parent and the children build their plans and workbooks with the same helpers.
"""
from __future__ import annotations

import io
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

import chitieu.store as store  # noqa: E402
from chitieu.catalogue import default_catalogue  # noqa: E402
from chitieu.errors import UserError  # noqa: E402
from chitieu.model import ExtractedPlan, Locality, PlanTarget  # noqa: E402
from chitieu.store import DatabaseBusy, close_db, open_db, query_df  # noqa: E402
from chitieu.store.plans import SaveResult, save_plan, sync_catalogue  # noqa: E402

TABLES = ["meta", "localities", "indicators", "plans", "targets", "uploads", "actuals", "audit_log", "users",
          "user_localities"]
INDICATORS = ["economic_growth", "growth_services", "growth_industry_construction", "growth_agriculture",
              "share_services"]


# ---- shared helpers (parent and children) -------------------------------------------------

def make_plan(key: str, code: str, n_targets: int = len(INDICATORS), value: float = 5.0) -> ExtractedPlan:
    loc = Locality(name=f"Xã Thử {code}", level="commune", province="Quảng Ngãi", scheme="gso_2025", code=code)
    targets = [PlanTarget(indicator=INDICATORS[i % len(INDICATORS)], comparator="ge", value=value + i, unit="%",
                          scope=f"s{i // len(INDICATORS)}" if i >= len(INDICATORS) else "")
               for i in range(n_targets)]
    return ExtractedPlan(plan_key=key, source_file=f"{key}.txt", sha256=f"sha-{key}-{n_targets}", text="kế hoạch",
                         locality=loc, year=2025, targets=targets)


def seed(con, codes: list[str]) -> None:
    sync_catalogue(con, default_catalogue())
    for code in codes:
        save_plan(con, make_plan(f"plan-{code}", code), actor="seed")


def workbook(con, codes: list[str], value: float) -> bytes:
    """The real template for these localities, filled with `value` for '6 tháng', official."""
    import openpyxl
    from loaders.actuals.excel_template import HEADER_ROW, template_bytes
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes(con, [f"gso_2025:{c}" for c in codes], 2025)))
    ws = wb["Số liệu"]
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        ws.cell(r, 11, "6 tháng")
        ws.cell(r, 12, value)
        ws.cell(r, 13, "Chính thức")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def import_bytes(con, data: bytes, name: str, user: str) -> int:
    from loaders.actuals.upload import import_file
    preview, upload_id = import_file(con, data, name, user)
    if upload_id is None:
        raise UserError("blocked", str(preview.codes(ERROR_)), str(preview.codes(ERROR_)))
    return upload_id


ERROR_ = "error"


def snapshot(path) -> dict[str, str]:
    """Every row of every table, as text, in a stable order."""
    con = open_db(path)
    try:
        return {t: query_df(con, f"SELECT * FROM {t} ORDER BY ALL").to_csv(index=False) for t in TABLES}
    finally:
        close_db(path)


def hold_inside(module, marker: str = "HOLD") -> None:
    """Make `module.record` (the audit write, the last statement of a write transaction) announce
    itself and hang, so the parent can kill the process with the transaction open."""
    real = module.record

    def record(cur, *args, **kw):
        real(cur, *args, **kw)
        print(marker, flush=True)
        time.sleep(600)
    module.record = record


def child_main(argv: list[str]) -> None:
    mode, db = argv[0], argv[1]
    if mode == "hold-plan":
        import chitieu.store.plans as plans
        con = open_db(db)
        hold_inside(plans)
        plans.save_plan(con, make_plan("plan-90000", "90000", n_targets=int(argv[2]), value=99.0), actor="killed",
                        replace=True)
    elif mode == "hold-import":
        import chitieu.store.actuals as actuals
        con = open_db(db)
        data = Path(argv[2]).read_bytes()
        hold_inside(actuals)
        import_bytes(con, data, "killed.xlsx", "killed")
    elif mode == "loop-import":
        con = open_db(db)
        files = [Path(p).read_bytes() for p in argv[2:]]
        for i in range(10_000):
            upload_id = import_bytes(con, files[i % len(files)], f"loop-{i}.xlsx", "loop")
            print(f"COMMITTED {upload_id}", flush=True)
    elif mode == "hold-open":
        open_db(db)
        print("READY", flush=True)
        time.sleep(600)
    elif mode == "import-retry":
        data, user = Path(argv[2]).read_bytes(), argv[3]
        print("START", flush=True)
        for attempt in range(600):
            try:
                con = open_db(db)
            except DatabaseBusy:  # the other analyst's process holds the file: retry
                time.sleep(random.uniform(0.01, 0.1))
                continue
            try:
                print(f"DONE {import_bytes(con, data, user + '.xlsx', user)} after {attempt} retries", flush=True)
            finally:
                close_db(db)
            return
        raise SystemExit("gave up")


def spawn(*args) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, __file__, *map(str, args)], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for(proc: subprocess.Popen, marker: str, timeout: float = 120) -> list[str]:
    """Read the child's stdout until a line starting with `marker`; returns the lines read."""
    lines: list[str] = []
    found = threading.Event()

    def reader():
        for line in proc.stdout:
            lines.append(line.strip())
            if line.startswith(marker):
                found.set()
    threading.Thread(target=reader, daemon=True).start()
    if not found.wait(timeout):
        proc.kill()
        raise AssertionError(f"child never printed {marker}: {lines} {proc.stderr.read()}")
    return lines


def kill(proc: subprocess.Popen) -> None:
    """SIGKILL on POSIX (no clean-up of any kind in the child), TerminateProcess on Windows."""
    proc.kill()
    proc.wait(30)
    assert proc.returncode == (-signal.SIGKILL if os.name == "posix" else 1)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "faults.duckdb"
    yield path
    close_db(path)


# ---- kills --------------------------------------------------------------------------------

def test_kill_during_plan_save_leaves_database_unchanged(db):
    seed(open_db(db), ["90000", "90001"])
    close_db(db)
    before = snapshot(db)
    child = spawn("hold-plan", db, 3000)   # replaces plan-90000's 5 targets with 3,000
    wait_for(child, "HOLD")                  # old targets deleted, new ones inserted, audit row written
    kill(child)
    assert snapshot(db) == before
    con = open_db(db)                        # and the file is fully usable afterwards
    save_plan(con, make_plan("plan-90000", "90000", n_targets=7), actor="after", replace=True)
    assert query_df(con, "SELECT count(*) AS n FROM targets JOIN plans USING (plan_id) "
                         "WHERE plan_key = 'plan-90000'")["n"][0] == 7


def test_kill_during_real_import_leaves_database_unchanged(db, tmp_path):
    codes = [f"9{i:04d}" for i in range(60)]
    con = open_db(db)
    seed(con, codes)
    import_bytes(con, workbook(con, codes, 7.5), "first.xlsx", "lan")     # values the next import revises
    wb = tmp_path / "revision.xlsx"
    wb.write_bytes(workbook(con, codes, 8.5))
    close_db(db)
    before = snapshot(db)
    child = spawn("hold-import", db, wb)
    wait_for(child, "HOLD")                  # 300 rows inserted, 300 superseded, upload + audit rows written
    kill(child)
    assert snapshot(db) == before


def test_kill_at_random_moments_keeps_every_commit_and_no_half_import(db, tmp_path):
    codes = [f"9{i:04d}" for i in range(20)]
    con = open_db(db)
    seed(con, codes)
    files = []
    for v in (7.5, 8.5):
        files.append(tmp_path / f"v{v}.xlsx")
        files[-1].write_bytes(workbook(con, codes, v))
    close_db(db)
    committed = 0
    for round_ in range(3):
        child = spawn("loop-import", db, *files)
        lines = wait_for(child, "COMMITTED")
        time.sleep(random.uniform(0, 0.4))
        kill(child)
        committed = max([committed] + [int(x.split()[1]) for x in lines if x.startswith("COMMITTED")])
    con = open_db(db)
    uploads = query_df(con, "SELECT upload_id, rows_accepted FROM uploads ORDER BY upload_id")
    assert uploads["upload_id"].max() >= committed                       # every reported commit survived
    # No upload is half there: all its rows, or none when a restarted loop re-sent the current values.
    per_upload = query_df(con, "SELECT u.upload_id, count(a.actual_id) AS n FROM uploads u "
                               "LEFT JOIN actuals a USING (upload_id) GROUP BY 1")
    assert set(per_upload["n"]) <= {0, len(codes) * len(INDICATORS)}
    assert query_df(con, "SELECT count(*) AS n FROM actuals WHERE upload_id NOT IN "
                         "(SELECT upload_id FROM uploads)")["n"][0] == 0
    audit = query_df(con, "SELECT count(*) AS n FROM audit_log WHERE action = 'actuals.upload'")["n"][0]
    assert audit == len(uploads)
    active = query_df(con, "SELECT count(*) AS n FROM actuals WHERE active GROUP BY locality_code, indicator")
    assert set(active["n"]) == {1}


# ---- concurrency --------------------------------------------------------------------------

def test_two_processes_importing_at_once_both_succeed(db, tmp_path):
    """Two analysts' processes: one holds the file, the other is told DatabaseBusy and retries."""
    con = open_db(db)
    seed(con, ["91000", "91001", "92000"])
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    a.write_bytes(workbook(con, ["91000", "91001"], 7.5))
    b.write_bytes(workbook(con, ["91001", "92000"], 8.5))                 # 91001 overlaps: a revision
    close_db(db)
    children = [spawn("import-retry", db, a, "lan"), spawn("import-retry", db, b, "hoa")]
    outs = [c.communicate(timeout=300) for c in children]
    assert [c.returncode for c in children] == [0, 0], outs
    assert all("DONE" in o for o, _ in outs)
    con = open_db(db)
    uploads = query_df(con, "SELECT uploader FROM uploads ORDER BY uploader")
    assert list(uploads["uploader"]) == ["hoa", "lan"]
    assert query_df(con, "SELECT count(*) AS n FROM actuals")["n"][0] == 4 * len(INDICATORS)
    active = query_df(con, "SELECT locality_code, count(*) AS n FROM actuals WHERE active GROUP BY ALL")
    assert set(active["n"]) == {len(INDICATORS)} and len(active) == 3      # one current value per key
    assert query_df(con, "SELECT count(*) AS n FROM audit_log WHERE action = 'actuals.upload'")["n"][0] == 2


def run_together(*jobs):
    """Start the jobs at the same moment in threads; returns each job's result or exception."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def go(i, job):
        barrier.wait()
        try:
            results[i] = job()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
    threads = [threading.Thread(target=go, args=(i, j)) for i, j in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def told_to_retry(result) -> bool:
    """A refused concurrent write: the product's retry message, or DuckDB's commit conflict."""
    return (isinstance(result, UserError) and result.code in ("stale-preview", "write-conflict", "busy")) or \
        type(result).__name__ == "TransactionException"


def test_two_threads_saving_plans_at_once_lose_nothing(db):
    """The dashboard model: one process, two sessions writing through cursors at the same moment."""
    con = open_db(db)
    seed(con, [])
    results = run_together(lambda: save_plan(con, make_plan("a", "93000", 40), actor="lan"),
                           lambda: save_plan(con, make_plan("b", "93001", 30), actor="hoa"))
    for key, code, n, res in (("a", "93000", 40, results[0]), ("b", "93001", 30, results[1])):
        if not isinstance(res, SaveResult):
            assert told_to_retry(res), res
            save_plan(con, make_plan(key, code, n), actor="retry")          # the retry succeeds
    counts = query_df(con, "SELECT plan_key, count(*) AS n FROM targets JOIN plans USING (plan_id) GROUP BY 1 "
                           "ORDER BY 1")
    assert counts.values.tolist() == [["a", 40], ["b", 30]]
    assert query_df(con, "SELECT count(*) AS n FROM audit_log WHERE action = 'plan.store'")["n"][0] == 2


def test_concurrent_plan_saves_are_never_a_raw_database_error(db):
    con = open_db(db)
    seed(con, [])
    for k in range(5):
        results = run_together(lambda: save_plan(con, make_plan(f"a{k}", f"931{k:02d}", 40), actor="lan"),
                               lambda: save_plan(con, make_plan(f"b{k}", f"931{k:02d}", 30), actor="hoa"))
        # Same locality and year: one is stored, the other is told the plan exists (or to retry).
        assert all(isinstance(r, SaveResult) or isinstance(r, UserError) for r in results), results
        assert sum(isinstance(r, SaveResult) for r in results) >= 1


def test_two_threads_importing_different_localities_both_succeed(db):
    from loaders.actuals.upload import confirm, dry_run
    con = open_db(db)
    seed(con, ["94000", "94001"])
    pa = dry_run(con, workbook(con, ["94000"], 7.5), "a.xlsx", "lan")
    pb = dry_run(con, workbook(con, ["94001"], 8.5), "b.xlsx", "hoa")
    results = run_together(lambda: confirm(con, pa, "lan"), lambda: confirm(con, pb, "hoa"))
    assert all(isinstance(r, int) for r in results), results
    assert query_df(con, "SELECT count(*) AS n FROM actuals WHERE active")["n"][0] == 2 * len(INDICATORS)


def test_two_threads_importing_the_same_keys_leave_one_current_value(db):
    """Under DuckDB's snapshot isolation two confirms would miss each other's rows; confirms are
    serialised per process, so the second sees the first and is refused as stale-preview."""
    from loaders.actuals.upload import confirm, dry_run
    con = open_db(db)
    seed(con, ["95000"])
    pa = dry_run(con, workbook(con, ["95000"], 7.5), "a.xlsx", "lan")
    pb = dry_run(con, workbook(con, ["95000"], 8.5), "b.xlsx", "hoa")
    results = run_together(lambda: confirm(con, pa, "lan"), lambda: confirm(con, pb, "hoa"))
    assert all(isinstance(r, int) or told_to_retry(r) for r in results), results
    assert any(isinstance(r, int) for r in results)
    active = query_df(con, "SELECT count(*) AS n FROM actuals WHERE active GROUP BY indicator")
    assert set(active["n"]) == {1}


# ---- busy file and backups ----------------------------------------------------------------

def test_second_process_is_told_the_database_is_busy(db):
    open_db(db)
    close_db(db)
    child = spawn("hold-open", db)
    try:
        wait_for(child, "READY")
        with pytest.raises(DatabaseBusy) as e:
            open_db(db)
        assert "chạy lại" in e.value.vi and "again" in e.value.en
    finally:
        kill(child)


def test_schema_change_backs_up_the_file_first(db, monkeypatch):
    con = open_db(db)
    seed(con, ["96000"])
    close_db(db)
    old = store.SCHEMA_VERSION
    monkeypatch.setattr(store, "SCHEMA_VERSION", old + 1)
    open_db(db)
    close_db(db)
    backup = db.with_name(f"{db.name}.bak-v{old}")
    assert backup.exists()
    monkeypatch.setattr(store, "SCHEMA_VERSION", old)
    copy = db.with_name("restored.duckdb")
    copy.write_bytes(backup.read_bytes())
    con = open_db(copy)
    try:
        assert query_df(con, "SELECT value FROM meta WHERE key = 'schema_version'")["value"][0] == str(old)
        assert query_df(con, "SELECT count(*) AS n FROM plans")["n"][0] == 1
    finally:
        close_db(copy)


# ---- disk full, read-only, damaged: faults degrade, never crash (issue 10, finding 3) ------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def small_disk(tmp_path):
    """A 32 MB tmpfs: a disk that really fills up. Mounting needs root (the CI container is root)."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if done.returncode != 0:
        if os.environ.get("CI"):
            raise AssertionError(f"cannot mount a tmpfs (run the suite as root): {done.stderr}")
        pytest.skip(f"mounting a tmpfs needs root here: {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        for f in list(mnt.glob("*.duckdb")):
            close_db(f)
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill_disk(mnt: Path, leave: int) -> Path:
    """Take all free space of `mnt` but `leave` bytes."""
    st = os.statvfs(mnt)
    filler = mnt / "filler.bin"
    with open(filler, "ab") as f:
        f.write(b"\0" * max(0, st.f_bavail * st.f_frsize - leave))
    return filler


def page_app(db, monkeypatch, page=None, user=None, query=None):
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("CHITIEU_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    if user:
        at.session_state["chitieu_user"] = user
    at.query_params.update(query or {"year": "2022"})
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def shown(at) -> str:
    return "\n".join(str(e.value) for e in (*at.title, *at.markdown, *at.caption, *at.info, *at.warning,
                                              *at.error, *at.success, *at.exception))


def bto_growth(db) -> list:
    con = open_db(db)
    return query_df(con, "SELECT value FROM actuals WHERE active AND locality_code = 'BTO' AND "
                         "indicator = 'economic_growth' AND year = 2022 ORDER BY actual_id")["value"].tolist()


def upload(at, db, value: float):
    from tests.conftest import fill_template
    from loaders.actuals.excel_template import template_bytes
    data = fill_template(template_bytes(open_db(db), ["test:BTO"], 2022), {"economic_growth": value})
    at.file_uploader(key="actuals_file").upload(f"bao_cao_{value}.xlsx", data, XLSX).run()
    assert any(b.key == "confirm_upload" for b in at.button), shown(at)
    at.button(key="confirm_upload").click().run()
    return at


def test_disk_full_during_an_upload_aborts_it_and_every_page_keeps_serving(small_disk, monkeypatch):
    """Before: from then on every page for every visitor said the database 'has been invalidated'."""
    from tests.conftest import make_demo_db
    db = make_demo_db(small_disk / "app.duckdb")
    open_db(db).execute("SET wal_autocheckpoint = '1KB'")  # a checkpoint after every commit, as a busy server does
    before = bto_growth(db)
    fatal = []                                                         # did DuckDB invalidate the database?
    real_note = store.note_failure
    monkeypatch.setattr(store, "note_failure",
                        lambda exc, con=None: fatal.append(store._is_fatal(exc)) or real_note(exc, con))
    analyst = page_app(db, monkeypatch, "views/actuals.py", user="ba_to", query={"year": "2022", "tlocs": "test:BTO"})
    filler = fill_disk(small_disk, leave=0)                            # 1. no space at all: the write is refused
    upload(analyst, db, 9.5)
    assert not analyst.exception, [e.value for e in analyst.exception]
    assert any("Ổ đĩa của máy chủ đã đầy" in e.value for e in analyst.error), shown(analyst)
    assert bto_growth(db) == before                                    # nothing half-written
    visitor = page_app(db, monkeypatch)                                # another visitor reads as usual
    assert not visitor.exception and visitor.metric and "invalidated" not in shown(visitor)
    filler.unlink()
    open_db(db).execute("SET wal_autocheckpoint = '1KB'")
    filler = fill_disk(small_disk, leave=120_000)                      # 2. room for the log, not the checkpoint:
    upload(page_app(db, monkeypatch, "views/actuals.py", user="ba_to",  # DuckDB invalidates the database
                    query={"year": "2022", "tlocs": "test:BTO"}), db, 9.7)
    for page in (None, "views/locality.py", "views/actuals.py"):       # ... and the app reopens it
        at = page_app(db, monkeypatch, page)
        assert not at.exception, [e.value for e in at.exception]
        assert "invalidated" not in shown(at) and "Traceback" not in shown(at)
    assert any(fatal), "the database was invalidated at least once (the case the issue describes)"
    assert bto_growth(db)[-1:] in ([9.7], before[-1:])
    filler.unlink()                                                    # 3. space again: writes work, no restart
    at = upload(page_app(db, monkeypatch, "views/actuals.py", user="ba_to",
                         query={"year": "2022", "tlocs": "test:BTO"}), db, 9.9)
    assert at.success and bto_growth(db)[-1] == 9.9, shown(at)


def test_store_reopens_an_invalidated_database(small_disk):
    db = small_disk / "store.duckdb"
    con = open_db(db)
    seed(con, ["97100"])
    con.execute("SET wal_autocheckpoint = '1KB'")
    filler = fill_disk(small_disk, leave=120_000)
    result = None
    try:
        result = save_plan(con, make_plan("big", "97101", n_targets=400), actor="lan")
    except UserError as exc:
        assert exc.code in ("disk-full", "write-failed"), exc
    # Either way the database is usable for reading at once, and the saved plan (if it was) is there.
    n = query_df(con, "SELECT count(*) AS n FROM targets JOIN plans USING (plan_id) WHERE plan_key = 'big'")["n"][0]
    assert n == (400 if result is not None else 0)
    filler.unlink()
    save_plan(con, make_plan("small", "97102", n_targets=3), actor="lan")
    assert len(query_df(con, "SELECT * FROM plans")) == 2 + (result is not None)


def cli_run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "loaders", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def test_read_only_disk_cli_reads_and_refuses_writes_with_a_message(small_disk):
    """Before: every CLI command on a read-only file system, `status` included, printed a traceback."""
    db = small_disk / "ro.duckdb"
    out = cli_run("build", "--db", db)
    assert out.returncode == 0, out.stderr
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        status = cli_run("status", "--db", db, "--locality", "Thành phố Phú Quốc", "--year", "2021")
        assert status.returncode == 0 and "Traceback" not in status.stderr, status.stderr
        assert status.stdout.strip()
        for args in (("build", "--db", db), ("users", "add", "admin", "--role", "admin", "--password-stdin", "--db", db)):
            out = cli_run(*args)
            assert out.returncode != 0 and "Traceback" not in out.stderr, out.stderr
            assert "chỉ đọc" in out.stderr and "read-only" in out.stderr
        missing = cli_run("users", "list", "--db", small_disk / "new.duckdb")
        assert missing.returncode != 0 and "Traceback" not in missing.stderr
        assert "Không tạo được" in missing.stderr
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)


def test_read_only_database_in_the_app_reads_and_says_writes_are_refused(small_disk, monkeypatch):
    from tests.conftest import make_demo_db
    db = make_demo_db(small_disk / "ro-app.duckdb")
    close_db(db)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        at = page_app(db, monkeypatch)
        assert not at.exception and at.metric
        assert any("chỉ đọc" in w.value for w in at.sidebar.warning)
        at = page_app(db, monkeypatch, "views/actuals.py", user="ba_to")
        assert not at.exception and not at.file_uploader            # no upload offered, and it says why
        assert any("chỉ đọc" in w.value for w in at.warning)
    finally:
        close_db(db)
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty"])
def test_damaged_database_says_what_is_wrong_and_how_to_restore(tmp_path, monkeypatch, damage):
    """Before: anonymous visitors saw the full traceback with server paths."""
    db = tmp_path / "hong.duckdb"
    con = open_db(db)
    seed(con, ["97200"])
    close_db(db)
    backup = tmp_path / "hong.duckdb.bak-v1"
    shutil.copy2(db, backup)                                    # what open_db makes before a schema change
    data = db.read_bytes()
    db.write_bytes({"truncated": data[:len(data) // 3], "garbage": os.urandom(len(data) // 2),
                    "empty": b""}[damage])
    status = ("status", "--locality", "gso_2025:97200", "--year", "2025", "--db", db)
    out = cli_run(*status)
    assert out.returncode == 4 and "Traceback" not in out.stderr, out.stderr
    assert "bị hỏng" in out.stderr and str(backup) in out.stderr and "Restore" in out.stderr
    monkeypatch.delenv("CHITIEU_DEBUG", raising=False)          # as deployed
    at = page_app(db, monkeypatch)
    text = shown(at)
    assert not at.exception and "bị hỏng" in text and "sao lưu" in text
    assert str(tmp_path) not in text and "Traceback" not in text and ".py" not in text
    shutil.copy2(backup, db)                                    # the restore the message describes
    assert cli_run(*status).returncode == 0


def test_an_unexpected_error_shows_the_product_page_without_traceback_or_path(tmp_path, monkeypatch):
    import tomllib
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    from tests.conftest import make_demo_db
    db = make_demo_db(tmp_path / "boom.duckdb")
    monkeypatch.delenv("CHITIEU_DEBUG", raising=False)
    import chitieu.store.reads as reads

    def boom(*a, **k):
        raise RuntimeError(f"exploded reading {db}")
    monkeypatch.setattr(reads, "status_table", boom)          # what the overview page reads first
    at = page_app(db, monkeypatch)
    text = shown(at)
    assert not at.exception and "mã sự cố" in text, text
    assert str(tmp_path) not in text and "exploded" not in text and "Traceback" not in text


if __name__ == "__main__":
    child_main(sys.argv[1:])
