"""Property-based tests (hypothesis): arbitrary input never raises anything but the
product's own clear errors — NumberError for numbers, UserError for files and plans.
"""
from __future__ import annotations

import io
import math
import re

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chitieu import auth, excel_safe, filetypes
from chitieu.errors import UserError
from chitieu.numbers import NumberError, VnNumber, format_vn, parse_cell_number, read_number

FAST = settings(max_examples=300, deadline=None)
SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that looks like Vietnamese plans and numbers, so examples reach the deep code paths.
DIGITS = st.text("0123456789.,% -‰+", min_size=1, max_size=14)
WORDS = st.sampled_from([
    "Tốc độ tăng trưởng kinh tế", "đạt", "trên", "từ", "đến", "khoảng", "không dưới", "%", "tỷ đồng", "triệu đồng",
    "Thu ngân sách", "Tỷ lệ hộ nghèo giảm", "còn", "dưới", "Năm 2025", "KẾ HOẠCH", "I. CHỈ TIÊU CHỦ YẾU", "1.", "a)",
    "-", "\n", "\n\n", ";", ",", ".", "(", ")", "|", "Xã Ba Tơ", "UBND tỉnh Quảng Ngãi", "năm 2026", "bình quân",
    "GRDP bình quân đầu người", "USD", "người", "ha", "≥", "≤", "vượt", "chỉ tiêu", "Nghị quyết", "9 tháng",
    "\u0301", "\ufeff", "\x00", "\t"])
PLANLIKE = st.lists(st.one_of(WORDS, DIGITS, st.text(max_size=8)), max_size=60).map(" ".join)


# ---- numbers ------------------------------------------------------------------------------

@FAST
@given(st.one_of(st.text(max_size=60), DIGITS))
@example("1.234.567,89")
@example("16,723")
@example("٣")                               # an Arabic-Indic digit: \d matches it (read as 3)
def test_read_number_returns_a_number_or_number_error(text):
    try:
        n = read_number(text)
    except NumberError as exc:
        assert exc.code and exc.vi and exc.en
        return
    assert isinstance(n, VnNumber) and isinstance(n.value, float)


@FAST
@given(st.one_of(st.text(max_size=60), DIGITS, st.integers().map(str), st.floats(allow_nan=True).map(str)))
@example("- 1.234,5 %")
@example("1e5")
@example("\u00a012,5‰")
def test_parse_cell_number_returns_a_number_or_number_error(text):
    try:
        value, mark = parse_cell_number(text)
    except NumberError as exc:
        assert exc.code in ("non-numeric-value", "ambiguous-number") and exc.vi and exc.en
        return
    assert isinstance(value, float) and mark in (None, "%", "‰")


@pytest.mark.parametrize("text", ["1" * 400, "1" * 400 + ",5", "1." + "000." * 120 + "000"])
def test_absurdly_long_numbers_are_a_number_error(text):
    for parse in (read_number, parse_cell_number):
        try:
            value = parse(text)
        except NumberError:
            continue
        assert math.isfinite(value.value if isinstance(value, VnNumber) else value[0])
    _read(_real_workbook([["Xã Ba Tơ", text, 5, 2025, "6 tháng"]]))     # an upload must not crash either


@FAST
@given(st.integers(min_value=0, max_value=10**15))
def test_vietnamese_integers_round_trip(n):
    assert read_number(format_vn(n)).value == n


@FAST
@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=9))
def test_vietnamese_one_decimal_round_trip(whole, tenth):
    x = whole + tenth / 10
    assert abs(read_number(format_vn(x, 1)).value - x) < 1e-6 * max(1, x)


# ---- the plan extractor -------------------------------------------------------------------

@SLOW
@given(st.one_of(st.text(max_size=400), PLANLIKE))
@example("")
@example("KẾ HOẠCH\nI. CHỈ TIÊU\n1. Tốc độ tăng trưởng kinh tế đạt 7,5 - 8%; thu ngân sách 1.234 tỷ đồng.")
@example("| Chỉ tiêu | ĐVT | KH 2025 |\n| Tăng trưởng | % | 7,5 |\n|||\n")
@example("2025 " * 200)
def test_extract_text_never_raises_but_user_error(text):
    from loaders.plans.extract import extract_text
    try:
        plan = extract_text(text)
    except UserError:
        return
    for t in plan.targets:
        if t.start is not None and t.end is not None:
            assert 0 <= t.start <= t.end <= len(plan.text)


