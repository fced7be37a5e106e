"""Turn a plan document into its targets.

Pipeline (each step a small function, all on the NFC text and two same-length folded
views, so every target keeps the exact span of the words it came from):
1. structure: find the target section(s) (`loaders.plans.structure`);
2. clauses: split each item at ";" and sentence ends, classify parentheses (a sub-list
   "(trong đó: …)", a qualifier "(trừ Thổ Châu)", a bare value "(12,11 tiêu chí/xã)", or a note);
3. segments: a clause with several values is cut between them ("phường 97% và xã 72%");
4. each segment gets an indicator (own name, else the subject it continues), a value, a
   comparator, a unit and a scope.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from chitieu.catalogue import Indicator, default_catalogue
from chitieu.errors import UserError
from chitieu.model import ExtractedPlan, PlanTarget
from chitieu.textnorm import diacritic_ratio, fold_chars, nfc, ocr_fold_chars
from loaders.plans.documents import read_document
from loaders.plans.locality import detect_locality, detect_title, detect_year
from chitieu.matching import CatalogueMatcher, Match
from loaders.plans.scope import POP_RE, ScopeText, coordinated_subjects, find_scope, pop_list_at
from loaders.plans.structure import inline_sections, past_paragraph, target_items
from loaders.plans.tables import CellTable, TableLayout, find_cell_tables, find_tables
from loaders.plans.values import PAST_CUES, RESULT_CLAUSE, Mention, _unit_at, find_mentions

EXTRACTOR_VERSION = "extractor-3"
_EXCEED = re.compile(r"\b(?:dat va vuot|vuot muc|vuot)\s+(?:muc\s+)?chi tieu\b|\bdat chi tieu\b[a-z ,]{0,40}\bgiao\b"
                     r"|\bvuot ke hoach\b|\b100\s*%\s*chi tieu\s+(?:[a-z]+\s+){0,2}giao\b")
# "giữ vững", "duy trì": a target to keep a state, kept even when the catalogue lacks the concept
_KEEP = re.compile(r"\b(?:giu vung|duy tri|on dinh)\b")
# "100% chỉ tiêu (trên/được) giao": no figure of its own, the assigned target is to be met
_ASSIGNED_100 = re.compile(r"\s*chi tieu\s+(?:[a-z]+\s+){0,2}giao\b")
_QUALIFIER_PAREN = re.compile(r"^\W*(?:neu\s+)?(?:chua tinh|khong tinh|khong ke|khong bao gom|tru|ngoai)\b")
_SUBLIST_HEAD = re.compile(r"^\W*(?:trong do|cu the|gom|bao gom)\s*:?\s*")
_FILLER = re.compile(r"\b(?:dat|la|co|tang|giam|chiem|khoang|tren|duoi|tro len|tro xuong|trong do|va|tu|"
                     r"doi voi|so voi|con|len|muc|it nhat|toi thieu|toi da|khong qua|hon|so|cac|cua|cho)\b")
_PAST_CLAUSE = re.compile(r"\W*(?:trong\s+)?(?:nam qua|nam truoc|ket qua|nam (\d{4}))\b")
_SUBSET = re.compile(r"\W*trong do\s*:?\s*(?:co\s+)?")
_COUNT_UNITS = {"hộ", "xã", "đơn vị", "vụ", "trường", "người", "lao động", "con", "tuyến", "đảng viên"}


@dataclass
class Segment:
    start: int
    end: int
    mention: Mention | None
    subject: Match | None = None          # inherited indicator context
    scope_span: ScopeText | None = None
    force_subject: bool = False            # a qualified restatement ("nếu chưa tính … là 6-7%")


@dataclass
class Doc:
    text: str
    plain: str
    ocr: str
    ocr_mode: bool
    matcher: CatalogueMatcher
    catalogue: dict[str, Indicator]
    para: tuple[int, int] | None = None     # the paragraph being read (OCR alias pre-selection)
    keep_estimates: bool = False            # inside a target section "ước đạt X" states a target
    year: int | None = None                 # the plan year (base-year restatements are not targets)
    mention_cache: dict | None = None       # (start, end, keep_estimates) -> mentions, read once per span
    para_lazy: bool = False                 # siblings of an ambiguous number: read the paragraph on demand


# ---------------------------------------------------------------- clauses and parentheses

def _mentions(doc: Doc, start: int, end: int) -> list[Mention]:
    """find_mentions over a span of the document, read once (the paragraph loop asks first
    whether a clause has a figure, then reads it). Callers get a new list of the same mentions
    and must not change them."""
    if doc.mention_cache is None:
        doc.mention_cache = {}
    key = (start, end, doc.keep_estimates)
    hit = doc.mention_cache.get(key)
    if hit is None:
        hit = doc.mention_cache[key] = find_mentions(doc.plain, start, end, doc.ocr, doc.keep_estimates)
    return list(hit)


def _parens(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Top-level parenthesised spans (inclusive of the brackets) in text[start:end]."""
    if text.find("(", start, end) == -1:
        return []
    out, depth, open_at = [], 0, None
    for i in range(start, end):
        c = text[i]
        if c == "(":
            if depth == 0:
                open_at = i
            depth += 1
        elif c == ")" and depth:
            depth -= 1
            if depth == 0:
                out.append((open_at, i + 1))
    if depth and open_at is not None:
        out.append((open_at, end))
    return out


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def split_clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut at ";" and sentence ends outside parentheses."""
    parens = _parens(text, start, end)
    cuts = [start]
    for m in re.finditer(r";|\.(?=\s+[*_“\"]*[A-ZĐÀ-Ỹ])", text[start:end]):
        pos = start + m.start()
        if not _inside(pos, parens):
            cuts.append(pos + 1)
    cuts.append(end)
    out = []
    for a, b in zip(cuts, cuts[1:]):
        a, b = _trim(text, a, b)
        if b > a:
            out.append((a, b))
    return out


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and (text[a].isspace() or text[a] in "-–+•*;,.:_"):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in ";,.:*_"):
        b -= 1
    return a, b


def _split_between(doc: Doc, start: int, end: int, mentions: list[Mention]) -> list[tuple[int, int]]:
    """Cut a span holding several values at the last separator before each next value."""
    bounds = [start]
    for prev, nxt in zip(mentions, mentions[1:]):
        gap = doc.ocr[prev.end:nxt.start]
        strong = re.search(r"[,;]?\s*\btrong do\b", gap)
        cut = prev.end + strong.start() if strong else None
        paren = re.search(r"\(\s*$", gap)
        if cut is None and paren and re.search(r"[a-z]{2,}", gap[:paren.start()]):
            cut = prev.end + paren.start()  # "… so với đầu năm 2024 (21 hộ)": the bracket is its own measure
        if cut is None:  # the last comma, else the last "và"/"với"
            commas = list(re.finditer(r"[,;]\s*", gap)) or list(re.finditer(r"\s+(?:va|voi)\s+", gap))
            cut = prev.end + commas[-1].start() if commas else None
        if cut is None:
            cut = nxt.start
        bounds.append(cut)
    bounds.append(end)
    out = []
    for a, b in zip(bounds, bounds[1:]):
        a, b = _trim(doc.text, a, b)
        out.append((a, b))
    return out


# ---------------------------------------------------------------- indicator choice

def _unit_family(unit: str) -> str:
    u = (unit or "").lower()
    if u.startswith("%") or u == "%":
        return "pct"
    if "‰" in u:
        return "pct"
    if "đồng" in u or "usd" in u:
        return "money"
    return "count" if u else ""


def _choose_codes(doc: Doc, codes: tuple[str, ...], mention: Mention | None) -> list[str]:
    """Indicators sharing one name are told apart by the unit of the value."""
    if len(codes) == 1:
        return list(codes)
    fam = _unit_family(mention.unit) if mention else ""
    if fam:
        same = [c for c in codes if _unit_family(doc.catalogue[c].unit) == fam]
        if same:
            return same
    return list(codes)


def _own_match(doc: Doc, s: int, e: int, exclude: list[tuple[int, int]]) -> list[Match]:
    found = [m for m in doc.matcher.find(doc.ocr, s, e, doc.ocr_mode, doc.para)
             if not any(a <= m.start < b for a, b in exclude)]
    return found


def _leftover_words(doc: Doc, s: int, e: int, mention: Mention | None) -> int:
    text = doc.ocr[s:e]
    if mention:
        text = doc.ocr[s:mention.start] + " " + doc.ocr[mention.end:e]
    text = re.sub(r"\bso(?: voi)? (?:uoc |cung ky |du toan |ke hoach |thuc hien |nam |giai doan )[^,;]*$", " ", text)
    text = re.sub(r"\d+(?:[.,]\d+)*", " ", text)
    text = _FILLER.sub(" ", text)
    text = POP_RE.sub(" ", text)  # population words are scope, not a new concept
    text = re.sub(r"\b(?:tuoi|tudi|loai kha|xuat sac|tot|tre em|tre|hoc sinh|nguoi dan)\b", " ", text)
    return len(re.findall(r"[a-z]{2,}", text))


# ---------------------------------------------------------------- targets from one segment

def _comparator(ind: Indicator | None, mention: Mention | None) -> str:
    if mention is None:
        return "qualitative"
    if mention.is_range:
        return "between"
    if mention.cmp:
        return mention.cmp
    direction = ind.direction if ind else "higher_is_better"
    return {"target_band": "eq", "lower_is_better": "le"}.get(direction, "ge")


def _unit(ind: Indicator | None, mention: Mention) -> tuple[str, str]:
    """(unit, note): the unit as written, completed from the catalogue when the plan
    abbreviates it ("19,3 giường" for giường/vạn dân)."""
    written = mention.unit
    cat = ind.unit if ind else ""
    if not written:
        return cat, ""
    if cat and cat != written and cat.startswith(written.split("/")[0]) and "/" in cat and "/" not in written \
            and _unit_family(written) != "money":  # money stays as written: "59,6 triệu đồng"
        return cat, ""
    if cat == "‰" and written == "%":
        return written, "đơn vị ghi là %, có lẽ là ‰ (phần nghìn) / unit written as %, probably ‰ (per mille)"
    return written, ""


def _resolve_ambiguous(doc: Doc, mention: Mention, siblings: list[Mention]) -> tuple[float, str]:
    """Pick the reading of an ambiguous number that the document itself supports."""
    num = mention.numbers[0] if mention.numbers else None
    if num is None or num.ambiguity is None or num.alternative is None:
        return mention.value, (f"số viết không rõ / ambiguous number: {num.ambiguity}" if num and num.ambiguity
                               else "")
    alt = num.alternative
    if doc.para is not None and doc.para_lazy:
        siblings = _mentions(doc, *doc.para)  # the paragraph's figures, read only when a number is in doubt
    others = [m.value for m in siblings if m is not mention and m.unit == mention.unit and m.value
              and m.start != mention.start]
    for i, a in enumerate(others):
        for b in others[i + 1:]:
            if abs(a + b - alt) <= 1e-6 * alt:
                return alt, (f'"{num.text}" đọc là {alt:g} vì bằng tổng các phần ({a:g} + {b:g}); dấu phẩy là lỗi '
                             f"đánh máy cho dấu chấm / read as {alt:g}: it equals the sum of its parts "
                             f"({a:g} + {b:g}), the comma is a typo for the thousands dot")
    if others and min(others) > 100 * mention.value:
        return alt, (f'"{num.text}" đọc là {alt:g} (các chỉ tiêu cùng đơn vị đều cỡ hàng nghìn) / read as {alt:g}: '
                     "every sibling figure in the same unit is in the thousands")
    return mention.value, f"số viết không rõ / ambiguous number: {num.ambiguity}"


def _targets_for_segment(doc: Doc, seg: Segment, own: list[Match], siblings: list[Mention],
                         next_seg: Segment | None) -> tuple[list[PlanTarget], Match | None]:
    out, used = _segment_targets(doc, seg, own, siblings, next_seg)
    for t in out:  # what the confidence pass needs to know (see _doubts)
        if not hasattr(t, "_used"):
            t._used, t._mention = used, seg.mention
            t._planned = bool(seg.mention is not None and seg.mention.planned)  # "…/KH 55-56": the plan's figure
            t._inherited = getattr(t, "_inherited", False) or (
                used is not None and used is seg.subject and not any(used is m for m in own))
    return out, used


def _segment_targets(doc: Doc, seg: Segment, own: list[Match], siblings: list[Mention],
                     next_seg: Segment | None) -> tuple[list[PlanTarget], Match | None]:
    text, ocr = doc.text, doc.ocr
    mention = seg.mention
    match = own[0] if own else None
    inherited = False
    if match is None and next_seg is not None and mention is not None:
        # "96% gia đình và 100% tổ dân phố, cơ quan đạt chuẩn văn hóa": the predicate is shared
        tail_start = next_seg.mention.end if next_seg.mention else next_seg.start
        virtual = ocr[seg.start:seg.end] + " " + ocr[tail_start:next_seg.end]
        cands = doc.matcher.find(virtual, 0, len(virtual), doc.ocr_mode)
        cands = [c for c in cands if c.start < seg.end - seg.start < c.end]
        if cands:
            c = cands[0]
            match = Match(c.codes, c.alias, seg.start, seg.end, c.matched, c.total, [], [])
    subset = _SUBSET.match(ocr, seg.start, seg.end) if match is None and mention is not None else None
    if match is None and seg.subject is not None and (mention is not None or _EXCEED.search(ocr, seg.start, seg.end)) \
            and (seg.force_subject or subset or _leftover_words(doc, seg.start, seg.end, mention) <= 1):
        match = seg.subject
        inherited = True
        if subset and seg.scope_span is None and mention.start > subset.end():
            # "…đạt 61%, trong đó có bằng cấp, chứng chỉ đạt 24%": the subset is the scope
            tail = re.search(r"\s*(?:dat|la|chiem|khoang)?\s*$", ocr[subset.end():mention.start])
            end = subset.end() + (tail.start() if tail else 0)
            if end > subset.end():
                seg.scope_span = ScopeText(subset.end(), end)
    if mention is None:
        folded = ocr[seg.start:seg.end]
        if PAST_CUES.search(folded + " "):
            return [], None  # "tăng trưởng ước đạt 7,2%": a result whose figure was set aside
        if match is not None and not doc.ocr_mode and not inherited \
                and {"order", "partial", "missing-words"}.intersection(getattr(match, "reasons", ())):
            match = None  # a clause with no figure is kept on a sure name only
        if _EXCEED.search(folded):
            comparator = "exceed_assigned"
            if match is None and seg.subject is not None:
                match, inherited = seg.subject, True  # "…1.390 tỷ đồng, hoàn thành 100% chỉ tiêu được giao"
        elif match is not None:
            comparator = "qualitative"
        elif _KEEP.search(folded):
            comparator = "qualitative"
        else:
            return [], None
        if match is None:  # an exceed/keep phrase about a concept the catalogue lacks: kept by its own name
            t = PlanTarget(indicator="unmapped", comparator=comparator, text=text[seg.start:seg.end],
                           start=seg.start, end=seg.end, indicator_label=re.sub(r"\s+", " ", text[seg.start:seg.end])[:120])
            t._inherited = False
            return [t], None
        codes = _choose_codes(doc, match.codes, None)
        ind = doc.catalogue[codes[0]]
        value = None
        unit = ""
        named = _named_units(text, folded, seg.start, ind.unit) if comparator == "qualitative" \
            and ind.unit in _COUNT_UNITS and ind.direction == "higher_is_better" else 0
        if named:
            # "Xây dựng Trường … đạt chuẩn": one named school; "Trường Mầm non, Trường Tiểu học đạt
            # chuẩn mức độ II": two
            comparator, value, unit = "ge", float(named), ind.unit
        level = re.search(r"\bmuc do (?:\d+|[ivx]+)\b", folded) if value else None
        scope = text[seg.start + level.start():seg.start + level.end()] if level else ""
        if not scope and not inherited and match.start > seg.start:
            # "[Đảng bộ] hoàn thành tốt nhiệm vụ": the group the statement is about
            span = pop_list_at(ocr, seg.start, match.start, doc.ocr_mode)
            if span is not None and span.start == seg.start and not ocr[span.end:match.start].strip():
                scope = span.text(text, doc.ocr_mode)
        return [PlanTarget(indicator=c, comparator=comparator, value=value, unit=unit if value else "",
                           scope=scope, text=text[seg.start:seg.end], start=seg.start, end=seg.end,
                           indicator_label=match.alias) for c in codes], match
    if mention.zero and match is not None:
        ind0 = doc.catalogue[match.codes[0]]
        if ind0.direction != "lower_is_better" and mention.unit and _unit_family(ind0.unit) != "count":
            match = None  # "không còn xã … nợ tiêu chí": a count to bring to zero the catalogue lacks
        elif ind0.direction != "lower_is_better":
            return _segment_targets(doc, Segment(seg.start, seg.end, None, seg.subject), own, siblings, None)
    assigned = mention.value == 100 and mention.unit == "%" and _ASSIGNED_100.match(ocr, mention.end, seg.end)
    if assigned and match is None and seg.subject is not None:
        match, inherited = seg.subject, True   # "…1.390 tỷ đồng, hoàn thành 100% chỉ tiêu được giao"
    if assigned and (match is None or _unit_family(doc.catalogue[match.codes[0]].unit) != "pct"):
        # "thu ngân sách đạt 100% chỉ tiêu trên giao": meet the assigned target (no figure of its own);
        # for a rate ("nhập ngũ đạt 100% chỉ tiêu được giao") the 100% is the figure
        code = match.codes[0] if match else "unmapped"
        t = PlanTarget(indicator=code, comparator="exceed_assigned", text=text[seg.start:seg.end], start=seg.start,
                       end=seg.end, indicator_label=match.alias if match else _label(doc, seg, mention))
        t._inherited = inherited
        return [t], match
    value, note = _resolve_ambiguous(doc, mention, siblings)
    if match is None:
        label = _label(doc, seg, mention)
        unit = mention.unit
        return [PlanTarget(indicator="unmapped", comparator=_comparator(None, mention), value=value,
                           value_high=mention.value_high, unit=unit, text=text[seg.start:seg.end],
                           start=seg.start, end=seg.end, indicator_label=label, note=note)], None
    codes = _choose_codes(doc, match.codes, mention)
    if len(codes) == 1:  # "…4.549 tỷ đồng, tăng 3,32%": the growth rate; "100% xã đạt chuẩn": the rate
        codes = [doc.matcher.for_unit(codes[0], mention.unit)]
    if len(codes) == 1 and codes[0] in doc.matcher.level_of and (
            re.match(r"\W*(?:xuong\s+|giam\s+)?con\b", ocr[seg.start:seg.end]) if inherited
            else re.search(r"\b(?:xuong|con)\b|^\W*(?:giam\s+)?(?:xuong\s+)?duoi\s*$", ocr[match.end:mention.start])):
        codes = [doc.matcher.level_of[codes[0]]]  # "giảm (xuống) còn 2,1%": the level that remains
    alias_tokens = [] if inherited else match.token_spans
    alias_end = None if inherited else match.end
    scope_span = seg.scope_span or find_scope(text, ocr, (seg.start, seg.end), (mention.start, mention.end),
                                              alias_tokens, match.gaps if not inherited else [],
                                              not inherited, alias_end, doc.ocr_mode)
    if scope_span is None and not inherited:
        scope_span = _scope_beside_name(doc, seg, match, codes[0])
    subjects = [] if inherited else coordinated_subjects(ocr, match.token_spans)
    out = []
    for code in codes:
        ind = doc.catalogue[code]
        unit, unit_note = _unit(ind, mention)
        if mention.zero:
            unit = ind.unit
        v, vh = value, mention.value_high
        if code.endswith("_growth") and v is not None and mention.unit == "%" \
                and re.search(r"\bgiam\s*$", ocr[max(seg.start, mention.start - 12):mention.start]):
            v, vh = -v, (-vh if vh is not None else None)  # "nhập khẩu …, giảm 6,52%": a planned fall
        cmp = _comparator(ind, mention)
        if mention.cmp is None and not mention.is_range and not mention.zero \
                and re.search(r"(?<!dat va )\bvuot\b", ocr[seg.start:mention.start]):
            cmp = "gt"  # "hoàn thành vượt so với dự toán … (6.193 tỷ đồng)"; "đạt và vượt X" stays ge
        base = dict(indicator=code, comparator=cmp, value=v,
                    value_high=vh, unit=unit, indicator_label=match.alias,
                    note="; ".join(n for n in (note, unit_note) if n))
        if subjects:
            for i, (a, b) in enumerate(subjects):
                start = seg.start if i == 0 else a
                out.append(PlanTarget(**base, scope=text[a:b], text=text[start:seg.end], start=start, end=seg.end))
        else:
            scope = scope_span.text(text, doc.ocr_mode) if scope_span else ""
            out.append(PlanTarget(**base, scope=scope, text=text[seg.start:seg.end], start=seg.start, end=seg.end))
    return out, match


def _scope_beside_name(doc: Doc, seg: Segment, match: Match, code: str) -> ScopeText | None:
    """A population the plan names between "tỷ lệ" and a catalogue name: "tỷ lệ [lao động]
    tham gia BHYT"."""
    ocr = doc.ocr
    lead = re.search(r"\bty le\s+(?:cac\s+|so\s+)?", ocr[seg.start:match.start])
    if lead:
        a = seg.start + lead.end()
        span = pop_list_at(ocr, a, match.start, doc.ocr_mode)
        verb = re.search(r"\s+(?:dat|duoc|co)\s*$", ocr[a:match.start])
        end = a + verb.start() if verb else match.start
        rest = ocr[span.end:end].strip(" ,") if span is not None else ""
        if span is not None and span.start == a and len(rest.split()) <= 2:
            return ScopeText(a, end) if rest else span   # "tỷ lệ [chi bộ trực thuộc] đạt hoàn thành tốt…"
    if doc.catalogue[code].unit == "ha" and not doc.ocr_mode:
        # an area of a crop: "Cây [sắn] trồng được …", "Diện tích gieo cấy [lúa mùa] được …"
        before = re.match(r"\W*(?:cay\s+)?((?:[a-z]+\s+){0,3}[a-z]+)\s*$", ocr[seg.start:match.start])
        stop = r"\b(?:dien tich|tong|ty le|voi|va|cua|cho|o|tai|la|dat|duoc|nhung|cac|trong|nam|thang)\b"
        if before and not re.search(stop, before.group(1)):
            return ScopeText(seg.start + before.start(1), seg.start + before.end(1))
        words = list(re.finditer(r"[a-z]+", ocr[match.end:min(seg.end, match.end + 40)]))
        crop = []
        for w in words[:4]:
            if w.group() in ("duoc", "dat", "trong", "khoang", "la", "moi", "tong", "nam", "ha"):
                break
            crop.append(w)
        if crop and len(crop) < len(words[:4]) and not ocr[match.end:match.end + crop[0].start()].strip():
            return ScopeText(match.end + crop[0].start(), match.end + crop[-1].end())
    return None


