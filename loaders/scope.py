"""Scope: the sub-population a target applies to ("phường", "xã", "nhà trẻ", "dưới 6 tuổi").

Kept as written in the plan. Found, in order of precedence:
1. a qualifier: "đối với X", "(trừ X)", "(không bao gồm X)", "nếu chưa tính X";
2. a level or age stated outside the indicator's own name: "mức độ 1", "lớp 1", "3-5 tuổi";
3. population words in a gap of the indicator name ("tỷ lệ [tổ, bản] văn hóa");
4. a list of population words next to the value ("95% số xã, phường, cơ quan", "và xã 72%"),
   or after the indicator name ("huấn luyện [cho các] lực lượng dân quân tự vệ").
Words that are part of the indicator's own name never count ("Tỷ lệ trẻ em dưới 5 tuổi suy
dinh dưỡng" has no scope).
"""
from __future__ import annotations

import re

_POP_PHRASES = sorted([
    "thi tran", "thanh pho", "thi xa", "huyen", "quan", "xa", "phuong", "tinh", "co quan", "don vi",
    "nha truong", "truong hoc", "doanh nghiep", "khu dan cu", "to dan pho", "to", "ban", "thon", "ap", "buon",
    "lang", "khu pho", "nha tre", "mau giao", "mam non", "tieu hoc", "thcs", "thpt", "trung hoc co so",
    "trung hoc pho thong", "dang vien", "to chuc co so dang", "chi bo", "dang bo", "nong thon", "thanh thi",
    "do thi", "dan quan", "tu ve", "luc luong", "dong vien", "hop tac xa", "co so", "benh vien", "tram y te",
], key=lambda p: -len(p))
_POP_RE = re.compile(r"(?:" + "|".join(re.escape(p) for p in _POP_PHRASES) + r")(?![a-z0-9])")
_GENERIC_HEAD = re.compile(r"^(?:(?:so|cac|nhung|tre em|tre|hoc sinh|nguoi dan|cho)\s+)+")
_LINK = re.compile(r"[\s,]*(?:va|hoac)?[\s,]*")
_QUALIFIER = re.compile(
    r"\b(?:neu\s+)?((?:chua tinh|khong tinh|khong ke|khong bao gom|tru|ngoai)\b[^;()]*?)\s*(?:\bla\b|\)|$|[;:])")
_DOI_VOI = re.compile(r"\bdoi voi\s+([^,;:().]+?)\s*(?=[,;:().]|\d|$)")
_LEVEL = re.compile(r"\b(muc do \d+|lop \d+|(?:duoi|tren|tu)?\s*\d+(?:\s*[-–]\s*\d+)?\s*(?:thang\s+)?(?:tuoi|tudi))")
_VERB_AFTER = re.compile(
    r"\s*(?:[,.;:)]|$|dat|duoc|hoan thanh|thuc hien|co\b|su dung|tham gia|vung manh|xep loai|khong|la\b)")


def pop_list_at(ocr: str, pos: int, end: int) -> tuple[int, int] | None:
    """Span of a population list starting at pos ("xã, phường, cơ quan, nhà trường")."""
    m = _GENERIC_HEAD.match(ocr, pos, end)
    cur = m.end() if m else pos
    first = last = None
    while cur < end:
        m = _POP_RE.match(ocr, cur, end)
        if not m:
            break
        first = m.start() if first is None else first
        last = m.end()
        link = _LINK.match(ocr, last, end)
        cur = link.end() if link and link.end() > last else last
        if cur == last:
            break
    if first is None:
        return None
    return first, last


def pop_list_before(ocr: str, start: int, pos: int) -> tuple[int, int] | None:
    """Population list ending right before pos ("và xã 72%", "học sinh tiểu học và THCS 100%")."""
    text = ocr[start:pos].rstrip(" :")
    end = start + len(text)
    words = list(re.finditer(r"[a-z0-9]+", ocr[start:end]))
    best = None
    for w in reversed(words):
        s = start + w.start()
        span = pop_list_at(ocr, s, end)
        if span and span[1] == end:
            best = span
        elif best is not None:
            break
    return best


def _covered(span: tuple[int, int], protected: list[tuple[int, int]]) -> bool:
    return any(a < span[1] and span[0] < b for a, b in protected)


def find_scope(text: str, ocr: str, seg: tuple[int, int], value_span: tuple[int, int] | None,
               alias_tokens: list[tuple[int, int]], gaps: list[tuple[int, int]], own_match: bool,
               alias_end: int | None) -> tuple[int, int] | None:
    """Span of the scope in the document, or None."""
    s, e = seg
    m = _DOI_VOI.search(ocr, s, e)
    if m:
        return m.span(1)
    m = _QUALIFIER.search(ocr, s, e)
    if m:
        return m.start(1), m.start(1) + len(ocr[m.start(1):m.end(1)].rstrip(" *_"))
    for m in _LEVEL.finditer(ocr, s, e):
        span = m.span(1)
        if not _covered(span, alias_tokens):
            lead = re.match(r"tu\s+", ocr[span[0]:span[1]])
            return (span[0] + lead.end(), span[1]) if lead else span
    if gaps and own_match:
        gs, ge = gaps[0][0], gaps[-1][1]
        span = pop_list_at(ocr, gs, ge)
        if span and span == (gs, ge) and not any(c.isupper() for c in text[gs:ge][1:]) and not text[gs].isupper():
            return span
    if value_span is not None:
        vs, ve = value_span
        span = pop_list_at(ocr, ve, e)
        if span and not _covered(span, alias_tokens) and _VERB_AFTER.match(ocr, span[1], e) \
                and (alias_end is None or span[0] >= alias_end or span[1] <= min(t[0] for t in alias_tokens)):
            return span
        if not own_match:
            span = pop_list_before(ocr, s, vs)
            if span and not _covered(span, alias_tokens):
                return span
    if own_match and alias_end is not None:
        m = re.compile(r"\s*(?:cho\s+)?(?:cac\s+)?").match(ocr, alias_end, e)
        span = pop_list_at(ocr, m.end(), e) if m else None
        if span and span[0] <= alias_end + 12:
            return span
    return None


def coordinated_subjects(ocr: str, alias_tokens: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """"Tổ chức cơ sở đảng và đảng viên hoàn thành…": the conjuncts when an indicator's name
    begins with a coordination of population words; [] otherwise."""
    if not alias_tokens:
        return []
    s = alias_tokens[0][0]
    e = alias_tokens[-1][1]
    parts = []
    cur = s
    while True:
        m = _POP_RE.match(ocr, cur, e)
        if not m:
            break
        parts.append(m.span())
        link = re.compile(r"\s+va\s+|\s*,\s*").match(ocr, m.end(), e)
        if not link:
            break
        cur = link.end()
    return parts if len(parts) >= 2 else []
