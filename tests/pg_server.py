"""A real PostgreSQL 15 server for the tests, from Debian's packages (no mock, no container).

    with PgServer.started(base_dir) as pg:       # or the session fixture `pg_server`
        url = pg.create_database()               # postgresql://postgres@127.0.0.1:PORT/t_1a2b3c
        con = open_db(url)

The binaries come from the `postgresql` package (`/usr/lib/postgresql/15/bin`, else `pg_config
--bindir`, else an `initdb` on the PATH); `python3 tasks.py test` installs the package with
apt-get when they are missing and it runs as root (a fresh CI machine). The cluster lives in a
temporary directory: `initdb` there (as the Debian `postgres` account when the tests run as root:
the server refuses to run as root), a server listening on 127.0.0.1 on a free port and on a unix
socket in that directory only, trust authentication (a throw-away cluster of test data that
only programs on this machine can reach), fsync and synchronous commit off (a test database
need not survive a power cut). `pg_ctl` starts it in a session of its own (pg_ctl calls
setsid); it is stopped with `pg_ctl stop` and, failing that, by signalling the process group
of the postmaster's own pid, never by name.

Run as a script it starts a server, prints a database URL and waits (for trying by hand):
    .venv/bin/python tests/pg_server.py
"""
from __future__ import annotations

import atexit
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

PG_MAJOR = 15
SUPERUSER = "postgres"
# Settings for a throw-away test cluster: durability off, small memory, enough connections for
# two app processes and the tests' own (each app process and each open_db holds a few).
TEST_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "64MB",
    "max_connections": "200",
    "log_min_messages": "warning",
    "logging_collector": "off",
    "timezone": "UTC",
}


class PgUnavailable(RuntimeError):
    """PostgreSQL's server programs are not installed (install the Debian package `postgresql`)."""


def pg_bindir() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres of PostgreSQL 15 (or None)."""
    candidates = [Path(f"/usr/lib/postgresql/{PG_MAJOR}/bin")]
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10)
            if out.returncode == 0 and out.stdout.strip():
                candidates.append(Path(out.stdout.strip()))
        except (OSError, subprocess.SubprocessError):
            pass
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    for d in candidates:
        if all((d / exe).is_file() for exe in ("initdb", "pg_ctl", "postgres")):
            return d
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_as() -> str | None:
    """The account the server runs as: None (ourselves) unless we are root, then Debian's `postgres`."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SUPERUSER)
    except KeyError:  # the package makes this account; a machine with bare binaries gets one
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SUPERUSER],
                       check=True, capture_output=True)
    return SUPERUSER


