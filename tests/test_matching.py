"""The one indicator matcher (chitieu.matching): plan text and workbook headers."""
import pytest

from chitieu.catalogue import Indicator, default_catalogue
from chitieu.matching import CatalogueMatcher, Rewriter
from chitieu.textnorm import ocr_fold_chars
from loaders.actuals.upload import dry_run
from tests.actuals_helpers import fresh_db
from tests.make_fixtures import wide_sheet


@pytest.fixture(scope="module")
def matcher():
    return CatalogueMatcher(default_catalogue())


def best(matcher, text, ocr=False):
    folded = ocr_fold_chars(text)
    found = matcher.find(folded, 0, len(folded), ocr)
    return found[0] if found else None


@pytest.mark.parametrize("text, code", [
    ("Tỷ lệ hộ dùng nước hợp vệ sinh đạt 98%", "hygienic_water_rate"),       # dùng / sử dụng
    ("Tỷ lệ hộ sử dụng nước máy đạt 60%", "clean_water_rate"),              # nước máy / nước sạch
    ("Sản lượng bắp đạt 5.000 tấn", "maize_output"),                        # bắp / ngô
    ("Tổng đàn heo 12.000 con", "pig_herd"),                                # heo / lợn
    ("Tỉ lệ hộ nghèo giảm còn 2%", "poverty_rate_reduction"),                # tỉ / tỷ
    ("Tỷ lệ trẻ em dưới 05 tuổi suy dinh dưỡng dưới 8%", "child_malnutrition_rate"),  # 05 = 5
])
def test_synonyms_and_regional_words(matcher, text, code):
    m = best(matcher, text)
    assert m is not None and m.codes == (code,), (text, m)
    assert not m.fuzzy


@pytest.mark.parametrize("text, code", [
    ("Tỷ lệ người dân tham gia BHYT đạt 95%", "health_insurance_coverage"),
    ("Phấn đấu có thêm 2 xã đạt chuẩn NTM", "new_rural_communes_added"),
    ("Thành lập mới 3 HTX", "new_cooperatives"),
    ("100% xã đạt chuẩn an toàn về ANTT", "security_order_safe_rate"),
    ("GRDP bình quân đầu người đạt 80 triệu đồng", "grdp_per_capita"),
])
def test_abbreviations(matcher, text, code):
    m = best(matcher, text)
    assert m is not None and m.codes == (code,), (text, m)
    assert "synonym" in m.reasons       # the words were rewritten: the label says which alias


def test_an_abbreviation_keeps_the_span_of_the_text():
    r = Rewriter([("KT-XH", "kinh tế - xã hội")])
    words, first, last, changed = r.apply("phat trien kt xh nam 2025".split())
    assert words == ["phat", "trien", "kinh", "te", "xa", "hoi", "nam", "2025"] and changed
    assert (first[2], last[5]) == (2, 3)      # "kinh tế xã hội" comes from the two words "KT" "XH"


def test_verb_first_wording_matches_a_noun_first_alias(matcher):
    text = "Thu gom, xử lý chất thải rắn đô thị đạt 95%"
    m = best(matcher, text)
    assert m.codes == ("waste_collection_rate",)
    folded = ocr_fold_chars(text)
    assert "do thi" not in folded[m.start:m.end]        # "đô thị" is left for the scope


def test_two_word_blocks_in_swapped_order():
    """Only the noun-first alias exists: the verb-first text still matches, flagged as doubtful."""
    cat = {"waste": _ind("waste", "Tỷ lệ chất thải rắn sinh hoạt được thu gom, xử lý"),
           "other": _ind("other", "Tỷ lệ chất thải rắn được tái chế")}
    m = CatalogueMatcher(cat, rewrites=[])
    folded = ocr_fold_chars("Tỷ lệ thu gom, xử lý chất thải rắn sinh hoạt đạt 95%")
    found = m.find(folded, 0, len(folded))
    assert found[0].codes == ("waste",) and found[0].reasons == ("order",)   # the whole alias, "Tỷ lệ" in front
    assert found[0].fuzzy and found[0].score < 1


