"""The plan review (Kế hoạch page): the pure rules of ui/plan_review.py, then the page in AppTest.

Fixtures in tests/review_plans/: `phuong_tan_hoa_2026.txt` is a real press article (corpus
plan 05, Phường Tân Hòa, a name carried by a ward of Phú Thọ and one of Hồ Chí Minh City);
`xa_tam_phuoc_2024.txt` is a commune resolution written for these tests in the usual shape,
for "Xã Tam Phước", a name carried by communes of Quảng Nam and Bến Tre before the reform,
with one target that no catalogue indicator covers (the village art troupes).
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from chitieu.catalogue import default_catalogue
from chitieu.model import Locality, PlanTarget
from chitieu.numbers import NumberError
from chitieu.store import close_db, open_db, reads
from loaders.plans.extract import extract_document
from ui import plan_review as pr

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "tests" / "review_plans"
TAM_PHUOC = PLANS / "xa_tam_phuoc_2024.txt"
TAN_HOA = PLANS / "phuong_tan_hoa_2026.txt"
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")


@pytest.fixture(scope="module")
def catalogue() -> pd.DataFrame:
    return pd.DataFrame([vars(i) for i in default_catalogue().values()])


@pytest.fixture(scope="module")
def indicators(catalogue) -> dict[str, str]:
    return pr.indicator_choices(catalogue, "vi")


# ---------------------------------------------------------------- pure rules


def test_comparators_read_as_symbols_and_words():
    labels = pr.comparator_labels("vi")
    assert [labels[c] for c in ("ge", "gt", "le", "lt", "eq")] == ["≥", ">", "≤", "<", "="]
    assert labels["between"] == "từ … đến …"
    assert labels["exceed_assigned"] == "vượt chỉ tiêu giao" and labels["qualitative"] == "định tính"
    assert not any(SNAKE.search(v) or v in ("ge", "between") for v in labels.values())
    assert pr.comparator_labels("en")["between"] == "from … to …"


def test_numbers_are_vietnamese_and_exact():
    assert pr.number_text(17500.0) == "17.500"
    assert pr.number_text(0.88) == "0,88"
    assert pr.number_text(1929002) == "1.929.002"
    assert pr.number_text(None) == "" and pr.number_text(float("nan")) == ""
    assert pr.read_value("18.000") == 18000 and pr.read_value("10,5") == 10.5 and pr.read_value(" ") is None
    # our own rendering of 16.723 reads "16,723" (ambiguous when typed): unchanged, it keeps the figure
    assert pr.read_value("16,723", 16.723) == 16.723
    with pytest.raises(NumberError) as bad:
        pr.read_value("16,723")
    assert "1.234,5" in bad.value.vi
    with pytest.raises(NumberError):
        pr.read_value("nhiều")


def test_indicator_choices_are_catalogue_names_in_alphabetical_order(catalogue, indicators):
    labels = list(indicators)
    assert labels[0] == "Chưa có trong danh mục" and indicators[labels[0]] == "unmapped"
    assert set(indicators.values()) == {"unmapped", *catalogue["code"]}, "every code, each once"
    assert not any(SNAKE.search(label) or "[" in label for label in labels), "no codes in the labels"
    from chitieu.textnorm import fold
    keys = [fold(label) for label in labels[1:]]
    assert keys == sorted(keys), "alphabetical (without diacritics), not by area or code"
    assert "Tỷ lệ hộ nghèo (%)" in indicators


def test_review_rows_put_doubtful_rows_first_with_the_reason(indicators):
    targets = [PlanTarget("budget_revenue", "ge", 17500.0, unit="triệu đồng",
                          text="Thu ngân sách đạt 17.500 triệu đồng"),
               PlanTarget("unmapped", "ge", 80.0, unit="%", text="Tỷ lệ thôn có đội văn nghệ đạt 80%"),
               PlanTarget("school_enrolment_rate", "between", 98.0, 99.5, "%", text="từ 98 đến 99,5%"),
               PlanTarget("poverty_rate", "le", 1.2, unit="%", text="giảm còn 1,2%")]
    targets[3].doubts = ["fuzzy_match", "ambiguous_number"]  # as the extractor will supply them (issue 9)
    rows = pr.review_rows(targets, indicators, "vi")
    assert list(rows["text"]) == [targets[1].text, targets[3].text, targets[0].text, targets[2].text]
    assert rows["doubt"].iloc[0] == "chưa khớp chỉ tiêu nào trong danh mục"
    assert rows["doubt"].iloc[1] == "tên chỉ tiêu khớp gần đúng; số có thể đọc hai cách"
    assert rows["doubt"].iloc[2] == "" and rows["doubt"].iloc[3] == ""
    assert rows["indicator"].iloc[0] == "Chưa có trong danh mục"
    assert rows["indicator"].iloc[2].startswith("Thu ngân sách") and "budget" not in rows["indicator"].iloc[2]
    assert list(rows["comparator"]) == ["≥", "≤", "≥", "từ … đến …"]
    assert list(rows["value"]) == ["80", "1,2", "17.500", "98"] and rows["value_high"].iloc[3] == "99,5"
    unknown = PlanTarget("poverty_rate", "le", 1.0)
    unknown.doubts = ["some_new_reason"]
    assert pr.doubt_text(unknown, "vi") == "bộ đọc chưa chắc chắn", "an unknown code never reaches the screen"


def test_edited_rows_become_targets(indicators):
    targets = [PlanTarget("unmapped", "ge", 80.0, unit="%", text="Tỷ lệ thôn có đội văn nghệ đạt 80%",
                          start=10, end=44, indicator_label="Tỷ lệ thôn có đội văn nghệ"),
               PlanTarget("budget_revenue", "ge", 17500.0, unit="triệu đồng",
                          text="Thu ngân sách đạt 17.500 triệu đồng", start=50, end=85),
               PlanTarget("poverty_rate", "le", 1.2, unit="%", text="giảm còn 1,2%", start=90, end=103),
               PlanTarget("gross_output_growth", "ge", 16.723, unit="%", text="tăng 16,723%", start=110, end=122)]
    rows = pr.review_rows(targets, indicators, "vi")
    label_of = {c: label for label, c in indicators.items()}
    rows.loc[0, "indicator"] = label_of["cultural_unit_rate"]          # map the unmapped row
    rows.loc[1, "value"] = "18.000"                                     # fix a value
    rows.loc[2, "keep"] = False                                         # drop a row
    added = {"keep": None, "indicator": label_of["jobs_created"], "comparator": "≥", "value": "120",
             "text": "thu hút thêm 120 lao động"}                       # a row typed with the + button
    rows = pd.concat([rows, pd.DataFrame([added])], ignore_index=True)
    units = {c: i.unit for c, i in default_catalogue().items()}
    out, errors = pr.to_targets(rows, indicators, units, "vi")
    assert errors == []
    assert [(t.indicator, t.comparator, t.value) for t in out] == [
        ("cultural_unit_rate", "ge", 80.0), ("budget_revenue", "ge", 18000.0), ("gross_output_growth", "ge", 16.723),
        ("jobs_created", "ge", 120.0)], "the plan's order: rows with a place in the text by place, typed rows last"
    assert out[0].start == 10 and out[0].end == 44 and out[0].unit == "%"
    assert out[3].unit == units["jobs_created"] and out[3].start is None, "a typed row takes the catalogue unit"


def test_bad_rows_are_named_and_stop_the_save(indicators):
    rows = pr.review_rows([PlanTarget("poverty_rate", "le", 1.2, unit="%", text="giảm còn 1,2%"),
                           PlanTarget("school_enrolment_rate", "between", 98.0, 99.5, "%", text="98–99,5%")],
                          indicators, "vi")
    rows.loc[0, "value"] = "một phẩy hai"
    rows.loc[1, "value_high"] = ""
    out, errors = pr.to_targets(rows, indicators, {}, "vi")
    assert len(out) == 0 and len(errors) == 2
    assert errors[0].startswith("Dòng 1 (“giảm còn 1,2%”): ") and "không phải là số" in errors[0]
    assert errors[1] == "Dòng 2 (“98–99,5%”): “từ … đến …” cần cả hai số"
    assert pr.save_problems(errors, 2024, out, "resolved", False, "vi") == errors
    problems = pr.save_problems([], None, [], "ambiguous", False, "vi")
    assert problems == ["Chưa có năm của kế hoạch.", "Không còn dòng nào được giữ.",
                        "Chọn địa phương, hoặc đánh dấu “Vẫn lưu với địa phương chưa xác định”."]
    assert pr.save_problems([], 2024, [1], "unknown", True, "vi") == [], "explicitly confirmed"


def test_sentences_offer_what_was_not_read_and_add_row_keeps_the_span(indicators):
    text = "Chỉ tiêu năm 2024:\n1. Tỷ lệ hộ nghèo giảm còn 1,2%.\n2. Thu hút thêm 120 lao động vào làm việc."
    s = text.index("Tỷ lệ")
    read = [PlanTarget("poverty_rate", "le", 1.2, text="Tỷ lệ hộ nghèo giảm còn 1,2%", start=s, end=s + 28)]
    offered = pr.sentences(text, read)
    assert [o[2] for o in offered] == ["Chỉ tiêu năm 2024:", "Thu hút thêm 120 lao động vào làm việc."]
    a, b, sentence = offered[1]
    assert text[a:b] == sentence
    rows = pr.add_row(pr.review_rows(read, indicators), sentence, (a, b), None, indicators)
    assert rows["text"].iloc[0] == sentence and rows["indicator"].iloc[0] == "Chưa có trong danh mục"
    assert (rows["start"].iloc[0], rows["end"].iloc[0]) == (a, b) and len(rows) == 2


def test_locality_candidates_come_first_with_district_and_province():
    loc = Locality("Xã Tam Phước", "commune", "Quảng Nam", candidates=[
        ("gso_pre2025", "20380", "Xã Tam Phước", "Huyện Phú Ninh"),
        ("gso_pre2025", "28831", "Xã Tam Phước", "Huyện Châu Thành")])
    assert pr.candidate_keys(loc, 2024) == ["gso_pre2025:20380", "gso_pre2025:28831"]
    # the extractor's dicts (scheme, code, name, level, district, province), and bare (code, name, …) tuples
    later = Locality("Xã Tam Phước", candidates=[
        {"scheme": "gso_pre2025", "code": "28831", "name": "Xã Tam Phước", "level": "commune",
         "district": "Huyện Châu Thành", "province": "Bến Tre"},
        ("20380", "Xã Tam Phước", "Huyện Phú Ninh", "Tỉnh Quảng Nam")])
    assert pr.candidate_keys(later, 2024) == ["gso_pre2025:28831", "gso_pre2025:20380"]
    options = pr.locality_options(loc, 2024)
    assert options[:2] == ["gso_pre2025:20380", "gso_pre2025:28831"] and len(options) > 10_000
    assert len(set(options)) == len(options)
    assert not any(o.startswith("gso_2025") for o in options), "a 2024 plan names pre-reform units"
    assert pr.unit_label("gso_pre2025:28831") == "Xã Tam Phước — Huyện Châu Thành, Tỉnh Bến Tre"
    assert pr.unit_label("gso_pre2025:28831", both=True).endswith("(trước 1/7/2025)")
    assert len(pr.locality_options(Locality(), 2025)) > len(options), "2025 offers both schemes"


def test_a_choice_resolves_or_says_why_not():
    detected = Locality("Xã Tam Phước", "commune", "Quảng Nam", candidates=[
        ("gso_pre2025", "20380", "Xã Tam Phước", "Huyện Phú Ninh"),
        ("gso_pre2025", "28831", "Xã Tam Phước", "Huyện Châu Thành")])
    loc, status = pr.resolve_choice("gso_pre2025:28831", 2024, detected)
    assert status == "resolved" and (loc.scheme, loc.code, loc.province, loc.level) == (
        "gso_pre2025", "28831", "Bến Tre", "commune")
    assert pr.locality_message(status, loc, detected, 2, False) == (
        "Đã xác định địa phương: Xã Tam Phước — Huyện Châu Thành, Tỉnh Bến Tre · mã 28831")
    loc, status = pr.resolve_choice(None, 2024, detected)
    assert status == "ambiguous" and loc.scheme == "unresolved"
    assert pr.locality_message(status, loc, detected, 2, False).startswith("“Xã Tam Phước” trùng tên với 2 đơn vị")
    loc, status = pr.resolve_choice("Huyện Ba Tơ", 2024, detected)  # typed, not picked: the registry settles it
    assert status == "resolved" and loc.name == "Huyện Ba Tơ" and loc.province == "Quảng Ngãi"
    loc, status = pr.resolve_choice("Xã Tam Phước", 2024, detected)
    assert status == "ambiguous"
    loc, status = pr.resolve_choice("Quận đầu", 2024, detected)
    assert status == "unknown"
    assert pr.locality_message(status, loc, detected, 0, False) == (
        "Chưa xác định được địa phương “Quận đầu”: chọn trong danh sách đơn vị hành chính.")


def test_stored_plans_are_listed_for_people(demo_db):
    con = open_db(demo_db)
    try:
        df = reads.plans(con)
    finally:
        close_db(demo_db)
    view = pr.stored_plans(df, "vi")
    assert list(view.columns) == ["Địa phương", "Tỉnh / thành phố", "Năm", "Số chỉ tiêu", "Lưu lúc", "Người lưu"]
    assert set(view["Năm"]) == {"2022", "2023"} and set(view["Số chỉ tiêu"]) == {8}
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", v) for v in view["Lưu lúc"]), "no seconds or microseconds"
    assert "None" not in view.astype(str).to_string()
    assert pr.when(pd.Timestamp("2026-12-02 07:13:17.202050")) == "02/12/2026 07:13"


# ---------------------------------------------------------------- the page (AppTest)


def page(db: Path, monkeypatch, user: str = "admin", lang: str | None = None) -> AppTest:
    """The Kế hoạch page as a signed-in user (the page reads the user and language from the session)."""
    monkeypatch.setenv("CHITIEU_DB", str(db))
    at = AppTest.from_file(str(ROOT / "views" / "plans.py"), default_timeout=60)
    at.session_state["chitieu_user"] = user
    if lang:
        at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def upload(at: AppTest, path: Path, data: bytes | None = None) -> AppTest:
    at.file_uploader(key="plan_file").upload(path.name, data or path.read_bytes(), "text/plain").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def widget(at: AppTest, kind: str, prefix: str):
    found = [w for w in getattr(at, kind) if (w.key or "").startswith(prefix)]
    assert len(found) == 1, (prefix, [w.key for w in getattr(at, kind)])
    return found[0]


def stored(db: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the store holds now (through the process's one connection, which the page shares)."""
    con = open_db(db)
    plans = reads.plans(con)
    cur = con.cursor()
    targets = pd.DataFrame(cur.execute(
        "SELECT p.locality_scheme, p.locality_code, p.locality_name, p.province, p.year, t.indicator, "
        "t.comparator, t.value, t.text FROM targets t JOIN plans p USING (plan_id) "
        "WHERE p.locality_scheme LIKE 'gso%' OR p.locality_scheme = 'unresolved' ORDER BY t.seq").fetchall(),
        columns=["scheme", "code", "name", "province", "year", "indicator", "comparator", "value", "text"])
    return plans, targets


