"""PostgreSQL behind the DuckDB cursor surface the store is written against.

`CHITIEU_DB=postgresql://…` (or `--db postgresql://…`) gives the same product on a server
database that several app processes share. The store's SQL is written once, in the subset both
engines understand (`?` placeholders, `= ANY(?)` with a Python list, `ON CONFLICT`, `RETURNING`,
`array_agg`, `FILTER`); this module only adapts the driver:

- `?` becomes psycopg's `%s` (outside string literals) and a literal `%` is doubled;
- a cursor borrows a pooled connection for one statement (autocommit), or from `BEGIN` to
  `COMMIT`/`ROLLBACK` so a transaction stays on one connection; results are fetched at once
  and the connection goes back to the pool, so a cursor nobody closes holds nothing;
- `.df()` builds a pandas frame (numbers as float/int, dates and timestamps as datetime64, like
  DuckDB's), `.fetchone()`/`.fetchall()` return tuples with `Decimal` turned into float;
- `register(name, frame)` (DuckDB's way to query a DataFrame) becomes a temporary table filled
  with COPY, dropped by `unregister` or at the end of the transaction.

psycopg 3 and psycopg_pool are the only drivers used: the store keeps its own small SQL subset
instead of an ORM or SQLAlchemy, because DuckDB's native `.df()` and DataFrame scans are what
make the embedded default fast and a second query layer would hide them.
"""
from __future__ import annotations

import datetime as dt
import decimal
import re
from urllib.parse import urlsplit, urlunsplit

import pandas as pd

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

Error = psycopg.Error
# The server went away, refused us, or every pooled connection stayed busy for `timeout` seconds.
_GONE = (psycopg.OperationalError, PoolTimeout)


def _unavailable(owner, exc):
    from chitieu.store import ServerUnavailable  # the store's fault classes (no import cycle at load)
    return ServerUnavailable(owner.path, f"{type(exc).__name__}: {exc}")

_TX_START = re.compile(r"^\s*(BEGIN|START\s+TRANSACTION)\b", re.I)
_TX_END = re.compile(r"^\s*(COMMIT|ROLLBACK|END|ABORT)\b", re.I)
_CHECKPOINT = re.compile(r"^\s*CHECKPOINT\s*;?\s*$", re.I)


