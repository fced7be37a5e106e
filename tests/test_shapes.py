"""The document shapes real plans take (issue 9), each on a small plan written for the test:
what a reader of the plan would list as its targets, and nothing else."""
from loaders.plans.extract import extract_text


def rows(text: str) -> list[tuple]:
    return [(t.indicator, t.comparator, t.value, t.value_high, t.unit) for t in extract_text(text).targets]


def values(text: str) -> list[tuple]:
    return [(t.value, t.value_high, t.unit) for t in extract_text(text).targets]


def test_intro_line_with_colon_holds_the_numbered_sub_headings_under_it():
    text = ("Năm 2025, huyện phấn đấu hoàn thành các chỉ tiêu chủ yếu sau:\n\n"
            "1. Về kinh tế\n\n- Thu ngân sách trên địa bàn đạt 120 tỷ đồng.\n\n"
            "2. Về xã hội\n\n- Tỷ lệ hộ nghèo giảm còn 2,5%.\n\n"
            "Hội nghị kết thúc lúc 11 giờ; có 45 đại biểu dự.\n")
    got = rows(text)
    assert ("budget_revenue", "ge", 120.0, None, "tỷ đồng") in got
    assert ("poverty_rate", "le", 2.5, None, "%") in got
    assert len(got) == 2, got


def test_bullet_list_under_an_intro_line_is_a_section():
    text = ("Báo tỉnh đưa tin về kỳ họp.\n\n8 chỉ tiêu xã hội gồm:\n\n- Tỷ lệ lao động qua đào tạo đạt 70%\n\n"
            "- Số máy bay không người lái phục vụ nông nghiệp 12 chiếc\n\n"
            "- Tỷ lệ trường học đạt chuẩn quốc gia: 68%\n")
    got = extract_text(text).targets
    assert [(t.value, t.unit) for t in got] == [(70.0, "%"), (12.0, "chiếc"), (68.0, "%")]
    assert {t.indicator for t in got if t.value == 70.0} == {"trained_labour_rate"}


def test_heading_without_colon_in_capitals():
    text = ("CHỈ TIÊU KINH TẾ - XÃ HỘI NĂM 2024\n\n(Theo Quyết định số 01/QĐ-UBND)\n\n"
            "- Tốc độ tăng trưởng GRDP: 8,5-9,5%.\n\n- Thu hút 30-35 dự án đầu tư.\n")
    got = rows(text)
    assert got[0][1:] == ("between", 8.5, 9.5, "%")
    assert got[1][1:] == ("between", 30.0, 35.0, "dự án")
    assert len(got) == 2


def test_inline_label_followed_by_a_semicolon_list():
    text = ("Ngày 29-5, Đảng bộ xã tổ chức đại hội lần thứ XIII, nhiệm kỳ 2020 – 2025.\n\n"
            "Nhiệm kỳ 2020 – 2025, Đảng bộ xã đề ra các chỉ tiêu, như: thu nhập bình quân đầu người đạt "
            "108 triệu đồng/người/năm; giải quyết việc làm trên 300 lượt lao động; kết nạp từ 30 - 35 đảng viên.\n")
    got = rows(text)
    assert got == [("income_per_capita", "ge", 108.0, None, "triệu đồng/người/năm"),
                   ("jobs_created", "gt", 300.0, None, "lượt lao động"),
                   ("new_party_members", "between", 30.0, 35.0, "đảng viên")]


def test_a_whole_numbered_list_on_one_line_item_numbers_are_not_values():
    text = ("Các chỉ tiêu kinh tế - xã hội năm 2018 1. Tăng trưởng kinh tế (GRDP) từ 7,5% đến 8%. "
            "2. Thu ngân sách nhà nước 11.076 tỷ đồng. 3. Tỷ lệ hộ nghèo giảm còn 2%.\n")
    got = values(text)
    assert got == [(7.5, 8.0, "%"), (11076.0, None, "tỷ đồng"), (2.0, None, "%")]


def test_table_flattened_one_cell_per_line_keeps_the_plan_column_only():
    text = ("Nghị quyết đã đề ra các chỉ tiêu, cụ thể như sau:\n\nStt\n\nChỉ tiêu chủ yếu\n\nTH năm 2021\n\n"
            "KH 2022\n\nƯớc TH 2022\n\nGhi chú\n\nI\n\nKinh tế\n\n\u00a0\n\n\u00a0\n\n\u00a0\n\n\u00a0\n\n"
            "1\n\nGRDP bình quân đầu người (USD)\n\n2.191,1\n\n2.350-2.400\n\n2.429\n\nĐạt\n\n"
            "2\n\nCơ cấu kinh tế\n\n\u00a0\n\n\u00a0\n\n\u00a0\n\nĐạt\n\n\u00a0\n\n- Dịch vụ (%)\n\n46,45\n\n46-47\n\n"
            "46,4\n\n\u00a0\n\n3\n\nTổng vốn đầu tư toàn xã hội\n\n(Tỷ đồng)\n\n25.545\n\n28.000\n\n28.100\n\nĐạt\n")
    plan = extract_text(text)
    got = [(t.value, t.value_high, t.unit) for t in plan.targets]
    assert got == [(2350.0, 2400.0, "USD"), (46.0, 47.0, "%"), (28000.0, None, "tỷ đồng")]
    assert plan.targets[0].text.startswith("GRDP bình quân đầu người") and plan.targets[0].text.endswith("2.350-2.400")
    assert plan.targets[1].indicator == "share_services", "a sub-row is read with its group row"


