"""The PostgreSQL server the tests start (tests/pg_server.py) is real, private and cleaned up."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from chitieu.store import close_db, open_db
from chitieu.store.version import data_version


def _state(pid: int) -> str | None:
    """The process state letter from /proc (None once the process is gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def test_the_test_server_is_postgresql_15_on_loopback_under_its_own_account(pg_server):
    import psycopg
    url = pg_server.create_database("probe")
    try:
        with psycopg.connect(url) as c:
            settings = {name: c.execute(f"SHOW {name}").fetchone()[0]
                        for name in ("server_version", "fsync", "listen_addresses", "unix_socket_directories")}
        assert settings["server_version"].startswith("15."), settings
        assert settings["fsync"] == "off" and settings["listen_addresses"] == "127.0.0.1", settings
        assert settings["unix_socket_directories"] == str(pg_server.socket_dir)
        uid = int(next(line for line in Path(f"/proc/{pg_server.pid}/status").read_text().splitlines()
                       if line.startswith("Uid:")).split()[1])
        assert uid != 0 and (os.geteuid() == 0 or uid == os.geteuid())   # never root: postgres refuses it
        assert os.getpgid(pg_server.pid) == pg_server.pid                  # its own process group (pg_ctl: setsid)
        con = open_db(url)                                                  # the store makes its schema there
        assert data_version(con) == 0
        close_db(url)
    finally:
        pg_server.drop_database(url)


def test_a_stopped_server_leaves_no_process_and_no_directory():
    from tests.conftest import postgres_server
    from tests.pg_server import PgServer
    postgres_server()                 # skips (locally) or fails (CI) the same way without the programs
    server = PgServer().start()
    pid, base = server.pid, server.base
    assert _state(pid) not in (None, "Z") and (base / "data" / "postmaster.pid").exists()
    server.stop()
    assert _state(pid) in (None, "Z")                 # gone (or a zombie waiting for init to reap it)
    assert not base.exists()
    server.stop()                                     # a second stop is harmless
    with pytest.raises(Exception):
        import psycopg
        psycopg.connect(server.url(), connect_timeout=3)