def _named_units(text: str, folded: str, start: int, unit: str) -> int:
    """How many units of `unit` a figureless clause names by their proper names before its verb:
    "Trường Mầm non, Trường Tiểu học đạt chuẩn" -> 2; "Xây dựng Trường tiểu học X đạt chuẩn" -> 1;
    0 when the unit word is not written as a name (capitalised) or after "xây dựng"."""
    head = re.split(r"\b(?:dat|duoc|hoan thanh|giu vung)\b", folded, maxsplit=1)[0]
    word = fold_chars(unit)
    hits = [m for m in re.finditer(rf"\b{re.escape(word)}\b", head)]
    if not hits:
        return 0
    capital = [m for m in hits if text[start + m.start():start + m.start() + 1].isupper()]
    if capital:
        return len(capital)
    return 1 if re.search(r"\bxay dung\b", head) else 0


def _label(doc: Doc, seg: Segment, mention: Mention) -> str:
    raw = doc.text[seg.start:mention.start].strip(" :-–+") or doc.text[seg.start:seg.end]
    return re.sub(r"\s+", " ", raw)[:120]


# ---------------------------------------------------------------- clause processing

def _clause_targets(doc: Doc, start: int, end: int, subject: Match | None, siblings: list[Mention],
                    force_subject: bool = False) -> tuple[list[PlanTarget], Match | None]:
    text, plain, ocr = doc.text, doc.plain, doc.ocr
    parens = _parens(text, start, end)
    excluded: list[tuple[int, int]] = []
    sub_clauses: list[tuple[int, int, str]] = []   # (start, end, kind) kind: sublist / qualified
    clause_scope = None
    value_paren: Mention | None = None
    for ps, pe in parens:
        inner_s, inner_e = _trim(text, ps + 1, pe - (1 if text[pe - 1] == ")" else 0))
        ms = _mentions(doc, inner_s, inner_e)
        inner_ocr = ocr[inner_s:inner_e]
        if _QUALIFIER_PAREN.match(inner_ocr):
            if ms:
                sub_clauses.append((inner_s, inner_e, "qualified"))
            else:
                clause_scope = ScopeText(*_trim(text, inner_s + len(re.match(r"^\W*(?:neu\s+)?", inner_ocr).group()),
                                                inner_e))
            excluded.append((ps, pe))
        elif ms and len(ms) == 1 and not re.search(r"[a-z]{3,}", re.sub(r"\b(?:khoang|tieu chi|xa)\b", "",
                                                                          ocr[inner_s:ms[0].start] + ocr[ms[0].end:inner_e])):
            value_paren = ms[0]            # "(12,11 tiêu chí/xã)"
        elif ms:
            head = _SUBLIST_HEAD.match(ocr[inner_s:inner_e])
            sub_clauses.append((inner_s + (head.end() if head else 0), inner_e, "sublist"))
            excluded.append((ps, pe))
        else:
            excluded.append((ps, pe))      # a note: "(giá hiện hành)", "(Dương Tơ, Hàm Ninh)"
    mentions = [m for m in _mentions(doc, start, end)
                if not _inside(m.start, excluded)]
    own_all = _own_match(doc, start, end, [(a, b) for a, b in excluded])
    # numbers that are words of an indicator's own name ("dưới 10 tiêu chí") are not values
    name_tokens = [t for m in own_all for t in m.token_spans if m.quality == 1]
    mentions = [m for m in mentions if m.zero or not any(a <= m.start < b for a, b in name_tokens)]
    mentions = [m for i, m in enumerate(mentions) if not _restatement(doc, m, mentions[i - 1] if i else None, end)]
    if value_paren and not any(m.start == value_paren.start for m in mentions):
        mentions = [m for m in mentions if not _inside(m.start, [(value_paren.start, value_paren.end)])]
        if not [m for m in mentions if not m.zero]:
            mentions = [value_paren]
    targets: list[PlanTarget] = []
    last_subject = subject
    if not mentions and any(kind == "sublist" for _, _, kind in sub_clauses):
        pieces = []      # "Tỷ lệ huy động học sinh trong độ tuổi (Nhà trẻ 66%, …)": a header
        last_subject = (own_all or [subject])[0]
    elif not mentions:
        pieces = _qualitative_pieces(doc, start, end, excluded)
    else:
        pieces = _split_between(doc, start, end, mentions) if len(mentions) > 1 else [(start, end)]
        pieces = _figureless_ends(doc, pieces, mentions, excluded)
    segs: list[Segment] = []
    for i, (a, b) in enumerate(pieces):
        ms = [m for m in mentions if a <= m.start < b] if mentions else []
        segs.append(Segment(a, b, ms[0] if ms else None,
                            scope_span=clause_scope if clause_scope and i == 0 else None,
                            force_subject=force_subject))
    for i, seg in enumerate(segs):
        seg.subject = last_subject
        own = _own_match(doc, seg.start, seg.end, excluded)
        if seg.mention is not None:
            own = [m for m in own if not (m.start <= seg.mention.start < m.end and not seg.mention.zero
                                          and any(a <= seg.mention.start < b for a, b in m.token_spans))] or own
        new, used = _targets_for_segment(doc, seg, own, siblings or mentions,
                                         segs[i + 1] if i + 1 < len(segs) else None)
        # "100% chỉ tiêu tuyển quân và huấn luyện dân quân": two names share one value
        if seg.mention is not None and len(own) > 1 and new and used is own[0]:
            second = next((m for m in own[1:] if m.start >= own[0].end and set(m.codes).isdisjoint(own[0].codes)
                           and re.match(r"\s*va\s+$", ocr[own[0].end:m.start])), None)
            if second is not None:
                extra, _ = _targets_for_segment(doc, Segment(second.start, seg.end, seg.mention), [second],
                                                siblings or mentions, None)
                for t in extra:
                    t.text, t.start, t.end = text[second.start:seg.end], second.start, seg.end
                targets += new
                new = extra
        targets += new
        if used is not None:
            last_subject = used
    for s_start, s_end, kind in sub_clauses:
        for a, b in split_clauses(doc.text, s_start, s_end):
            sub_targets, _ = _clause_targets(doc, a, b, last_subject, siblings, force_subject=kind == "qualified")
            if kind == "qualified":
                q = re.match(r"^\W*(?:neu\s+)?", ocr[a:b])
                qs = a + (q.end() if q else 0)
                ve = re.search(r"\s+(?:la|dat|khoang)\s+\d|\s+\d", ocr[qs:b])
                for t in sub_targets:
                    t.scope = text[qs:qs + ve.start()] if ve else t.scope
            targets += sub_targets
    return targets, last_subject


