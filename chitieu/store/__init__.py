"""The only package that talks to DuckDB: schema, connections, parameterised queries.

Rules (see STYLE habits 4 and 6):
- One `duckdb.connect()` per process and database file; every query goes through
  `con.cursor()` (a connection shared across Streamlit's threads fails; a cursor per
  call is correct).
- SQL is parameterised (`?`), never built from user text.
- A process holding the file read-write locks out every other process; `open_db` turns
  DuckDB's lock error into `DatabaseBusy` with a bilingual message.
- Writes go through `transaction()`: all or nothing.

Faults degrade, they do not take the service down (issue 10):
- `open_db` returns a `Connection` wrapper (same methods as DuckDB's). A file or disk that
  cannot be written is opened read-only (`con.read_only`, `con.read_only_reason`); every
  write is then refused by `transaction()` with UserError 'read-only' in Vietnamese.
- A write that fails for lack of disk space is rolled back and refused with UserError
  'disk-full'; when DuckDB then declares the database "invalidated" (a failed checkpoint),
  the wrapper drops that connection and opens the file again on the next query
  (`note_failure(exc)` lets the app report any exception it caught, so a read that met the
  invalidated database reconnects too).
- A file that is not a DuckDB database (truncated, garbage) raises `DatabaseDamaged`, which
  says how to restore it from the backups this module makes before every schema change
  (`<file>.bak-vN`). `DatabaseFault.vi/.en` never contain a server path (they may be shown
  to a visitor); `.detail` does, for the operator at the command line and the server log.
"""
from __future__ import annotations

import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from chitieu.store.schema import DDL, SCHEMA_VERSION

try:  # the server backend (CHITIEU_DB=postgresql://...); DuckDB alone needs nothing more
    from chitieu.store import pg
    _DRIVER_ERRORS: tuple = (duckdb.Error, pg.Error)
except ImportError:  # pragma: no cover - psycopg is in requirements.txt
    pg = None
    _DRIVER_ERRORS = (duckdb.Error,)

DatabaseError = _DRIVER_ERRORS  # for callers outside the store that report any other database error (an except tuple)

_LOCK = threading.Lock()
_CONNECTIONS: dict[str, "Connection"] = {}
# One writer at a time per connection: under DuckDB's optimistic concurrency two sessions
# writing the same rows would otherwise fail at COMMIT (or miss each other's rows).
_WRITE_LOCKS: dict[int, threading.RLock] = {}