@pytest.fixture
def db(tmp_path):
    from tests.conftest import make_demo_db
    path = make_demo_db(tmp_path / "review.duckdb")
    yield path
    close_db(path)


def test_ambiguous_locality_is_chosen_before_saving(db, monkeypatch):
    at = upload(page(db, monkeypatch), TAM_PHUOC)
    loc = widget(at, "selectbox", "plan_loc_")
    assert loc.value is None, "a shared name is never settled silently"
    assert loc.options[:2] == ["Xã Tam Phước — Huyện Phú Ninh, Tỉnh Quảng Nam",
                               "Xã Tam Phước — Huyện Châu Thành, Tỉnh Bến Tre"]
    assert any("trùng tên với 2 đơn vị" in w.value for w in at.warning)
    table = at.dataframe[0].value
    assert table["doubt"].iloc[0] != "" and table["indicator"].iloc[0] == "Chưa có trong danh mục"
    assert "17.500" in set(table["value"]) and "unmapped" not in set(table["indicator"])
    at.button(key="save_plan").click().run()
    assert any("Chưa lưu" in e.value and "Chọn địa phương" in e.value for e in at.error)
    assert stored(db)[1].empty, "nothing stored while the locality is open"

    widget(at, "selectbox", "plan_loc_").set_value("gso_pre2025:28831").run()
    assert any(s.value.startswith("Đã xác định địa phương: Xã Tam Phước — Huyện Châu Thành, Tỉnh Bến Tre")
               for s in at.success)
    at.button(key="save_plan").click().run()
    assert any("Đã lưu kế hoạch năm 2024 của Xã Tam Phước" in s.value for s in at.success)
    plans, targets = stored(db)
    assert set(zip(targets["scheme"], targets["code"], targets["province"], targets["year"])) == {
        ("gso_pre2025", "28831", "Bến Tre", 2024)}
    assert len(targets) == len(table)
    assert 17500.0 in set(targets["value"])
    listed = at.dataframe[1].value
    assert "Xã Tam Phước" in set(listed["Địa phương"])
    assert not any("gso" in str(v) or "demo_" in str(v) for v in listed.to_numpy().ravel()), "no keys or file stems"


