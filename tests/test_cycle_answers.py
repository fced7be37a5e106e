"""Explanation answers (issue 13): a file attached to an answer (upload rules, stored in the database,
downloaded by the locality's people), answers in the periodic report and in a request's history, the
requests through the command line with the pages' rights, and the approval lock checked inside the
upload's own write transaction."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from chitieu import auth
from chitieu.errors import UserError
from chitieu.report import build_report, render
from chitieu.report.text import paragraphs
from chitieu.store import close_db, cycle as cycle_store, open_db, query_df
from chitieu.store.audit import recent
from chitieu.store.users import add_user
from loaders.actuals.excel_template import template_bytes
from loaders.actuals.upload import confirm, dry_run
from chitieu.store.actuals import store_preview, undo_upload
from tests.actuals_helpers import fresh_db, snapshot
from tests.conftest import DEMO_PASSWORD, make_demo_db, new_database
from tests.make_fixtures import QN, fill_template

ROOT = Path(__file__).resolve().parent.parent
BTO = ("test", "BTO")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + b"\x00" * 16
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00 this is a program, not a report"


@pytest.fixture(autouse=True)
def quick_hash(monkeypatch):
    monkeypatch.setattr(auth, "BCRYPT_ROUNDS", 4)


@pytest.fixture
def demo(tmp_path):
    """The demo database with a leader of Ba Tơ, a leader of Phú Quốc (another province) and one request
    on Ba Tơ's growth target."""
    db = make_demo_db(new_database(tmp_path, "answers"))
    con = open_db(db)
    add_user(con, "ld_bto", "leader", auth.hash_password(DEMO_PASSWORD), localities=[BTO], actor="t")
    add_user(con, "ld_kg", "leader", auth.hash_password(DEMO_PASSWORD), localities=[("test", "PQC")], actor="t")
    rid = cycle_store.request_explanation(con, auth.load_user(con, "ld_bto"), *BTO, "economic_growth", "", 2022,
                                          "Vì sao tăng trưởng chỉ đạt 6 %?", date(2022, 12, 28))
    close_db(db)
    return db, rid


def _explain_state(con) -> tuple:
    cur = con.cursor()
    try:
        return tuple(cur.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                     for t in ("explain_requests", "explain_attachments", "audit_log"))
    finally:
        cur.close()


# ---------------------------------------------------------------- the attached file in the store

def test_answer_with_a_file_is_stored_in_the_database_and_survives_reopening(demo):
    db, rid = demo
    con = open_db(db)
    ba_to = auth.load_user(con, "ba_to")
    cycle_store.answer_request(con, ba_to, rid, "Hạn hán làm giảm sản lượng.", attachment=(PDF, "C:\\tmp\\giải trình.pdf"))
    close_db(db)
    con = open_db(db)                                                 # a fresh process would see the same
    req = cycle_store.requests(con, *BTO, 2022).iloc[0]
    assert (req["state"], req["answer"], req["attachment_name"], req["attachment_kind"]) == (
        "answered", "Hạn hán làm giảm sản lượng.", "giải trình.pdf", "pdf")
    got = cycle_store.attachment(con, auth.load_user(con, "ld_bto"), rid)
    assert got == {"file_name": "giải trình.pdf", "kind": "pdf", "mime": "application/pdf", "data": PDF}
    after = recent(con, action="explain.answer").iloc[0]["after_json"]
    assert '"file": "giải trình.pdf"' in after and '"bytes": ' in after and "%PDF" not in after  # no bytes in the log

    # a later answer without a file keeps it; one with a file (named .pdf, really a PNG) replaces it
    cycle_store.answer_request(con, ba_to, rid, "Bổ sung: mưa lũ tháng 10.")
    assert cycle_store.attachment(con, ba_to, rid)["data"] == PDF
    cycle_store.answer_request(con, ba_to, rid, "Kèm ảnh biên bản.", attachment=(PNG, "bien-ban.pdf"))
    got = cycle_store.attachment(con, ba_to, rid)
    assert (got["file_name"], got["kind"], got["mime"], got["data"]) == ("bien-ban.png", "png", "image/png", PNG)
    close_db(db)