_CHANGE_BEFORE = re.compile(r"(?:\b(?:tang|giam)\s+(?:them\s+|gap\s+)?|\bgap\s+)$")
_VERSUS_YEAR = re.compile(r"\s*so voi (?:nam|giai doan|cuoi nam)\s+(\d{4})")


def _restatement(doc: Doc, m: Mention, prev: Mention | None, end: int) -> bool:
    """A change against a base year that restates a target instead of setting one: "845 hộ, tăng
    80 hộ so với năm 2015" in a plan for 2020 (the base of a term), or the change of an economic
    share "chiếm 38,10%, giảm 0,07% so với năm 2023". Growth against the year before ("3.621 tỷ
    đồng, tăng 8,53% so với năm 2023" in a 2024 plan) is a target and stays."""
    vs = _VERSUS_YEAR.match(doc.ocr, m.end, end)
    if not vs or not _CHANGE_BEFORE.search(doc.ocr, max(0, m.start - 12), m.start):
        return False
    if doc.year and int(vs.group(1)) <= doc.year - 2:
        return True
    return prev is not None and prev.unit == "%" and bool(re.search(r"\bchiem\s*$", doc.ocr[max(0, prev.start - 12):prev.start]))


# A part that starts with what is to be done: "xây dựng xã đạt vững mạnh…", "đạt chuẩn nông thôn mới…"
_TARGET_VERB = re.compile(r"(?:xay dung|dat|giu vung|duy tri|phan dau|hoan thanh|nang cao|thuc hien|tiep tuc"
                          r"|on dinh|bao dam|dam bao|phat trien|khong de)\b")


