"""Command line: error paths in Vietnamese and English with non-zero exits (never a
traceback), --db / CHITIEU_DB, and an idempotent build that replaces only a changed plan."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from chitieu.store import close_db, open_db, query_df

ROOT = Path(__file__).resolve().parent.parent


def cli(*args, env=None, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "loaders", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", env={**os.environ, **(env or {})})


@pytest.mark.parametrize("name,content,code_vi", [
    ("missing.txt", None, "Không mở được tệp"),
    ("picture.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "không phải văn bản"),
    ("letter.txt", "Kính gửi anh Nam, hẹn gặp lại.".encode(), "không giống một kế hoạch"),
    ("empty_plan.txt", "KẾ HOẠCH năm 2024\n\nII. CHỈ TIÊU\n\nSẽ bổ sung sau.\n".encode(), "Không tìm thấy chỉ tiêu"),
    ("broken.docx", b"PK\x03\x04" + bytes(100), "Không đọc được tệp"),
    ("scan.pdf", b"%PDF-1.4\n%%EOF\n", "Không đọc được tệp"),
])
def test_extract_errors_are_clear_and_non_zero(tmp_path, name, content, code_vi):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = cli("extract", path)
    assert result.returncode != 0
    assert code_vi in result.stderr and "Error:" in result.stderr
    assert "Traceback" not in result.stderr


def test_docx_and_text_pdf_plans_are_read(tmp_path):
    import docx
    d = docx.Document()
    d.add_paragraph("KẾ HOẠCH năm 2024")
    d.add_paragraph("II. CHỈ TIÊU THI ĐUA")
    d.add_paragraph("- Tỷ lệ bao phủ bảo hiểm y tế đạt 95%.")
    table = d.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["Chỉ tiêu", "Đơn vị tính", "Kế hoạch 2024"]):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["Tỷ lệ hộ nghèo", "%", "2,1"]):
        cell.text = text
    d.save(tmp_path / "plan.docx")
    out = cli("extract", tmp_path / "plan.docx")
    assert out.returncode == 0, out.stderr
    assert "health_insurance_coverage" in out.stdout and "poverty_rate" in out.stdout

    stream = b"BT /F1 12 Tf 50 700 Td (KE HOACH nam 2024) Tj 0 -20 Td (II. CHI TIEU) Tj 0 -20 Td " \
             b"(- Ket nap 150 dang vien.) Tj ET"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    pdf, offsets = b"%PDF-1.4\n", []
    for i, o in enumerate(objs, 1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    (tmp_path / "plan.pdf").write_bytes(pdf)
    out = cli("extract", tmp_path / "plan.pdf")
    assert out.returncode == 0, out.stderr
    assert "new_party_members" in out.stdout and ",150," in out.stdout


def _counts(db):
    con = open_db(db)
    try:
        return query_df(con, "SELECT p.plan_key, p.sha256, count(t.target_id) AS n, min(t.target_id) AS first "
                             "FROM plans p JOIN targets t USING (plan_id) GROUP BY p.plan_key, p.sha256 ORDER BY 1"
                        ).to_dict("records")
    finally:
        close_db(db)


def test_build_is_idempotent_and_reload_replaces_one_plan_only(tmp_path, new_db):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.duckdb*"))
    db = new_db("x")
    from loaders.build import build_database
    first = build_database(db, data_dir=data)
    close_db(db)
    assert len(first.plans_loaded) == 5
    before = _counts(db)
    again = build_database(db, data_dir=data)
    close_db(db)
    assert again.plans_loaded == [] and len(again.plans_unchanged) == 5
    assert _counts(db) == before                     # unchanged inputs change nothing
    plan = data / "plans" / "002_a065fc618cec6285.txt"
    plan.write_text(plan.read_text(encoding="utf-8").replace("- Tỷ lệ hộ sử dụng điện: 98%;\n", ""),
                    encoding="utf-8")
    third = build_database(db, data_dir=data)
    close_db(db)
    assert third.plans_loaded == ["002_a065fc618cec6285"]
    after = _counts(db)
    changed = [a for a, b in zip(after, before) if a != b]
    assert [c["plan_key"] for c in changed] == ["002_a065fc618cec6285"]
    assert changed[0]["n"] == 33


@pytest.mark.duckdb_only("the database files named by CHITIEU_DB and --db are created")
def test_db_setting_precedence(tmp_path):
    env_db, flag_db = tmp_path / "env.duckdb", tmp_path / "flag.duckdb"
    out = cli("build", env={"CHITIEU_DB": str(env_db)})
    assert out.returncode == 0 and env_db.exists(), out.stderr
    out = cli("build", "--db", flag_db, env={"CHITIEU_DB": str(env_db)})
    assert out.returncode == 0 and flag_db.exists() and str(flag_db) in out.stdout


@pytest.mark.duckdb_only("a DuckDB file held by another process (a server database is shared)")
def test_a_database_held_by_another_process_is_reported(tmp_path):
    db = tmp_path / "held.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); "
                               "print('ready', flush=True); time.sleep(60)", str(db)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        out = cli("build", "--db", db)
        assert out.returncode == 3
        assert "đang được một chương trình khác" in out.stderr and "held by another process" in out.stderr
        assert "Traceback" not in out.stderr
    finally:
        holder.kill()
        holder.wait()


def test_chitieu_user_is_honoured_by_build_with_the_password(new_db):
    """Before: `CHITIEU_USER=admin build` was refused with a message telling you to set CHITIEU_USER."""
    import getpass
    db = new_db("who")
    assert cli("build", "--db", db).returncode == 0                       # fresh install: operator mode
    add = subprocess.run([sys.executable, "-m", "loaders", "users", "add", "admin", "--role", "admin",
                          "--password-stdin", "--db", str(db)], cwd=ROOT, capture_output=True, text=True,
                         input="Mat-khau-quan-tri-9\n", env={**os.environ})
    assert add.returncode == 0, add.stderr
    env = {"CHITIEU_USER": "admin"}
    no_password = subprocess.run([sys.executable, "-m", "loaders", "build", "--db", str(db)], cwd=ROOT,
                                 capture_output=True, text=True, stdin=subprocess.DEVNULL,
                                 env={k: v for k, v in {**os.environ, **env}.items() if k != "CHITIEU_PASSWORD"})
    assert no_password.returncode == 2 and "CHITIEU_PASSWORD" in no_password.stderr
    assert "--user" not in no_password.stderr and "Traceback" not in no_password.stderr
    wrong = cli("build", "--db", db, env={**env, "CHITIEU_PASSWORD": "sai-mat-khau"})
    assert wrong.returncode == 2 and "Sai mật khẩu" in wrong.stderr
    ok = cli("build", "--db", db, env={**env, "CHITIEU_PASSWORD": "Mat-khau-quan-tri-9"})
    assert ok.returncode == 0, ok.stderr
    con = open_db(db)
    try:
        log = query_df(con, "SELECT actor, action, via FROM audit_log WHERE action IN ('user.add', 'login.failed') "
                            "ORDER BY audit_id")
    finally:
        close_db(db)
    assert list(log["action"]) == ["user.add", "login.failed"]
    assert set(log["via"]) == {f"cli:{getpass.getuser()}"}               # the operating-system account