def test_a_missed_target_is_added_from_its_sentence(db, monkeypatch):
    at = upload(page(db, monkeypatch), TAM_PHUOC)
    widget(at, "selectbox", "plan_loc_").set_value("gso_pre2025:20380").run()
    before = len(at.dataframe[0].value)
    pick = widget(at, "selectbox", "plan_sent_")
    offered = [i for i, label in enumerate(pick.options) if "120 lao động" in label]
    assert offered, "the sentence the reader left out is offered"
    pick.set_value(offered[0]).run()
    widget(at, "button", "plan_add_").click().run()
    table = at.dataframe[0].value
    assert len(table) == before + 1 and "120 lao động" in table["text"].iloc[0], "the new row on top"
    assert table["value"].iloc[0] == "120", "prefilled with the figure the reader finds in the sentence"
    at.button(key="save_plan").click().run()
    targets = stored(db)[1]
    assert len(targets) == before + 1 and set(targets["code"]) == {"20380"}
    assert "120 lao động" in targets["text"].iloc[-1], "stored in the plan's order (its sentence comes last)"
    assert targets["value"].iloc[-1] == 120.0


def test_a_second_file_resets_locality_year_and_rows(db, monkeypatch):
    at = upload(page(db, monkeypatch), TAM_PHUOC)
    widget(at, "number_input", "plan_year_").set_value(2020).run()
    widget(at, "selectbox", "plan_loc_").set_value("gso_pre2025:28831").run()
    first_rows = list(at.dataframe[0].value["text"])
    upload(at, TAN_HOA)
    second = extract_document(TAN_HOA.read_bytes(), TAN_HOA.name)
    assert widget(at, "number_input", "plan_year_").value == second.year != 2020, "the second file's own year"
    loc = widget(at, "selectbox", "plan_loc_")
    assert loc.value is None, "no locality carried over"
    assert any(o.startswith("Phường Tân Hòa — Tỉnh Phú Thọ") for o in loc.options[:6])
    assert not any("Tam Phước" in o for o in loc.options[:6])
    assert list(at.dataframe[0].value["text"]) != first_rows
    assert not any("Tam Phước" in t for t in at.dataframe[0].value["text"])
    loc.set_value("gso_2025:04792").run()
    at.button(key="save_plan").click().run()
    _, targets = stored(db)
    assert set(zip(targets["code"], targets["year"], targets["province"])) == {("04792", second.year, "Phú Thọ")}


