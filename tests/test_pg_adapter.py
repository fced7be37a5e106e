"""The PostgreSQL backend against a real server (tests/pg_server.py) and against DuckDB.

The store is written once; these tests hold the two engines to the same answers: every read the
pages use gives the same rows on the demo data in DuckDB and in PostgreSQL, writes are all or
nothing, two app processes on one database see each other's writes through the data version,
and an unreachable server is a clear message without the password.
"""
from __future__ import annotations

import threading

import pandas as pd
import pytest

from chitieu.store import DatabaseFault, ServerUnavailable, close_db, open_db, query_df, transaction
from chitieu.store import pg, reads, report_reads
from chitieu.store import actuals as actuals_store
from chitieu.store import plans as plans_store
from chitieu.store.schema import SCHEMA_VERSION
from chitieu.store.version import bump_data_version, data_version
from tests.conftest import DEMO_PASSWORD, make_demo_db
from tests.pg_server import shared_server


@pytest.fixture(scope="module")
def server():
    return shared_server()


@pytest.fixture
def fresh_url(server):
    url = server.create_database("adapter")
    yield url
    close_db(url)
    server.drop_database(url)


def test_placeholders_outside_quotes_and_comments_only():
    sql = "SELECT '?', \"a?\", x FROM t -- isn't it ?\nWHERE y LIKE '%a' AND z = ? AND w % 2 = 0"
    assert pg.translate(sql) == (
        "SELECT '?', \"a?\", x FROM t -- isn't it ?\nWHERE y LIKE '%%a' AND z = %s AND w %% 2 = 0")


def test_password_never_in_the_message(server):
    url = "postgresql://chitieu:very-secret@127.0.0.1:1/nothing"
    with pytest.raises(ServerUnavailable) as exc:
        open_db(url)
    assert isinstance(exc.value, DatabaseFault)
    assert "Không kết nối được máy chủ cơ sở dữ liệu" in exc.value.vi
    text = exc.value.vi + exc.value.en + exc.value.detail + str(exc.value)
    assert "very-secret" not in text and "***" in exc.value.detail


def test_schema_made_once_and_shared(fresh_url):
    con = open_db(fresh_url)
    assert open_db(fresh_url) is con                                     # one pool per process
    version = con.cursor().execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    assert int(version) == SCHEMA_VERSION
    other = pg.PgConnection(fresh_url)                                   # another process, in effect
    try:
        from chitieu.store import _apply_server_schema
        _apply_server_schema(other)                                      # a second start changes nothing
        assert other.cursor().execute("SELECT count(*) FROM meta WHERE key = 'schema_version'").fetchone()[0] == 1
    finally:
        other.close()


def test_a_failed_write_leaves_nothing(fresh_url):
    con = open_db(fresh_url)
    with pytest.raises(RuntimeError):
        with transaction(con) as cur:
            cur.execute("INSERT INTO meta VALUES ('probe', 'x')")
            raise RuntimeError("boom")
    assert con.cursor().execute("SELECT count(*) FROM meta WHERE key = 'probe'").fetchone()[0] == 0
    with transaction(con) as cur:
        cur.execute("INSERT INTO meta VALUES ('probe', 'y')")
    assert con.cursor().execute("SELECT value FROM meta WHERE key = 'probe'").fetchone()[0] == "y"


def test_frames_register_as_tables_inside_and_outside_a_transaction(fresh_url):
    con = open_db(fresh_url)
    frame = pd.DataFrame({"k": ["a", "b"], "n": [1, 2], "x": [1.5, None], "empty": [None, None]})
    cur = con.cursor()
    cur.register("probe_frame", frame)
    got = cur.execute("SELECT k, n, x, empty FROM probe_frame ORDER BY k").fetchall()
    cur.close()
    assert got == [("a", 1, 1.5, None), ("b", 2, None, None)]
    with transaction(con) as tx:
        tx.register("probe_frame", frame)
        tx.execute("INSERT INTO meta SELECT 'f_' || k, CAST(n AS VARCHAR) FROM probe_frame")
    assert query_df(con, "SELECT key, value FROM meta WHERE key LIKE 'f_%' ORDER BY key").values.tolist() == [
        ["f_a", "1"], ["f_b", "2"]]


