"""Which locality and year a plan is for, read from the document itself.

Candidates are "<type word> <Capitalised Name>" phrases ("phường Quyết Thắng", OCR
"Phwong Nguyén Nghiém", "TP. Quảng Ngãi"), weighted by where they stand: the letterhead
and the title count most, then "Ủy ban nhân dân …" and "trên địa bàn …". The title's own
"của huyện", "của thành phố" tells the level. The winner is resolved against the
administrative-unit registry (chitieu.units), which restores diacritics and settles
shared names from the document's context — or reports the candidates when it cannot.
"""
from __future__ import annotations

import re
from collections import defaultdict

from chitieu.model import Locality
from chitieu.textnorm import ocr_fold_chars

_TYPES = {
    "tinh": ("Tỉnh", "province"), "thanh pho": ("Thành phố", None), "tp": ("Thành phố", None),
    "huyen": ("Huyện", "district"), "thi xa": ("Thị xã", "district"), "quan": ("Quận", "district"),
    "xa": ("Xã", "commune"), "phuong": ("Phường", "commune"), "thi tran": ("Thị trấn", "commune"),
    "dac khu": ("Đặc khu", "commune"),
}
_TYPE_RE = r"(tinh|thanh pho|tp|huyen|thi xa|quan|xa|phuong|phwong|phudng|phuang|thi tran|dac khu)"
_CAND = re.compile(r"\b" + _TYPE_RE + r"\.?\s+(?=[A-ZĐÀ-Ỹa-z])")
_NAME_WORD = re.compile(r"[A-ZĐÀ-Ỹ][\wÀ-ỹ'’]*")
_TITLE = re.compile(r"^\s*\**\s*(?:ke hoach|nghi quyet|quyet dinh|bao cao|chuong trinh)\b", re.M)
_YEAR_AFTER_NAM = re.compile(r"\bn[a-z]{1,2}m\s+(20\d\d|19\d\d)\b")


def _norm_type(word: str) -> str:
    return "phuong" if word.startswith("ph") and word != "pho" else word


def _title_span(text: str, folded: str) -> tuple[int, int]:
    m = _TITLE.search(folded, 0, min(len(folded), 4000))
    if not m:
        return 0, min(len(text), 600)
    end = folded.find("\n\n", m.end() + 5)
    end = end if end != -1 and end - m.end() < 900 else m.end() + 600
    nxt = folded.find("\n\n", end + 2)
    if nxt != -1 and nxt - end < 400 and not re.match(r"\s*(?:thuc hien|can cu|i\.)", folded[end:]):
        end = nxt  # the title often wraps onto a second paragraph
    return m.start(), end


def detect_year(text: str, folded: str | None = None) -> int | None:
    """The plan year: "năm YYYY" in the title, else in the date line, else the commonest year."""
    folded = folded if folded is not None else ocr_fold_chars(text)
    ts, te = _title_span(text, folded)
    years = [int(m.group(1)) for m in _YEAR_AFTER_NAM.finditer(folded, ts, te)]
    if years and _TITLE.search(folded, 0, min(len(folded), 4000)):
        return max(years)  # "Kết quả năm 2023 và kế hoạch năm 2024": a plan is about the later year
    m = _YEAR_AFTER_NAM.search(folded, 0, min(len(folded), 1500))
    if m:
        return int(m.group(1))
    years = re.findall(r"\b(20[0-4]\d)\b", folded[:6000])
    if years:
        counts = defaultdict(int)
        for y in years:
            counts[y] += 1
        return int(max(counts, key=counts.get))
    return None


def detect_title(text: str, folded: str | None = None) -> str:
    folded = folded if folded is not None else ocr_fold_chars(text)
    ts, te = _title_span(text, folded)
    return re.sub(r"[\s*]+", " ", text[ts:te]).strip()[:300]


def _candidates(text: str, folded: str) -> tuple[dict[tuple[str, str], float], str | None]:
    ts, te = _title_span(text, folded)
    head_end = min(len(text), 400)
    scores: dict[tuple[str, str], float] = defaultdict(float)
    level_hint = None
    m = re.search(r"\b(?:cua|tren dia ban)\s+" + _TYPE_RE + r"\b", folded[ts:te])
    if m:
        level_hint = _TYPES.get(_norm_type(m.group(1)), (None, None))[1]
    for m in _CAND.finditer(folded, 0, min(len(folded), 20000)):
        if not text[m.end():m.end() + 1].isupper():
            continue  # a name starts with a capital: "xã hội", "phường ta" are not names
        words = []
        pos = m.end()
        for w in _NAME_WORD.finditer(text, pos, min(len(text), pos + 60)):
            if w.start() != pos:
                break
            words.append(w.group())
            pos = w.end()
            if pos < len(text) and text[pos] == " ":
                pos += 1
            if len(words) == 4:
                break
        if not words or words[0].lower() in _NOT_A_NAME or (
                m.group(1) == "quan" and _COMPOUND_BEFORE.search(folded, max(0, m.start() - 8), m.start())):
            continue  # "xã hội", "Huyện ủy", "bình quân"
        t = _norm_type(m.group(1))
        name = " ".join(words).rstrip(",.")
        if name.isupper():
            name = name.title()
        weight = 1.0
        if m.start() < head_end:
            weight = 4.0
        elif ts <= m.start() < te:
            weight = 4.0
        before = folded[max(0, m.start() - 25):m.start()]
        if re.search(r"(uy ban nhan dan|ubnd|tren dia ban|hdnd)\s*$", before):
            weight += 1.5
        if re.search(r"(kien toan|sap nhap|thuoc|cua)\s*$", before) and weight < 4:
            weight -= 0.5
        scores[(t, name)] += weight
    return scores, level_hint


