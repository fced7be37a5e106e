"""The only package that talks to DuckDB: schema, connections, parameterised queries.

Rules (see STYLE habits 4 and 6):
- One `duckdb.connect()` per process and database file; every query goes through
  `con.cursor()` (a connection shared across Streamlit's threads fails; a cursor per
  call is correct).
- SQL is parameterised (`?`), never built from user text.
- A process holding the file read-write locks out every other process; `open_db` turns
  DuckDB's lock error into `DatabaseBusy` with a bilingual message.
- Writes go through `transaction()`: all or nothing.
"""
from __future__ import annotations

import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from chitieu.store.schema import DDL, SCHEMA_VERSION

_LOCK = threading.Lock()
_CONNECTIONS: dict[str, duckdb.DuckDBPyConnection] = {}
# One writer at a time per connection: under DuckDB's optimistic concurrency two sessions
# writing the same rows would otherwise fail at COMMIT (or miss each other's rows).
_WRITE_LOCKS: dict[int, threading.RLock] = {}


class DatabaseBusy(RuntimeError):
    """Another process (usually the running dashboard) holds the database file."""

    def __init__(self, path: Path, detail: str = ""):
        self.path = path
        self.vi = (f"Cơ sở dữ liệu {path} đang được một chương trình khác (thường là ứng dụng Chỉ tiêu đang chạy) "
                   "sử dụng. Hãy nhập dữ liệu ngay trong ứng dụng, hoặc tắt ứng dụng rồi chạy lại lệnh này, "
                   "hoặc dùng --db để làm việc trên một tệp khác.")
        self.en = (f"The database {path} is held by another process (usually the running dashboard). "
                   "Load data through the app, or stop the app and run this command again, "
                   "or use --db to work on another file.")
        super().__init__(f"{self.vi}\n{self.en}\n{detail}".strip())


def _apply_schema(con: duckdb.DuckDBPyConnection, path: Path | None) -> None:
    cur = con.cursor()
    has_meta = cur.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'").fetchone()[0]
    version = None
    if has_meta:
        row = cur.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        version = int(row[0]) if row else None
    if version == SCHEMA_VERSION:
        return
    if version is not None and path is not None and path.exists():
        # Back the file up before changing an existing schema.
        con.execute("CHECKPOINT")
        shutil.copy2(path, path.with_name(path.name + f".bak-v{version}"))
    for stmt in DDL:
        cur.execute(stmt)
    cur.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])


def open_db(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) a database file and make sure the schema is current.

    Returns the process-wide connection for that file; callers use `.cursor()` per query.
    """
    p = Path(path)
    key = str(p.resolve()) if str(p) != ":memory:" else f":memory:{id(p)}"
    with _LOCK:
        con = _CONNECTIONS.get(key)
        if con is not None:
            return con
        if str(p) != ":memory:":
            p.parent.mkdir(parents=True, exist_ok=True)
        try:
            con = duckdb.connect(str(p), read_only=read_only)
        except duckdb.IOException as exc:  # "Could not set lock on file"
            if "lock" in str(exc).lower():
                raise DatabaseBusy(p, str(exc)) from None
            raise
        if not read_only:
            _apply_schema(con, p if str(p) != ":memory:" else None)
        _CONNECTIONS[key] = con
        return con


def close_db(path: str | Path) -> None:
    key = str(Path(path).resolve())
    with _LOCK:
        con = _CONNECTIONS.pop(key, None)
    if con is not None:
        con.close()


def memory_db() -> duckdb.DuckDBPyConnection:
    """A private in-memory database with the schema (tests, dry runs)."""
    con = duckdb.connect(":memory:")
    _apply_schema(con, None)
    return con


def _write_lock(con: duckdb.DuckDBPyConnection) -> threading.RLock:
    with _LOCK:
        return _WRITE_LOCKS.setdefault(id(con), threading.RLock())


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor inside BEGIN/COMMIT; any exception rolls everything back.

    Writers on one connection take turns (a process-wide lock); a conflict DuckDB still
    reports at COMMIT becomes UserError("write-conflict") asking the person to try again.
    """
    from chitieu.errors import UserError
    with _write_lock(con):
        cur = con.cursor()
        cur.execute("BEGIN TRANSACTION")
        try:
            yield cur
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        else:
            try:
                cur.execute("COMMIT")
            except duckdb.TransactionException as exc:
                raise UserError("write-conflict",
                                "Có người khác vừa ghi cùng dữ liệu; chưa có gì thay đổi. Hãy thử lại.",
                                "Someone else wrote the same data at the same moment; nothing was changed. "
                                f"Please try again. ({exc})") from None
        finally:
            cur.close()


def query_df(con: duckdb.DuckDBPyConnection, sql: str, params: list | tuple = ()):
    """Run a read query through its own cursor and return a pandas DataFrame."""
    cur = con.cursor()
    try:
        return cur.execute(sql, list(params)).df()
    finally:
        cur.close()