def test_data_version_moves_on_for_every_process_and_never_twice_the_same(fresh_url):
    con = open_db(fresh_url)
    other = pg.PgConnection(fresh_url)
    try:
        start = data_version(other)
        with transaction(con) as cur:                                    # any write moves it
            cur.execute("INSERT INTO meta VALUES ('w', '1')")
        assert data_version(other) == start + 1
        seen: list[int] = []
        lock = threading.Lock()

        def bump(c):
            for _ in range(20):
                v = bump_data_version(c)
                with lock:
                    seen.append(v)

        threads = [threading.Thread(target=bump, args=(c,)) for c in (con, other, con, other)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(seen) == list(range(start + 2, start + 82))        # 80 writers, 80 distinct versions
        assert data_version(con) == start + 81
    finally:
        other.close()


def _normal(frame: pd.DataFrame) -> list:
    """Rows as comparable Python values, in a stable order (engines may order ties differently)."""
    def norm(v):
        if isinstance(v, float) and v != v:
            return None
        if v is pd.NaT or v is None or v is pd.NA:
            return None
        if hasattr(v, "tolist"):
            v = v.tolist()
        if isinstance(v, list):
            return tuple(norm(x) for x in v)
        if isinstance(v, float):
            return round(v, 9)
        if isinstance(v, pd.Timestamp):
            return "time"                                                # load times differ by engine
        return v
    rows = [tuple(norm(v) for v in r) for r in frame.astype(object).itertuples(index=False, name=None)]
    return sorted(rows, key=repr)


@pytest.fixture(scope="module")
def twins(server, tmp_path_factory):
    duck = make_demo_db(tmp_path_factory.mktemp("twin") / "demo.duckdb")
    url = make_demo_db(server.create_database("twin"))
    yield open_db(duck), open_db(url)
    close_db(duck)
    close_db(url)


READS = [
    ("plan_years", lambda s, c: pd.DataFrame({"y": s.plan_years(c)}), reads),
    ("localities", lambda s, c: s.localities(c), reads),
    ("localities 2023", lambda s, c: s.localities(c, 2023, "Quảng Ngãi"), reads),
    ("indicators_in_use", lambda s, c: s.indicators_in_use(c), reads),
    ("provinces", lambda s, c: s.provinces(c), reads),
    ("indicator_choices", lambda s, c: s.indicator_choices(c, 2023), reads),
    ("target_rows FY", lambda s, c: s.target_rows(c, 2023, 12).drop(columns=["target_id"]), reads),
    ("target_rows H1 lean", lambda s, c: s.target_rows(c, 2022, 6, lean=True,
                                                    indicators=("budget_revenue", "poverty_rate"),
                                                    localities=("test:BTO", "test:QNG")).drop(columns=["target_id"]),
     reads),
    ("judged_rows", lambda s, c: s.judged_rows(c, 2023, "FY").drop(columns=["target_id"], errors="ignore"), reads),
    ("rollup_counts", lambda s, c: s.rollup_counts(c, 2023, "H1"), reads),
    ("figures_of_year", lambda s, c: s.figures_of_year(c, ["test:BTO", "test:PQC"], 2022), report_reads),
    ("registry_matches", lambda s, c: s.registry_matches(c, "Huyện Ba Tơ"), report_reads),
    ("conflicts", lambda s, c: s.conflicts(c), actuals_store),
    ("history", lambda s, c: s.history(c, "test", "PQC").drop(columns=["actual_id", "upload_id"], errors="ignore"),
     actuals_store),
    ("list_plans", lambda s, c: s.list_plans(c).drop(columns=["plan_id"]), plans_store),
]


@pytest.mark.parametrize("name,call,module", READS, ids=[r[0] for r in READS])
def test_both_engines_give_the_same_rows(twins, name, call, module):
    duck, server_con = twins
    left, right = call(module, duck), call(module, server_con)
    assert list(left.columns) == list(right.columns), name
    assert len(left) > 0, f"{name}: the demo data should give rows"
    lrows, rrows = _normal(left), _normal(right)
    diffs = [(c, a, b) for lr, rr in zip(lrows, rrows) for c, a, b in zip(left.columns, lr, rr) if a != b]
    assert lrows == rrows, f"{name}: {diffs[:5]}"


def test_login_works_on_the_server_database(twins):
    from chitieu.auth import verify_password
    from chitieu.store.users import get_user
    _, server_con = twins
    cur = server_con.cursor()
    stored = cur.execute("SELECT password_hash FROM users WHERE username = 'ba_to'").fetchone()[0]
    assert verify_password(DEMO_PASSWORD, stored)
    assert get_user(server_con, "ba_to")["role"] == "analyst"