def test_words_in_another_order_need_two_whole_blocks(matcher):
    """Scattered words are not a match: "trường … mầm non" in a list of school names is not
    "trường mầm non đạt chuẩn"."""
    m = best(matcher, "Xây dựng thêm 05 trường đạt chuẩn Quốc gia: Mầm non Ba Cung, Mầm non Ba Vinh")
    assert m.codes == ("new_standard_schools",) and not m.fuzzy


def _ind(code, name, unit="%"):
    return Indicator(code, name, code, unit, "higher_is_better", "social")


def test_a_distinguishing_word_beats_common_ones():
    """"tỷ lệ … hộ … đạt" are words of many concepts; "nghèo" of one: the shorter alias wins."""
    cat = {i.code: i for i in [
        _ind("poor", "Hộ nghèo"),
        _ind("generic", "Tỷ lệ hộ đạt"),
        *[_ind(f"other{k}", f"Tỷ lệ hộ đạt chuẩn loại {w}") for k, w in enumerate(
            ["một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám"])],
    ]}
    m = CatalogueMatcher(cat, rewrites=[])
    folded = ocr_fold_chars("Tỷ lệ hộ nghèo đạt dưới 2%")
    found = m.find(folded, 0, len(folded))
    assert {f.codes[0] for f in found} >= {"poor", "generic"}
    assert found[0].codes == ("poor",)
    assert m.weight("ngheo") > m.weight("ty") and m.weight("ngheo") > m.weight("dat")


def test_a_list_item_without_its_head_noun():
    """"- Ngô: 2.000 tấn" under "Sản lượng cây có hạt": "ngô" alone names the maize output when
    nothing else matches, with a lower score and the reason."""
    cat = {i.code: i for i in [_ind("maize", "Sản lượng ngô", "tấn"), _ind("rice", "Sản lượng lúa", "tấn"),
                               _ind("cattle", "Tổng đàn bò", "con")]}
    m = CatalogueMatcher(cat, rewrites=[])
    folded = ocr_fold_chars("- Ngô: 2.000 tấn")
    found = m.find(folded, 0, len(folded))
    assert found[0].codes == ("maize",) and "partial" in found[0].reasons and found[0].score < 1
    folded = ocr_fold_chars("- Sản lượng ngô: 2.000 tấn")
    assert m.find(folded, 0, len(folded))[0].reasons == ()


def test_ocr_damaged_words_still_match(matcher):
    m = best(matcher, "Ty 1€ h0 nghceo cuoi nam duéi 3%", ocr=True)   # "1€" = "lệ", "nghceo" = "nghèo"
    assert m.codes[0] in ("poverty_rate", "poverty_rate_reduction")
    assert m.fuzzy and "ocr" in m.reasons


def test_two_names_sharing_one_predicate(matcher):
    m = best(matcher, "Không để phát sinh hộ nghèo, hộ cận nghèo mới")
    assert m.codes == ("new_poor_households", "new_near_poor_households")


@pytest.mark.parametrize("header, code", [
    ("Tỷ lệ nhân dân tham gia bảo hiểm y tế (%)", "health_insurance_coverage"),
    ("Tỷ lệ người dân tham gia BHYT", "health_insurance_coverage"),
    ("Tỉ lệ hộ nghèo (%)", "poverty_rate"),
    ("Sản lượng bắp", "maize_output"),
    ("Số xã đạt chuẩn NTM", "new_rural_communes"),
    ("poverty_rate", "poverty_rate"),
])
def test_headers(matcher, header, code):
    m = matcher.match_header(header)
    assert m is not None and m.codes == (code,) and 0 < m.score <= 1


@pytest.mark.parametrize("header", ["Ghi chú", "Đơn vị tính", "Chỉ tiêu", "Dân số", "Số cây xanh lạ", "Năm", "Tỷ lệ (%)"])
def test_column_names_are_not_indicators(matcher, header):
    assert matcher.match_header(header) is None