def test_saving_over_a_stored_plan_asks_first(db, monkeypatch):
    at = upload(page(db, monkeypatch), TAM_PHUOC)
    widget(at, "selectbox", "plan_loc_").set_value("gso_pre2025:28831").run()
    at.button(key="save_plan").click().run()
    changed = TAM_PHUOC.read_bytes().replace("đạt 92%".encode(), "đạt 93%".encode())
    upload(at, TAM_PHUOC, changed)
    widget(at, "selectbox", "plan_loc_").set_value("gso_pre2025:28831").run()
    at.button(key="save_plan").click().run()
    assert any("Đã có kế hoạch năm 2024 của Xã Tam Phước" in w.value for w in at.warning)
    assert 92.0 in set(stored(db)[1]["value"]), "not replaced before the confirmation"
    widget(at, "button", "plan_replace_").click().run()
    assert any(s.value.startswith("Đã thay thế kế hoạch năm 2024 của Xã Tam Phước") for s in at.success)
    values = set(stored(db)[1]["value"])
    assert 93.0 in values and 92.0 not in values


def test_an_unresolved_locality_is_saved_only_when_confirmed(db, monkeypatch):
    text = TAM_PHUOC.read_text(encoding="utf-8").replace("TAM PHƯỚC", "HỒNG XUYÊN").replace("Tam Phước", "Hồng Xuyên")
    at = upload(page(db, monkeypatch), TAM_PHUOC, text.encode())
    assert any("Chưa xác định được địa phương" in w.value for w in at.warning)
    at.button(key="save_plan").click().run()
    assert any("Chưa lưu" in e.value for e in at.error) and stored(db)[1].empty
    widget(at, "checkbox", "plan_unres_").check().run()
    at.button(key="save_plan").click().run()
    targets = stored(db)[1]
    assert set(targets["scheme"]) == {"unresolved"} and set(targets["year"]) == {2024}