def safe_url(url: str) -> str:
    """The address without its password (for logs and messages)."""
    parts = urlsplit(str(url))
    if parts.password is None:
        return str(url)
    netloc = parts.netloc.replace(":" + parts.password + "@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def translate(sql: str) -> str:
    """DuckDB-style `?` placeholders to psycopg's `%s`; a literal `%` doubled."""
    out, quote, comment = [], None, False
    for i, ch in enumerate(sql):
        if comment:
            comment = ch != "\n"
            out.append("%%" if ch == "%" else ch)
        elif quote:
            if ch == quote:
                quote = None
            out.append("%%" if ch == "%" else ch)
        elif ch == "-" and sql.startswith("--", i):
            comment = True
            out.append(ch)
        elif ch in ("'", '"'):
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


def _plain(value):
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def _param(value):
    """numpy scalars and tuples as psycopg expects them."""
    if hasattr(value, "item") and not isinstance(value, (list, tuple, str, bytes)):
        try:
            return value.item()
        except (AttributeError, ValueError):
            return value
    if isinstance(value, tuple):
        return list(value)
    return value


_DATE_OIDS = {1082: "date", 1114: "timestamp", 1184: "timestamptz"}


def _pg_type(series: pd.Series) -> str:
    """The column type of a registered frame. A column with no value at all is numeric: PostgreSQL
    converts numbers to text on assignment, not text to numbers."""
    kind = series.dtype.kind
    if kind == "b":
        return "BOOLEAN"
    if kind in "iu":
        return "BIGINT"
    if kind == "f":
        return "DOUBLE PRECISION"
    if kind == "M":
        return "TIMESTAMP"
    values = series.dropna()
    if values.empty:
        return "DOUBLE PRECISION"
    first = values.iloc[0]
    if isinstance(first, bool):
        return "BOOLEAN"
    if isinstance(first, int):
        return "BIGINT"
    if isinstance(first, float):
        return "DOUBLE PRECISION"
    if isinstance(first, dt.datetime):
        return "TIMESTAMP"
    if isinstance(first, dt.date):
        return "DATE"
    return "TEXT"


class Cursor:
    """One statement at a time, DuckDB's cursor methods."""

    def __init__(self, owner: "PgConnection"):
        self._owner = owner
        self._held = None            # a pooled connection kept from BEGIN to COMMIT/ROLLBACK
        self._rows: list[tuple] = []
        self._pos = 0
        self.description = None

    # -- running ----------------------------------------------------------------------
    def _run(self, sql: str, params=None, many: bool = False):
        text = translate(sql)
        if params is not None and not many:
            params = [_param(p) for p in params]
        try:
            if self._held is not None:
                return self._exec(self._held, text, params, many)
            with self._owner.pool.connection() as conn:
                return self._exec(conn, text, params, many)
        except _GONE as exc:
            raise _unavailable(self._owner, exc) from None

    def _exec(self, conn, text, params, many):
        with conn.cursor() as cur:
            if many:
                cur.executemany(text, [[_param(p) for p in row] for row in params])
                self._rows, self.description = [], None
            else:
                cur.execute(text, params if params else None)
                if cur.description is not None:
                    self.description = cur.description
                    self._rows = cur.fetchall()
                else:
                    self.description, self._rows = None, []
            self._pos = 0
        return self

    def execute(self, sql: str, params=None):
        if _CHECKPOINT.match(sql):      # DuckDB's WAL flush; the server does its own
            self._rows, self.description = [], None
            return self
        if _TX_START.match(sql):
            try:
                if self._held is None:
                    self._held = self._owner.pool.getconn()
                self._exec(self._held, "BEGIN", None, False)
            except BaseException as exc:
                self._release()
                if isinstance(exc, _GONE):
                    raise _unavailable(self._owner, exc) from None
                raise
            return self
        if _TX_END.match(sql) and self._held is not None:
            try:
                return self._exec(self._held, translate(sql), None, False)
            except _GONE as exc:
                raise _unavailable(self._owner, exc) from None
            finally:
                self._release()
        return self._run(sql, params)

    def executemany(self, sql: str, rows):
        rows = [list(r) for r in rows]
        if not rows:
            return self
        return self._run(sql, rows, many=True)

    def _release(self):
        held, self._held = self._held, None
        if held is not None:
            self._owner.pool.putconn(held)

    # -- results ----------------------------------------------------------------------
    def fetchone(self):
        if self._pos >= len(self._rows):
            return None
        row = self._rows[self._pos]
        self._pos += 1
        return tuple(_plain(v) for v in row)

    def fetchall(self):
        rows = self._rows[self._pos:]
        self._pos = len(self._rows)
        return [tuple(_plain(v) for v in r) for r in rows]

    def fetchmany(self, size: int = 1):
        rows = self._rows[self._pos:self._pos + size]
        self._pos += len(rows)
        return [tuple(_plain(v) for v in r) for r in rows]

    def df(self) -> pd.DataFrame:
        cols = [d.name for d in (self.description or [])]
        rows = self._rows[self._pos:]
        self._pos = len(self._rows)
        frame = pd.DataFrame.from_records(rows, columns=cols) if rows else pd.DataFrame(
            {c: pd.Series([], dtype=object) for c in cols})
        for d in self.description or []:
            col = frame[d.name]
            if d.type_code in _DATE_OIDS:
                frame[d.name] = pd.to_datetime(col)
            elif d.type_code in (1700,):  # numeric
                frame[d.name] = pd.to_numeric(col.map(_plain), errors="coerce")
            elif d.type_code in (16,) and len(frame) and col.isna().any():
                frame[d.name] = col.astype(object)
            elif not len(frame):
                frame[d.name] = col.astype(_EMPTY_TYPES.get(d.type_code, object))
        return frame

    fetchdf = df

    # -- DataFrames as tables -----------------------------------------------------------
    def register(self, name: str, frame: pd.DataFrame):
        """A temporary table `name` holding `frame` (DuckDB queries DataFrames directly)."""
        if self._held is None:  # outside a transaction: one of its own, ended by close()
            self.execute("BEGIN")
        cols = ", ".join(f'"{c}" {_pg_type(frame[c])}' for c in frame.columns)
        with self._held.cursor() as cur:
            cur.execute(f'DROP TABLE IF EXISTS "{name}"')
            cur.execute(f'CREATE TEMP TABLE "{name}" ({cols}) ON COMMIT DROP')
            names = ", ".join(f'"{c}"' for c in frame.columns)
            with cur.copy(f'COPY "{name}" ({names}) FROM STDIN') as copy:
                for row in frame.itertuples(index=False, name=None):
                    copy.write_row([None if _missing(v) else _param(v) for v in row])
        return self

    def unregister(self, name: str):
        if self._held is not None:
            with self._held.cursor() as cur:
                cur.execute(f'DROP TABLE IF EXISTS "{name}"')
        return self

    def close(self):
        if self._held is not None:  # a transaction left open: roll it back, give the connection back
            try:  # explicit SQL: psycopg's own rollback() does nothing on an autocommit connection
                self._exec(self._held, "ROLLBACK", None, False)
            except Error:
                pass
            self._release()


_EMPTY_TYPES = {20: "int64", 21: "int64", 23: "int64", 700: "float64", 701: "float64", 1700: "float64",
                16: "bool", 25: "str", 1043: "str"}


def _missing(v) -> bool:
    try:
        return v is None or (not isinstance(v, (str, bytes, list)) and pd.isna(v))
    except (TypeError, ValueError):
        return False


class PgConnection:
    """A pool of server connections with DuckDB's connection surface (`cursor()`, `execute()`)."""

    dialect = "postgres"

    def __init__(self, url: str, size: int = 8):
        self.url = url
        self.path = safe_url(url)
        self.read_only = False
        self.read_only_reason = ""
        # One direct attempt first: a refused or unknown server is reported at once, with its reason,
        # instead of after the pool's own wait.
        psycopg.connect(url, connect_timeout=5, autocommit=True).close()
        # check: a connection the server dropped (a restart, a failover) is replaced before use.
        self.pool = ConnectionPool(url, min_size=1, max_size=size, open=False, timeout=30,
                                   check=ConnectionPool.check_connection,
                                   kwargs={"autocommit": True, "options": "-c timezone=UTC -c jit=off"})
        try:
            self.pool.open(wait=True, timeout=15)
        except BaseException:
            self.pool.close()
            raise

    def cursor(self) -> Cursor:
        return Cursor(self)

    def execute(self, sql: str, params=None) -> Cursor:
        return Cursor(self).execute(sql, params)

    closed = False

    def close(self) -> None:
        self.closed = True
        self.pool.close()

    def mark_broken(self) -> None:  # the pool checks connections itself
        pass