def _sure_name(doc: Doc, a: int, b: int, excluded) -> bool:
    """A catalogue name stands whole in text[a:b] (or a keep phrase: "giữ vững …")."""
    if _KEEP.search(doc.ocr, a, b):
        return True
    return any(m.quality == 1 and not {"order", "partial", "missing-words"}.intersection(getattr(m, "reasons", ()))
               and m.matched >= 3 for m in _own_match(doc, a, b, excluded))


def _figureless_ends(doc: Doc, pieces, mentions: list[Mention], excluded) -> list[tuple[int, int]]:
    """A target with no figure before the first or after the last figure of a clause is its own
    row: "giữ vững chuẩn quốc gia về y tế và nâng cao … 10/10 thôn văn hóa, xây dựng xã đạt vững
    mạnh về quốc phòng-an ninh" is three targets. Cut at "và" or a comma when the part beyond
    names a concept of its own."""
    if not pieces or not mentions:
        return pieces
    out = list(pieces)
    a, b = out[-1]
    last = max(m.end for m in mentions if a <= m.start < b) if any(a <= m.start < b for m in mentions) else None
    if last is not None:
        for cut in re.finditer(r",\s+|\s+va\s+", doc.ocr[last:b]):
            c0, c1 = last + cut.start(), last + cut.end()
            group = pop_list_at(doc.ocr, c1, b, doc.ocr_mode)
            keeps_group = group is not None and group.start == c1 and _KEEP.match(doc.ocr, group.end + 1, b)
            if not _TARGET_VERB.match(doc.ocr, c1, b) and not keeps_group:
                continue  # "…, xã, phường giữ vững danh hiệu nông thôn mới" opens with its group
            left = {c for m in _own_match(doc, a, c0, excluded) for c in m.codes}
            right = [m for m in _own_match(doc, c1, b, excluded)]
            if left and _sure_name(doc, c1, b, excluded) and not left.intersection(c for m in right for c in m.codes):
                out[-1] = _trim(doc.text, a, c0)
                out.append(_trim(doc.text, c1, b))
                break
    a, b = out[0]
    first = min(m.start for m in mentions)
    if a < first:
        cuts = list(re.finditer(r"\s+va\s+|,\s+", doc.ocr[a:first]))
        if cuts:
            c0, c1 = a + cuts[0].start(), a + cuts[0].end()
            left = {c for m in _own_match(doc, a, c0, excluded) if m.quality == 1 for c in m.codes}
            right = {c for m in _own_match(doc, c1, b, excluded) for c in m.codes}
            opens = _KEEP.match(doc.ocr, a) and "," not in doc.ocr[c0:c1] and right
            # "Đảng bộ hoàn thành tốt nhiệm vụ, không có chi bộ yếu kém": two targets
            verb = re.match(r"khong\b|giu vung\b|duy tri\b", doc.ocr[c1:c1 + 10])
            if len(doc.ocr[a:c0].split()) >= 4 and _sure_name(doc, a, c0, excluded) \
                    and (opens or (verb and left and not left & right)):
                out[0] = _trim(doc.text, c1, b)
                out.insert(0, _trim(doc.text, a, c0))
    return [p for p in out if p[1] > p[0]]


