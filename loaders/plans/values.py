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
    "luot lao dong": "lượt lao động", "bong": "bóng", "doan": "đoạn", "hop tac xa": "hợp tác xã",
    "tyd": "tỷ đồng", "ty d": "tỷ đồng", "trd": "triệu đồng", "tr.d": "triệu đồng", "tr d": "triệu đồng",
    "khach": "khách", "xe": "xe", "duong": "đường", "chiec": "chiếc", "tram": "trạm", "lan": "lần", "ap": "ấp", "ban": "bản",
    "khu pho": "khu phố", "to dan pho": "tổ dân phố", "hoc vien": "học viên", "tre": "trẻ",
    "benh nhan": "bệnh nhân", "gia dinh": "gia đình", "nguoi lao dong": "người lao động",
    "chuyen de": None, "nhiem vu": None, "tieu chuan": None,
}
_SCALES = {"nghin": "nghìn", "ngan": "nghìn", "trieu": "triệu", "ty": "tỷ", "ti": "tỷ"}
# A money unit goes on as written when a per-something follows: "triệu đồng/người/năm", "triệu đồng/ha/năm".
_PER = re.compile(r"(?:\s*/\s*(?:1\s+)?(?:nguoi|nam|ha|thang|ho|lao dong|khau|dan|m2|km|xa|con|tan))+(?![a-z0-9])")
_UNIT_ALTS = sorted((u for u in _UNITS if _UNITS[u]), key=len, reverse=True)
_UNIT_RE = re.compile(
    r"\s*(?P<scale>(?:(?:nghin|ngan|trieu|ty|ti)\s+){0,2})?(?P<unit>"
    + "|".join(re.escape(u) + (r"(?![a-z0-9])" if u[-1].isalnum() else "") for u in _UNIT_ALTS) + r")"
    + r"|\s*(?P<bare_scale>(?:nghin\s+|ngan\s+)?(?:trieu|ty|ti))(?![a-z0-9])")
_NUM = re.compile(r"(?<![\w/.,])(" + NUMBER_PATTERN + r")(?:\s*[-–—]\s*(" + NUMBER_PATTERN + r"))?")
_SKIP_BEFORE = re.compile(
    r"(?:\b(?:ngay|thang|khoa|lan thu|thu|(?<!dan )(?<!co )so|quy|muc do|lop|cap|loai|dot|phan|chuong|dieu|khoan|"
    r"diem|nhiem ky|giai doan|hang|ca|tuyen so|tinh lo|quoc lo|huong)\s*|[/#№])$")
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
PAST_CUES = re.compile(r"\b(?:uoc dat|uoc thuc hien|uoc tinh dat|uoc tang|uoc chiem|uoc giam|da dat|da thuc hien|nam qua|thuc hien duoc)\b"
                       r"[^,;.]{0,40}(?:$|\d)")
ZERO_CUES = re.compile(r"\bkhong\s+(?:de\s+)?(?:phat sinh|con|co)\b|\bgiam het\b|\bxoa het\b")


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
    planned: bool = False           # marked as the plan figure of a result–plan pair ("/KH 55-56")
    unit_guessed: bool = False      # the unit was completed, not written ("72 triệu" -> triệu đồng)
    fraction_of: float | None = None  # "3/4 trường": the whole the count is a share of

    @property
    def is_range(self) -> bool:
        return self.value_high is not None


def _unit_at(plain: str, pos: int, limit: int) -> tuple[str, int]:
    unit, end, _ = unit_at(plain, pos, limit)
    return unit, end


def unit_at(plain: str, pos: int, limit: int) -> tuple[str, int, bool]:
    """(unit as written, end, guessed): the unit right after a number. A bare scale after a
    figure ("72 triệu") is money: "triệu đồng", flagged as guessed."""
    m = _UNIT_RE.match(plain, pos, limit)
    if not m:
        return "", pos, False
    if m.group("bare_scale"):
        scale = " ".join(_SCALES[w] for w in m.group("bare_scale").split())
        per = _PER.match(plain, m.end(), limit)
        if per:  # "60 triệu/người/năm"
            return f"{scale} đồng" + _per_text(plain[m.end():per.end()]), per.end(), False
        return f"{scale} đồng", m.end(), True
    unit = _UNITS[m.group("unit")]
    scale = " ".join(_SCALES[w] for w in (m.group("scale") or "").split())
    end = m.end()
    if unit == "đồng" and not scale and re.match(r"\s+(?:chi|bao|thoi|bang|ruong|doi|nghiep)\b", plain[end:end + 12]):
        return "", pos, False  # "13 đồng chí", "đồng bào": not money
    if scale and "đồng/" in unit:
        return unit, end, False  # "triệu/người/năm" already carries its scale
    unit = f"{scale} {unit}".strip() if scale else unit
    if unit.endswith(("đồng", "USD")) or unit == "lần":
        per = _PER.match(plain, end, limit)
        if per:
            unit += _per_text(plain[end:per.end()])
            end = per.end()
    return unit, end, False