@pytest.mark.parametrize("data, name, code, words", [
    (PROGRAM, "giai_trinh.pdf", "wrong-file-type", "không phải PDF, Word (.docx), Excel (.xlsx), PNG (.png), JPEG (.jpg)"),
    (b"", "trong.pdf", "empty-file", "rỗng"),
    ("Giải trình bằng chữ".encode(), "giai_trinh.txt", "wrong-file-type", "là văn bản (.txt), không phải PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), "bao_cao.xlsx", "encrypted-file",
     "được đặt mật khẩu"),
])
def test_a_bad_file_is_refused_in_vietnamese_and_nothing_changes(demo, data, name, code, words):
    db, rid = demo
    con = open_db(db)
    before = _explain_state(con)
    with pytest.raises(UserError) as bad:
        cycle_store.answer_request(con, auth.load_user(con, "ba_to"), rid, "Giải trình", attachment=(data, name))
    assert bad.value.code == code and words in bad.value.vi, bad.value.vi
    assert "unknown" not in bad.value.vi and " / " not in bad.value.vi     # one language, not "x / y"
    assert _explain_state(con) == before                              # not even the text was stored
    close_db(db)


def test_a_file_over_the_upload_limit_is_refused(demo, monkeypatch):
    db, rid = demo
    monkeypatch.setenv("CHITIEU_UPLOAD_MAX_MB", "1")                   # the actuals' upload setting
    con = open_db(db)
    before = _explain_state(con)
    with pytest.raises(UserError) as big:
        cycle_store.answer_request(con, auth.load_user(con, "ba_to"), rid, "Giải trình",
                                   attachment=(PDF + b"0" * 1_100_000, "lon.pdf"))
    assert big.value.code == "file-too-large" and "Tệp lon.pdf lớn hơn giới hạn 1 MB" in big.value.vi
    assert _explain_state(con) == before
    close_db(db)


def test_only_the_localitys_people_open_the_file(demo):
    db, rid = demo
    con = open_db(db)
    cycle_store.answer_request(con, auth.load_user(con, "ba_to"), rid, "Hạn hán.", attachment=(PDF, "a.pdf"))
    for who in ("viewer", "ld_kg"):
        with pytest.raises(UserError, match="không có quyền mở tệp đính kèm"):
            cycle_store.attachment(con, auth.load_user(con, who), rid)
    for who in ("ba_to", "ld_bto", "admin"):
        assert cycle_store.attachment(con, auth.load_user(con, who), rid)["data"] == PDF
    close_db(db)


@pytest.mark.duckdb_only("a version-4 DuckDB file and the .bak copy made before its upgrade")
def test_a_v4_database_is_backed_up_and_gets_the_attachments_table(tmp_path):
    db = tmp_path / "old.duckdb"
    con = open_db(db)
    cur = con.cursor()
    cur.execute("DROP TABLE explain_attachments")
    cur.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    cur.close()
    close_db(db)
    con = open_db(db)
    assert (tmp_path / "old.duckdb.bak-v4").exists()
    assert query_df(con, "SELECT count(*) AS n FROM explain_attachments")["n"][0] == 0
    close_db(db)


# ---------------------------------------------------------------- history and report

def test_history_of_a_request_with_dates(demo):
    from chitieu import cycle
    db, rid = demo
    con = open_db(db)
    today = date.today().strftime("%d/%m/%Y")
    row = cycle_store.requests(con, *BTO, 2022).iloc[0].to_dict()
    assert cycle.request_steps(row) == [f"Yêu cầu {today} (ld_bto)", "chưa trả lời"]
    cycle_store.answer_request(con, auth.load_user(con, "ba_to"), rid, "Hạn hán.")
    cycle_store.close_request(con, auth.load_user(con, "ld_bto"), rid)
    row = cycle_store.requests(con, *BTO, 2022).iloc[0].to_dict()
    assert cycle.request_steps(row) == [f"Yêu cầu {today} (ld_bto)", f"Trả lời {today} (ba_to)",
                                        f"Đóng {today} (ld_bto)"]
    assert cycle.request_steps(row, "en")[1] == f"Answered {today} (ba_to)"
    with pytest.raises(UserError, match="đã đóng"):
        cycle_store.close_request(con, auth.load_user(con, "ld_bto"), rid)
    close_db(db)


