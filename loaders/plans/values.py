"""Value mentions in a clause: a number or range, its unit as written, its comparator cue.

Works on the diacritic-folded view (`fold_chars`, digits kept) so offsets map back to the
original text. Numbers that are not target values are skipped: years, dates, document
numbers ("34-CT/TW", "04/2020"), ages ("dưới 5 tuổi"), levels ("mức độ 1", "lớp 1"),
numbers glued to letters by OCR ("1€", "s6").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from chitieu.numbers import NUMBER_PATTERN, VnNumber, read_number

# Units as written (folded form -> canonical spelling). Longest first when compiled.
_UNITS = {
    "%0": "‰", "%o": "‰", "‰": "‰", "%": "%", "phan tram": "%", "phan nghin": "‰",
    "trieu/nguoi/nam": "triệu đồng/người/năm", "trieu dong/nguoi/nam": "triệu đồng/người/năm",
    "trieu dong/nguoi": "triệu đồng/người", "trieu/nguoi": "triệu đồng/người",
    "usd/nguoi/nam": "USD/người/năm", "usd/nguoi": "USD/người",
    "m2/nguoi": "m²/người", "m²/nguoi": "m²/người", "m2 san/nguoi": "m² sàn/người",
    "giuong/van dan": "giường/vạn dân", "bac sy/van dan": "bác sĩ/vạn dân", "bac si/van dan": "bác sĩ/vạn dân",
    "tieu chi/xa": "tiêu chí/xã", "tieu chi": "tiêu chí", "ta/ha": "tạ/ha", "tan/ha": "tấn/ha",
    "dong": "đồng", "usd": "USD", "tan": "tấn", "ta": "tạ", "kg": "kg", "con": "con",
    "lao dong": "lao động", "nguoi": "người", "ho": "hộ", "dang vien": "đảng viên", "truong": "trường",
    "xa": "xã", "phuong": "phường", "tuyen": "tuyến", "km": "km", "m2": "m²", "m²": "m²", "m3": "m³", "ha": "ha",
    "luot khach": "lượt khách", "luot nguoi": "lượt người", "luot": "lượt", "lit": "lít", "giuong": "giường",
    "bac sy": "bác sĩ", "bac si": "bác sĩ", "cong trinh": "công trình", "du an": "dự án",
    "doanh nghiep": "doanh nghiệp", "hop tac xa": "hợp tác xã", "san pham": "sản phẩm", "thon": "thôn",
    "chi bo": "chi bộ", "co so": "cơ sở", "vu": "vụ", "don vi": "đơn vị", "hoc sinh": "học sinh",
    "phong hoc": "phòng học", "can": "căn", "nha": "nhà", "kwh": "kWh", "mw": "MW", "cay": "cây",
    "chuyen de": None, "nhiem vu": None, "tieu chuan": None,
}
_SCALES = {"nghin": "nghìn", "ngan": "nghìn", "trieu": "triệu", "ty": "tỷ"}
_UNIT_ALTS = sorted((u for u in _UNITS if _UNITS[u]), key=len, reverse=True)
_UNIT_RE = re.compile(
    r"\s*(?P<scale>(?:(?:nghin|ngan|trieu|ty)\s+){0,2})?(?P<unit>"
    + "|".join(re.escape(u) for u in _UNIT_ALTS) + r")(?![a-z0-9])"
    + r"|\s*(?P<bare_scale>(?:nghin\s+|ngan\s+)?(?:trieu|ty))(?![a-z0-9/])")
_NUM = re.compile(r"(?<![\w/.,])(" + NUMBER_PATTERN + r")(?:\s*[-–—]\s*(" + NUMBER_PATTERN + r"))?")
_SKIP_BEFORE = re.compile(
    r"(?:\b(?:ngay|thang|khoa|lan thu|thu|so|quy|muc do|lop|cap|loai|dot|phan|chuong|dieu|khoan|"
    r"diem|nhiem ky|giai doan|hang|top|ca|tuyen so|tinh lo|quoc lo|huong)\s*|[/#№])$")
_YEAR_WORD_BEFORE = re.compile(r"\b(?:nam|cuoi nam|dau nam)\s*$")
_AGE_AFTER = re.compile(r"^\s*(?:thang\s+)?(?:tuoi|tudi|tuai|tu0i)\b")
_DOCREF_AFTER = re.compile(r"^(?:/|-[a-z]|\.\d{1,2}\.)")
_CMP_BEFORE = [
    (re.compile(r"(?:khong vuot qua|khong qua|toi da|<=|≤)\s*(?:muc\s*)?:?\s*$"), "le"),
    (re.compile(r"(?:it nhat|toi thieu|khong duoi|khong thap hon|>=|≥)\s*(?:la\s*)?:?\s*$"), "ge"),
    (re.compile(r"(?:\btren|\bhon|>)\s*:?\s*$"), "gt"),
    (re.compile(r"(?:\bduoi|<)\s*:?\s*$"), "lt"),
]
_CMP_AFTER = [(re.compile(r"\s*(?:tro len|tro len tren)\b"), "ge"), (re.compile(r"\s*tro xuong\b"), "le")]
_FROM_BEFORE = re.compile(r"\btu\s*$")
# Words before a figure that make it a result already achieved, not a target.
PAST_CUES = re.compile(r"\b(?:uoc dat|uoc thuc hien|uoc tinh dat|da dat|da thuc hien|nam qua|thuc hien duoc)\b"
                       r"[^,;.]{0,40}(?:$|\d)")
ZERO_CUES = re.compile(r"\bkhong\s+(?:de\s+)?(?:phat sinh|con|co)\b")


@dataclass
class Mention:
    start: int                      # span of number(s) and unit in the document
    end: int
    value: float | None
    value_high: float | None = None
    unit: str = ""                  # canonical spelling of the unit as written ("" if none)
    cmp: str | None = None          # explicit comparator cue: ge gt le lt (None if none)
    numbers: tuple[VnNumber, ...] = ()
    zero: bool = False              # "không còn / không để phát sinh / không có": a zero target

    @property
    def is_range(self) -> bool:
        return self.value_high is not None


def _unit_at(plain: str, pos: int, limit: int) -> tuple[str, int]:
    m = _UNIT_RE.match(plain, pos, limit)
    if not m:
        return "", pos
    if m.group("bare_scale"):
        scale = " ".join(_SCALES[w] for w in m.group("bare_scale").split())
        return scale, m.end()
    unit = _UNITS[m.group("unit")]
    scale = " ".join(_SCALES[w] for w in (m.group("scale") or "").split())
    if scale and "đồng/" in unit:
        return unit, m.end()  # "triệu/người/năm" already carries its scale
    return (f"{scale} {unit}".strip() if scale else unit), m.end()


def find_mentions(plain: str, start: int, end: int, ocr: str | None = None) -> list[Mention]:
    """Value mentions in plain[start:end] (the folded document text), in order.

    `ocr` is the OCR-repaired fold of the same text (same length), used for the words
    around a number ("16p 1" reads "lop 1"); defaults to `plain`.
    """
    ocr = ocr if ocr is not None else plain
    out: list[Mention] = []
    taken = start
    for m in _NUM.finditer(plain, start, end):
        s, e = m.span()
        if s < taken:
            continue
        before = ocr[max(start, s - 30):s]
        after = ocr[e:min(end, e + 30)]
        if s > 0 and (plain[s - 1].isalpha() or plain[s - 1] in "€¢"):
            continue  # glued to a word: OCR noise ("s6", "C6")
        if _SKIP_BEFORE.search(before) or _AGE_AFTER.match(after) or _DOCREF_AFTER.match(after):
            continue
        if _YEAR_WORD_BEFORE.search(before) and re.fullmatch(r"(?:19|20)\d\d", m.group(1)):
            continue  # "năm 2024" is a date; "hằng năm 1.250 ha" is a value
        if PAST_CUES.search(ocr[max(start, s - 60):s]):
            continue  # "ước đạt 7,2%", "đã đạt": a result, not a target
        unit, ue = _unit_at(plain, e, end)
        nxt = plain[ue:ue + 1]
        if not unit and nxt and (nxt.isalpha() or nxt in "€¢"):
            if plain[e:e + 1].isalpha() or plain[e:e + 1] in "€¢":
                continue  # "1y", "16p": a digit inside an OCR word
        try:
            low = read_number(m.group(1))
            high = read_number(m.group(2)) if m.group(2) else None
        except ValueError:
            continue
        if not unit and high is None and low.is_integer and 1900 <= low.value <= 2100:
            continue  # a year
        if high is not None and not unit and 1900 <= low.value <= 2100:
            continue  # "2021-2025"
        if not unit and re.match(r"^\s*[a-z]", after) and not re.match(r"^\s*(?:tro len|tro xuong)\b", after):
            # a bare number followed by a word that is not a unit ("5 chuyên đề", "18 bao"):
            # not a target value
            continue
        cmp = None
        for rx, c in _CMP_BEFORE:
            if rx.search(before):
                cmp = c
                break
        for rx, c in _CMP_AFTER:
            if rx.match(plain, ue, min(end, ue + 20)):
                cmp = c
                if c == "ge" and _FROM_BEFORE.search(before):
                    cmp = "ge"
        taken = ue
        out.append(Mention(s, ue, low.value, high.value if high else None, unit, cmp,
                           (low, high) if high else (low,)))
    for z in ZERO_CUES.finditer(plain, start, end):
        if not any(m.start <= z.start() < m.end for m in out):
            out.append(Mention(z.start(), z.end(), 0.0, None, "", "le", (), zero=True))
    out.sort(key=lambda m: m.start)
    return out