_PER_WORDS = {"nguoi": "người", "nam": "năm", "ha": "ha", "thang": "tháng", "ho": "hộ", "lao dong": "lao động",
              "khau": "khẩu", "dan": "dân", "m2": "m²", "km": "km", "xa": "xã", "con": "con", "tan": "tấn"}


def _per_text(folded: str) -> str:
    parts = [p.strip() for p in folded.split("/") if p.strip()]
    return "".join("/" + _PER_WORDS.get(re.sub(r"^1\s+", "", p), p) for p in parts)


_PLAN_BEFORE = re.compile(r"(?:\bkh|\bke hoach)\s*(?:\d{4}\s*)?:?\s*(?:tang|giam|dat|la|chiem)?\s*(?:tu\s*)?$")
_RESULT_AFTER_PAIR = re.compile(r"\s*(?:/|\(\s*)\s*(?:kh|ke hoach)\b")
_ACHIEVED_PCT_AFTER = re.compile(r"\s*(?:so voi\s+)?(?:kh|ke hoach|chi tieu)\b")
_SECOND_OF_PAIR = re.compile(r"\s*/\s*(" + NUMBER_PATTERN + r")")
_RANGE_GAP = re.compile(r"^\s*(?:-|–|—|den|toi)\s*$")
# A clause that reports what has happened: "so với cùng kỳ", "tính từ đầu năm".
RESULT_CLAUSE = re.compile(r"\bcung ky\b[^.;]{0,25}\bbang\b|\bbang\s+[\d,.]+\s*%\s*so voi cung ky"
                           r"|\b(?:tinh tu dau nam|tu dau nam den)\b")


_YEAR_TOKEN = re.compile(r"(?:19|20)\d\d")
_WORD_AFTER = re.compile(r"^\s*[a-z]")
_RANGE_OR_CMP_AFTER = re.compile(r"^\s*(?:tro len|tro xuong|den|toi)\b")
_REACHED_BEFORE = re.compile(r"\b(?:dat|bang)\s*$")
_PER_BEFORE = re.compile(r"(?:\btren|/)\s*$")
_TOP_BEFORE = re.compile(r"\btop\s*$")