def _qualitative_pieces(doc: Doc, start: int, end: int, excluded) -> list[tuple[int, int]]:
    """"Giữ vững ổn định chính trị…, hạn chế thấp nhất các tệ nạn xã hội": two targets when two
    names of different indicators stand on either side of a comma (and no one name spans both)."""
    found = [m for m in _own_match(doc, start, end, excluded) if m.quality == 1]
    if len(found) < 2:
        return [(start, end)]
    for right in found[1:]:
        left = next((m for m in found if m.end <= right.start and set(m.codes).isdisjoint(right.codes)), None)
        if left is None or right.matched < 3 or any(m.start <= left.start and right.end <= m.end for m in found):
            continue
        commas = [start + k.start() for k in re.finditer(r",\s+", doc.ocr[start:end])
                  if left.end <= start + k.start() < right.start]
        if commas:
            cut = commas[-1]
            return [(start, cut), _trim(doc.text, cut + 1, end)]
    return [(start, end)]


# ---------------------------------------------------------------- tables

def _table_targets(doc: Doc, layout: TableLayout) -> list[PlanTarget]:
    """One target per table row: the name cell gives the indicator, the plan cell the value."""
    out = []
    for row in layout.rows:
        if len(row.cells) <= max(layout.name_col, layout.plan_col):
            continue
        nc, pc = row.cells[layout.name_col], row.cells[layout.plan_col]
        if nc.end <= nc.start or pc.end <= pc.start:
            continue
        ms = find_mentions(doc.plain, pc.start, pc.end, doc.ocr)
        own = _own_match(doc, nc.start, nc.end, [])
        match = own[0] if own else None
        text = doc.text[row.start:row.end]
        if not ms:
            if re.search(r"[a-z]{2,}", doc.ocr[pc.start:pc.end]):  # "Đạt", "Vượt chỉ tiêu giao"
                comparator = "exceed_assigned" if _EXCEED.search(doc.ocr[pc.start:pc.end]) else "qualitative"
                out.append(PlanTarget(indicator=match.codes[0] if match else "unmapped", comparator=comparator,
                                      text=text, start=row.start, end=row.end,
                                      indicator_label=match.alias if match else doc.text[nc.start:nc.end]))
            continue
        m = ms[0]
        if not m.unit and layout.unit_col is not None and len(row.cells) > layout.unit_col:
            uc = row.cells[layout.unit_col]
            m.unit = _unit_at(doc.plain, uc.start, uc.end)[0] or doc.text[uc.start:uc.end]
        if m.cmp is None:  # "≥ 95" may sit in the name cell: "Tỷ lệ … (trên)"
            cue = find_mentions(doc.plain, nc.start, nc.end, doc.ocr)
            m.cmp = cue[0].cmp if cue and cue[0].zero else None
        value, note = _resolve_ambiguous(doc, m, ms)
        scope = find_scope(doc.text, doc.ocr, (nc.start, nc.end), None,
                           match.token_spans if match else [], match.gaps if match else [], bool(match),
                           match.end if match else None, doc.ocr_mode)
        codes = _choose_codes(doc, match.codes, m) if match else ["unmapped"]
        for code in codes:
            ind = doc.catalogue.get(code)
            unit = _unit(ind, m)[0] if ind else m.unit
            out.append(PlanTarget(indicator=code, comparator=_comparator(ind, m), value=value,
                                  value_high=m.value_high, unit=unit,
                                  scope=scope.text(doc.text, doc.ocr_mode) if scope else "",
                                  text=text, start=row.start, end=row.end,
                                  indicator_label=match.alias if match else doc.text[nc.start:nc.end], note=note))
    return out


