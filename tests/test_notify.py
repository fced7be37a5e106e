"""Notifications of the reporting cycle (issue 13): who is told, the words, the inbox in the app, e-mail.

- each cycle step writes one notification per person concerned, in the step's own transaction
  (a refused step tells nobody); nobody reads or marks another person's notifications;
- e-mail through a local SMTP server started here on loopback (aiosmtpd): the message arrives
  with its Vietnamese subject and body; with the server down the step is done, the inbox
  written, the failure recorded and audited and shown to the administrator, never raised;
- the app (AppTest): an analyst logging in sees the explanation request and the unread count,
  marks it read, opens its page; a leader sees the submission; others see none of it;
- the command line sets a user's e-mail address (a bad one is refused, nothing changed).
"""
from __future__ import annotations

import asyncio
import email
import email.policy
import os
import socket
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from chitieu import auth, notify
from chitieu.errors import UserError
from chitieu.store import close_db, cycle as cycle_store, open_db, query_df
from chitieu.store import notify as notify_store
from chitieu.store.audit import recent
from chitieu.store.users import add_user, set_disabled
from tests.actuals_helpers import fresh_db
from tests.conftest import DEMO_PASSWORD, login_form, make_demo_db, new_database
from tests.make_fixtures import QN, TK

ROOT = Path(__file__).resolve().parent.parent
GROWTH = "Tốc độ tăng trưởng kinh tế (giá trị tăng thêm)"
PROVINCE = ("gso_pre2025", "51")  # Tỉnh Quảng Ngãi, above QN (the city) and TK (a commune of it)


@pytest.fixture(autouse=True)
def quick_hash(monkeypatch):
    monkeypatch.setattr(auth, "BCRYPT_ROUNDS", 4)
    for name in ("HOST", "PORT", "USER", "PASSWORD", "FROM", "STARTTLS"):
        monkeypatch.delenv(f"CHITIEU_SMTP_{name}", raising=False)


def people(con) -> dict[str, auth.User]:
    h = auth.hash_password(DEMO_PASSWORD)
    for name, role, locs in [("xa", "analyst", [TK]), ("lan", "analyst", [QN]), ("ld_qn", "leader", [QN]),
                             ("ld_tinh", "leader", [PROVINCE]), ("ld_khac", "leader", [("gso_pre2025", "01")]),
                             ("xem", "viewer", [])]:
        add_user(con, name, role, h, localities=locs, actor="test")
    return {n: auth.load_user(con, n) for n in ("xa", "lan", "ld_qn", "ld_tinh", "ld_khac", "xem")}


def told(con) -> list[tuple[str, str]]:
    return [tuple(r) for r in query_df(con, "SELECT username, kind FROM notifications ORDER BY notification_id")
            .itertuples(index=False)]


# ---------------------------------------------------------------- who is told, in words

def test_each_step_tells_the_people_concerned_and_nobody_else():
    con = fresh_db()
    u = people(con)
    cycle_store.act(con, u["xa"], "submit", *TK, 2022, "H1")             # the leaders over the commune
    assert told(con) == [("ld_qn", "cycle.submit"), ("ld_tinh", "cycle.submit")]
    cycle_store.act(con, u["ld_qn"], "return", *TK, 2022, "H1", "Thiếu số thu ngân sách")
    assert told(con)[2:] == [("lan", "cycle.return"), ("xa", "cycle.return")]  # its analysts (and the city's)
    cycle_store.act(con, u["xa"], "submit", *TK, 2022, "H1")
    cycle_store.act(con, u["ld_tinh"], "approve", *TK, 2022, "H1")
    cycle_store.act(con, u["ld_tinh"], "unlock", *TK, 2022, "H1", "Cục Thống kê sửa số liệu")
    assert told(con)[4:] == [("ld_qn", "cycle.submit"), ("ld_tinh", "cycle.submit"), ("lan", "cycle.approve"),
                             ("xa", "cycle.approve"), ("lan", "cycle.unlock"), ("xa", "cycle.unlock")]

    before = len(told(con))
    rid = cycle_store.request_explanation(con, u["ld_tinh"], *QN, "economic_growth", "", 2022, "Vì sao thấp?",
                                          due=date(2022, 7, 5))
    cycle_store.answer_request(con, u["lan"], rid, "Do hạn hán kéo dài.")
    cycle_store.close_request(con, u["ld_qn"], rid)                     # closed by another leader than the asker
    assert told(con)[before:] == [("lan", "explain.request"), ("ld_tinh", "explain.answer"),
                                  ("lan", "explain.close"), ("ld_tinh", "explain.close")]
    assert not [k for n, k in told(con) if n in ("ld_khac", "xem")]     # another province, a viewer: nothing

    row = notify_store.inbox(con, "lan").iloc[-1].to_dict()            # lan's oldest: the return
    assert notify.title(row) == "Số liệu bị trả lại: Xã Tịnh Khê, 6 tháng năm 2022"
    assert notify.body(row) == ("ld_qn trả lại số liệu 6 tháng năm 2022 của Xã Tịnh Khê với nhận xét: “Thiếu số thu "
                                "ngân sách”. Việc cần làm: sửa số liệu (trang Nhập số liệu) rồi gửi duyệt lại (trang "
                                "Kỳ báo cáo).")
    req = notify_store.inbox(con, "lan")
    req = req[req["kind"] == "explain.request"].iloc[0].to_dict()
    assert notify.title(req) == f"Yêu cầu giải trình: {GROWTH} — Thành phố Quảng Ngãi"
    assert notify.body(req).startswith("ld_tinh yêu cầu Thành phố Quảng Ngãi giải trình: “Vì sao thấp?”, hạn trả "
                                       "lời 05/07/2022. Việc cần làm: trả lời")
    assert notify.link(req) == ("Mở trang Địa phương", "locality", {"year": 2022, "loc": "gso_pre2025:522"})
    assert notify.title(req, "en") == f"Explanation requested: {GROWTH} — Thành phố Quảng Ngãi"


