"""Unit tests of the extractor's rules: numbers, comparator phrases, units, compound
splitting, OCR folding, locality and year detection."""
import pytest

from chitieu.numbers import NumberError, parse_cell_number, read_number
from chitieu.textnorm import fold, nfc, ocr_fold, ocr_fold_chars
from loaders.plans.extract import extract_text
from loaders.plans.locality import detect_locality, detect_year


def one(sentence: str, section: str = "II. CHỈ TIÊU"):
    plan = extract_text(f"KẾ HOẠCH năm 2024\n\n{section}\n\n- {sentence}\n")
    return [(t.indicator, t.scope, t.comparator, t.value, t.value_high, t.unit) for t in plan.targets]


# --- numbers --------------------------------------------------------------------------------
@pytest.mark.parametrize("text,value", [("1.192", 1192), ("10.082,0", 10082.0), ("10,5", 10.5), ("01", 1),
                                        ("29.835", 29835), ("0,04", 0.04), ("99,60", 99.6), ("1.234.567", 1234567)])
def test_vietnamese_numbers(text, value):
    n = read_number(text)
    assert n.value == value and n.ambiguity is None


def test_comma_before_three_digits_is_flagged_with_both_readings():
    n = read_number("16,723")
    assert n.value == pytest.approx(16.723) and n.alternative == 16723 and "thousands" in n.ambiguity


@pytest.mark.parametrize("text", ["1.5", "1,192.5", "16,723"])
def test_cell_numbers_refuse_ambiguous_readings(text):
    with pytest.raises(NumberError) as e:
        parse_cell_number(text)
    assert e.value.code == "ambiguous-number" and "1.234,5" in e.value.vi


@pytest.mark.parametrize("text,value,mark", [("96%", 96, "%"), ("96,0 %", 96.0, "%"), ("1.192,5", 1192.5, None),
                                             ("5,8‰", 5.8, "‰"), ("-3", -3, None)])
def test_cell_numbers(text, value, mark):
    assert parse_cell_number(text) == (value, mark)


@pytest.mark.parametrize("text", ["abc", "", "12a", "1,2,3"])
def test_not_a_number(text):
    with pytest.raises(NumberError):
        parse_cell_number(text)


# --- comparator phrases -----------------------------------------------------------------------
@pytest.mark.parametrize("sentence,comparator", [
    ("Tổng vốn đầu tư toàn xã hội trên 6.000 tỷ đồng.", "gt"),
    ("Tỷ lệ bao phủ bảo hiểm y tế đạt 95% trở lên.", "ge"),
    ("Tỷ lệ bao phủ bảo hiểm y tế ít nhất 95%.", "ge"),
    ("Tỷ lệ bao phủ bảo hiểm y tế tối thiểu 95%.", "ge"),
    ("Tỷ lệ bao phủ bảo hiểm y tế > 95%.", "gt"),
    ("Tỷ lệ bao phủ bảo hiểm y tế ≥ 95%.", "ge"),
    ("Tỷ lệ hộ nghèo dưới 2%.", "lt"),
    ("Tỷ lệ hộ nghèo không quá 2%.", "le"),
    ("Tỷ lệ hộ nghèo tối đa 2%.", "le"),
    ("Tỷ lệ hộ nghèo < 2%.", "lt"),
    ("Tỷ lệ hộ nghèo ≤ 2%.", "le"),
    ("Tỷ lệ hộ nghèo khoảng 2%.", "le"),          # lower is better: the direction decides
    ("Tỷ lệ đô thị hóa đạt 50,4%.", "ge"),          # higher is better
    ("Dịch vụ chiếm 50,47%.", "eq"),                # a target band
    ("Tỷ lệ hộ nghèo giảm 4-6%.", "between"),
    ("Tỷ lệ hộ nghèo giảm 4–6%.", "between"),
    ("Phấn đấu thu ngân sách vượt chỉ tiêu tỉnh giao.", "exceed_assigned"),
    ("Thu ngân sách đạt và vượt chỉ tiêu tỉnh giao.", "exceed_assigned"),
    ("Xây dựng lực lượng dân quân tự vệ đạt chỉ tiêu thành phố giao.", "exceed_assigned"),
    ("Đảm bảo an ninh chính trị và trật tự an toàn xã hội.", "qualitative"),
    ("Không để phát sinh hộ nghèo, hộ cận nghèo mới.", "le"),
])
def test_comparator_phrases(sentence, comparator):
    assert one(sentence)[0][2] == comparator


