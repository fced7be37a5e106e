"""Scope: the sub-population a target applies to ("phường", "xã", "nhà trẻ", "dưới 6 tuổi").

Kept as written in the plan (in OCR-damaged text, spelled from the lexicon instead).
Found, in order of precedence:
1. "đối với X";
2. a level or age stated outside the indicator's own name: "mức độ 1", "lớp 1", "3-5 tuổi";
3. population words in a gap of the indicator name ("tỷ lệ [tổ, bản] văn hóa");
4. a list of population words next to the value ("95% số xã, phường, cơ quan", "và xã 72%"),
   or after the indicator name ("huấn luyện [cho các] lực lượng dân quân tự vệ").
Qualifiers in brackets ("(trừ Thổ Châu)") are handled by the clause splitter. Words that
are part of the indicator's own name never count ("Tỷ lệ trẻ em dưới 5 tuổi suy dinh
dưỡng" has no scope).
"""
from __future__ import annotations

import re

from rapidfuzz.fuzz import ratio

POP_PHRASES = {
    "thi tran": "thị trấn", "thanh pho": "thành phố", "thi xa": "thị xã", "huyen": "huyện", "quan": "quận",
    "xa": "xã", "phuong": "phường", "tinh": "tỉnh", "co quan": "cơ quan", "don vi": "đơn vị",
    "nha truong": "nhà trường", "truong hoc": "trường học", "doanh nghiep": "doanh nghiệp",
    "khu dan cu": "khu dân cư", "to dan pho": "tổ dân phố", "to": "tổ", "ban": "bản", "thon": "thôn",
    "ap": "ấp", "buon": "buôn", "lang": "làng", "khu pho": "khu phố", "nha tre": "nhà trẻ",
    "mau giao": "mẫu giáo", "mam non": "mầm non", "tieu hoc": "tiểu học", "thcs": "THCS", "thpt": "THPT",
    "trung hoc co so": "trung học cơ sở", "trung hoc pho thong": "trung học phổ thông",
    "dang vien": "đảng viên", "to chuc co so dang": "tổ chức cơ sở đảng", "chi bo": "chi bộ",
    "dang bo": "đảng bộ", "nong thon": "nông thôn", "thanh thi": "thành thị", "do thi": "đô thị",
    "dan quan": "dân quân", "tu ve": "tự vệ", "luc luong": "lực lượng", "dong vien": "động viên",
    "hop tac xa": "hợp tác xã", "co so": "cơ sở", "benh vien": "bệnh viện", "tram y te": "trạm y tế",
    "lao dong": "lao động", "khu vuc quy hoach dan cu": "khu vực quy hoạch dân cư",
}
_PHRASE_TOKENS = sorted(((tuple(p.split()), c) for p, c in POP_PHRASES.items()), key=lambda x: -len(x[0]))
POP_RE = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in sorted(POP_PHRASES, key=len, reverse=True))
                    + r")\b")
_GENERIC = {("so",), ("cac",), ("nhung",), ("tre", "em"), ("tre",), ("hoc", "sinh"), ("nguoi", "dan"), ("cho",),
            ("o",), ("tai",), ("dan", "cu")}
_GENERIC_LONGEST_FIRST = sorted(_GENERIC, key=len, reverse=True)
_LINKS = {"va", "hoac"}
_TOKEN = re.compile(r"[a-z0-9]+")
_DOI_VOI = re.compile(r"\bdoi voi\s+([^,;:().]+?)\s*(?=[,;:().]|\d|$)")
_LEVEL = re.compile(r"\b(muc do \d+|lop \d+|(?:duoi|tren|tu)?\s*\d+(?:\s*[-–]\s*\d+)?\s*(?:thang\s+)?(?:tuoi|tudi))")
_VERB_AFTER = re.compile(
    r"\s*(?:[,.;:)]|$|dat|duoc|hoan thanh|thuc hien|co\b|su dung|tham gia|vung manh|xep loai|khong|la\b)")