def test_a_refused_step_tells_nobody_and_a_disabled_user_is_not_told():
    con = fresh_db()
    u = people(con)
    with pytest.raises(UserError):
        cycle_store.act(con, u["ld_qn"], "approve", *TK, 2022, "H1")     # nothing submitted yet
    with pytest.raises(UserError, match="không có quyền"):
        cycle_store.act(con, u["ld_khac"], "approve", *TK, 2022, "H1")
    assert told(con) == []
    set_disabled(con, "ld_tinh", actor="test")
    cycle_store.act(con, u["xa"], "submit", *TK, 2022, "FY")
    assert told(con) == [("ld_qn", "cycle.submit")]
    assert notify.title(notify_store.inbox(con, "ld_qn").iloc[0].to_dict()) == "Số liệu chờ duyệt: Xã Tịnh Khê, cả năm 2022"


def test_nobody_reads_or_marks_another_persons_notifications():
    con = fresh_db()
    u = people(con)
    cycle_store.act(con, u["xa"], "submit", *TK, 2022, "H1")
    theirs = [int(i) for i in notify_store.inbox(con, "ld_qn")["notification_id"]]
    assert notify_store.inbox(con, "xa").empty and notify_store.inbox(con, "ld_khac").empty
    assert notify_store.mark_read(con, "ld_khac", theirs) == 0              # someone else's ids: nothing changes
    assert notify_store.unread_count(con, "ld_qn") == 1
    assert notify_store.mark_read(con, "ld_qn", theirs) == 1
    assert notify_store.unread_count(con, "ld_qn") == 0 and notify_store.unread_count(con, "ld_tinh") == 1


def test_email_addresses_are_checked():
    assert notify.check_email(" Lan@QuangNgai.gov.vn ") == "lan@quangngai.gov.vn"
    assert notify.check_email("") is None
    for bad in ("lan", "lan@", "lan@quangngai", "a b@x.vn", "lan@x.vn, ai@y.vn"):
        with pytest.raises(UserError, match="không phải địa chỉ thư điện tử hợp lệ"):
            notify.check_email(bad)
    assert notify.address_of("lan", None) is None
    assert notify.address_of("lan@x.gov.vn", None) == "lan@x.gov.vn"    # a single sign-on name is an address