# --- units --------------------------------------------------------------------------------------
@pytest.mark.parametrize("sentence,value,unit", [
    ("Giá trị sản xuất bình quân đầu người: 36,4 triệu/người/năm.", 36.4, "triệu đồng/người/năm"),
    ("Lượt khách du lịch 2 triệu lượt.", 2, "triệu lượt"),
    ("Tổng thu ngân sách nhà nước trên địa bàn 30,5 nghìn tỷ đồng.", 30.5, "nghìn tỷ đồng"),
    ("Tỷ lệ tăng dân số tự nhiên dưới 11‰.", 11, "‰"),
    ("Tỷ lệ tăng dân số tự nhiên 5,8%0.", 5.8, "‰"),        # OCR form of per mille
    ("Tỷ lệ cây xanh, thảm cỏ đạt 10,4 m2/người.", 10.4, "m²/người"),
    ("Thực hiện 10km đường giao thông nông thôn.", 10, "km"),
    ("Số giường bệnh/vạn dân: 19,3 giường.", 19.3, "giường/vạn dân"),  # completed from the catalogue
    ("Số bác sỹ/vạn dân: 7 bác sỹ.", 7, "bác sĩ/vạn dân"),
    ("Chi ngân sách 1.509 tỷ đồng.", 1509, "tỷ đồng"),
])
def test_units_kept_as_written_with_scale(sentence, value, unit):
    got = one(sentence)[0]
    assert (got[3], got[5]) == (value, unit)


# --- compound splitting ----------------------------------------------------------------------------
def test_sub_list_in_brackets():
    got = one("Tốc độ tăng trưởng kinh tế tăng 10,5% (trong đó: Dịch vụ tăng 11,86%; "
              "Công nghiệp - Xây dựng tăng 10,67%; Nông nghiệp tăng 2,95%).")
    assert [(g[0], g[3]) for g in got] == [("economic_growth", 10.5), ("growth_services", 11.86),
                                            ("growth_industry_construction", 10.67), ("growth_agriculture", 2.95)]


def test_one_indicator_two_scopes():
    got = one("Tỷ lệ rác thải được thu gom xử lý đối với phường 97% và xã 72%.")
    assert [(g[0], g[1], g[3]) for g in got] == [("waste_collection_rate", "phường", 97),
                                                  ("waste_collection_rate", "xã", 72)]


def test_amount_then_growth_of_the_same_indicator():
    got = one("Doanh thu dịch vụ lưu trú và ăn uống đạt 11.970 tỷ đồng, tăng 19,82%.")
    assert [(g[0], g[3]) for g in got] == [("accommodation_food_revenue", 11970),
                                            ("accommodation_food_revenue_growth", 19.82)]


def test_list_of_products():
    got = one("Các sản phẩm chủ yếu: Sản lượng lúa: 29.835 tấn, sản lượng ngô: 570 tấn; đàn trâu: 28.500 con.")
    assert [(g[0], g[3], g[5]) for g in got] == [("rice_output", 29835, "tấn"), ("maize_output", 570, "tấn"),
                                                  ("buffalo_herd", 28500, "con")]


def test_two_indicators_share_one_figure():
    got = one("Hoàn thành 100% chỉ tiêu tuyển quân và huấn luyện dân quân.")
    assert [(g[0], g[1], g[3]) for g in got] == [("military_recruitment", "", 100),
                                                  ("military_training", "dân quân", 100)]


def test_coordinated_subjects_give_one_row_each():
    got = one("Tổ chức cơ sở đảng và đảng viên hoàn thành tốt nhiệm vụ đạt 80% trở lên.")
    assert [(g[0], g[1]) for g in got] == [("party_good_completion_rate", "Tổ chức cơ sở đảng"),
                                            ("party_good_completion_rate", "đảng viên")]


def test_qualifier_in_brackets_is_the_scope():
    got = one("Tỷ lệ hộ sử dụng điện lưới quốc gia 99,60% (trừ Thổ Châu).")
    assert got[0][1] == "trừ Thổ Châu"


def test_age_and_level_scopes():
    assert one("Trẻ em dưới 6 tuổi được tiêm chủng trên 98%.")[0][1:3] == ("dưới 6 tuổi", "gt")
    assert one("Xây dựng 01 trường đạt chuẩn mức độ 1.")[0][1] == "mức độ 1"
    assert one("Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng dưới 5%.")[0][1] == ""   # part of the name


