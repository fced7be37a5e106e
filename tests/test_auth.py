"""Access control: hashing, roles, locality rights, the users command, login pages.

Done-when checks of issue 5: a viewer cannot reach any write path (CLI here, UI in
test_ui_gates below); an analyst cannot write for another locality; a disabled user cannot
log in; passwords are never stored or logged in clear.
"""
from __future__ import annotations

import importlib.util
import io
import logging
import sys
from pathlib import Path

import pytest

from chitieu import auth
from chitieu.errors import UserError
from chitieu.store import close_db, open_db, query_df
from chitieu.store import users as user_store
from loaders import cli
from tests.conftest import on_postgres, postgres_server, scratch_db

PASSWORD = "Mật-khẩu-bí-mật-42"


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch):
    monkeypatch.setattr(auth, "BCRYPT_ROUNDS", 4)
    auth._DUMMY_HASH.clear()


@pytest.fixture
def con():
    c = scratch_db()
    cur = c.cursor()
    # A small hierarchy: province 51 > district 522 > commune 21025; another province 52.
    cur.executemany("INSERT INTO localities (scheme, code, name, level, parent_scheme, parent_code) "
                    "VALUES (?, ?, ?, ?, ?, ?)", [
                        ["gso_pre2025", "51", "Tỉnh Quảng Ngãi", "province", None, None],
                        ["gso_pre2025", "522", "Thành phố Quảng Ngãi", "district", "gso_pre2025", "51"],
                        ["gso_pre2025", "21025", "Phường Nguyễn Nghiêm", "commune", "gso_pre2025", "522"],
                        ["gso_pre2025", "52", "Tỉnh Bình Định", "province", None, None],
                    ])
    return c


def add(con, name, role, localities=(), password=PASSWORD):
    user_store.add_user(con, name, role, auth.hash_password(password), localities=list(localities), actor="test")
    return auth.load_user(con, name)


# ---- hashing ------------------------------------------------------------------------------

def test_hash_is_salted_bcrypt_and_verifies():
    h1, h2 = auth.hash_password(PASSWORD), auth.hash_password(PASSWORD)
    assert h1 != h2 and PASSWORD not in h1 and h1.startswith(auth.HASH_PREFIX + "$2b$")
    assert auth.verify_password(PASSWORD, h1) and auth.verify_password(PASSWORD, h2)
    assert not auth.verify_password(PASSWORD + "x", h1)


def test_long_passwords_are_not_cut_at_72_bytes():
    long = "ư" * 60  # 120 bytes in UTF-8
    assert not auth.verify_password("ư" * 59 + "x", auth.hash_password(long))


@pytest.mark.parametrize("stored", [None, "", "plain-text", "$2b$04$abc", auth.HASH_PREFIX + "garbage"])
def test_malformed_hashes_never_match(stored):
    assert auth.verify_password(PASSWORD, stored) is False


def test_weak_passwords_and_bad_names_are_refused():
    with pytest.raises(UserError) as e:
        auth.hash_password("short")
    assert e.value.code == "weak-password"
    for bad in ["", "a", "x'); DROP TABLE users; --", "Nguyễn", "a b", "../etc"]:
        with pytest.raises(UserError):
            auth.check_username(bad)
    assert auth.check_username("  Lan.Nguyen@ubnd ") == "lan.nguyen@ubnd"


# ---- login --------------------------------------------------------------------------------

def test_login_right_wrong_unknown_and_disabled(con):
    add(con, "lan", "analyst")
    assert auth.authenticate(con, "lan", PASSWORD).role == "analyst"
    assert auth.authenticate(con, "LAN", PASSWORD) is not None  # names are case-insensitive
    assert auth.authenticate(con, "lan", "wrong-password") is None
    assert auth.authenticate(con, "nobody", PASSWORD) is None
    assert auth.authenticate(con, "x'; --", PASSWORD) is None
    user_store.set_disabled(con, "lan", True, actor="test")
    assert auth.authenticate(con, "lan", PASSWORD) is None
    assert auth.load_user(con, "lan") is None
    user_store.set_disabled(con, "lan", False, actor="test")
    assert auth.authenticate(con, "lan", PASSWORD) is not None