def find_mentions(plain: str, start: int, end: int, ocr: str | None = None,
                  keep_estimates: bool = False) -> list[Mention]:
    """Value mentions in plain[start:end] (the folded document text), in order.

    `ocr` is the OCR-repaired fold of the same text (same length), used for the words
    around a number ("16p 1" reads "lop 1"); defaults to `plain`. `keep_estimates`: inside a
    section that announces targets, "ước đạt X" is the plan's own (sloppy) wording of a target.

    Result–plan pairs keep only the plan figure: "ước tăng 8,31%/KH tăng 3-4%", "(KH 8-9%)",
    "26.410,28 ha/25.976 ha" (the second is the plan); an achievement ratio "đạt 82,29% KH" is
    a result. A count fraction "3/4 trường", "10/10 thôn" is the numerator.
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
        planned = bool(_PLAN_BEFORE.search(before))
        pair = _SECOND_OF_PAIR.match(plain, e, end) or _SECOND_OF_PAIR.match(plain, _unit_at(plain, e, end)[1], end)
        if pair and not _SKIP_BEFORE.search(before):
            got = _pair_or_fraction(plain, ocr, m, pair, start, end)
            if got is not None:
                if got is not False:
                    out.append(got)
                    taken = got.end
                continue
        if _SKIP_BEFORE.search(before) or _AGE_AFTER.match(after) or _DOCREF_AFTER.match(after):
            continue
        if _YEAR_WORD_BEFORE.search(before) and _YEAR_TOKEN.fullmatch(m.group(1)):
            continue  # "năm 2024" is a date; "hằng năm 1.250 ha" is a value
        if not planned and not keep_estimates and PAST_CUES.search(ocr[max(start, s - 60):s]):
            continue  # "ước đạt 7,2%", "đã đạt": a result, not a target
        unit, ue, guessed = unit_at(plain, e, end)
        nxt = plain[ue:ue + 1]
        if not unit and nxt and (nxt.isalpha() or nxt in "€¢"):
            if plain[e:e + 1].isalpha() or plain[e:e + 1] in "€¢":
                continue  # "1y", "16p": a digit inside an OCR word
        try:
            low = read_number(m.group(1))
            high = read_number(m.group(2)) if m.group(2) else None
        except ValueError:
            continue
        if high is not None and high.value < low.value:
            continue  # "29-5" is a date (day-month), not a range
        if low.value == 1 and high is None and unit and _PER_BEFORE.search(before):
            taken = ue
            continue  # "trên 1 ha", "/1 ha": per hectare, not a figure
        if not unit and high is None and low.is_integer and 1900 <= low.value <= 2100:
            continue  # a year
        if high is not None and not unit and 1900 <= low.value <= 2100:
            continue  # "2021-2025"
        if not unit and _WORD_AFTER.match(after) and not _RANGE_OR_CMP_AFTER.match(after):
            # a bare number followed by a word that is not a unit ("5 chuyên đề", "18 bao"):
            # not a target value
            continue
        if _RESULT_AFTER_PAIR.match(plain, ue, end) and not planned:
            taken = ue
            continue  # "ước tăng 8,31%/KH …", "11,07% (KH …)": the result beside its plan
        if unit == "%" and low.value != 100 and high is None and _ACHIEVED_PCT_AFTER.match(plain, ue, end) \
                and _REACHED_BEFORE.search(before):
            taken = ue
            continue  # "đạt 82,29% KH": how much of the plan was achieved
        cmp = None
        for rx, c in _CMP_BEFORE:
            if rx.search(before):
                cmp = c
                break
        for rx, c in _CMP_AFTER:
            if rx.match(plain, ue, min(end, ue + 20)):
                cmp = c
        if not unit and high is None and _TOP_BEFORE.search(before):
            unit, cmp = "hạng", "le"  # "nằm trong Top 5": a rank of 5 or better
        taken = ue
        out.append(Mention(s, ue, low.value, high.value if high else None, unit, cmp,
                           (low, high) if high else (low,), planned=planned, unit_guessed=guessed))
    out = _merge_ranges(plain, out)
    for z in ZERO_CUES.finditer(plain, start, end):
        if not any(m.start <= z.start() < m.end for m in out):
            unit, _, _ = unit_at(plain, z.end(), end)
            out.append(Mention(z.start(), z.end(), 0.0, None, unit if unit != "%" else "", "le", (), zero=True))
    out.sort(key=lambda m: m.start)
    return out


def _pair_or_fraction(plain: str, ocr: str, m: re.Match, pair: re.Match, start: int, end: int):
    """"A/B unit" and "A unit/B unit". Returns a Mention, False (consumed, nothing to keep) or
    None (not a pair: a date, a document number)."""
    a_end = m.end()
    a_unit, _, _ = unit_at(plain, a_end, end)
    b_s, b_e = pair.span(1)
    if plain[b_e:b_e + 1] in ("/", "-") and plain[b_e + 1:b_e + 2].isdigit():
        return None  # a date "12/10/2022", a document number
    if m.group(2):
        return None
    try:
        a = read_number(m.group(1))
        b = read_number(pair.group(1))
    except ValueError:
        return None
    b_unit, b_ue, guessed = unit_at(plain, b_e, end)
    a_unit_here = _UNIT_RE.match(plain, a_end, pair.start(1)) if pair.start() > a_end else None
    if not b_unit and not a_unit_here:
        return False if re.match(r"\s*[a-z]", plain[b_e:b_e + 3]) else None  # "4/4 chỉ tiêu", "2/2"
    if a_unit_here is None and a.is_integer and b.is_integer and a.value <= b.value and b_unit \
            and b_unit not in ("%", "‰") and not re.search(r"đồng|USD|ha|tấn|tạ|km|m²|m³", b_unit):
        # a share of a count: "3/4 trường học", "10/10 thôn" -> the numerator
        return Mention(m.start(), b_ue, a.value, None, b_unit, None, (a,), fraction_of=b.value)
    # a result and its plan: "1.692,75 ha/2.057 ha", "2.761,11 /2.945,0 ha" -> the plan
    unit = b_unit or a_unit
    cmp = None
    before = ocr[max(start, m.start() - 30):m.start()]
    for rx, c in _CMP_BEFORE:
        if rx.search(before):
            cmp = c
            break
    return Mention(b_s, b_ue if b_unit else b_e, b.value, None, unit, cmp, (b,), planned=True,
                   unit_guessed=guessed)


def _merge_ranges(plain: str, mentions: list[Mention]) -> list[Mention]:
    """"từ 7,5% đến 8%", "0,5%-0,8%", "từ 80,4 triệu đồng đến 80,8 triệu đồng": one range."""
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if prev is not None and prev.value_high is None and m.value_high is None and not prev.zero \
                and _RANGE_GAP.match(plain[prev.end:m.start]) and (not prev.unit or prev.unit == m.unit) \
                and (m.unit or not prev.unit) and prev.value is not None and m.value is not None \
                and prev.value <= m.value and prev.fraction_of is None:
            out[-1] = Mention(prev.start, m.end, prev.value, m.value, m.unit, prev.cmp if prev.cmp not in ("ge",) else None,
                              prev.numbers + m.numbers, planned=prev.planned or m.planned,
                              unit_guessed=m.unit_guessed)
            continue
        out.append(m)
    return out