def _docx_text(data: bytes) -> str:
    from docx import Document
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook
    wb = load_workbook(io.BytesIO(data))
    return "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)


def test_the_report_carries_each_request_and_its_answer(demo, tmp_path):
    db, rid = demo
    con = open_db(db)
    ld = auth.load_user(con, "ld_bto")
    other = cycle_store.request_explanation(con, ld, *BTO, "poverty_rate", "", 2022, "Tỷ lệ hộ nghèo vì sao tăng?")
    cycle_store.answer_request(con, auth.load_user(con, "ba_to"), rid, "Hạn hán làm giảm sản lượng nông nghiệp.",
                               attachment=(PDF, "giai-trinh.pdf"))
    cycle_store.close_request(con, ld, rid)
    today = date.today().strftime("%d/%m/%Y")
    report = build_report(con, BTO, 2022, "FY")
    assert [x.request_id for x in report.explanations] == [rid, other]
    text = [t for _, t in paragraphs(report, "vi")]
    head = next(i for i, t in enumerate(text) if t.endswith("GIẢI TRÌNH VỀ CÁC CHỈ TIÊU"))
    first, second = text[head + 1], text[head + 2]
    assert first == (f"- Tốc độ tăng trưởng kinh tế (giá trị tăng thêm): yêu cầu giải trình của ld_bto ngày {today}, "
                     f"hạn 28/12/2022: “Vì sao tăng trưởng chỉ đạt 6 %?”. Giải trình của ba_to ngày {today}: "
                     "“Hạn hán làm giảm sản lượng nông nghiệp.” (kèm tệp giai-trinh.pdf). "
                     f"Đã đóng ngày {today}.")
    assert second.startswith("- Tỷ lệ hộ nghèo: yêu cầu giải trình của ld_bto") and second.endswith("Chưa trả lời.")
    english = [t for _, t in paragraphs(report, "en")]
    assert any("EXPLANATIONS REQUESTED" in t for t in english)
    assert any(t.endswith("Not answered yet.") for t in english)
    assert "Chưa trả lời." in _docx_text(render(report, "docx"))
    assert "(kèm tệp giai-trinh.pdf)" in _xlsx_text(render(report, "xlsx"))
    if shutil.which("pdftotext"):
        pdf = tmp_path / "report.pdf"
        pdf.write_bytes(render(report, "pdf"))
        words = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "GIẢI TRÌNH VỀ CÁC CHỈ TIÊU" in words and "Chưa trả lời." in words
    quiet = build_report(con, ("test", "QNG"), 2022, "FY")                # no request: no section
    assert not any("GIẢI TRÌNH VỀ CÁC CHỈ TIÊU" in t for _, t in paragraphs(quiet, "vi"))
    close_db(db)


# ---------------------------------------------------------------- the lock inside the write transaction

H1 = {("economic_growth", ""): {"period": "6 tháng", "value": "7,5", "standing": "Ước tính"}}


def test_an_approval_between_the_check_and_the_write_still_stops_the_upload(monkeypatch):
    """The leader approves after confirm's early check has passed: the write transaction sees it."""
    con = fresh_db()
    preview = dry_run(con, fill_template(template_bytes(con, ["Thành phố Quảng Ngãi"], 2022, with_children=True), H1),
                      "qn.xlsx", "lan")
    assert preview.ok, preview.report()
    for step in ("submit",):
        cycle_store.act(con, None, step, *QN, 2022, "H1")
    early = cycle_store.refuse_if_locked

    def check_then_leader_approves(c, keys):
        early(c, keys)                                                # passes: not approved yet
        cycle_store.act(con, None, "approve", *QN, 2022, "H1")        # the leader clicks now

    monkeypatch.setattr(cycle_store, "refuse_if_locked", check_then_leader_approves)
    before = snapshot(con)
    with pytest.raises(UserError) as refused:
        confirm(con, preview, "lan")
    assert refused.value.code == "period-locked" and "đã được lãnh đạo duyệt và khoá" in refused.value.vi
    assert "6 tháng" in refused.value.vi and "first 6 months" in refused.value.en.lower()
    after = snapshot(con)
    assert after[:2] == before[:2]                                    # no figure, no upload row
    assert [a for a in recent(con)["action"] if a.startswith("actuals.")] == []