def _tok_eq(a: str, b: str, fuzzy: bool) -> bool:
    return a == b or (fuzzy and len(a) >= 3 and len(b) >= 2 and ratio(a, b) >= 65)


_NEVER_SCOPE = {"dat", "duoc", "co", "la", "hoan", "thuc", "su", "tham", "xep", "khong", "tang", "giam"}


_BY_FIRST: dict[str, list] = {}
for _p, _c in _PHRASE_TOKENS:
    _BY_FIRST.setdefault(_p[0], []).append((_p, _c))


def _phrase_at(toks, i, fuzzy):
    if i >= len(toks):
        return 0, None
    for phrase, canon in (_PHRASE_TOKENS if fuzzy else _BY_FIRST.get(toks[i][0], ())):
        n = len(phrase)
        if i + n > len(toks):
            continue
        words = [toks[i + k][0] for k in range(n)]
        if list(phrase) == words:
            return n, canon
        # OCR text: the phrase as a whole must be close, no verb may be taken for a noun
        if fuzzy and (n > 1 or len(phrase[0]) >= 4) and not _NEVER_SCOPE.intersection(words) \
                and ratio("".join(words), "".join(phrase)) >= 75 and all(_tok_eq(w, p, True) for w, p in zip(words, phrase)):
            return n, canon
    return 0, None


class ScopeText:
    """A scope found in the text: its span, and its spelling from the lexicon."""

    def __init__(self, start: int, end: int, canonical: str | None = None):
        self.start, self.end, self.canonical = start, end, canonical

    def text(self, original: str, ocr_mode: bool) -> str:
        if ocr_mode and self.canonical:
            return self.canonical
        return original[self.start:self.end]


def pop_list_at(ocr: str, pos: int, end: int, fuzzy: bool = False) -> ScopeText | None:
    """A population list starting at pos ("xã, phường, cơ quan, nhà trường")."""
    # a population list is a few words long: look no further than 160 characters
    toks = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(ocr, pos, min(end, pos + 160))]
    i = 0
    while i < len(toks):  # skip generic heads: "số", "các", "trẻ em", "học sinh"
        for g in _GENERIC_LONGEST_FIRST:
            if tuple(t[0] for t in toks[i:i + len(g)]) == g:
                i += len(g)
                break
        else:
            break
    parts, first, last = [], None, None
    while i < len(toks):
        n, canon = _phrase_at(toks, i, fuzzy)
        if not n:
            break
        if first is None:
            first = toks[i][1]
        last = toks[i + n - 1][2]
        i += n
        sep = ocr[last:toks[i][1]] if i < len(toks) else ""
        if i < len(toks) and toks[i][0] in _LINKS:
            parts.append((canon, " và "))
            i += 1
        elif i < len(toks) and not sep.strip() and _phrase_at(toks, i, fuzzy)[0]:
            parts.append((canon, " "))   # "lực lượng dân quân tự vệ": one compound
        elif "," in sep and sep.strip() == ",":
            parts.append((canon, ", "))
        else:
            parts.append((canon, ""))
            break
    if first is None:
        return None
    canonical = "".join(c + s for c, s in parts).rstrip(", ").removesuffix(" và")
    return ScopeText(first, last, canonical)


def pop_list_before(ocr: str, start: int, pos: int, fuzzy: bool = False) -> ScopeText | None:
    """Population list ending right before pos ("và xã 72%", "học sinh tiểu học và THCS 100%")."""
    end = start + len(ocr[start:pos].rstrip(" :"))
    words = list(_TOKEN.finditer(ocr, start, end))
    best = None
    for w in reversed(words[-8:]):
        span = pop_list_at(ocr, w.start(), end, fuzzy)
        if span and span.end == end:
            best = span
    return best


def _covered(span: ScopeText, protected: list[tuple[int, int]]) -> bool:
    return any(a < span.end and span.start < b for a, b in protected)