# Words that make a type word part of an ordinary compound, not a unit: "xã hội", "Huyện ủy",
# "quân đội", "huyện lỵ"; and "bình quân" before "quân".
_NOT_A_NAME = {"hội", "ủy", "uỷ", "đội", "sự", "viên", "đoàn", "lỵ", "nhân", "dân", "đoàn", "chính", "ủy ban"}
_COMPOUND_BEFORE = re.compile(r"\bbinh\s+$")


def _candidate_dicts(units) -> list[dict]:
    """Units as plain data for the review page: scheme, code, name, level, district, province."""
    out = []
    for u in units:
        district = u.parent_name if u.level == "commune" and u.parent_name != u.province_name else ""
        out.append({"scheme": u.scheme, "code": u.code, "name": u.name, "level": u.level,
                    "district": district or "", "province": _bare_province(u.province_name)})
    return out


def _from_file_name(filename: str, year: int | None) -> list[dict]:
    """Units a file name spells ("..._gia-lai-2024-huyen-chu-pah.txt"): candidates, never an answer."""
    if not filename:
        return []
    from chitieu.units import resolve_locality
    words = [w for w in re.split(r"[^a-z]+", ocr_fold_chars(filename).lower()) if w]
    found = []
    for n in (3, 2):
        for i in range(len(words) - n + 1):
            phrase = " ".join(words[i:i + n])
            res = resolve_locality(phrase, level="province", year=year)
            if res.status == "resolved":
                found += _candidate_dicts([res.unit])
    return list({d["code"] + d["scheme"]: d for d in found}.values())[:5]


def detect_locality(text: str, year: int | None = None, folded: str | None = None, filename: str = "") -> Locality:
    """The plan's locality, or an honest empty answer.

    Never a name the text does not contain: a candidate must be a type word followed by a
    capitalised name, not part of a compound ("xã hội", "Huyện ủy", "bình quân"). A name shared
    by several units is `unresolved` with every candidate (code, name, district, province) in
    `candidates`, never the first. No name found, or none in the registry: name "" with
    candidates from the file name when it spells a province.
    """
    folded = folded if folded is not None else ocr_fold_chars(text)
    year = year or detect_year(text, folded)
    scores, level_hint = _candidates(text, folded)
    if not scores:
        return Locality(note="không tìm thấy tên địa phương trong văn bản / no locality name in the text",
                        candidates=_from_file_name(filename, year))
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if level_hint:
        hinted = [kv for kv in ranked if _TYPES[kv[0][0]][1] in (level_hint, None)]
        ranked = hinted + [kv for kv in ranked if kv not in hinted]
    from chitieu.units import resolve_locality
    tried = []
    for (t, name), _score in ranked[:6]:
        type_vi, level = _TYPES[t]
        written = f"{type_vi} {name}"
        if t in ("thanh pho", "tp") and level_hint in ("district", "province"):
            level = level_hint
        res = resolve_locality(written, level=level, context=text, year=year)
        tried.append(written)
        if res.status == "resolved":
            u = res.unit
            return Locality(name=u.name, level=u.level, province=_bare_province(u.province_name),
                            scheme=u.scheme, code=u.code, note=res.reason)
        if res.status == "ambiguous":
            cands = _candidate_dicts(res.candidates)
            provinces = {c["province"] for c in cands}
            levels = {c["level"] for c in cands}
            return Locality(name=written, level=levels.pop() if len(levels) == 1 else (level or ""),
                            province=provinces.pop() if len(provinces) == 1 else "", candidates=cands,
                            note=f"tên “{written}” trùng với {len(cands)} đơn vị, cần chọn / "
                                 f"“{written}” is shared by {len(cands)} units, choose one: " + res.reason)
    return Locality(note="không xác định được địa phương (không có trong danh mục: " + ", ".join(tried[:3])
                         + ") / locality not found in the unit registry",
                    candidates=_from_file_name(filename, year))


def _bare_province(name: str) -> str:
    return re.sub(r"^(Tỉnh|Thành phố)\s+", "", name or "")