def _cell_table_targets(doc: Doc, table: CellTable) -> list[PlanTarget]:
    """A table flattened one cell per line: the row name gives the indicator (a "- sub-row" is
    read with its group row: "Cơ cấu kinh tế" + "- Dịch vụ"), the plan cell the value, the
    unit in brackets in the name ("(%)", "(Tỷ đồng)") the unit."""
    out = []
    for row in table.rows:
        lab, pc = row.label, row.plan
        ms = find_mentions(doc.plain, pc.start, pc.end, doc.ocr, True)
        if not ms:
            raw = doc.plain[pc.start:pc.end].strip()
            m0 = re.match(r"^([<>≤≥]=?)?\s*\(?\s*(\d[\d.,]*)", raw)
            if not m0:
                continue
            ms = find_mentions(m0.group(2) + " ", 0, len(m0.group(2)) + 1)
            if not ms:
                continue
            ms[0].start, ms[0].end = pc.start, pc.end
        m = ms[0]
        if not m.unit and row.unit:
            folded_unit = doc.plain[doc.text.find(row.unit, lab.start):][:len(row.unit)]
            m.unit = _unit_at(" " + folded_unit, 0, len(folded_unit) + 1)[0] or row.unit.lower()
        own = _own_match(doc, lab.start, lab.end, [])
        match = own[0] if own else None
        if row.parent is not None:
            virtual = doc.ocr[row.parent.start:row.parent.end] + " " + doc.ocr[lab.start:lab.end]
            cands = doc.matcher.find(virtual, 0, len(virtual), doc.ocr_mode)
            spanning = [c for c in cands if c.start < row.parent.end - row.parent.start < c.end]
            if spanning:
                c = spanning[0]
                match = Match(c.codes, c.alias, lab.start, lab.end, c.matched, c.total, [], [])
        value, note = _resolve_ambiguous(doc, m, ms)
        codes = _choose_codes(doc, match.codes, m) if match else ["unmapped"]
        label = re.sub(r"\s+", " ", doc.text[lab.start:lab.end]).strip(" -–+:")
        for code in codes:
            ind = doc.catalogue.get(code)
            unit = _unit(ind, m)[0] if ind else m.unit
            t = PlanTarget(indicator=code, comparator=_comparator(ind, m), value=value, value_high=m.value_high,
                           unit=unit, text=doc.text[lab.start:pc.end], start=lab.start, end=pc.end,
                           indicator_label=match.alias if match else label, note=note)
            t._used, t._mention, t._inherited = match, m, row.parent is not None and match is not None
            out.append(t)
    return out