def test_login_throttle_slows_a_guessing_client_and_never_locks_out_the_real_user():
    """Before: five failures from anywhere locked the account for 5 minutes, the real admin too."""
    t = auth.LoginThrottle(free=3, base=2.0, cap=300.0, forget=3600.0)
    now = 1000.0
    waits = []
    for _ in range(8):                                   # a guesser at 10.0.0.9, always waiting its turn
        assert t.wait("10.0.0.9", now) == 0
        waits.append(t.failed("10.0.0.9", now))
        now += waits[-1]
    assert waits == [0, 0, 2, 4, 8, 16, 32, 64]          # the delay grows with each failure
    assert t.wait("10.0.0.9", now - 1) > 0               # trying early is refused
    assert t.wait("192.168.1.5", now) == 0               # the real admin at their own desk is not slowed
    t.failed("10.0.0.9", now)
    assert t.wait("10.0.0.9", now + 10_000) == 0         # an hour of silence forgets the client
    for _ in range(40):
        t.failed("x", now)
    assert t.wait("x", now) == 300                       # capped
    t.succeeded("x")
    assert t.wait("x", now) == 0


# ---- rights -------------------------------------------------------------------------------

def test_roles_and_locality_rights(con):
    viewer = add(con, "xem", "viewer")
    analyst = add(con, "lan", "analyst", [("gso_pre2025", "522")])
    admin = add(con, "quantri", "admin")
    w = lambda u, code: auth.can_write(u, "gso_pre2025", code, con)  # noqa: E731
    assert not any(w(viewer, c) for c in ["51", "522", "21025", "52"])
    assert not any(w(None, c) for c in ["51", "522", "21025", "52"])
    assert w(analyst, "522") and w(analyst, "21025")            # own district and its commune
    assert not w(analyst, "51") and not w(analyst, "52")        # not the parent, not another province
    assert not auth.can_write(analyst, "unresolved", "quang-ngai", con)
    assert all(w(admin, c) for c in ["51", "522", "21025", "52"])
    assert auth.forbidden_localities(analyst, [("gso_pre2025", "21025"), ("gso_pre2025", "52"),
                                               ("gso_pre2025", "52")], con) == [("gso_pre2025", "52")]
    with pytest.raises(UserError) as e:
        auth.require_write(analyst, "gso_pre2025", "52", con)
    assert e.value.code == "forbidden"


def test_analyst_rights_follow_the_unit_registry(con):
    units = pytest.importorskip("chitieu.units")
    commune = next(u for u in units.all_units(level="commune") if units.ancestors(u.scheme, u.code))
    province = units.ancestors(commune.scheme, commune.code)[-1]
    other = next(u for u in units.all_units(scheme=commune.scheme, level="province") if u.code != province.code)
    analyst = add(con, "tinh", "analyst", [province.key])
    assert auth.can_write(analyst, commune.scheme, commune.code, con)
    assert not auth.can_write(analyst, other.scheme, other.code, con)


def test_disabled_analyst_and_analyst_without_localities_write_nothing(con):
    add(con, "lan", "analyst", [("gso_pre2025", "51")])
    user = auth.load_user(con, "lan")
    user_store.set_disabled(con, "lan", True, actor="test")
    assert auth.load_user(con, "lan") is None
    disabled = auth.User("lan", "analyst", disabled=True, localities=user.localities)
    assert not auth.can_write(disabled, "gso_pre2025", "51", con)
    assert not auth.can_write(add(con, "moi", "analyst"), "gso_pre2025", "51", con)


def test_hierarchy_cycles_do_not_loop(con):
    con.cursor().execute("UPDATE localities SET parent_scheme = 'gso_pre2025', parent_code = '21025' "
                         "WHERE code = '51'")
    analyst = add(con, "lan", "analyst", [("gso_pre2025", "52")])
    assert not auth.can_write(analyst, "gso_pre2025", "21025", con)


# ---- audit of user changes ----------------------------------------------------------------

def test_every_user_change_is_audited_without_the_password(con):
    add(con, "lan", "analyst", [("gso_pre2025", "51")])
    user_store.set_password(con, "lan", auth.hash_password("Another-pass-1"), actor="quantri")
    user_store.set_localities(con, "lan", [("gso_pre2025", "52")], replace=True, actor="quantri")
    user_store.set_role(con, "lan", "viewer", actor="quantri")
    user_store.set_disabled(con, "lan", True, actor="quantri")
    log = query_df(con, "SELECT * FROM audit_log ORDER BY audit_id")
    assert list(log["action"]) == ["user.add", "user.password", "user.localities", "user.role", "user.disable"]
    assert set(log["entity_key"]) == {"lan"} and list(log["actor"])[1:] == ["quantri"] * 4
    assert '"52"' in log["after_json"][2] and '"51"' in log["before_json"][2]
    text = log.to_csv()
    assert PASSWORD not in text and "Another-pass-1" not in text and "$2b$" not in text
    assert "password_hash" not in user_store.list_users(con).columns


# ---- the users command --------------------------------------------------------------------

