"""Locality honesty (issue 9): never a name the text does not contain; no locality found is an
empty answer (with candidates from the file name when it spells one); a name shared by several
units lists every candidate with its district and province, never picks the first."""
from loaders.plans.extract import extract_text
from loaders.plans.locality import detect_locality


def test_ordinary_words_are_not_localities():
    for text in ("CHỈ TIÊU KINH TẾ - XÃ HỘI NĂM 2024\n\n- Thu nhập bình quân đầu người đạt 60 triệu đồng.",
                 "Tốc độ tăng trưởng bình quân Quân đội nhân dân ...",
                 "HUYỆN ỦY\n\nNghị quyết về nhiệm vụ năm 2024. Thu nhập BÌNH QUÂN ĐẦU NGƯỜI đạt 60 triệu đồng.",
                 "Huyện ủy đề ra các chỉ tiêu về an sinh xã hội năm 2024."):
        loc = detect_locality(text, 2024)
        assert loc.name == "" and loc.code == "" and loc.scheme == "unresolved", (text, loc)


def test_no_locality_is_an_honest_empty_answer_with_candidates_from_the_file_name():
    plan = extract_text("Các chỉ tiêu chủ yếu năm 2024 là: thu ngân sách đạt 12.800 tỷ đồng.",
                        plan_key="17_lao-cai-2024-hdnd-tinh", source_file="17_lao-cai-2024-hdnd-tinh.txt")
    assert plan.locality.name == "" and plan.locality.code == ""
    assert [(c["name"], c["level"], c["province"]) for c in plan.locality.candidates] == [
        ("Tỉnh Lào Cai", "province", "Lào Cai")]
    assert all("locality_unresolved" in t.doubts for t in plan.targets)


def test_a_shared_name_lists_every_candidate_with_district_and_province():
    loc = detect_locality("KẾ HOẠCH\n\nThi đua của phường Nguyễn Nghiêm năm 2024\n", 2024)
    assert loc.scheme == "unresolved" and loc.code == ""
    assert loc.name == "Phường Nguyễn Nghiêm", "the name as the text writes it, not a chosen unit"
    assert len(loc.candidates) == 2
    for c in loc.candidates:
        assert set(c) == {"scheme", "code", "name", "level", "district", "province"}
        assert c["name"] == "Phường Nguyễn Nghiêm" and c["code"] and c["district"] and c["province"]
    assert len({c["district"] for c in loc.candidates}) == 2
    assert loc.province in ("", *{c["province"] for c in loc.candidates})
    assert "2" in loc.note


def test_a_named_unit_still_resolves():
    loc = detect_locality("ỦY BAN NHÂN DÂN\nHUYỆN BA TƠ\n\nKẾ HOẠCH\n\nThi đua của huyện Ba Tơ năm 2021\n"
                          "tỉnh Quảng Ngãi", 2021)
    assert (loc.name, loc.level, loc.province) == ("Huyện Ba Tơ", "district", "Quảng Ngãi") and loc.code
    assert loc.candidates == []