# ---------------------------------------------------------------- public API

def extract_text(text: str, plan_key: str = "plan", source_file: str = "",
                 catalogue: dict[str, Indicator] | None = None, sha256: str = "") -> ExtractedPlan:
    """Every target of a plan given as text. Never raises on odd text; see extract_document."""
    text = nfc(text)
    catalogue = catalogue or default_catalogue()
    doc = Doc(text, fold_chars(text), ocr_fold_chars(text), diacritic_ratio(text) < 0.15,
              _matcher(catalogue), catalogue)
    items, sectioned = target_items(text, doc.ocr)
    year = detect_year(text, doc.ocr)
    doc.year = year
    targets: list[PlanTarget] = []
    table_rows: list[tuple[int, int]] = []
    for layout in find_tables(text, doc.ocr, year):
        targets += _table_targets(doc, layout)
        table_rows += [(r.start, r.end) for r in layout.rows]
        sectioned = True
    for table in find_cell_tables(text, doc.ocr):
        targets += _cell_table_targets(doc, table)
        table_rows.append((table.start, table.end))
    # Without a heading or intro, a sentence may still announce the targets inline
    # ("… đề ra các chỉ tiêu, như: A; B; C"): from there to the end of its paragraph is a section.
    inline = [] if sectioned else inline_sections(text, doc.ocr, items)
    skipped: list[str] = []
    later_year = max([year or 0] + [int(y) for y in re.findall(r"(?m)^\W*nam (20\d\d)\b", doc.ocr)])
    for para in items:
        if para.marked and (para.kind == "heading" or para.children):
            continue
        if any(a <= para.start < b for a, b in table_rows) or doc.text[para.start:para.end].count("|") >= 3:
            continue
        first_line = doc.text.find("\n", para.body_start, para.end)
        first_line = para.end if first_line == -1 else first_line
        if not doc.ocr_mode and first_line - para.body_start > 30 \
                and doc.text[para.body_start:first_line] == doc.plain[para.body_start:first_line]:
            continue  # a line with no diacritics in a Vietnamese page: a link slug or image name
        if past_paragraph(doc.ocr, para.body_start, para.end, later_year):
            continue  # "Năm 2025, …đạt được những kết quả…" before "Năm 2026, phấn đấu…"
        subject = None
        doc.para = (para.body_start, para.end)
        doc.keep_estimates = sectioned
        siblings: list[Mention] = []
        doc.para_lazy = True
        for a, b in split_clauses(text, para.body_start, para.end):
            section_clause = sectioned or any(s0 <= a < e0 or a <= s0 < b for s0, e0 in inline)
            if section_clause and not sectioned:
                s0 = next(s0 for s0, e0 in inline if s0 <= a < e0 or a <= s0 < b)
                a = max(a, s0)
            if not section_clause and not _mentions(doc, a, b):
                continue  # outside a target section only figures count (press articles)
            if RESULT_CLAUSE.search(doc.ocr, a, b):
                continue  # "…so với cùng kỳ năm trước", "tính từ đầu năm": a report of results
            past = _PAST_CLAUSE.match(doc.ocr, a, b)
            if past and (not past.group(1) or (year and int(past.group(1)) < year)):
                continue  # "Năm 2023, kinh tế đã đạt…", "Năm qua, …": results, not targets
            try:
                new, subject = _clause_targets(doc, a, b, subject, siblings)
            except Exception as exc:  # one unreadable clause must not cost the whole plan
                skipped.append(f"{text[a:b][:60]}… ({type(exc).__name__})")
                continue
            if not section_clause:
                # outside a section: figures the catalogue knows, or a figure marked as the plan
                new = [t for t in new if t.value is not None and (t.indicator != "unmapped" or getattr(t, "_planned", False))]
            targets += new
    locality = detect_locality(text, year, doc.ocr, filename=source_file or plan_key)
    targets = _dedupe(targets)
    for t in targets:
        t.doubts = _doubts(t, locality)
    plan = ExtractedPlan(plan_key=plan_key, source_file=source_file, sha256=sha256, text=text,
                         locality=locality, year=year, title=detect_title(text, doc.ocr), targets=targets)
    if skipped:
        plan.notes.append("Không đọc được một số câu, cần nhập tay / some sentences could not be read, "
                          "type them by hand: " + "; ".join(skipped[:5]))
    if not sectioned:
        plan.notes.append("Không thấy mục chỉ tiêu; chỉ lấy các câu có số liệu / no target section found; "
                          "only sentences with figures were read")
    return plan