def test_result_plan_pairs_in_running_text_keep_the_plan_figure():
    text = ("Thu nhập bình quân đầu người ước đạt 55,3 triệu đồng/KH 55-56 triệu đồng. Tổng giá trị sản xuất "
            "ước tăng 11,07% so với năm 2021 (KH tăng 8-9%). Tổng đàn trâu, bò đạt 16.133 con/KH 16.200-16.500 con.")
    assert values(text) == [(55.0, 56.0, "triệu đồng"), (8.0, 9.0, "%"), (16200.0, 16500.0, "con")]


def test_area_pairs_and_achievement_ratios():
    text = ("10 tháng năm 2022, diện tích gieo cấy lúa mùa được khoảng 26.410,28 ha/25.976 ha, đạt 101,2% KH; "
            "mía trồng được 2.761,11 /2.945,0 ha, đạt 93,75% KH; tổng số trâu có 105.301 con, so với cùng kỳ "
            "năm trước bằng 104%.")
    got = values(text)
    assert got == [(25976.0, None, "ha"), (2945.0, None, "ha")]


def test_bracket_numbering_items_under_a_star_intro():
    text = ("* Mục tiêu tổng quát:\nGiữ vững ổn định chính trị, trật tự an toàn xã hội.\n"
            "* Các chỉ tiêu chủ yếu đến năm 2025:\n(1). Tỷ lệ hộ nghèo đến năm 2025 giảm dưới 1%.\n"
            "(2). Lắp điện chiếu sáng đường hẻm từ 50 bóng trở lên.\n")
    got = extract_text(text).targets
    assert [(t.value, t.unit, t.comparator) for t in got] == [(1.0, "%", "lt"), (50.0, "bóng", "ge")]
    assert got[1].indicator != "poverty_rate", "item (2) has a subject of its own"


def test_inside_the_targets_exceed_and_keep_phrases_are_never_dropped():
    text = ("II. CÁC CHỈ TIÊU CHỦ YẾU\n\n- Thu ngân sách trên địa bàn đạt 100% chỉ tiêu trên giao.\n"
            "- Giữ vững danh hiệu cơ quan văn minh đô thị cấp tỉnh.\n")
    got = extract_text(text).targets
    assert [(t.indicator, t.comparator, t.value) for t in got][0] == ("budget_revenue", "exceed_assigned", None)
    assert len(got) == 2 and got[1].comparator == "qualitative"


def test_achieved_results_stay_out():
    text = ("Năm 2023, kinh tế của huyện đạt được những kết quả quan trọng: thu ngân sách đạt 95 tỷ đồng; tỷ lệ "
            "hộ nghèo giảm còn 3,1%.\n\nNăm 2024, huyện phấn đấu thực hiện các chỉ tiêu: thu ngân sách đạt 100 "
            "tỷ đồng; tỷ lệ hộ nghèo giảm còn 2,5%.\n\nTrong nhiệm kỳ qua đã kết nạp được 36/35 đảng viên mới.\n")
    assert values(text) == [(100.0, None, "tỷ đồng"), (2.5, None, "%")]


def test_an_inline_list_goes_on_in_the_next_paragraph_while_it_states_figures():
    text = ("Đại hội thông qua nghị quyết với một số chỉ tiêu chủ yếu: thu ngân sách tăng bình quân hằng năm "
            "5-10%; tổ văn hóa đạt 78% trở lên.\n\nĐảng bộ hoàn thành tốt nhiệm vụ, không có chi bộ yếu kém; "
            "phát triển từ 10 đảng viên trở lên/năm. Đại hội đã bầu Ban Chấp hành khóa mới; bầu 13 đồng chí.\n")
    got = extract_text(text).targets
    assert [(t.comparator, t.value, t.unit) for t in got[2:]] == [
        ("qualitative", None, ""), ("le", 0.0, "chi bộ"), ("ge", 10.0, "đảng viên")], got
    assert got[2].text == "Đảng bộ hoàn thành tốt nhiệm vụ" and got[2].scope == "Đảng bộ"
    assert len(got) == 5, "the sentence after the list (13 đồng chí elected) states no target"


def test_figureless_targets_beside_a_figure_are_rows_of_their_own():
    text = ("Nhiệm kỳ 2020 – 2025, Đảng bộ xã đề ra chỉ tiêu: giữ vững chuẩn quốc gia về y tế và nâng cao chất "
            "lượng 10/10 thôn văn hóa, xây dựng xã đạt vững mạnh về quốc phòng-an ninh.\n")
    got = extract_text(text).targets
    assert [t.value for t in got] == [None, 10.0, None], [(t.value, t.text) for t in got]
    assert got[0].text == "giữ vững chuẩn quốc gia về y tế"
    assert got[2].text == "xây dựng xã đạt vững mạnh về quốc phòng-an ninh"


def test_named_units_are_counted():
    text = "II. CÁC CHỈ TIÊU\n\n- Trường Mầm non, Trường Tiểu học đạt chuẩn mức độ II.\n"
    t = extract_text(text).targets[0]
    assert (t.indicator, t.comparator, t.value, t.unit, t.scope) == ("new_standard_schools", "ge", 2.0, "trường",
                                                                      "mức độ II")


def test_outside_any_section_a_figure_marked_as_the_plan_is_kept_even_for_an_unknown_concept():
    text = ("Huyện Vĩnh Linh: nhiều chỉ tiêu đạt và vượt so với kế hoạch đề ra.\n\nSố trạm sạc xe điện lắp mới ước "
            "đạt 12 trạm/KH 15 trạm; thu ngân sách trên địa bàn ước đạt 285 tỷ đồng.\n")
    got = extract_text(text).targets
    assert [(t.indicator, t.value, t.unit) for t in got] == [("unmapped", 15.0, "trạm")]