def _level_canonical(folded: str) -> str:
    s = re.sub(r"^tu\s+", "", folded.strip())
    s = re.sub(r"\s*[-–]\s*", "-", s)
    for a, b in (("muc do", "mức độ"), ("lop", "lớp"), ("duoi", "dưới"), ("tren", "trên"), ("tudi", "tuổi"),
                 ("tuoi", "tuổi"), ("thang", "tháng")):
        s = re.sub(rf"\b{a}\b", b, s)
    return s


def find_scope(text: str, ocr: str, seg: tuple[int, int], value_span: tuple[int, int] | None,
               alias_tokens: list[tuple[int, int]], gaps: list[tuple[int, int]], own_match: bool,
               alias_end: int | None, fuzzy: bool = False) -> ScopeText | None:
    """The scope of one segment, or None."""
    s, e = seg
    m = _DOI_VOI.search(ocr, s, e)
    if m:
        found = pop_list_at(ocr, m.start(1), m.end(1), fuzzy)
        return ScopeText(*m.span(1), found.canonical if found else None)
    for m in _LEVEL.finditer(ocr, s, e):
        span = ScopeText(*m.span(1))
        if not _covered(span, alias_tokens):
            lead = re.match(r"tu\s+", ocr[span.start:span.end])
            start = span.start + (lead.end() if lead else 0)
            return ScopeText(start, span.end, _level_canonical(ocr[start:span.end]))
    if gaps and own_match:
        runs: list[list[int]] = []      # contiguous gap words: "ở đô thị" and "và" are two runs
        for gs, ge in gaps:
            if runs and not ocr[runs[-1][1]:gs].strip(" ,"):
                runs[-1][1] = ge
            else:
                runs.append([gs, ge])
        for gs, ge in runs:
            if re.search(r"\b(?:dia ban|toan)\s*$", ocr[max(0, gs - 12):gs]):
                continue  # "trên địa bàn [tỉnh]": the plan's own level, not a scope
            span = pop_list_at(ocr, gs, ge, fuzzy)
            names = [w for w in text[gs:ge].split() if w[:1].isupper()]
            if span and span.end == ge and not names:  # only "ở", "các"… may stand before the list
                return span
    if value_span is not None:
        vs, ve = value_span
        span = pop_list_at(ocr, ve, e, fuzzy)
        if span and span.start - ve <= 12 and not _covered(span, alias_tokens) \
                and _VERB_AFTER.match(ocr, span.end, e) \
                and (alias_end is None or not alias_tokens or span.start >= alias_end
                     or span.end <= min(t[0] for t in alias_tokens)):
            return span
        if not own_match:
            span = pop_list_before(ocr, s, vs, fuzzy)
            if span and not _covered(span, alias_tokens):
                return span
    if own_match and alias_end is not None:
        m = re.compile(r"\s*(?:cho\s+)?(?:cac\s+)?").match(ocr, alias_end, e)
        span = pop_list_at(ocr, m.end(), e, fuzzy) if m else None
        if span and span.start == m.end() and not _covered(span, alias_tokens):
            return span
    return None


def coordinated_subjects(ocr: str, alias_tokens: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """"Tổ chức cơ sở đảng và đảng viên hoàn thành…": the conjuncts when an indicator's name
    begins with "A và B", both population words; [] otherwise."""
    if not alias_tokens:
        return []
    s, e = alias_tokens[0][0], alias_tokens[-1][1]
    first = pop_list_at(ocr, s, e)
    if not first or first.start != s or " và " not in (first.canonical or ""):
        return []
    parts, cur = [], s
    for piece in first.canonical.split(" và "):
        one = pop_list_at(ocr, cur, e)
        if not one:
            return []
        n = len(piece.split())
        toks = [m for m in _TOKEN.finditer(ocr, cur, e)][:n]
        parts.append((toks[0].start(), toks[-1].end()))
        nxt = re.compile(r"\s+va\s+").match(ocr, toks[-1].end(), e)
        if not nxt:
            break
        cur = nxt.end()
    return parts if len(parts) >= 2 else []