# ---------------------------------------------------------------- e-mail through a local server

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping what it receives."""

    def __init__(self):
        self.got = []

    async def handle_DATA(self, server, session, envelope):
        self.got.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content,
                                                                            policy=email.policy.default)))
        return "250 OK"


@pytest.fixture
def smtp_server(monkeypatch):
    from aiosmtpd.controller import Controller
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setenv("CHITIEU_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CHITIEU_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("CHITIEU_SMTP_STARTTLS", "0")
    monkeypatch.setenv("CHITIEU_SMTP_FROM", "chitieu@quangngai.gov.vn")
    yield handler
    controller.stop()


def test_a_submission_arrives_by_email_in_vietnamese(smtp_server):
    con = fresh_db()
    u = people(con)
    notify_store.set_email(con, "ld_qn", "LanhDao.QN@quangngai.gov.vn", actor="admin")   # ld_tinh has no address
    cycle_store.act(con, u["xa"], "submit", *TK, 2022, "H1")
    notify_store.drain()
    assert [to for to, _ in smtp_server.got] == [["lanhdao.qn@quangngai.gov.vn"]]
    msg = smtp_server.got[0][1]
    assert msg["Subject"] == "[Chỉ tiêu] Số liệu chờ duyệt: Xã Tịnh Khê, 6 tháng năm 2022"
    assert "chitieu@quangngai.gov.vn" in msg["From"]
    text = msg.get_content()
    assert "xa đã gửi duyệt số liệu 6 tháng năm 2022 của Xã Tịnh Khê. Việc cần làm: duyệt và khoá" in text
    sent = query_df(con, "SELECT username, emailed_at, email_error FROM notifications ORDER BY username")
    assert sent["emailed_at"].notna().tolist() == [True, False] and sent["email_error"].isna().all()

    rid = cycle_store.request_explanation(con, u["ld_qn"], *TK, "economic_growth", "", 2022, "Vì sao chưa có số?")
    notify_store.set_email(con, "xa", "xa.tinhkhe@quangngai.gov.vn", actor="admin")
    cycle_store.answer_request(con, u["xa"], rid, "Đang chờ Chi cục Thống kê.")
    notify_store.drain()
    subjects = [m["Subject"] for _, m in smtp_server.got]
    assert subjects[-1] == f"[Chỉ tiêu] Đã có giải trình: {GROWTH} — Xã Tịnh Khê"
    assert "xa đã giải trình: “Đang chờ Chi cục Thống kê.”" in smtp_server.got[-1][1].get_content()


class SlowInbox(Inbox):
    """Holds every message until the test lets it through."""

    def __init__(self):
        super().__init__()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
        return await super().handle_DATA(server, session, envelope)


def test_the_step_does_not_wait_for_the_mail_server(monkeypatch):
    from aiosmtpd.controller import Controller
    handler = SlowInbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        monkeypatch.setenv("CHITIEU_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CHITIEU_SMTP_PORT", str(controller.port))
        monkeypatch.setenv("CHITIEU_SMTP_STARTTLS", "0")
        con = fresh_db()
        u = people(con)
        notify_store.set_email(con, "ld_qn", "ld.qn@quangngai.gov.vn", actor="admin")
        assert cycle_store.act(con, u["xa"], "submit", *TK, 2022, "H1") == "submitted"
        sending = notify_store._THREADS[-1]
        assert sending.is_alive() and handler.got == []                   # done, while the server still holds it
        assert notify_store.unread_count(con, "ld_qn") == 1
        handler.release.set()
        notify_store.drain()
        assert [to for to, _ in handler.got] == [["ld.qn@quangngai.gov.vn"]]
    finally:
        handler.release.set()
        controller.stop()


def test_mail_server_down_leaves_the_step_done_and_the_inbox_written(monkeypatch, caplog):
    monkeypatch.setenv("CHITIEU_SMTP_PASSWORD", "mat-khau-may-chu-thu")
    monkeypatch.setenv("CHITIEU_SMTP_USER", "chitieu")
    monkeypatch.setenv("CHITIEU_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CHITIEU_SMTP_PORT", str(free_port()))          # nothing listens there
    monkeypatch.setenv("CHITIEU_SMTP_STARTTLS", "0")
    con = fresh_db()
    u = people(con)
    notify_store.set_email(con, "ld_qn", "ld.qn@quangngai.gov.vn", actor="admin")
    assert cycle_store.act(con, u["xa"], "submit", *TK, 2022, "H1") == "submitted"
    notify_store.drain()
    assert cycle_store.state_of(con, *TK, 2022, "H1")["state"] == "submitted"
    assert notify_store.unread_count(con, "ld_qn") == 1
    row = query_df(con, "SELECT emailed_at, email_error FROM notifications WHERE username = 'ld_qn'").iloc[0]
    assert pd_isna(row["emailed_at"]) and row["email_error"] == "connect"
    failed = notify_store.email_failures(con)
    assert failed["n"] == 1
    assert notify.failure_text(failed["error"], notify.smtp_config()).startswith("không kết nối được máy chủ thư 127.0.0.1:")
    assert recent(con, action="notify.email_failed").iloc[0]["actor"] == "system"
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "chitieu")
    assert "e-mail: cannot reach 127.0.0.1" in logged and "mat-khau-may-chu-thu" not in logged


def pd_isna(value) -> bool:
    import pandas as pd
    return bool(pd.isna(value))


# ---------------------------------------------------------------- the app

def dashboard(db, monkeypatch, user: str | None = None) -> AppTest:
    monkeypatch.setenv("CHITIEU_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    if user:
        at.session_state["chitieu_user"] = user
    at.query_params.update({"year": "2022", "period": "FY"})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def login(at: AppTest, name: str) -> AppTest:
    at = login_form(at, name)
    assert not at.exception, [e.value for e in at.exception]
    return at


def inbox_box(at: AppTest):
    """(label, text) of the sidebar's notifications expander, its Markdown escapes removed (as a reader sees it)."""
    box = next(e for e in at.sidebar.expander if e.label.startswith("Thông báo"))
    return box.label, "\n".join(str(m.value) for m in (*box.markdown, *box.caption)).replace("\\", "")