@SLOW
@given(st.one_of(st.binary(max_size=2000), PLANLIKE.map(lambda s: s.encode("utf-8", "surrogatepass"))),
       st.sampled_from(["ke_hoach.txt", "ke_hoach.docx", "ke_hoach.pdf", "ke_hoach", "ke_hoach.xlsx"]))
@example(b"PK\x03\x04" + b"\x00" * 40, "kh.docx")
@example(b"%PDF-1.4\n" + b"\x00" * 40, "kh.pdf")
@example("Kế hoạch".encode("utf-16"), "kh.txt")
def test_extract_document_never_raises_but_user_error(data, name):
    from loaders.plans.extract import extract_document
    try:
        extract_document(data, name)
    except UserError as exc:
        assert exc.code and exc.vi and exc.en


# ---- the Excel reader ---------------------------------------------------------------------

def _real_workbook(cells: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Địa phương", "Tốc độ tăng trưởng kinh tế (%)", "Thu ngân sách", "Năm", "Kỳ báo cáo"])
    for row in cells:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


BASE = _real_workbook([["Xã Ba Tơ", 7.5, "1.234,5", 2025, "6 tháng"]])
# openpyxl refuses control characters in cells, so generated cell text leaves them out.
CELL_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=20)
CELL = st.one_of(st.none(), CELL_TEXT.map(excel_safe.escape_cell), DIGITS,
                 st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**12, 10**12), st.booleans())


def _read(data: bytes):
    from chitieu.actuals import Context
    from chitieu.catalogue import default_catalogue
    from loaders.actuals.excel_read import read_workbook
    from chitieu.actuals import validate
    try:
        result = read_workbook(data, "bao_cao.xlsx", year=2025, period="FY")
    except UserError as exc:
        assert exc.code and exc.vi and exc.en
        return
    validate(result.rows, Context(catalogue=default_catalogue(), localities=[("gso_2025", "1", "Xã Ba Tơ")],
                                  plan_years=set(), targets={}))


@SLOW
@given(st.binary(max_size=3000))
@example(b"")
@example(b"PK\x03\x04")
@example(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
def test_excel_reader_arbitrary_bytes_only_user_error(data):
    _read(data)


@SLOW
@given(st.lists(st.tuples(st.integers(0, len(BASE) - 1), st.integers(0, 255)), min_size=1, max_size=8),
       st.integers(0, len(BASE)))
def test_excel_reader_damaged_workbooks_only_user_error(flips, cut):
    data = bytearray(BASE)
    for pos, byte in flips:
        data[pos] = byte
    _read(bytes(data[:max(cut, 4)]))


@SLOW
@given(st.lists(st.lists(CELL, min_size=0, max_size=6), max_size=6))
def test_excel_reader_arbitrary_cells_only_user_error(rows):
    _read(_real_workbook(rows))


# ---- hardening helpers --------------------------------------------------------------------

@FAST
@given(st.binary(max_size=4000), st.text(max_size=50),
       st.lists(st.sampled_from(["xlsx", "docx", "pdf", "text", "zip"]), max_size=3))
def test_check_upload_only_user_error(data, name, allowed):
    try:
        kind = filetypes.check_upload(data, name, tuple(allowed), max_bytes=3000)
    except UserError as exc:
        assert exc.code in ("empty-file", "file-too-large", "encrypted-file", "wrong-file-type", "corrupt-file")
        return
    assert kind in allowed


@FAST
@given(st.text())
def test_safe_name_has_no_path_or_control_characters(name):
    shown = filetypes.safe_name(name)
    assert 0 < len(shown) <= 120 and not re.search(r"[\x00-\x1f\x7f/\\]", shown)


@FAST
@given(st.one_of(st.text(), st.integers(), st.floats(allow_nan=False), st.none()))
def test_escape_cell_never_leaves_a_formula_and_round_trips(value):
    out = excel_safe.escape_cell(value)
    if isinstance(out, str):
        assert not out.startswith(excel_safe.TRIGGERS)
    assert excel_safe.unescape_cell(out) == value or (
        isinstance(value, str) and value.startswith("'") and value[1:].startswith(excel_safe.TRIGGERS))


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_verify_password_never_raises(password, stored):
    assert auth.verify_password(password, stored) in (False,) or stored.startswith(auth.HASH_PREFIX)
    assert auth.verify_password(password, auth.HASH_PREFIX + stored) in (True, False)