class PgServer:
    """One PostgreSQL cluster in `base_dir` (created, started, stopped; the directory is removed by stop)."""

    def __init__(self, base_dir: Path | None = None):
        bindir = pg_bindir()
        if bindir is None:
            raise PgUnavailable(f"PostgreSQL {PG_MAJOR} is not installed (apt-get install postgresql)")
        self.bindir = bindir
        # Not under pytest's tmp_path (mode 0700, owned by root): the postgres account must enter it.
        self.base = Path(tempfile.mkdtemp(prefix="chitieu-pg-", dir=base_dir))
        self.data = self.base / "data"
        self.socket_dir = self.base / "sock"
        self.log = self.base / "server.log"
        self.port = _free_port()
        self.user = _run_as()
        self.pid: int | None = None

    # -- running the server's programs as the right account --------------------------------
    def _cmd(self, exe: str, *args: str) -> list[str]:
        cmd = [str(self.bindir / exe), *args]
        return ["runuser", "-u", self.user, "--", *cmd] if self.user else cmd

    def _run(self, exe: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        out = subprocess.run(self._cmd(exe, *args), capture_output=True, text=True, timeout=timeout,
                             cwd=self.base, stdin=subprocess.DEVNULL)
        if out.returncode != 0:
            raise RuntimeError(f"{exe} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}\n{self._log_tail()}")
        return out

    def _log_tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    # -- life cycle ---------------------------------------------------------------------------
    def start(self, timeout: float = 60) -> "PgServer":
        self.socket_dir.mkdir()
        if self.user:
            os.chmod(self.base, 0o755)
            shutil.chown(self.base, self.user)
            shutil.chown(self.socket_dir, self.user)
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8",
                  "--locale=C.UTF-8", "--no-instructions", "--no-sync")
        conf = "".join(f"{k} = '{v}'\n" for k, v in TEST_SETTINGS.items())
        conf += (f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
                 f"unix_socket_directories = '{self.socket_dir}'\n")
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as f:
            f.write("\n# chitieu tests (tests/pg_server.py)\n" + conf)
        if self.user:
            self.log.touch()
            shutil.chown(self.log, self.user)
        self._run("pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w", "-t", str(int(timeout)),
                  timeout=timeout + 30)
        self.pid = int((self.data / "postmaster.pid").read_text().splitlines()[0])
        return self

    def stop(self) -> None:
        """Stop the server (fast shutdown), then remove its directory."""
        pid_file = self.data / "postmaster.pid"
        if self.pid is None and pid_file.exists():  # start() failed after the server came up
            try:
                self.pid = int(pid_file.read_text().splitlines()[0])
            except (OSError, ValueError, IndexError):
                pass
        if self.pid is not None:
            try:
                self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w", "-t", "30", timeout=60)
            except (RuntimeError, subprocess.SubprocessError):
                try:  # the postmaster leads its own session (pg_ctl calls setsid): that group only
                    os.killpg(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.pid = None
        shutil.rmtree(self.base, ignore_errors=True)

    @classmethod
    @contextmanager
    def started(cls, base_dir: Path | None = None) -> Iterator["PgServer"]:
        server = cls(base_dir)
        try:
            yield server.start()
        finally:
            server.stop()

    # -- databases ----------------------------------------------------------------------------
    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def admin_sql(self, sql: str) -> None:
        """Run one statement on the maintenance database, outside a transaction (CREATE DATABASE)."""
        import psycopg
        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(sql)

    def create_database(self, prefix: str = "t", template: str | None = None) -> str:
        """A new database, empty or a copy of `template` (a database of this server, whose other
        sessions are ended first); returns its URL. Names are generated (never user text)."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}".lower()
        for n in (name, template or "x"):
            if not n.replace("_", "").isalnum():
                raise ValueError(n)
        if template:
            import psycopg
            with psycopg.connect(self.url(), autocommit=True) as con:
                con.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                            "AND pid <> pg_backend_pid()", [template])
                con.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        else:
            self.admin_sql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def copy_database(self, src_url: str, prefix: str = "copy") -> str:
        """A new database holding what `src_url` holds now, while others may be using it: pg_dump's
        custom format restored with pg_restore (the backup commands of the README)."""
        dump = self.dump(src_url, "custom")
        dst = self.create_database(prefix)
        restore = subprocess.run([str(self.bindir / "pg_restore"), "--no-owner", "--exit-on-error", "--dbname", dst],
                                 input=dump, capture_output=True, timeout=600)
        if restore.returncode != 0:
            raise RuntimeError(f"pg_restore failed: {restore.stderr.decode(errors='replace')}")
        return dst

    def dump(self, url: str, fmt: str = "plain") -> bytes:
        """Everything a database holds, as pg_dump writes it (`plain` SQL text or `custom`)."""
        out = subprocess.run([str(self.bindir / "pg_dump"), f"--format={fmt}", "--dbname", url],
                             capture_output=True, timeout=600)
        if out.returncode != 0:
            raise RuntimeError(f"pg_dump failed: {out.stderr.decode(errors='replace')}")
        return out.stdout

    def drop_database(self, url: str) -> None:
        """Drop a database made by create_database (its sessions are ended first: FORCE)."""
        name = url.rsplit("/", 1)[1]
        if url != self.url(name) or name == "postgres" or not name.replace("_", "").isalnum():
            raise ValueError(url)
        self.admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- one server for the whole test session, started on first use --------------------------------
_SHARED: PgServer | None = None


def shared_server() -> PgServer:
    """The test session's server (started on first use; `stop_shared_server()` at the end)."""
    global _SHARED
    if _SHARED is None:
        server = PgServer()
        try:
            server.start()
        except BaseException:
            server.stop()
            raise
        _SHARED = server
        atexit.register(stop_shared_server)  # also when the session ends abnormally
    return _SHARED


def stop_shared_server() -> None:
    global _SHARED
    server, _SHARED = _SHARED, None
    if server is not None:
        server.stop()


def main() -> int:
    with PgServer.started() as pg:
        print(pg.create_database("try"), flush=True)
        print(f"server pid {pg.pid}, data {pg.data}; Ctrl-C stops it", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