def test_analyst_logs_in_sees_the_request_marks_it_read_and_opens_its_page(tmp_path, monkeypatch):
    db = make_demo_db(new_database(tmp_path, "inbox"))
    con = open_db(db)
    add_user(con, "ld_bto", "leader", auth.hash_password(DEMO_PASSWORD), localities=[("test", "BTO")], actor="t")
    cycle_store.request_explanation(con, auth.load_user(con, "ld_bto"), "test", "BTO", "economic_growth", "", 2022,
                                    "Vì sao tăng trưởng chỉ đạt 6 %?", due=date(2022, 12, 28))
    nid = int(query_df(con, "SELECT notification_id FROM notifications WHERE username = 'ba_to'")["notification_id"][0])
    close_db(db)

    at = dashboard(db, monkeypatch)
    assert not [e for e in at.sidebar.expander if e.label.startswith("Thông báo")]   # an anonymous reader: none
    at = login(at, "ba_to")
    assert any("Bạn có 1 thông báo chưa đọc" in str(x.value) for x in at.toast)
    label, text = inbox_box(at)
    assert label == "Thông báo: 1 chưa đọc"
    assert f"**Yêu cầu giải trình: {GROWTH} — Huyện Ba Tơ**" in text
    assert "ld_bto yêu cầu Huyện Ba Tơ giải trình: “Vì sao tăng trưởng chỉ đạt 6 %?”, hạn trả lời 28/12/2022" \
        in text
    assert "Chưa đọc" in text

    at.button(key=f"inbox_read_{nid}").click().run()
    label, text = inbox_box(at)
    assert label == "Thông báo" and "Chưa đọc" not in text and "Yêu cầu giải trình" in text
    assert notify_store.unread_count(open_db(db), "ba_to") == 0

    at.button(key=f"inbox_open_{nid}").click().run()                   # its page, with its locality chosen
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="loc").value == "test:BTO"
    assert any(b.label == "Gửi giải trình" for b in at.button)         # where the analyst answers
    close_db(db)


def test_leader_sees_the_submission_and_others_see_nothing(tmp_path, monkeypatch):
    db = make_demo_db(new_database(tmp_path, "leader"))
    con = open_db(db)
    add_user(con, "ld_bto", "leader", auth.hash_password(DEMO_PASSWORD), localities=[("test", "BTO")], actor="t")
    add_user(con, "ld_kg", "leader", auth.hash_password(DEMO_PASSWORD), localities=[("test", "PQC")], actor="t")
    cycle_store.act(con, auth.load_user(con, "ba_to"), "submit", "test", "BTO", 2022, "FY")   # the analyst submits
    close_db(db)

    assert inbox_box(dashboard(db, monkeypatch, "ba_to"))[0] == "Thông báo"   # nobody is told of their own step

    at = dashboard(db, monkeypatch, "ld_bto")
    label, text = inbox_box(at)
    assert label == "Thông báo: 1 chưa đọc"
    assert "Số liệu chờ duyệt: Huyện Ba Tơ, cả năm 2022" in text
    assert "ba_to đã gửi duyệt số liệu cả năm 2022 của Huyện Ba Tơ. Việc cần làm: duyệt và khoá" in text
    at.button(key="inbox_read_all").click().run()
    assert inbox_box(at)[0] == "Thông báo"
    nid = int(notify_store.inbox(open_db(db), "ld_bto")["notification_id"][0])
    at.button(key=f"inbox_open_{nid}").click().run()
    assert any(b.label == "Duyệt và khoá" for b in at.button)          # the cycle page, where the leader acts

    for other in ("ld_kg", "viewer", "admin"):                          # another province, a viewer, the admin
        label, text = inbox_box(dashboard(db, monkeypatch, other))
        assert label == "Thông báo" and "Chưa có thông báo nào." in text and "Ba Tơ" not in text
    close_db(db)