_DOUBTFUL_REASONS = {"order", "ocr", "partial", "missing-words"}


def _doubts(t: PlanTarget, locality) -> list[str]:
    """Why this row might be wrong: reason codes of chitieu.model.DOUBT_LABELS, in a fixed order."""
    out = []
    used: Match | None = getattr(t, "_used", None)
    mention: Mention | None = getattr(t, "_mention", None)
    if t.indicator == "unmapped":
        out.append("unmapped")
    elif used is not None and (getattr(used, "score", 1.0) < 0.85
                               or _DOUBTFUL_REASONS.intersection(getattr(used, "reasons", ()))
                               or used.quality < 1):
        out.append("fuzzy_match")
    if getattr(t, "_inherited", False) and t.indicator != "unmapped":
        out.append("inherited_subject")
    if mention is not None and any(n is not None and n.ambiguity for n in mention.numbers):
        out.append("ambiguous_number")
    if mention is not None and t.value is not None and not mention.zero and (
            mention.unit_guessed or (not mention.unit and t.unit)):
        out.append("guessed_unit")
    if locality.scheme == "unresolved" or not locality.code:
        out.append("locality_unresolved")
    return out


def _dedupe(targets: list[PlanTarget]) -> list[PlanTarget]:
    """One row per stated target. The same indicator, scope and figure stated twice (a press
    headline, then the article) is one target: the later, fuller statement is kept."""
    last: dict[tuple, int] = {}
    for i, t in enumerate(targets):
        key = (t.indicator, t.scope, t.value, t.value_high) if t.indicator != "unmapped" and t.value is not None \
            else (i,)
        last[key] = i
    keep = set(last.values())
    # the same figure restated in other words ("Đồng Hỷ: Phấn đấu giá trị sản xuất nông, lâm nghiệp, thủy
    # sản đạt trên 1.000 tỷ đồng" then "… phấn đấu giá trị nông, lâm nghiệp, thủy sản đạt trên 1.000 tỷ
    # đồng"): a figure with several digits, the same unit and comparator, nearly the same words
    kept = sorted(keep)
    for n, i in enumerate(kept):
        t = targets[i]
        if t.value is None or t.unit in ("%", "‰") or len(re.sub(r"\D", "", f"{t.value:g}")) < 3:
            continue
        for j in kept[n + 1:]:
            u = targets[j]
            if j in keep and (u.value, u.value_high, u.unit, u.comparator) == (t.value, t.value_high, t.unit, t.comparator) \
                    and _similar_words(t.text, u.text) >= 0.6:
                keep.discard(i)
                break
    return [t for i, t in enumerate(targets) if i in keep]


def _similar_words(a: str, b: str) -> float:
    wa, wb = set(re.findall(r"[a-z]+", fold_chars(a))), set(re.findall(r"[a-z]+", fold_chars(b)))
    return len(wa & wb) / max(1, min(len(wa), len(wb)))


_MATCHERS: dict[int, CatalogueMatcher] = {}


def _matcher(catalogue: dict[str, Indicator]) -> CatalogueMatcher:
    key = id(catalogue)
    if key not in _MATCHERS:
        _MATCHERS[key] = CatalogueMatcher(catalogue)
    return _MATCHERS[key]


def extract_document(data: bytes, filename: str, catalogue: dict[str, Indicator] | None = None) -> ExtractedPlan:
    """Read .txt/.docx/.pdf bytes and extract. Raises UserError for an unreadable file, a file
    that is not a plan, or a plan with no targets."""
    text = read_document(data, filename)
    stem = Path(filename).stem
    plan = extract_text(text, plan_key=stem, source_file=Path(filename).name, catalogue=catalogue,
                        sha256=hashlib.sha256(data).hexdigest())
    if not plan.targets:
        if not re.search(r"\b(?:ke hoach|nghi quyet|chi tieu|muc tieu|ke hoach)\b", fold_chars(text[:5000])):
            raise UserError("not-a-plan", f"Tệp {filename} không giống một kế hoạch hay nghị quyết (không thấy "
                            "“kế hoạch”, “nghị quyết”, “chỉ tiêu”).",
                            f"{filename} does not look like a plan or resolution (no “kế hoạch”, “nghị quyết”, "
                            "“chỉ tiêu”).")
        raise UserError("no-targets", f"Không tìm thấy chỉ tiêu nào trong {filename}.",
                        f"No targets found in {filename}.")
    return plan


def extract_file(path: str | Path, catalogue: dict[str, Indicator] | None = None) -> ExtractedPlan:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise UserError("unreadable-file", f"Không mở được tệp {p}: {exc.strerror}.",
                        f"Cannot open {p}: {exc.strerror}.") from None
    return extract_document(data, p.name, catalogue)