# --- OCR ------------------------------------------------------------------------------------------
def test_ocr_fold_repairs_marks_and_digits_inside_words():
    assert ocr_fold("Ty 1€ réac thai dugc thu gom") == "ty le reac thai dugc thu gom"
    assert ocr_fold("100% tré em du tudi vao 16p 1") == "100 tre em du tudi vao lop 1"
    assert fold("Tỷ lệ Đảng viên") == "ty le dang vien"
    text = nfc("Tỷ lệ 1€ 16p")
    assert len(ocr_fold_chars(text)) == len(text)  # offsets survive folding


def test_nfd_input_is_normalised():
    nfd = "Tỷ lệ bao phủ bảo hiểm y tế đạt 95%.".encode("utf-8").decode("utf-8")
    import unicodedata
    assert one(unicodedata.normalize("NFD", nfd))[0][:4] == ("health_insurance_coverage", "", "ge", 95)


@pytest.mark.parametrize("sentence,expected", [
    ("Ty 1€ réac thai dugc thu gom xtr 1y dat 100%.", ("waste_collection_rate", 100)),
    ("Ty 18 bao phu BHYT dat 98% so voi dan sé.", ("health_insurance_coverage", 98)),
    ("Giao quan dat 100% chi tiéu.", ("military_recruitment", 100)),
])
def test_ocr_sentences_match(sentence, expected):
    plan = extract_text(f"KE HOACH nam 2024\n\n2. Chi tiéu thi dua\n\n- {sentence}\n")
    assert (plan.targets[0].indicator, plan.targets[0].value) == expected


# --- locality and year ----------------------------------------------------------------------------
def test_year_from_title_not_from_issue_date():
    text = "Quảng Ngãi, ngày 28 tháng 12 năm 2021\n\nKẾ HOẠCH\n\nPhát triển kinh tế - xã hội năm 2022\n"
    assert detect_year(text) == 2022


def test_year_in_ocr_title():
    assert detect_year("KE HOACH\n\nPhat dong thi dua ciia phwong Nguyén Nghiém nim 2024\n") == 2024


def test_locality_from_letterhead_resolved_with_diacritics():
    loc = detect_locality("ỦY BAN NHÂN DÂN\nHUYỆN BA TƠ\n\nKẾ HOẠCH\n\nThi đua của huyện Ba Tơ năm 2021\n"
                          "tỉnh Quảng Ngãi", 2021)
    assert (loc.name, loc.level, loc.province, loc.scheme) == ("Huyện Ba Tơ", "district", "Quảng Ngãi", "gso_pre2025")


def test_shared_name_without_context_asks():
    loc = detect_locality("KẾ HOẠCH\n\nThi đua của phường Nguyễn Nghiêm năm 2024\n", 2024)
    assert loc.scheme == "unresolved" and len(loc.candidates) == 2


def test_numbered_target_that_names_chi_tieu_is_not_a_heading():
    plan = extract_text("KẾ HOẠCH năm 2025\n\nII. CÁC CHỈ TIÊU CHỦ YẾU\n\n1. Kết nạp 5 đảng viên.\n"
                        "2. Tuyển quân đạt 100% chỉ tiêu huyện giao.\n")
    assert [(t.indicator, t.value) for t in plan.targets] == [("new_party_members", 5), ("military_recruitment", 100)]


def test_year_word_only_hides_years():
    assert one("Tổng diện tích gieo trồng cây hằng năm 1.250 ha.")[0][3:] == (1250, None, "ha")


def test_remaining_level_after_a_reduction():
    got = one("Tỷ lệ hộ nghèo giảm 0,5% (còn 2,1%).")
    assert [(g[0], g[2], g[3]) for g in got] == [("poverty_rate_reduction", "ge", 0.5), ("poverty_rate", "le", 2.1)]


def test_of_which_subset_keeps_the_indicator_with_its_scope():
    got = one("Tỷ lệ lao động qua đào tạo đạt 61%, trong đó có bằng cấp, chứng chỉ đạt 24%.")
    assert [(g[0], g[1], g[3]) for g in got] == [("trained_labour_rate", "", 61),
                                                  ("trained_labour_rate", "bằng cấp, chứng chỉ", 24)]


def test_plan_year_is_the_later_year_of_a_report_and_plan_title():
    assert detect_year("BÁO CÁO\nKết quả thực hiện năm 2023 và kế hoạch năm 2024\n") == 2024


def test_reduced_down_to_is_the_level():
    assert one("Tỷ lệ hộ nghèo giảm xuống dưới 0,8%.")[0][:4] == ("poverty_rate", "", "lt", 0.8)
