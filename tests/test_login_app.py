"""Login in the app (issue 10 finding 5, issue 11 first administrator), driven with AppTest.

- a guesser is slowed per client with a growing delay; the real user elsewhere is not locked out
  (before: five wrong passwords from anywhere locked the admin out for 5 minutes);
- failed logins are in the audit log with the client's address (before: no trace);
- on a fresh install the first administrator is created in the app: from the server's own
  machine directly, from elsewhere only with the set-up token (before: a terminal command that
  failed with system Python and was refused while the app ran).
The cookie that keeps a login across a reload is tested in a real browser (test_login_browser.py).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import ui.auth as auth_ui
from chitieu import auth
from chitieu.store import close_db, open_db, query_df
from tests.conftest import DEMO_PASSWORD, login_form, make_demo_db

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def fresh_throttle(monkeypatch):
    monkeypatch.setattr(auth, "BCRYPT_ROUNDS", 4)
    monkeypatch.setattr(auth_ui, "THROTTLE", auth.LoginThrottle())


class Client:
    """Which address the next session connects from (the socket peer ui.auth reads)."""
    address: str | None = None


@pytest.fixture
def client(monkeypatch):
    monkeypatch.setattr(auth_ui, "client_address", lambda: Client.address)
    Client.address = None
    return Client


def dashboard(db, monkeypatch) -> AppTest:
    monkeypatch.setenv("CHITIEU_DB", str(db))
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()


login = login_form  # the one sign-in helper (tests/conftest.py)


def errors(at: AppTest) -> str:
    return " | ".join(e.value for e in at.error)


def test_a_guesser_is_slowed_and_the_real_admin_elsewhere_still_logs_in(tmp_path, monkeypatch, client):
    db = make_demo_db(tmp_path / "guess.duckdb")
    client.address = "203.0.113.9"
    guesser = dashboard(db, monkeypatch)
    for i in range(6):
        login(guesser, "admin", f"doan-mo-{i}")
        assert "chitieu_user" not in guesser.session_state
    assert "Sai tên đăng nhập" in errors(guesser) or "hãy chờ" in errors(guesser)
    login(guesser, "admin", DEMO_PASSWORD)              # even the right password waits its turn from there
    assert "hãy chờ" in errors(guesser) and "chitieu_user" not in guesser.session_state
    client.address = "192.168.1.20"                     # the real admin at their own desk: not locked out
    admin = login(dashboard(db, monkeypatch), "admin", DEMO_PASSWORD)
    assert admin.session_state["chitieu_user"] == "admin" and not admin.error
    con = open_db(db)
    failed = query_df(con, "SELECT actor, entity_key, after_json, via FROM audit_log WHERE action = 'login.failed'")
    assert len(failed) >= 3                              # every attempt that was checked is in the log
    assert set(failed["entity_key"]) == {"admin"} and set(failed["via"]) == {"app:203.0.113.9"}
    assert all("203.0.113.9" in j for j in failed["after_json"])
    assert not any(DEMO_PASSWORD in j or "doan-mo" in j for j in failed["after_json"])   # never the password


def test_growing_delay_is_announced(tmp_path, monkeypatch, client):
    db = make_demo_db(tmp_path / "delay.duckdb")
    client.address = "203.0.113.10"
    at = dashboard(db, monkeypatch)
    messages = [errors(login(at, "viewer", "sai-mat-khau")) for _ in range(4)]
    assert "Lần thử tiếp theo" not in messages[0]
    assert "Lần thử tiếp theo sau 2 giây" in messages[2] and "hãy chờ" in messages[3]


def fresh_install(tmp_path) -> Path:
    from tests.test_faults import seed
    db = tmp_path / "fresh.duckdb"
    seed(open_db(db), ["99600"])
    close_db(db)
    return db


def setup(at: AppTest, name: str, password: str, password2: str | None = None, token: str | None = None):
    if token is not None:
        at.text_input(key="setup_token").input(token)
    at.text_input(key="setup_name").input(name)
    at.text_input(key="setup_password").input(password)
    at.text_input(key="setup_password2").input(password if password2 is None else password2)
    next(b for b in at.button if b.label == "Tạo quản trị viên").click()
    return at.run()


def test_first_admin_from_another_computer_needs_the_setup_token(tmp_path, monkeypatch, client):
    db = fresh_install(tmp_path)
    client.address = "198.51.100.7"
    at = dashboard(db, monkeypatch)
    assert not at.exception and any("Tạo quản trị viên đầu tiên" in i.value for i in at.info)
    assert not any("python -m loaders" in i.value for i in at.info)     # no terminal command to copy
    token_file = auth_ui.token_file(db)
    token = token_file.read_text(encoding="utf-8").strip()
    setup(at, "admin", "Mat-khau-quan-tri-1", token="sai-ma-000")
    assert "Mã thiết lập không đúng" in errors(at)
    setup(at, "admin", "Mat-khau-quan-tri-1", "khac-han-nhe-1", token=token)
    assert "không khớp" in errors(at)
    con = open_db(db)                                                   # the app's own connection
    assert query_df(con, "SELECT count(*) AS n FROM users")["n"][0] == 0
    setup(at, "admin", "Mat-khau-quan-tri-1", token=token)
    assert not at.exception and at.session_state["chitieu_user"] == "admin"
    assert not token_file.exists()                                      # one time only
    assert not any(getattr(f, "key", None) == "setup_token" for f in at.text_input)
    con = open_db(db)
    user = auth.authenticate(con, "admin", "Mat-khau-quan-tri-1")
    log = query_df(con, "SELECT action, via FROM audit_log WHERE action IN ('setup.admin', 'login.failed')")
    assert user is not None and user.role == "admin"
    assert sorted(log["action"]) == ["login.failed", "setup.admin"]
    again = dashboard(db, monkeypatch)                                  # the form is gone for everyone
    assert not any(getattr(f, "key", None) == "setup_name" for f in again.text_input)


def test_first_admin_on_the_servers_own_machine_needs_no_token(tmp_path, monkeypatch, client):
    db = fresh_install(tmp_path)
    client.address = "127.0.0.1"
    at = dashboard(db, monkeypatch)
    assert not any(getattr(f, "key", None) == "setup_token" for f in at.text_input)
    setup(at, "quantri", "Mat-khau-quan-tri-2")
    assert at.session_state["chitieu_user"] == "quantri"
    second = dashboard(db, monkeypatch)
    assert not any(getattr(f, "key", None) == "setup_name" for f in second.text_input)