def test_the_store_write_and_undo_refuse_a_locked_period_themselves():
    con = fresh_db()
    preview = dry_run(con, fill_template(template_bytes(con, ["Thành phố Quảng Ngãi"], 2022, with_children=True), H1),
                      "qn.xlsx", "lan")
    uid = store_preview(con, preview, "lan")
    for step in ("submit", "approve"):
        cycle_store.act(con, None, step, *QN, 2022, "H1")
    before = snapshot(con)
    with pytest.raises(UserError, match="đã được lãnh đạo duyệt và khoá"):
        store_preview(con, preview, "lan")                            # no early check at all
    with pytest.raises(UserError, match="đã được lãnh đạo duyệt và khoá"):
        undo_upload(con, uid, "lan")
    assert snapshot(con) == before


# ---------------------------------------------------------------- the command line

def _cli(db, *args, user: str | None = None, cwd=ROOT):
    env = {**os.environ, "CHITIEU_PASSWORD": DEMO_PASSWORD, "CHITIEU_DB": str(db)}
    env.pop("CHITIEU_USER", None)
    extra = ["--user", user] if user else []
    return subprocess.run([sys.executable, "-m", "loaders", "cycle", *args, *extra], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_requests_answers_and_closes_with_the_pages_rights(demo, tmp_path):
    db, first = demo
    ask = ["request", "--locality", "test:BTO", "--year", "2022", "--indicator", "Tỷ lệ hộ nghèo",
           "--message", "Vì sao hộ nghèo tăng?", "--due", "2022-12-30"]
    for who in ("viewer", "ba_to", "ld_kg"):                          # viewer, analyst, another province's leader
        refused = _cli(db, *ask, user=who)
        assert refused.returncode == 2 and "không có quyền" in refused.stderr, refused.stderr
    bad = _cli(db, *ask[:5], "--indicator", "khong_co", "--message", "x", user="ld_bto")
    assert bad.returncode == 2 and 'không có chỉ tiêu "khong_co"' in bad.stderr and "poverty_rate" in bad.stderr
    sent = _cli(db, *ask, user="ld_bto")
    assert sent.returncode == 0, sent.stderr
    rid = int(sent.stdout.split("số ")[1].split()[0])

    proof = tmp_path / "bien-ban.pdf"
    proof.write_bytes(PDF)
    program = tmp_path / "giai-trinh.pdf"
    program.write_bytes(PROGRAM)
    for who in ("viewer", "ld_kg"):
        refused = _cli(db, "answer", "--request", str(rid), "--text", "x", user=who)
        assert refused.returncode == 2 and "không có quyền" in refused.stderr, refused.stderr
    wrong = _cli(db, "answer", "--request", str(rid), "--text", "Do dịch bệnh", "--file", str(program), user="ba_to")
    assert wrong.returncode == 2 and "Nội dung tệp giai-trinh.pdf là loại không rõ" in wrong.stderr, wrong.stderr
    assert str(tmp_path) not in wrong.stderr                          # no server path in the message
    done = _cli(db, "answer", "--request", str(rid), "--text", "Do dịch bệnh", "--file", str(proof), user="ba_to")
    assert done.returncode == 0 and "bien-ban.pdf" in done.stdout, done.stderr

    listed = _cli(db, "requests", "--year", "2022", "--locality", "test:BTO")
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert rows[0][:4] == ["#", "locality", "target", "state"]
    mine = next(r for r in rows if r[0] == str(rid))
    assert mine[1:8] == ["Huyện Ba Tơ", "Tỷ lệ hộ nghèo", "đã trả lời", "30/12/2022", "Vì sao hộ nghèo tăng?",
                         "Do dịch bệnh", "bien-ban.pdf (1 KB)"]
    assert next(r for r in rows if r[0] == str(first))[6] == "chưa trả lời"
    opened = _cli(db, "requests", "--year", "2022", "--open")
    assert str(first) in [line.split("\t")[0] for line in opened.stdout.splitlines()]
    assert str(rid) not in [line.split("\t")[0] for line in opened.stdout.splitlines()]

    out = tmp_path / "saved.pdf"
    refused = _cli(db, "attachment", "--request", str(rid), "--out", str(out), user="viewer")
    assert refused.returncode == 2 and not out.exists()
    saved = _cli(db, "attachment", "--request", str(rid), "--out", str(out), user="ld_bto")
    assert saved.returncode == 0 and out.read_bytes() == PDF, saved.stderr

    for who in ("ba_to", "ld_kg"):
        refused = _cli(db, "close", "--request", str(rid), user=who)
        assert refused.returncode == 2 and "không có quyền đóng" in refused.stderr, refused.stderr
    assert _cli(db, "close", "--request", str(rid), user="ld_bto").returncode == 0
    late = _cli(db, "answer", "--request", str(rid), "--text", "thêm", user="ba_to")
    assert late.returncode == 2 and "đã đóng" in late.stderr
    missing = _cli(db, "close", "--request", "999", user="ld_bto")
    assert missing.returncode == 2 and "Không có yêu cầu giải trình số 999" in missing.stderr

    con = open_db(db)
    audit = recent(con)
    steps = audit[audit["entity_key"] == str(rid)]
    assert list(zip(steps["actor"], steps["action"]))[::-1] == [
        ("ld_bto", "explain.request"), ("ba_to", "explain.answer"), ("ld_bto", "explain.close")]
    assert all(v.startswith("cli:") for v in steps["via"])
    close_db(db)


# ---------------------------------------------------------------- the pages (AppTest)

def _locality(db, monkeypatch, user: str | None, lang: str = "vi") -> AppTest:
    monkeypatch.setenv("CHITIEU_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    if user:
        at.session_state["chitieu_user"] = user
    at.query_params.update({"year": "2022", "loc": "test:BTO", "lang": lang})
    at.run()
    at.switch_page("views/locality.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _cycle(db, monkeypatch, user: str | None, lang: str = "vi") -> AppTest:
    monkeypatch.setenv("CHITIEU_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    if user:
        at.session_state["chitieu_user"] = user
    at.query_params.update({"year": "2022", "period": "FY", "lang": lang})
    at.run()
    at.switch_page("views/cycle.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _tid(db) -> int:
    return int(query_df(open_db(db), "SELECT t.target_id FROM targets t JOIN plans p USING (plan_id) WHERE p.year = 2022 "
                        "AND p.locality_code = 'BTO' AND t.indicator = 'economic_growth'")["target_id"][0])


def _downloads(at: AppTest) -> list:
    """The attachment download buttons (the locality page has its report's too)."""
    return [e for e in at.get("download_button") if e.proto.label.startswith(("Tải tệp kèm", "Download the attachment"))]


def test_page_analyst_attaches_a_file_leader_downloads_it(demo, monkeypatch):
    db, rid = demo
    tid = _tid(db)
    at = _locality(db, monkeypatch, "ba_to")
    before = _explain_state(open_db(db))
    at.text_area(key=f"ans_{tid}_{rid}").input("Hạn hán làm giảm sản lượng.")
    at.file_uploader(key=f"ans_file_{tid}_{rid}").upload("giai_trinh.pdf", PROGRAM, "application/pdf").run()
    at.button(key=f"ans_btn_{tid}_{rid}").click().run()
    assert any("Nội dung tệp giai_trinh.pdf là loại không rõ, không phải PDF" in e.value for e in at.error)
    assert _explain_state(open_db(db)) == before                      # a bad file: nothing stored

    at = _locality(db, monkeypatch, "ba_to")
    at.text_area(key=f"ans_{tid}_{rid}").input("Hạn hán làm giảm sản lượng.")
    at.file_uploader(key=f"ans_file_{tid}_{rid}").upload("bien ban.pdf", PDF, "application/pdf").run()
    at.button(key=f"ans_btn_{tid}_{rid}").click().run()
    assert any("Đã gửi giải trình" in s.value for s in at.success)

    at = _locality(db, monkeypatch, "ld_bto")                          # the leader: answer, file, history
    shown = "\n".join(m.value for m in (*at.markdown, *at.caption))
    today = date.today().strftime("%d/%m/%Y")
    assert "**Giải trình** (ba_to): “Hạn hán làm giảm sản lượng.”" in shown
    assert f"Diễn biến: Yêu cầu {today} (ld_bto) → Trả lời {today} (ba_to)" in shown
    assert "Tệp kèm: bien ban.pdf (1 KB)" in shown
    assert [d.proto.label for d in _downloads(at)] == ["Tải tệp kèm: bien ban.pdf"]

    at = _locality(db, monkeypatch, "viewer")                          # a viewer: the name, no download
    shown = "\n".join(m.value for m in (*at.markdown, *at.caption))
    assert "chỉ chuyên viên và lãnh đạo của địa phương tải được" in shown and not _downloads(at)

    page = _cycle(db, monkeypatch, "ld_bto")                           # the requests list on the cycle page
    row = next(d.value for d in page.dataframe if "Giải trình" in d.value.columns).iloc[0]
    assert (row["Trạng thái"], row["Giải trình"]) == (
        "đã trả lời", "Hạn hán làm giảm sản lượng. (Tệp kèm: bien ban.pdf (1 KB))")
    assert [d.proto.label for d in _downloads(page)] == ["Tải tệp kèm: bien ban.pdf"]
    assert not _downloads(_cycle(db, monkeypatch, "ld_kg"))           # another province's leader


def _page_text(at: AppTest) -> str:
    parts = [*(e.value for e in (*at.title, *at.subheader, *at.markdown, *at.caption, *at.info, *at.warning,
                                    *at.success, *at.error)),
             *(b.label for b in at.button), *(s.label for s in at.selectbox), *(x.label for x in at.text_input)]
    for frame in at.dataframe:
        parts += [str(c) for c in frame.value.columns]
    return "\n".join(str(p) for p in parts)


def _static_vi_phrases() -> list[str]:
    """The Vietnamese words of every cycle string (the text between placeholders, 6 letters or more)."""
    import re

    from ui.i18n import STRINGS
    out = []
    for key, (vi, en) in STRINGS.items():
        if key.startswith("cy_") or key == "page_cycle":
            out += [p.strip(" *.,:;()—–“”") for p in re.split(r"\{[^}]*\}", vi)]
    return sorted({p for p in out if len(p) >= 6} - {"Chỉ tiêu"})   # "Chỉ tiêu" is also the product's name


def test_cycle_page_in_english_has_no_vietnamese_interface_words(demo, monkeypatch):
    import re
    db, _ = demo
    at = _cycle(db, monkeypatch, "admin", "en")
    text = _page_text(at)
    for must in ("Reporting cycle", "Reporting calendar 2022", "Localities not fully reported",
                 "Submit, approve and lock the figures", "Explanation requests", "Units' targets against the level above",
                 "Full year 2022: figures cut off on 14/12/2022, due on 20/12/2022", "Save the dates", "Cut-off date"):
        assert must in text, must
    leaks = [p for p in _static_vi_phrases() if p in text]
    assert not leaks, leaks
    assert not re.findall(r".{0,40}\b(?:None|nan|NaT)\b.{0,20}", text)
    assert "chưa trả lời" not in text and "Trạng thái" not in text and "Mặc định" not in text

    at = _locality(db, monkeypatch, "ld_bto", "en")                    # the why panel in English
    text = _page_text(at)
    assert "**Explanation request #" in text and "(not answered" in text and "answer by 28/12/2022" in text
    assert "History: Requested" in text and "Send the explanation request" in text
    assert not [p for p in _static_vi_phrases() if p in text]


def test_cycle_page_in_vietnamese_has_no_english_interface_words(demo, monkeypatch):
    import re

    from ui.i18n import STRINGS
    db, _ = demo
    at = _cycle(db, monkeypatch, "admin", "vi")
    text = _page_text(at)
    english = sorted({p.strip(" *.,:;()—–“”") for k, (vi, en) in STRINGS.items() if k.startswith("cy_")
                      for p in re.split(r"\{[^}]*\}", en)} - {""})
    leaks = [p for p in english if len(p) >= 6 and p in text]
    assert not leaks, leaks
    assert "Kỳ báo cáo" in text and "Lịch báo cáo năm 2022" in text
    row = next(d.value for d in at.dataframe if "Giải trình" in d.value.columns).iloc[0]
    assert (row["Trạng thái"], row["Giải trình"]) == ("chưa trả lời, hạn 28/12/2022", "–")