class DatabaseFault(RuntimeError):
    """The database cannot be used as asked. `vi`/`en` are safe to show anyone; `detail` names files."""

    exit_code = 3

    def __init__(self, vi: str, en: str, detail: str = ""):
        self.vi, self.en, self.detail = vi, en, detail
        super().__init__(f"{vi}\n{en}\n{detail}".strip())

    def message(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi


class DatabaseBusy(DatabaseFault):
    """Another process (usually the running dashboard) holds the database file."""

    def __init__(self, path: Path, detail: str = ""):
        self.path = path
        super().__init__(
            f"Cơ sở dữ liệu {Path(path).name} đang được một chương trình khác (thường là ứng dụng Chỉ tiêu đang "
            "chạy) sử dụng. Hãy nhập dữ liệu ngay trong ứng dụng, hoặc tắt ứng dụng rồi chạy lại lệnh này, "
            "hoặc dùng --db để làm việc trên một tệp khác.",
            f"The database {Path(path).name} is held by another process (usually the running dashboard). "
            "Load data through the app, or stop the app and run this command again, "
            "or use --db to work on another file.", f"{path}: {detail}".strip(": "))


def backups(path: str | Path) -> list[Path]:
    """Backups of a database file made before schema changes, newest first."""
    p = Path(path)
    found = [b for b in p.parent.glob(p.name + ".bak-v*") if b.is_file()] if p.parent.is_dir() else []
    return sorted(found, key=lambda b: b.stat().st_mtime, reverse=True)


class DatabaseDamaged(DatabaseFault):
    """The file exists but is not a usable DuckDB database (truncated, overwritten, corrupt)."""

    exit_code = 4

    def __init__(self, path: Path, detail: str = ""):
        self.path = Path(path)
        found = backups(path)
        if found:
            how_vi = (f"dừng ứng dụng, đổi tên tệp hỏng (giữ lại để điều tra), chép bản sao lưu {found[0]} thành "
                      f"{path}, rồi khởi động lại; số liệu ghi sau bản sao lưu đó phải nhập lại.")
            how_en = (f"stop the app, rename the damaged file (keep it for investigation), copy the backup "
                      f"{found[0]} to {path} and start again; data written after that backup must be loaded again.")
        else:
            how_vi = (f"không có bản sao lưu; dừng ứng dụng, đổi tên tệp hỏng, rồi chạy `python -m loaders build "
                      f"--db {path}` để dựng lại từ thư mục data/ (kế hoạch và số liệu tải lên qua ứng dụng phải "
                      "nhập lại).")
            how_en = (f"there is no backup; stop the app, rename the damaged file, then run `python -m loaders build "
                      f"--db {path}` to rebuild from data/ (plans and actuals uploaded through the app must be "
                      "loaded again).")
        super().__init__(
            "Tệp cơ sở dữ liệu bị hỏng (bị cắt cụt hoặc ghi đè) nên không mở được; chưa có gì bị thay đổi. "
            "Quản trị viên máy chủ cần khôi phục từ bản sao lưu (hướng dẫn ở mục Sự cố của README và trong "
            "nhật ký máy chủ).",
            "The database file is damaged (truncated or overwritten) and cannot be opened; nothing was changed. "
            "The server administrator must restore it from a backup (see Faults in the README and the server log).",
            f"{path}: {detail}\nKhôi phục: {how_vi}\nRestore: {how_en}")


class ServerUnavailable(DatabaseFault):
    """The PostgreSQL server named by CHITIEU_DB cannot be reached or refuses the connection."""

    def __init__(self, url: str, detail: str = ""):
        super().__init__(
            "Không kết nối được máy chủ cơ sở dữ liệu; chưa có gì thay đổi. Hãy thử lại sau ít phút; nếu vẫn "
            "lỗi, báo quản trị viên máy chủ.",
            "The database server cannot be reached; nothing was changed. Try again in a few minutes; if it "
            "keeps failing, tell the server administrator.", f"{url}: {detail}".strip(": "))


from chitieu.settings import is_server_db as is_server  # noqa: E402 - postgresql://... rather than a DuckDB file


def db_exists(location) -> bool:
    """Whether the database already exists (a server database always does: its schema is made on open)."""
    return is_server(location) or Path(location).exists()


class DatabaseUnavailable(DatabaseFault):
    """The file does not exist and cannot be created (read-only folder or disk)."""

    def __init__(self, path: Path, detail: str = ""):
        super().__init__(
            "Không tạo được tệp cơ sở dữ liệu: thư mục hoặc ổ đĩa không cho ghi.",
            "The database file cannot be created: the folder or disk is not writable.", f"{path}: {detail}")


READ_ONLY_VI = ("Cơ sở dữ liệu đang mở ở chế độ chỉ đọc ({why}): mọi trang vẫn xem được, nhưng chưa ghi được gì. "
                "Hãy báo quản trị viên máy chủ.")
READ_ONLY_EN = ("The database is open read-only ({why}): every page can be read, but nothing can be saved. "
                "Tell the server administrator.")
_WHY = {"file": ("tệp hoặc ổ đĩa không cho ghi", "the file or disk cannot be written"),
        "disk-full": ("ổ đĩa đã đầy", "the disk is full"),
        "requested": ("theo yêu cầu", "as requested")}


def read_only_message(con, lang: str = "vi") -> str:
    """The sentence to show when `con` is read-only ('' when it is writable)."""
    reason = getattr(con, "read_only_reason", "")
    if not reason:
        return ""
    vi, en = _WHY.get(reason, _WHY["file"])
    return READ_ONLY_EN.format(why=en) if lang == "en" else READ_ONLY_VI.format(why=vi)


def _is_disk_full(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "no space left" in text or "disk full" in text or "not enough space" in text


def _is_fatal(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.FatalException) or "database has been invalidated" in str(exc)


def _is_not_writable(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "read-only file system" in text or "permission denied" in text or "access is denied" in text


def _is_damaged(exc: BaseException) -> bool:
    text = str(exc).lower()
    return ("not a valid duckdb database" in text or "corrupt" in text or "checksum" in text
            or "serialization" in text or "failed to read" in text or "could not read" in text
            or isinstance(exc, (duckdb.SerializationException, duckdb.InternalException)))


class Connection:
    """A process-wide DuckDB connection that can be reopened after a fatal error.

    Behaves like `duckdb.DuckDBPyConnection` (`cursor()`, `execute()`, `close()`, anything else is
    passed through). `read_only` is True when the file was opened read-only; `read_only_reason`
    says why ('file', 'disk-full', 'requested').
    """

    def __init__(self, path: Path, read_only: bool = False, reason: str = ""):
        self.path = path
        self.read_only = read_only
        self.read_only_reason = reason if read_only else ""
        self._broken = False
        self._con = duckdb.connect(str(path), read_only=read_only)

    # -- recovery ---------------------------------------------------------------------
    def mark_broken(self) -> None:
        self._broken = True

    def _reconnect(self) -> None:
        with _LOCK:
            if not self._broken:
                return
            try:
                self._con.close()
            except duckdb.Error:
                pass
            self._con = duckdb.connect(str(self.path), read_only=self.read_only)
            self._broken = False

    def _raw(self) -> duckdb.DuckDBPyConnection:
        if self._broken:
            self._reconnect()
        return self._con

    # -- the DuckDB surface -------------------------------------------------------------
    def cursor(self):
        return self._raw().cursor()

    def execute(self, *args, **kwargs):
        try:
            return self._raw().execute(*args, **kwargs)
        except duckdb.Error as exc:
            note_failure(exc, self)
            raise

    def close(self) -> None:
        self.closed = True  # a cache still holding this wrapper asks for a fresh one (ui.common)
        try:
            self._con.close()
        except duckdb.Error:
            pass

    closed = False

    def __getattr__(self, name):
        return getattr(self._raw(), name)


def note_failure(exc: BaseException, con=None) -> bool:
    """Tell the store an operation failed with `exc`; returns True when the connection (or, without
    `con`, every open connection) was invalidated and will be reopened on its next use."""
    if not _is_fatal(exc):
        return False
    targets = [con] if con is not None else list(_CONNECTIONS.values())
    for c in targets:
        if isinstance(c, Connection):
            c.mark_broken()
    return True


def _schema_version(cur) -> int | None:
    has_meta = cur.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta' "
                           "AND table_schema = current_schema()").fetchone()[0]
    if not has_meta:
        return None
    row = cur.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else None


def _set_schema_version(cur) -> None:
    cur.execute("INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [str(SCHEMA_VERSION)])


def _apply_server_schema(con) -> None:
    """The schema on a server database: one process at a time (an advisory lock), all or nothing.
    There is no file to copy first: back the server up with pg_dump (README, deployment)."""
    cur = con.cursor()
    if _schema_version(cur) == SCHEMA_VERSION:
        return
    cur.execute("BEGIN")
    try:
        cur.execute("SELECT pg_advisory_xact_lock(46132025)")
        if _schema_version(cur) != SCHEMA_VERSION:
            for stmt in DDL:
                cur.execute(stmt)
            _set_schema_version(cur)
        cur.execute("COMMIT")
    except BaseException:
        cur.execute("ROLLBACK")
        raise


def _apply_schema(con, path: Path | None) -> None:
    cur = con.cursor()
    has_meta = cur.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta' "
                           "AND table_schema = current_schema()").fetchone()[0]
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
    _set_schema_version(cur)


def _connect(p: Path, read_only: bool) -> Connection:
    """Open the file: read-write when possible, read-only when the file or disk refuses writes."""
    try:
        con = Connection(p, read_only=read_only, reason="requested")
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():  # "Could not set lock on file"
            raise DatabaseBusy(p, str(exc)) from None
        if _is_damaged(exc):
            raise DatabaseDamaged(p, str(exc)) from None
        if read_only or not _is_not_writable(exc):
            raise
        if not p.exists():
            raise DatabaseUnavailable(p, str(exc)) from None
        try:
            return Connection(p, read_only=True, reason="file")
        except duckdb.IOException as again:
            if "lock" in str(again).lower():
                raise DatabaseBusy(p, str(again)) from None
            raise DatabaseDamaged(p, str(again)) from None
    except (duckdb.SerializationException, duckdb.InternalException, duckdb.FatalException) as exc:
        raise DatabaseDamaged(p, str(exc)) from None
    if read_only:
        return con
    try:
        _apply_schema(con, p)
    except duckdb.Error as exc:
        con.close()
        if _is_disk_full(exc) or _is_not_writable(exc):
            return Connection(p, read_only=True, reason="disk-full" if _is_disk_full(exc) else "file")
        if _is_damaged(exc):
            raise DatabaseDamaged(p, str(exc)) from None
        raise
    except OSError as exc:  # the backup copy before a schema change
        con.close()
        if _is_disk_full(exc) or _is_not_writable(exc):
            return Connection(p, read_only=True, reason="disk-full" if _is_disk_full(exc) else "file")
        raise
    return con


def open_db(path: str | Path, read_only: bool = False) -> Connection:
    """Open (creating if needed) a database file and make sure the schema is current.

    Returns the process-wide connection for that file; callers use `.cursor()` per query.
    Raises DatabaseBusy, DatabaseDamaged or DatabaseUnavailable (all DatabaseFault); a file that
    cannot be written comes back read-only (`con.read_only`).
    """
    if is_server(path):
        return _open_server(str(path))
    p = Path(path)
    if str(p) == ":memory:":
        return memory_db()
    key = str(p.resolve())
    with _LOCK:
        con = _CONNECTIONS.get(key)
        if con is not None:
            return con
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            if not p.exists():
                raise DatabaseUnavailable(p, str(exc)) from None
        con = _connect(p, read_only)
        _CONNECTIONS[key] = con
        return con


def _open_server(url: str):
    """The process-wide pool for a PostgreSQL address, the schema made current on first open."""
    with _LOCK:
        con = _CONNECTIONS.get(url)
        if con is not None:
            return con
        if pg is None:
            raise ServerUnavailable(url, "psycopg is not installed (pip install -r requirements.txt)")
        try:
            con = pg.PgConnection(url)
        except Exception as exc:  # psycopg_pool.PoolTimeout, OperationalError: unreachable, refused
            raise ServerUnavailable(pg.safe_url(url), str(exc)) from None
        try:
            _apply_server_schema(con)
        except pg.Error as exc:
            con.close()
            raise ServerUnavailable(pg.safe_url(url), str(exc)) from None
        _CONNECTIONS[url] = con
        return con


def close_db(path: str | Path) -> None:
    key = str(path) if is_server(path) else str(Path(path).resolve())
    with _LOCK:
        con = _CONNECTIONS.pop(key, None)
    if con is not None:
        con.close()


def memory_db() -> duckdb.DuckDBPyConnection:
    """A private in-memory database with the schema (tests, dry runs)."""
    con = duckdb.connect(":memory:")
    _apply_schema(con, None)
    return con


def _write_lock(con) -> threading.RLock:
    with _LOCK:
        return _WRITE_LOCKS.setdefault(id(con), threading.RLock())


def _write_refused(con, exc: BaseException | None = None):
    """The UserError for a write the database cannot take (read-only, disk full), or None."""
    from chitieu.errors import UserError
    if getattr(con, "read_only", False) or (exc is not None and "read-only mode" in str(exc)):
        reason = getattr(con, "read_only_reason", "") or "file"
        vi, en = _WHY.get(reason, _WHY["file"])
        return UserError("read-only", READ_ONLY_VI.format(why=vi), READ_ONLY_EN.format(why=en))
    if exc is not None and _is_disk_full(exc):
        return UserError("disk-full", "Ổ đĩa của máy chủ đã đầy nên chưa ghi được; chưa có gì thay đổi, dữ liệu "
                         "cũ vẫn nguyên. Hãy báo quản trị viên máy chủ giải phóng dung lượng rồi thử lại.",
                         "The server's disk is full, so nothing was saved; the existing data is intact. "
                         "Ask the server administrator to free some space, then try again.")
    if exc is not None and (_is_fatal(exc) or isinstance(exc, duckdb.IOException)):
        return UserError("write-failed", "Máy chủ không ghi được vào cơ sở dữ liệu; chưa có gì thay đổi. "
                         "Hãy thử lại sau ít phút; nếu vẫn lỗi, báo quản trị viên máy chủ.",
                         "The server could not write to the database; nothing was changed. Try again in a few "
                         "minutes; if it keeps failing, tell the server administrator.")
    return None


def require_writable(con) -> None:
    """Raise UserError 'read-only' now (before asking for passwords or files) when `con` cannot write."""
    refused = _write_refused(con)
    if refused is not None:
        raise refused


BUMP_VERSION_SQL = ("INSERT INTO meta (key, value) VALUES ('data_version', '1') ON CONFLICT (key) DO UPDATE "
                    "SET value = CAST(CAST(meta.value AS BIGINT) + 1 AS VARCHAR) RETURNING value")


@contextmanager
def transaction(con, bump: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor inside BEGIN/COMMIT; any exception rolls everything back.

    bump=True (every write of data) moves the data version on in the same transaction
    (chitieu/store/version.py), so the caches of every app process, on this machine or another
    sharing the server database, see the write at once, whoever made it (a page, the CLI).
    Writes nobody's page shows from a cache (accounts, audit events) pass bump=False.

    Writers on one connection take turns (a process-wide lock); a conflict DuckDB still
    reports at COMMIT becomes UserError("write-conflict") asking the person to try again.
    A read-only database, a full disk or a failed write become UserError 'read-only',
    'disk-full', 'write-failed' (nothing changed; an invalidated connection is reopened next time).
    """
    from chitieu.errors import UserError
    refused = _write_refused(con)
    if refused is not None:
        raise refused
    with _write_lock(con):
        cur = con.cursor()
        cur.execute("BEGIN TRANSACTION")
        try:
            yield cur
        except BaseException as exc:
            try:
                cur.execute("ROLLBACK")
            except _DRIVER_ERRORS:
                note_failure(exc, con)
            if isinstance(exc, _DRIVER_ERRORS):
                note_failure(exc, con)
                refused = _write_refused(con, exc)
                if refused is not None:
                    raise refused from None
            raise
        else:
            try:
                if bump:
                    cur.execute(BUMP_VERSION_SQL)
                cur.execute("COMMIT")
            except _DRIVER_ERRORS as exc:
                note_failure(exc, con)
                if "commit succeeded" in str(exc).lower():
                    # Durable in the WAL; only the automatic checkpoint failed (a nearly full disk).
                    # The connection is reopened on its next use; the write itself stands.
                    return
                refused = _write_refused(con, exc)
                if refused is not None:
                    raise refused from None
                if isinstance(exc, duckdb.TransactionException) or _is_server_conflict(exc):
                    raise UserError("write-conflict",
                                    "Có người khác vừa ghi cùng dữ liệu; chưa có gì thay đổi. Hãy thử lại.",
                                    "Someone else wrote the same data at the same moment; nothing was changed. "
                                    "Please try again.") from None
                raise
        finally:
            try:
                cur.close()
            except _DRIVER_ERRORS:
                pass


def _is_server_conflict(exc: BaseException) -> bool:
    """PostgreSQL's serialization failure or deadlock: someone else wrote the same rows."""
    return getattr(exc, "sqlstate", None) in ("40001", "40P01")


def checkpoint(con) -> None:
    """Write the WAL into the file; a full disk here is not an error of the write that preceded it
    (that one is committed in the WAL), so it is swallowed and the connection reopened if needed."""
    if getattr(con, "dialect", "duckdb") != "duckdb":
        return
    try:
        con.execute("CHECKPOINT")
    except duckdb.Error as exc:
        note_failure(exc, con)
        if not (_is_disk_full(exc) or _is_fatal(exc) or "read-only" in str(exc)):
            raise


def query_df(con, sql: str, params: list | tuple = ()):
    """Run a read query through its own cursor and return a pandas DataFrame."""
    cur = con.cursor()
    try:
        return cur.execute(sql, list(params)).df()
    except _DRIVER_ERRORS as exc:
        if note_failure(exc, con):  # the database was invalidated by a failed write: reopen and retry once
            cur = con.cursor()
            return cur.execute(sql, list(params)).df()
        raise
    finally:
        cur.close()