def test_inbox_in_english(tmp_path, monkeypatch):
    db = make_demo_db(new_database(tmp_path, "en"))
    con = open_db(db)
    add_user(con, "ld_bto", "leader", auth.hash_password(DEMO_PASSWORD), localities=[("test", "BTO")], actor="t")
    cycle_store.act(con, auth.load_user(con, "ba_to"), "submit", "test", "BTO", 2022, "FY")
    close_db(db)
    monkeypatch.setenv("CHITIEU_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.session_state["chitieu_user"] = "ld_bto"
    at.query_params.update({"year": "2022", "lang": "en"})
    at.run()
    box = next(e for e in at.sidebar.expander if e.label.startswith("Notifications"))
    assert box.label == "Notifications: 1 unread"
    assert "Figures submitted for approval: Huyện Ba Tơ, full year 2022" in "\n".join(m.value for m in box.markdown)


def test_admin_sees_mail_failures(tmp_path, monkeypatch):
    monkeypatch.setenv("CHITIEU_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CHITIEU_SMTP_PORT", str(free_port()))
    monkeypatch.setenv("CHITIEU_SMTP_STARTTLS", "0")
    db = make_demo_db(new_database(tmp_path, "fail"))
    con = open_db(db)
    add_user(con, "ld_bto", "leader", auth.hash_password(DEMO_PASSWORD), localities=[("test", "BTO")], actor="t")
    notify_store.set_email(con, "ld_bto", "ld.bto@quangngai.gov.vn", actor="admin")
    cycle_store.act(con, auth.load_user(con, "ba_to"), "submit", "test", "BTO", 2022, "FY")
    notify_store.drain()
    close_db(db)
    at = dashboard(db, monkeypatch, "admin")
    box = next(e for e in at.sidebar.expander if e.label.startswith("Thông báo"))
    warning = " ".join(w.value for w in box.warning)
    assert "1 thư điện tử thông báo chưa gửi được trong 7 ngày qua: không kết nối được máy chủ thư 127.0.0.1:" in warning
    assert "Traceback" not in warning and "Errno" not in warning
    assert "chưa có địa chỉ thư" in inbox_box(at)[1]                    # the admin has no address
    label, text = inbox_box(dashboard(db, monkeypatch, "ld_bto"))       # the leader: the inbox, no failure line
    assert label == "Thông báo: 1 chưa đọc" and "chưa gửi được" not in text


# ---------------------------------------------------------------- the command line

def test_cli_sets_and_refuses_an_email_address(tmp_path):
    db = make_demo_db(new_database(tmp_path, "cli"))
    env = {**os.environ, "CHITIEU_PASSWORD": DEMO_PASSWORD, "CHITIEU_DB": str(db)}

    def cli(*args, stdin: str | None = None):
        return subprocess.run([sys.executable, "-m", "loaders", "users", *args], cwd=ROOT, env=env, input=stdin,
                              capture_output=True, text=True, timeout=120)
    done = cli("email", "ba_to", "--email", "BaTo@QuangNgai.gov.vn", "--user", "admin")
    assert done.returncode == 0, done.stderr
    bad = cli("email", "ba_to", "--email", "ba_to@", "--user", "admin")
    assert bad.returncode == 2 and "không phải địa chỉ thư điện tử hợp lệ" in bad.stderr and "Traceback" not in bad.stderr
    refused = cli("email", "ba_to", "--email", "x@y.vn", "--user", "viewer")
    assert refused.returncode == 2, refused.stderr
    new = ("add", "moi", "--role", "analyst", "--locality", "test:BTO", "--password-stdin", "--user", "admin")
    bad_add = cli(*new, "--email", "moi@quangngai", stdin="Mat-khau-moi-2025\n")
    assert bad_add.returncode == 2 and "không phải địa chỉ thư điện tử hợp lệ" in bad_add.stderr
    added = cli(*new, "--email", "moi@quangngai.gov.vn", stdin="Mat-khau-moi-2025\n")
    assert added.returncode == 0, added.stderr
    con = open_db(db)
    assert notify_store.email_of(con, "moi") == "moi@quangngai.gov.vn"     # the refused add created nobody:
    assert list(recent(con, action="user.add")["entity_key"]).count("moi") == 1   # one user.add, the second try
    assert notify_store.email_of(con, "ba_to") == "bato@quangngai.gov.vn"  # unchanged by the refused ones
    assert recent(con, action="user.email").iloc[0]["actor"] == "admin"
    close_db(db)
