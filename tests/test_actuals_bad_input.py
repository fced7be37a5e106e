"""Every bad input gives a clear Vietnamese (and English) message, and nothing is stored."""
import pytest

from chitieu.errors import UserError
from loaders.actuals.upload import confirm, dry_run
from loaders.actuals.excel_template import template_bytes
from tests.actuals_helpers import fresh_db, snapshot
from tests.make_fixtures import (corrupt_workbook, docx_like, empty_workbook, encrypted_workbook, fill_template,
                                 not_excel, wide_sheet)

WIDE_HEADER = ["STT", "Địa phương", "Tỷ lệ bao phủ bảo hiểm y tế (%)", "Số lao động được tạo việc làm, giải quyết việc làm"]


def wide(*rows, header=WIDE_HEADER, title="Số liệu 6 tháng năm 2022"):
    return wide_sheet([list(r) for r in rows], header, title)


CASES = {
    # name: (bytes factory, expected code, words the Vietnamese message must contain)
    "not-excel": (not_excel, "wrong-file-type", "không phải"),
    "word-file": (docx_like, "wrong-file-type", "Word"),
    "corrupt": (corrupt_workbook, "corrupt-file", "bị hỏng"),
    "encrypted": (encrypted_workbook, "encrypted-file", "mật khẩu"),
    "empty-sheet": (empty_workbook, "empty-sheet", "trống"),
    "unknown-locality": (lambda: wide([1, "Xã Không Có Thật", 95, 10]), "unknown-locality", "Không có địa phương"),
    "unknown-indicator": (lambda: wide([1, "Xã Tịnh Khê", 95, 10], header=[*WIDE_HEADER[:3], "Số cây xanh lạ"]),
                          "unknown-indicator", "không có trong danh mục"),
    "duplicate-rows": (lambda: wide([1, "Xã Tịnh Khê", 95, 10], [2, "Xã Tịnh Khê", 96, 10]), "duplicate-row",
                       "Trùng với dòng"),
    "non-numeric": (lambda: wide([1, "Xã Tịnh Khê", "khoảng 95", 10]), "non-numeric-value", "không phải là số"),
    "ambiguous-number": (lambda: wide([1, "Xã Tịnh Khê", 95, "16,723"]), "ambiguous-number", "không rõ nghĩa"),
    "negative-count": (lambda: wide([1, "Xã Tịnh Khê", 95, -5]), "negative-value", "âm"),
    "rate-over-100": (lambda: wide([1, "Xã Tịnh Khê", "105%", 10]), "percent-over-100", "vượt quá 100"),
    "percent-cell-over-100": (lambda: wide([1, "Xã Tịnh Khê", "101,5 %", 10]), "percent-over-100", "vượt quá 100"),
    "year-without-plan": (lambda: wide([1, "Xã Tịnh Khê", 95, 10], title="Số liệu 6 tháng năm 2023"),
                          "no-plan-for-year", "chưa có kế hoạch năm 2023"),
    "unknown-period": (lambda: wide_sheet([["Xã Tịnh Khê", 2022, "Quý V", 95]],
                                          ["Địa phương", "Năm", "Kỳ báo cáo", "Tỷ lệ bao phủ bảo hiểm y tế"], None),
                       "unknown-period", "Kỳ báo cáo"),
    "period-missing": (lambda: wide([1, "Xã Tịnh Khê", 95, 10], title="Số liệu năm 2022"), "missing-period",
                       "Thiếu kỳ báo cáo"),
    "no-values": (lambda: wide(header=WIDE_HEADER), "no-values", "không có số liệu"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_rejected_with_a_message_and_nothing_stored(name):
    make, code, words = CASES[name]
    con = fresh_db()
    before = snapshot(con)
    preview = dry_run(con, make(), f"{name}.xlsx", "analyst")
    assert not preview.ok
    hits = [i for i in preview.issues if i.code == code]
    assert hits, preview.codes()
    assert hits[0].severity == "error"
    assert words in hits[0].message_vi and hits[0].message_en
    with pytest.raises(UserError) as exc:
        confirm(con, preview, "analyst")
    assert exc.value.code == "upload-has-errors"
    assert snapshot(con) == before


def test_file_over_the_size_limit(monkeypatch):
    monkeypatch.setenv("CHITIEU_UPLOAD_MAX_MB", "0.001")   # 1 KB
    con = fresh_db()
    before = snapshot(con)
    preview = dry_run(con, wide([1, "Xã Tịnh Khê", 95, 10]), "big.xlsx", "analyst")
    assert preview.codes() == [(0, "file", "file-too-large")]
    assert "quá" in preview.issues[0].message_vi or "lớn hơn" in preview.issues[0].message_vi
    assert snapshot(con) == before


def test_the_name_does_not_decide_the_type():
    con = fresh_db()
    good = wide([1, "Xã Tịnh Khê", 95, 10])
    assert dry_run(con, good, "renamed.pdf", "a").ok
    assert dry_run(con, not_excel(), "looks-right.xlsx", "a").codes() == [(0, "file", "wrong-file-type")]


def test_unknown_locality_suggests_the_name_with_its_marks():
    con = fresh_db()
    preview = dry_run(con, wide([1, "Xã Tinh Khe", 95, 10]), "f.xlsx", "a")
    issue = next(i for i in preview.issues if i.code == "unknown-locality")
    assert "Xã Tịnh Khê" in issue.message_vi   # suggested, never silently taken


def test_one_bad_row_blocks_the_whole_file():
    con = fresh_db()
    before = snapshot(con)
    preview = dry_run(con, wide([1, "Xã Tịnh Khê", 95, 10], [2, "Thành phố Quảng Ngãi", "x", None]), "f.xlsx", "a")
    outcomes = {r.row: r.outcome for r in preview.rows}
    assert "error" in outcomes.values() and "ok" in outcomes.values()
    with pytest.raises(UserError):
        confirm(con, preview, "a")
    assert snapshot(con) == before


def test_template_with_bad_period_and_standing_reports_row_and_field():
    con = fresh_db()
    t = template_bytes(con, ["Xã Tịnh Khê"], 2022)
    filled = fill_template(t, {("health_insurance_coverage", ""): {"period": "13 tháng", "value": 95,
                                                                  "standing": "chắc chắn"}})
    preview = dry_run(con, filled, "t.xlsx", "a")
    assert sorted(preview.codes()) == [(5, "period", "unknown-period"), (5, "standing", "unknown-standing")]


def test_an_analyst_cannot_upload_for_a_locality_not_assigned():
    from chitieu import auth
    from chitieu.store.users import add_user
    from tests.make_fixtures import TK
    con = fresh_db()
    add_user(con, "lan", "analyst", auth.hash_password("mat-khau-dai-12"), "Lan", [TK], actor="admin")
    before = snapshot(con)
    preview = dry_run(con, wide([1, "Xã Tịnh Khê", 95, 10], [2, "Thành phố Quảng Ngãi", None, 50]), "f.xlsx", "lan")
    assert preview.codes("error") == [(5, "locality", "forbidden-locality")]
    assert "không có quyền" in next(i for i in preview.issues if i.code == "forbidden-locality").message_vi
    with pytest.raises(UserError):
        confirm(con, preview, "lan")
    assert snapshot(con) == before
    assert dry_run(con, wide([1, "Xã Tịnh Khê", 95, 10]), "f.xlsx", "lan").ok