def run_cli(argv, stdin="", capsys=None):
    """Run `python -m loaders ...` in-process with only the command modules that exist yet."""
    old = cli.COMMAND_MODULES
    cli.COMMAND_MODULES = [m for m in old if importlib.util.find_spec(m)]
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        return cli.main(argv)
    finally:
        sys.stdin = saved
        cli.COMMAND_MODULES = old


@pytest.fixture
def dbfile(new_db, monkeypatch):
    path = new_db("users")
    monkeypatch.delenv("CHITIEU_USER", raising=False)
    monkeypatch.setenv("CHITIEU_PASSWORD", PASSWORD)      # the acting admin's password (scripts)
    yield path
    close_db(path)


def test_cli_first_admin_then_admin_only(dbfile, capsys):
    db = ["--db", str(dbfile)]
    assert run_cli(["users", "list", *db]) == 0
    assert "users add admin --role admin" in capsys.readouterr().out
    assert run_cli(["users", "add", "admin", "--role", "admin", "--password-stdin", *db], PASSWORD + "\n") == 0
    # Once an admin exists, users commands need an admin --user.
    assert run_cli(["users", "add", "lan", "--role", "analyst", "--password-stdin", *db], PASSWORD + "\n") == 2
    assert "--user" in capsys.readouterr().err
    assert run_cli(["users", "add", "xem", "--role", "viewer", "--password-stdin", "--user", "admin", *db],
                   PASSWORD + "\n") == 0
    assert run_cli(["users", "add", "lan", "--role", "analyst", "--locality", "gso_2025:51", "--password-stdin",
                    "--user", "xem", *db], PASSWORD + "\n") == 2     # a viewer cannot manage users
    assert "forbidden" not in capsys.readouterr().out
    assert run_cli(["users", "add", "lan", "--role", "analyst", "--locality", "gso_2025:51", "--password-stdin",
                    "--user", "admin", *db], PASSWORD + "\n") == 0
    assert run_cli(["users", "assign", "lan", "--locality", "gso_2025:52", "--user", "admin", *db]) == 0
    assert run_cli(["users", "disable", "lan", "--user", "admin", *db]) == 0
    capsys.readouterr()
    assert run_cli(["users", "list", *db]) == 0
    out = capsys.readouterr().out
    assert "lan\tanalyst\tdisabled" in out and "gso_2025:51; gso_2025:52" in out
    con = open_db(dbfile)
    assert auth.authenticate(con, "lan", PASSWORD) is None          # disabled
    assert auth.authenticate(con, "xem", PASSWORD).role == "viewer"
    actions = list(query_df(con, "SELECT action, actor FROM audit_log ORDER BY audit_id").itertuples(index=False))
    assert actions == [("user.add", "cli:" + auth.os_user()), ("user.add", "admin"), ("user.add", "admin"),
                       ("user.localities", "admin"), ("user.disable", "admin")]


def test_cli_passwd_and_bad_input(dbfile, capsys, monkeypatch):
    db = ["--db", str(dbfile)]
    assert run_cli(["users", "add", "admin", "--role", "admin", "--password-stdin", *db], PASSWORD + "\n") == 0
    as_admin = ["--user", "admin", *db]
    assert run_cli(["users", "passwd", "admin", "--password-stdin", *as_admin], "New-password-9\n") == 0
    monkeypatch.setenv("CHITIEU_PASSWORD", "New-password-9")
    con = open_db(dbfile)
    assert auth.authenticate(con, "admin", "New-password-9") and not auth.authenticate(con, "admin", PASSWORD)
    capsys.readouterr()
    assert run_cli(["users", "passwd", "admin", "--password-stdin", *as_admin], "short\n") == 2
    assert run_cli(["users", "passwd", "nobody", "--password-stdin", *as_admin], PASSWORD + "\n") == 2
    assert run_cli(["users", "add", "admin", "--role", "admin", "--password-stdin", *as_admin], PASSWORD) == 2
    assert run_cli(["users", "assign", "admin", "--locality", "Nowhere", *as_admin]) == 2
    assert run_cli(["users", "passwd", "admin", *as_admin]) == 2   # no terminal and no --password-stdin
    err = capsys.readouterr().err
    for code in ["Mật khẩu cần", "No user named", "already exists", "Unknown locality", "--password-stdin"]:
        assert code in err
    assert "Traceback" not in err


def test_cli_disabled_or_unknown_user_cannot_act(dbfile, capsys):
    db = ["--db", str(dbfile)]
    run_cli(["users", "add", "admin", "--role", "admin", "--password-stdin", *db], PASSWORD + "\n")
    run_cli(["users", "add", "boss", "--role", "admin", "--password-stdin", "--user", "admin", *db], PASSWORD + "\n")
    run_cli(["users", "disable", "boss", "--user", "admin", *db])
    assert run_cli(["users", "enable", "boss", "--user", "boss", *db]) == 2
    assert run_cli(["users", "disable", "admin", "--user", "ghost", *db]) == 2
    assert "No active user" in capsys.readouterr().err


