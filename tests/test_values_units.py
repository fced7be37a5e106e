"""Numbers and units as plans write them, the doubts each row carries, and the `extract` CSV
(exact values, escaped cells, the doubts column after the gold columns) through the real CLI."""
import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from loaders.plans.extract import extract_text

ROOT = Path(__file__).resolve().parent.parent
SECTION = "KẾ HOẠCH năm 2025\n\nII. CÁC CHỈ TIÊU CHỦ YẾU\n\n"


def one(line: str):
    targets = extract_text(SECTION + "- " + line + "\n").targets
    assert len(targets) == 1, [(t.indicator, t.value, t.text) for t in targets]
    return targets[0]


@pytest.mark.parametrize("line, value, unit", [
    ("Tổng thu ngân sách trên địa bàn đạt 1.250 tỉ đồng.", 1250.0, "tỷ đồng"),
    ("Tổng giá trị sản xuất đạt 596tỷđ.", 596.0, "tỷ đồng"),
    ("Thu nhập bình quân đầu người đạt 60trđ/người/năm.", 60.0, "triệu đồng/người/năm"),
    ("GRDP bình quân đầu người 104 triệu đồng/năm.", 104.0, "triệu đồng/năm"),
    ("Giá trị sản xuất nông nghiệp đạt 230 triệu đồng/ha/năm.", 230.0, "triệu đồng/ha/năm"),
    ("Số lần khám bệnh bình quân đạt 2,5 lần/người/năm.", 2.5, "lần/người/năm"),
    ("Giải quyết việc làm trên 300 lượt lao động.", 300.0, "lượt lao động"),
    ("Tỷ lệ dân số tham gia bảo hiểm y tế đạt 93%.", 93.0, "%"),
    ("Tỷ suất sinh thô giảm 0,30%0/năm.", 0.3, "‰"),
])
def test_units_as_written(line, value, unit):
    t = one(line)
    assert (t.value, t.unit) == (value, unit)


def test_count_fraction_is_the_numerator_of_the_counted_thing():
    t = one("Có 4/9 thôn đạt chuẩn văn hóa.")
    assert (t.value, t.unit) == (4.0, "thôn")


def test_ranges_written_with_den_and_with_units_on_both_ends():
    assert (one("Tăng trưởng kinh tế từ 7,5% đến 8%.").value_high, one("Tỷ lệ hộ nghèo giảm 0,5%-0,8%.").value_high) \
        == (8.0, 0.8)
    t = one("GRDP bình quân đầu người đạt từ 80,4 triệu đồng đến 80,8 triệu đồng.")
    assert (t.comparator, t.value, t.value_high, t.unit) == ("between", 80.4, 80.8, "triệu đồng")


def test_a_bare_scale_is_money_and_says_the_unit_was_guessed():
    t = one("Thu nhập bình quân đầu người đạt 72 triệu.")
    assert (t.value, t.unit) == (72.0, "triệu đồng") and "guessed_unit" in t.doubts


def test_an_ambiguous_number_says_so_in_the_note_and_the_doubts():
    t = one("Tổng vốn đầu tư toàn xã hội đạt 16,723 tỷ đồng.")
    assert t.value == 16.723 and "ambiguous" in t.note and "ambiguous_number" in t.doubts


def test_a_row_that_continues_the_subject_before_says_so():
    targets = extract_text(SECTION + "- Giá trị sản xuất công nghiệp đạt 46.600 tỷ đồng, tăng 6,6%.\n").targets
    assert [t.value for t in targets] == [46600.0, 6.6]
    assert "inherited_subject" in targets[1].doubts and "inherited_subject" not in targets[0].doubts


def test_doubt_codes_have_labels_in_both_languages():
    from chitieu.model import DOUBT_LABELS, doubt_labels
    assert set(DOUBT_LABELS) == {"fuzzy_match", "inherited_subject", "ambiguous_number", "guessed_unit",
                                 "locality_unresolved", "unmapped"}
    assert doubt_labels(["guessed_unit", "nonsense"]) == ["đơn vị do bộ đọc đoán"]
    assert doubt_labels(["unmapped"], "en") == ["matches no catalogue indicator"]


# ---------------------------------------------------------------- the CLI

def _cli(tmp_path, text: str, *extra: str) -> tuple[list[str], list[dict]]:
    plan = tmp_path / "ke-hoach.txt"
    plan.write_text(text, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "loaders", "extract", str(plan), *extra], cwd=ROOT,
                         capture_output=True, text=True, encoding="utf-8", check=True)
    reader = csv.DictReader(io.StringIO(out.stdout))
    return reader.fieldnames, list(reader)


def test_cli_prints_exact_values_and_a_doubts_column_after_the_gold_columns(tmp_path):
    header, got = _cli(tmp_path, SECTION + "- Dân số trung bình đạt 1.929.002 người.\n"
                       "- Kim ngạch nhập khẩu đạt 8.962,72 triệu USD.\n- Thu nhập bình quân đầu người đạt 72 triệu.\n")
    assert header[:13] == ["plan", "locality", "level", "province", "year", "indicator", "scope", "comparator",
                           "value", "value_high", "unit", "text", "note"] and header[13] == "doubts"
    assert [r["value"] for r in got] == ["1929002", "8962.72", "72"]
    assert "guessed_unit" in got[2]["doubts"].split(";")


def test_cli_escapes_text_cells_like_every_export_and_keeps_numbers(tmp_path):
    _, got = _cli(tmp_path, SECTION + "- Tốc độ tăng trưởng GRDP: 8,5-9,5%.\n", "--locality", "=HYPERLINK(\"x\")")
    assert got and all(r["locality"] == "'=HYPERLINK(\"x\")" for r in got)
    assert got[0]["value"] == "8.5" and got[0]["value_high"] == "9.5"


def test_the_scorer_still_reads_the_cli_output(tmp_path):
    from tests.score_targets import score
    _, got = _cli(tmp_path, SECTION + "- Thu ngân sách trên địa bàn đạt 120 tỷ đồng.\n")
    gold = [{"plan": got[0]["plan"], "indicator": "budget_revenue", "scope": "", "comparator": "ge", "value": "120",
             "value_high": "", "unit": "tỷ đồng", "text": "Thu ngân sách trên địa bàn đạt 120 tỷ đồng"}]
    assert score(gold, got)["strict_f1"] == 1.0
