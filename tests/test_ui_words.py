"""What an official reads, word by word (AppTest, logged in as each role):

- the sidebar names the role in the interface's language ("Đăng nhập: lanh_dao (lãnh đạo)"; before: the
  code "(leader)" in the Vietnamese screen);
- a file-size limit reads "10 KB" / "20 MB" / "1,5 MB" (before: "0.00999928 MB");
- the cycle page joins a period and its year once: "Cả năm 2022", "6 tháng năm 2022", "Quý I năm 2022",
  "Full year 2022" (before: "Cả năm năm 2022");
- after a login the approval box opens on the user's own locality (before: it stayed on the one chosen
  before the login, kept in the session and the URL);
- a sweep of every page for every role in Vietnamese: no "None"/"nan", no code name ("economic_growth",
  "submitted", "leader"), no common English word in what is shown.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import ui.auth as auth_ui
from chitieu import auth
from chitieu.auth import ROLES
from chitieu.filetypes import check_upload, size_text
from chitieu.errors import UserError
from chitieu.store import close_db, open_db
from chitieu.store.users import add_user
from tests.conftest import DEMO_PASSWORD, login_form, make_demo_db
from ui.i18n import role_label

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["views/overview.py", "views/locality.py", "views/compare.py", "views/indicator.py", "views/plans.py",
         "views/actuals.py", "views/cycle.py", "views/audit.py"]
USERS = {"admin": "admin", "analyst": "ba_to", "leader": "lanh_dao", "viewer": "viewer"}


@pytest.fixture(autouse=True)
def quick_hash(monkeypatch):
    monkeypatch.setattr(auth, "BCRYPT_ROUNDS", 4)
    monkeypatch.setattr(auth_ui, "THROTTLE", auth.LoginThrottle())


@pytest.fixture(scope="module")
def words_db(tmp_path_factory):
    """The demo data with a leader of Quảng Ngãi's two districts beside the demo's admin, analyst and viewer."""
    db = make_demo_db(tmp_path_factory.mktemp("ui_words") / "words.duckdb")
    con = open_db(db)
    add_user(con, "lanh_dao", "leader", auth.hash_password(DEMO_PASSWORD), localities=[("test", "QNG"), ("test", "BTO")],
             actor="test")
    close_db(db)
    return db


def open_page(db, monkeypatch, page: str, user: str | None = None, query: dict | None = None) -> AppTest:
    monkeypatch.setenv("CHITIEU_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    if user:
        at.session_state["chitieu_user"] = user  # what ui.auth keeps after a login
    at.query_params.update({"year": "2022", **(query or {})})
    at.run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


login = login_form  # the one sign-in helper (tests/conftest.py)


def shown(at: AppTest) -> list[str]:
    """Every text an official reads on the page and in the sidebar: headings, paragraphs, captions,
    notices, metric labels, expander and tab titles, buttons, widget labels and choices, the headers
    and text cells of tables (a missing number in a numeric column reads "None" in st.dataframe)."""
    out = [str(e.value) for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                                     "error", "success") for e in getattr(at, kind)]
    out += [f"{m.label} {m.value}" for m in at.metric]
    out += [e.label for e in (*at.expander, *at.tabs, *at.button)]
    for w in (*at.selectbox, *at.multiselect, *at.radio):
        out += [w.label, *map(str, w.options)]
    out += [w.label for w in (*at.text_input, *at.number_input, *at.date_input, *at.checkbox, *at.text_area)]
    for df in at.dataframe:
        frame, config = df.value, json.loads(df.proto.columns or "{}")
        label = {c: (config.get(c) or config.get(f"col:{c}") or {}).get("label") or c for c in frame.columns}
        hidden = {c for c in frame.columns if (config.get(c) or config.get(f"col:{c}") or {}).get("hidden")}
        order = list(df.proto.column_order) or list(frame.columns)
        frame = frame[[c for c in order if c in frame.columns and c not in hidden]]
        out += [str(label[c]) for c in frame.columns]
        for c in frame.columns:
            if frame[c].dtype.kind in "iufcbmM":
                if frame[c].isna().any():
                    out.append(f"None (a gap in the numeric column {c})")
            else:
                out += [str(v) for v in frame[c].head(200)]
    return out


# Words that are English and never Vietnamese. Left out on purpose: words Vietnamese uses or shares
# ("to", "by", "on", "in", "an", "can", "ban", "the" — "thẻ" folded), units and proper names.
ENGLISH = {"the", "and", "of", "for", "with", "from", "not", "none", "nan", "null", "true", "false", "error",
           "file", "upload", "uploaded", "target", "targets", "actual", "actuals", "status", "period", "year",
           "locality", "indicator", "submit", "submitted", "approved", "returned", "locked", "unlock", "leader",
           "analyst", "viewer", "admin", "administrator", "role", "user", "users", "logged", "login", "logout",
           "save", "saved", "delete", "cancel", "download", "select", "choose", "all", "total", "missing", "name",
           "value", "date", "due", "cutoff", "state", "open", "closed", "answered", "request", "flow", "level",
           "annual", "periodic", "economy", "social", "environment", "build", "sample", "limit", "page", "show",
           "yes", "no", "full", "first", "months", "quarter", "overview", "compare", "plan", "plans"}
CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z]+\.[a-z_]+\b")  # economic_growth, plan.store


def foreign_words(texts: list[str], allowed: set[str] = frozenset(), names: tuple[str, ...] = tuple(USERS.values())
                  ) -> list[str]:
    """The texts that show a code name, "None"/"nan" or an English word (each with the offending bit).
    Data kept as written is not judged: `allowed` texts, user `names`, file names, e-mail addresses."""
    bad = []
    for text in texts:
        if text in allowed:
            continue
        plain = re.sub(r"\S+@\S+|[\w.-]+\.(?:xlsx|docx|pdf|csv|txt|png|jpe?g)\b", " ", text, flags=re.I)
        for name in names:
            plain = re.sub(rf"(?<![\w.]){re.escape(name)}(?![\w.])", " ", plain)
        hits = CODE.findall(plain) + [w for w in re.findall(r"[A-Za-z]+", plain) if w.lower() in ENGLISH]
        if hits:
            bad.append(f"{hits}: {text[:120]}")
    return bad


# ---------------------------------------------------------------- 1. the role in words

def test_every_role_has_words_in_both_languages():
    assert [role_label(r) for r in ROLES] == ["người xem", "chuyên viên", "lãnh đạo", "quản trị viên"]
    assert [role_label(r, "en") for r in ROLES] == ["viewer", "analyst", "leader", "administrator"]


@pytest.mark.parametrize("role,words", [("leader", "lãnh đạo"), ("analyst", "chuyên viên"),
                                         ("viewer", "người xem"), ("admin", "quản trị viên")])
def test_sidebar_names_the_role_in_vietnamese(words_db, monkeypatch, role, words):
    name = USERS[role]
    at = open_page(words_db, monkeypatch, PAGES[0], name)
    captions = [c.value for c in at.sidebar.caption]
    assert f"Đăng nhập: {name} ({words})" in captions
    assert not any(f"({role})" in c for c in captions)
    at = open_page(words_db, monkeypatch, PAGES[0], name, {"lang": "en"})
    assert f"Logged in: {name} ({role_label(role, 'en')})" in [c.value for c in at.sidebar.caption]


def test_a_reader_who_may_not_upload_is_told_in_words(words_db, monkeypatch):
    at = open_page(words_db, monkeypatch, "views/actuals.py", "lanh_dao")
    assert "Tài khoản lanh_dao (lãnh đạo) chỉ được xem, không được tải lên." in [i.value for i in at.info]


# ---------------------------------------------------------------- 2. sizes

def test_sizes_read_in_vietnamese():
    assert [size_text(n) for n in (10485, 1048, 20 * 2**20, 1.5 * 2**20, 1024 * 2**20)] == [
        "10 KB", "1 KB", "20 MB", "1,5 MB", "1.024 MB"]
    assert [size_text(n, "en") for n in (1.5 * 2**20, 1024 * 2**20)] == ["1.5 MB", "1,024 MB"]
    with pytest.raises(UserError) as big:
        check_upload(b"x" * 20_000, "lon.xlsx", ("xlsx",), max_bytes=int(0.01 * 2**20))
    assert "Tệp lon.xlsx lớn hơn giới hạn 10 KB" in big.value.vi and "10 KB limit" in big.value.en


def test_a_small_upload_limit_reads_in_kb_on_the_page(words_db, monkeypatch):
    from loaders.actuals.excel_template import template_bytes
    monkeypatch.setenv("CHITIEU_UPLOAD_MAX_MB", "0.005")           # 5,242 bytes: the template is larger
    data = template_bytes(open_db(words_db), ["test:BTO"], 2022)
    assert len(data) > 5_242
    at = open_page(words_db, monkeypatch, "views/actuals.py", "ba_to")
    at.file_uploader(key="actuals_file").upload("so-lieu.xlsx", data,
                                                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").run()
    said = " | ".join(e.value for e in at.error)
    assert "lớn hơn giới hạn 5 KB" in said and "0.005" not in said and "0,005" not in said


# ---------------------------------------------------------------- 3. a period and its year

@pytest.mark.parametrize("period,lang,line", [
    ("FY", "vi", "Cả năm 2022: chốt số liệu ngày 14/12/2022, hạn nộp ngày 20/12/2022"),
    ("H1", "vi", "6 tháng năm 2022: chốt số liệu ngày 14/06/2022, hạn nộp ngày 20/06/2022"),
    ("Q1", "vi", "Quý I năm 2022: chốt số liệu ngày 14/03/2022"),
    ("FY", "en", "Full year 2022: figures cut off on 14/12/2022, due on 20/12/2022"),
    ("H1", "en", "First 6 months of 2022: figures cut off on 14/06/2022"),
])
def test_the_cycle_page_names_the_period_and_year_once(words_db, monkeypatch, period, lang, line):
    at = open_page(words_db, monkeypatch, "views/cycle.py", query={"period": period, "lang": lang})
    text = "\n".join(c.value for c in at.caption)
    assert line in text
    assert "năm năm" not in text and "Cả năm năm" not in text


def test_a_locked_period_is_named_once_in_the_refusal():
    from chitieu.cycle import locked_message
    vi, en = locked_message("Huyện Ba Tơ", "Cả năm", 2022, "full year")
    assert vi.startswith("Số liệu cả năm 2022 của Huyện Ba Tơ đã được lãnh đạo duyệt và khoá")
    assert en.startswith("The full year 2022 figures of Huyện Ba Tơ")
    assert locked_message("Huyện Ba Tơ", "6 tháng", 2022)[0].startswith("Số liệu 6 tháng năm 2022 của")


# ---------------------------------------------------------------- 4. the approval box after a login

def _locality_box(at: AppTest):
    return next(s for s in at.selectbox if s.label == "Địa phương")


def test_after_a_login_the_approval_box_opens_on_the_users_locality(words_db, monkeypatch):
    at = open_page(words_db, monkeypatch, "views/cycle.py")
    _locality_box(at).set_value("test:PQC").run()                  # a visitor looks at Phú Quốc
    assert _locality_box(at).value == "test:PQC"
    login(at, "ba_to")                                              # the analyst of Ba Tơ logs in here
    assert at.session_state["chitieu_user"] == "ba_to" and not at.exception
    assert _locality_box(at).value == "test:BTO"
    assert "Gửi duyệt" in [b.label for b in at.button]              # and can act at once
    _locality_box(at).set_value("test:QNG").run()                   # their own choice afterwards is kept
    at.run()
    assert _locality_box(at).value == "test:QNG"


def test_submitting_a_locality_with_targets_still_missing_says_so(tmp_path, monkeypatch):
    db = make_demo_db(tmp_path / "submit.duckdb")                  # Ba Tơ lacks some figures of the year
    at = open_page(db, monkeypatch, "views/cycle.py", "ba_to")
    assert any("chỉ tiêu chưa có số liệu" in e.label for e in at.expander)
    at.button(key="cycle_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]       # before: KeyError 'test:BTO' (error page)
    assert [s.value for s in at.success] == ["Huyện Ba Tơ: Đã gửi, chờ duyệt."]


def test_a_shared_link_to_a_locality_still_opens_on_it(words_db, monkeypatch):
    at = open_page(words_db, monkeypatch, "views/cycle.py", "ba_to", {"cycle_loc": "test:PQC"})
    assert _locality_box(at).value == "test:PQC"


# ---------------------------------------------------------------- 5. the sweep

def test_the_word_check_catches_what_it_should():
    assert foreign_words(["Trạng thái: submitted", "economic_growth", "**Thực hiện:** – (nan, mức độ: nan)",
                          "Đăng nhập: lanh_dao (leader)", "plan.store", "None"]) and len(foreign_words(
        ["Trạng thái: submitted", "economic_growth", "(nan, mức độ: nan)", "lanh_dao (leader)", "plan.store",
         "None"])) == 6
    assert foreign_words(["Cả năm 2022: chốt số liệu ngày 14/12/2022 (mặc định theo Nghị định 09/2019/NĐ-CP)",
                          "Tổng đàn bò (con)", "Tải mẫu nhập liệu", "Tệp kèm: bien-ban-the.pdf (1 KB)",
                          "Tỷ trọng kinh tế số trong GRDP", "Đăng nhập: lanh_dao (lãnh đạo)"]) == []


@pytest.mark.parametrize("role", ["anonymous", *USERS])
def test_no_code_none_or_english_on_any_page(words_db, monkeypatch, role):
    user = USERS.get(role)
    found = {}
    for page in PAGES:
        if page.endswith("audit.py") and role != "admin":
            continue
        at = open_page(words_db, monkeypatch, page, user)
        # the catalogue's code column and English names, and the demo plans' own sentences, are data
        allowed = _data_cells(at)
        if bad := foreign_words(shown(at), allowed):
            found[page] = sorted(set(bad))
    assert found == {}


def _data_cells(at: AppTest) -> set[str]:
    """Texts that are the data itself, shown as stored: indicator codes under "Mã", English names under
    "Tên (tiếng Anh)", the audit log's key, before / after (JSON) and origin, the plan sentences of the
    demo fixture ("Chỉ tiêu economic growth đạt 8 %")."""
    keep = set()
    for df in at.dataframe:
        frame = df.value
        for c in ("Mã", "Tên (tiếng Anh)", "code", "name_en", "entity_key", "before_json", "after_json", "via"):
            if c in frame.columns:
                keep |= set(map(str, frame[c]))
    keep |= {str(m.value) for m in at.markdown if str(m.value).startswith("**Câu trong kế hoạch:**")}
    return keep


@pytest.fixture(scope="module")
def bundled_words_db(bundled_db, tmp_path_factory):
    """The bundled sample (plans built by the `build` command, sample actuals) with the four roles."""
    from chitieu.store import query_df
    from tests.conftest import copy_db
    db = copy_db(bundled_db, tmp_path_factory.mktemp("ui_words_bundled"), "bundled_words")
    con = open_db(db)
    first = query_df(con, "SELECT min(locality_scheme) AS s, min(locality_code) AS c FROM plans")
    own = [(str(first["s"][0]), str(first["c"][0]))]
    for role, name in USERS.items():
        add_user(con, name, role, auth.hash_password(DEMO_PASSWORD), localities=[] if role in ("admin", "viewer")
                 else own, actor="test")
    close_db(db)
    return db


def test_no_code_none_or_english_on_the_bundled_sample(bundled_words_db, monkeypatch):
    found = {}
    for role in ("anonymous", *USERS):
        for page in PAGES:
            if page.endswith("audit.py") and role != "admin":
                continue
            at = open_page(bundled_words_db, monkeypatch, page, USERS.get(role), {"period": "H1"})
            if bad := foreign_words(shown(at), _data_cells(at)):
                found[f"{role} {page}"] = sorted(set(bad))
    assert found == {}


def test_catalogue_and_audit_speak_in_words(bundled_words_db, monkeypatch):
    at = open_page(bundled_words_db, monkeypatch, "views/plans.py", "viewer")
    plans = next(df.value for df in at.dataframe if "Người lưu" in df.value.columns)
    assert set(plans["Người lưu"]) == {"(lệnh nạp dữ liệu)"}                # before: "build"
    catalogue = next(df.value for df in at.dataframe if "Chiều tốt" in df.value.columns)
    assert {"càng cao càng tốt", "càng thấp càng tốt"} <= set(catalogue["Chiều tốt"])   # before: higher_is_better
    assert {"lũy kế", "mức"} == set(catalogue["Loại (lũy kế/mức)"]) and "Kinh tế" in set(catalogue["Lĩnh vực"])
    assert {"theo kỳ", "chỉ cuối năm"} == set(catalogue["Đo"])
    assert "economic_growth" in set(catalogue["Mã"])                        # the code column keeps codes
    at = open_page(bundled_words_db, monkeypatch, "views/audit.py", "admin")
    actions = next(s for s in at.selectbox if s.label == "Thao tác")
    assert {"Lưu kế hoạch", "Tải lên số liệu", "Thêm người dùng"} <= set(actions.options)
    log = at.dataframe[0].value
    assert "Lưu kế hoạch" in set(log["action"]) and "(bộ dữ liệu mẫu)" in set(log["actor"])
    assert not log["before_json"].isna().any()                              # before: "None" in the cells


@pytest.mark.browser
def test_in_the_browser_the_approval_box_follows_the_login(tmp_path):
    """The report came from a browser: the box stayed on the locality chosen before the login."""
    from playwright.sync_api import sync_playwright

    from tests.live_server import live_app
    from tests.test_e2e_browser import CHROMIUM, CHROMIUM_ARGS, _require_browser, login, settle
    _require_browser()
    db = make_demo_db(tmp_path / "browser.duckdb")
    with live_app(db, "ui-words-server.log") as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 720}, locale="vi-VN")
        page.set_default_timeout(30_000)
        try:
            page.goto(f"{base}/ky-bao-cao?year=2022&period=FY&cycle_loc=test:PQC")   # a visitor on Phú Quốc
            settle(page)
            box = page.get_by_role("combobox", name="Địa phương", exact=True)
            assert box.input_value() == "Thành phố Phú Quốc"
            login(page, "ba_to", DEMO_PASSWORD)
            assert page.get_by_text("Đăng nhập: ba_to (chuyên viên)").is_visible()
            assert box.input_value() == "Huyện Ba Tơ"
            assert page.get_by_role("button", name="Gửi duyệt").is_visible()
            assert page.get_by_text("Cả năm 2022: chốt số liệu ngày 14/12/2022").is_visible()
        finally:
            browser.close()