def test_an_analyst_cannot_save_another_localitys_plan(db, monkeypatch):
    at = upload(page(db, monkeypatch, user="ba_to"), TAM_PHUOC)
    widget(at, "selectbox", "plan_loc_").set_value("gso_pre2025:28831").run()
    at.button(key="save_plan").click().run()
    assert at.error and "Xã Tam Phước" in at.error[0].value
    assert stored(db)[1].empty


def test_english_review_speaks_english(db, monkeypatch):
    at = upload(page(db, monkeypatch, lang="en"), TAM_PHUOC)
    table = at.dataframe[0].value
    assert table["indicator"].iloc[0] == "Not in the catalogue"
    assert any("is shared by 2 units" in w.value for w in at.warning)
    assert widget(at, "selectbox", "plan_loc_").label.startswith("Locality")


def test_editor_columns_fit_the_screen_and_speak_vietnamese(indicators):
    cols = pr.editor_columns(indicators, "vi")
    assert list(cols) == pr.EDIT_COLUMNS
    first = ["keep", "indicator", "comparator", "value", "unit", "text", "doubt"]
    assert pr.EDIT_COLUMNS[:7] == first
    assert sum(cols[c][1]["width"] for c in first) + 33 <= 820, "figure, unit, sentence and reason fit at 1280×720"
    assert [cols[c][1]["label"] for c in first] == ["Giữ", "Chỉ tiêu (danh mục)", "So sánh", "Mức", "Đơn vị",
                                                     "Câu trong kế hoạch", "Cần xem lại"]
    assert cols["indicator"][1]["default"] == "Chưa có trong danh mục" and cols["comparator"][1]["default"] == "≥"
    assert all(kw["default"] == "" for kind, kw in cols.values() if kind == "TextColumn"), "added rows show no None"