def test_cli_write_rule_for_build_and_import(con, monkeypatch):
    """What build / import-actuals call: operator mode without users, then --user with rights."""
    monkeypatch.setenv("CHITIEU_PASSWORD", PASSWORD)
    loc = [("gso_pre2025", "21025")]
    assert auth.cli_check_write(con, None, loc).startswith("cli:")
    add(con, "xem", "viewer")
    add(con, "lan", "analyst", [("gso_pre2025", "522")])
    for name, ok in [(None, False), ("xem", False), ("ghost", False), ("lan", True)]:
        if ok:
            assert auth.cli_check_write(con, name, loc) == "lan"
        else:
            with pytest.raises(UserError):
                auth.cli_check_write(con, name, loc)
    with pytest.raises(UserError) as e:
        auth.cli_check_write(con, "lan", [("gso_pre2025", "52")])
    assert e.value.code == "forbidden"


def test_cli_write_commands_check_the_password_and_record_the_os_account(dbfile, capsys, monkeypatch):
    """Before: `--user admin` was trusted with no password and the audit said only "admin"."""
    db = ["--db", str(dbfile)]
    assert run_cli(["users", "add", "admin", "--role", "admin", "--password-stdin", *db], PASSWORD + "\n") == 0
    monkeypatch.setenv("CHITIEU_PASSWORD", "not-the-password")
    assert run_cli(["users", "add", "xem", "--role", "viewer", "--password-stdin", "--user", "admin", *db],
                   PASSWORD + "\n") == 2
    err = capsys.readouterr().err
    assert "Sai mật khẩu" in err and "Wrong password" in err and "Traceback" not in err
    monkeypatch.delenv("CHITIEU_PASSWORD")                # a script with no password and no terminal
    assert run_cli(["users", "disable", "admin", "--user", "admin", *db]) == 2
    err = capsys.readouterr().err
    assert "CHITIEU_PASSWORD" in err and "no terminal" in err
    monkeypatch.setenv("CHITIEU_PASSWORD", PASSWORD)
    assert run_cli(["users", "add", "xem", "--role", "viewer", "--password-stdin", "--user", "admin", *db],
                   PASSWORD + "\n") == 0
    con = open_db(dbfile)
    rows = query_df(con, "SELECT actor, action, entity_key, via FROM audit_log ORDER BY audit_id")
    os_via = "cli:" + auth.os_user()
    assert list(rows["via"]) == [os_via] * len(rows)      # every CLI write names the operating-system account
    assert list(rows["action"]) == ["user.add", "login.failed", "user.add"]
    assert rows["entity_key"][1] == "admin" and list(rows["actor"])[1:] == ["admin", "admin"]
    assert set(query_df(con, "SELECT username FROM users")["username"]) == {"admin", "xem"}


# ---- passwords never in clear -------------------------------------------------------------

def test_passwords_never_stored_or_logged_in_clear(dbfile, capsys, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    db = ["--db", str(dbfile)]
    secret, secret2 = "Rất-bí-mật-Zq81", "Khác-hẳn-Wp27"
    run_cli(["users", "add", "admin", "--role", "admin", "--password-stdin", *db], secret + "\n")
    monkeypatch.setenv("CHITIEU_PASSWORD", secret)
    assert run_cli(["users", "passwd", "admin", "--password-stdin", "--user", "admin", *db], secret2 + "\n") == 0
    monkeypatch.setenv("CHITIEU_PASSWORD", secret2)
    run_cli(["users", "passwd", "admin", "--password-stdin", "--user", "admin", *db], "short\n")
    monkeypatch.setenv("CHITIEU_PASSWORD", "short")       # a wrong password typed for the CLI: audited, not stored
    assert run_cli(["users", "disable", "admin", "--user", "admin", *db]) == 2
    out = capsys.readouterr()
    con = open_db(dbfile)
    dump = query_df(con, "SELECT * FROM users").to_csv() + query_df(con, "SELECT * FROM audit_log").to_csv()
    close_db(dbfile)
    if on_postgres():   # what the server stores, as its backup tool writes it out
        files = postgres_server().dump(str(dbfile))
    else:
        files = b"".join(p.read_bytes() for p in Path(dbfile).parent.iterdir())
    for s in (secret, secret2, "short"):
        for where in (dump, out.out, out.err, caplog.text):
            assert s not in where
        for enc in ("utf-8", "utf-16-le"):
            assert s.encode(enc) not in files