def test_upload_wide_sheet_header_matched_by_the_plan_matcher():
    """The header plan reading maps is accepted by the upload, through the real dry run."""
    con = fresh_db()
    data = wide_sheet([[1, "Xã Tịnh Khê", "96,5"]], ["STT", "Địa phương", "Tỷ lệ nhân dân tham gia bảo hiểm y tế (%)"],
                      "Số liệu 6 tháng năm 2022")
    p = dry_run(con, data, "w.xlsx", "a")
    assert "unknown-indicator" not in {c for _, _, c in p.codes()}, p.report()
    assert [(r.locality_name, r.indicator, r.value) for r in p.rows] == [
        ("Xã Tịnh Khê", "health_insurance_coverage", 96.5)]
    # and an unknown header is still refused with the Vietnamese message
    data = wide_sheet([[1, "Xã Tịnh Khê", "96,5", "12"]],
                      ["STT", "Địa phương", "Tỷ lệ bao phủ bảo hiểm y tế", "Số cây xanh lạ"], "Số liệu 6 tháng năm 2022")
    p = dry_run(con, data, "w.xlsx", "a")
    assert (4, "indicator", "unknown-indicator") in p.codes()
    assert any("không có trong danh mục" in i.message_vi for i in p.issues)


# Wording found in real plans with the search tool (portal pages of communes and districts):
# ttkhcn.baria-vungtau.gov.vn/tamphuoc (Kế hoạch KT-XH năm 2022), baothanhhoa.vn (Như Xuân,
# chỉ tiêu nhiệm kỳ 2020-2025), kbang.gialai.gov.vn/Xa-Lo-Ku, quangtrung.bimson.thanhhoa.gov.vn.
@pytest.mark.parametrize("text, code", [
    ("Sản lượng bắp: 14 tấn", "maize_output"),
    ("Tỷ lệ hộ dân dùng nước hợp vệ sinh 100%", "hygienic_water_rate"),
    ("Tỷ lệ người tập luyện TDTT thường xuyên so với dân số 42%", "sports_participation_rate"),
    ("Mức giảm sinh 0,5%", "birth_rate_reduction"),
    ("Tỷ lệ hộ dân sử dụng điện sinh hoạt 100%", "electricity_access_rate"),
    ("Tỷ lệ số xã đạt chuẩn nông thôn mới năm 2025 đạt 50% (8 xã)", "new_rural_commune_rate"),
    ("Tỷ lệ số xã đạt chuẩn nông thôn mới nâng cao 6,25% (1 xã)", "advanced_new_rural_commune_rate"),
    ("tỷ lệ thôn đạt chuẩn nông thôn mới 58,9%", "new_rural_village_rate"),
    ("Tỷ lệ lao động nông nghiệp trong tổng lao động năm 2025: 50%", "agri_labour_share"),
    ("Tỷ lệ tăng thu ngân sách bình quân hàng năm: 12%", "budget_revenue_growth"),
    ("Giá trị sản phẩm trên một ha đất trồng trọt và nuôi trồng thủy sản năm 2025 đạt 72 triệu đồng",
     "value_per_hectare"),
    ("đàn heo: 1.220 con", "pig_herd"),
    ("Trồng rừng mới: 30 ha/năm", "new_forest_planting"),
    ("Số hộ sản xuất, kinh doanh cá thể vào năm 2020: 250 hộ", "business_households"),
])
def test_wording_of_real_plans(matcher, text, code):
    m = best(matcher, text)
    assert m is not None and m.codes == (code,), (text, m)


def test_a_sector_named_with_a_money_value_is_its_output_value(matcher):
    """"Dịch vụ - Thương mại: 225,3 tỷ.đ" (the words of the share, in the other order, a money
    value) is the sector's output value; "… 56,9%" in the economic structure stays the share."""
    m = best(matcher, "Dịch vụ - Thương mại: 225,3 tỷ.đ")
    assert m.codes == ("share_services",) and "order" in m.reasons
    assert matcher.for_unit(m.codes[0], "tỷ đồng") == "output_services"
    assert matcher.for_unit(m.codes[0], "%") == "share_services"
