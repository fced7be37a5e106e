"""Administrative units of Vietnam in both schemes, and locality resolution.

Two schemes, never mixed: `gso_pre2025` (63 provinces, districts, communes; valid until
30 June 2025) and `gso_2025` (34 provinces and their communes from 1 July 2025, no
districts). Codes were reused across the reform (31078 was Phường Dương Đông and is now
Đặc khu Phú Quốc), so every function takes and returns (scheme, code).

The registry is data/units/units.csv and data/units/crosswalk.csv (see PROVENANCE.md
there), loaded once per process. Pure Python: no Streamlit, no DuckDB, no network.

Names are compared with their diacritics (`name_key`: Xã Ba Tơ and Xã Ba Tô differ; the
two ways of placing a tone mark, "Hòa"/"Hoà", do not). Folding away diacritics is used only
to find candidates for text that lost its marks (OCR), which are then narrowed by the
province, the type word in the name, ancestors named in the document and the year. When
that does not leave exactly one unit, the answer is `ambiguous` with the candidates: never
a guess.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from chitieu.settings import DATA_DIR
from chitieu.textnorm import diacritic_ratio, fold, nfc, ocr_fold

UNITS_DIR = DATA_DIR / "units"
SCHEMES = ("gso_pre2025", "gso_2025")
PRE, POST = SCHEMES
LEVELS = ("province", "district", "commune")
_LEVEL_ALIASES = {
    "province": "province", "tỉnh": "province", "tinh": "province",
    "district": "district", "huyện": "district", "huyen": "district",
    "commune": "commune", "xã": "commune", "xa": "commune", "ward": "commune",
}

# Type words as written at the start of a unit's full name, longest first.
TYPES = ("thành phố", "thị trấn", "thị xã", "đặc khu", "phường", "huyện", "quận", "tỉnh", "xã")
_ABBREV = {"tp": "thành phố", "tx": "thị xã", "tt": "thị trấn"}
_TYPE_BY_FOLD = {fold(t): t for t in TYPES}
# Short forms of a parent's type as documents write them before its name.
_SHORT = {"thành phố": ("tp",), "thị xã": ("tx",), "thị trấn": ("tt",)}

_TONE_MARKS = {"\u0300": "2", "\u0301": "1", "\u0309": "3", "\u0303": "4", "\u0323": "5"}
_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=100_000)
def _word_key(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tone = "".join(_TONE_MARKS[c] for c in decomposed if c in _TONE_MARKS)
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    return base + tone


def name_key(text: str) -> str:
    """Comparison key that keeps every Vietnamese mark but not where the tone sits.

    Lower case, punctuation dropped, each word written as its letters (with ơ, ư, â, ă,
    ê, ô, đ kept) followed by its tone: "Hòa" and "Hoà" give "hoa2"; "Ba Tơ" and "Ba Tô"
    stay different.
    """
    return " ".join(_word_key(w) for w in _WORD.findall(nfc(text).lower()))


def split_type(name: str) -> tuple[str, str]:
    """("phường", "Quyết Thắng") from "phường Quyết Thắng"; ("", name) when no type word.

    The type word must be spelt with its marks ("Phường", "THÀNH PHỐ") or wholly without
    them ("PHUONG", "thanh pho"); "TP."/"TX."/"TT." are accepted for thành phố, thị xã,
    thị trấn.
    """
    text = nfc(name).strip()
    words = text.split()
    for n in (2, 1):
        if len(words) <= n:
            continue
        head = " ".join(words[:n])
        low = head.lower().rstrip(".")
        if low in TYPES:
            return low, " ".join(words[n:])
        folded = fold(head)
        if folded in _TYPE_BY_FOLD and folded == head.lower():  # written wholly without marks
            return _TYPE_BY_FOLD[folded], " ".join(words[n:])
    if len(words) > 1 and len(words[0]) >= 5 and fold(words[0]) == words[0].lower():
        # OCR damage to a one-word type ("phwong", "phudng" for phường): one letter off.
        for t in ("phường", "huyện"):
            if _one_off(fold(words[0]), fold(t)):
                return t, " ".join(words[1:])
    m = re.match(r"(?i)(tp|tx|tt)\.?\s*(?=\S)", text)
    if m and len(text) > m.end():
        return _ABBREV[m.group(1).lower()], text[m.end():].strip()
    return "", text


def _one_off(a: str, b: str) -> bool:
    """True when a and b differ by exactly one substituted letter."""
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1


@dataclass(frozen=True)
class Unit:
    scheme: str
    code: str
    name: str
    type: str
    level: str
    parent_code: str
    province_code: str
    valid_from: str
    valid_to: str
    province_name: str = ""
    parent_name: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.scheme, self.code)

    @property
    def bare_name(self) -> str:
        return split_type(self.name)[1]

    def label(self) -> str:
        """'Phường Nguyễn Nghiêm, Thành phố Quảng Ngãi, Tỉnh Quảng Ngãi (gso_pre2025 21025)'."""
        parts = [self.name] + [p for p in (self.parent_name, self.province_name) if p and p != self.name]
        return f"{', '.join(dict.fromkeys(parts))} ({self.scheme} {self.code})"


@dataclass(frozen=True)
class Resolution:
    """Outcome of resolve_locality.

    status: 'resolved' (unit is set), 'ambiguous' (candidates to show the analyst) or
    'unknown' (no unit carries that name under the given constraints).
    matched_by: 'exact' (names with diacritics) or 'folded' (text without marks).
    reason: one English sentence saying what settled it or why it is not settled.
    """
    query: str
    status: str
    unit: Unit | None = None
    candidates: tuple[Unit, ...] = ()
    matched_by: str = ""
    reason: str = ""

    @property
    def resolved(self) -> bool:
        return self.status == "resolved"


@dataclass
class _Registry:
    units: dict[tuple[str, str], Unit] = field(default_factory=dict)
    by_key: dict[str, list[Unit]] = field(default_factory=lambda: defaultdict(list))    # name_key(bare)
    by_fold: dict[str, list[Unit]] = field(default_factory=lambda: defaultdict(list))   # fold(bare)
    children: dict[tuple[str, str], list[Unit]] = field(default_factory=lambda: defaultdict(list))
    successors: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    predecessors: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return [{k: nfc(v) for k, v in row.items()} for row in csv.DictReader(f)]


@lru_cache(maxsize=1)
def _registry() -> _Registry:
    reg = _Registry()
    rows = _read_csv(UNITS_DIR / "units.csv")
    names = {(r["scheme"], r["code"]): r["name"] for r in rows}
    for r in rows:
        parent = (r["scheme"], r["parent_code"]) if r["parent_code"] else None
        u = Unit(r["scheme"], r["code"], r["name"], r["type"], r["level"], r["parent_code"],
                 r["province_code"], r["valid_from"], r["valid_to"],
                 province_name=names.get((r["scheme"], r["province_code"]), ""),
                 parent_name=names.get(parent, "") if parent else "")
        reg.units[u.key] = u
        reg.by_key[name_key(u.bare_name)].append(u)
        reg.by_fold[fold(u.bare_name)].append(u)
        if parent:
            reg.children[parent].append(u)
    for r in _read_csv(UNITS_DIR / "crosswalk.csv"):
        old, new = (r["old_scheme"], r["old_code"]), (r["new_scheme"], r["new_code"])
        reg.successors[old].append(new)
        reg.predecessors[new].append(old)
    return reg


def get_unit(scheme: str, code: str) -> Unit | None:
    return _registry().units.get((scheme, str(code)))


def all_units(scheme: str | None = None, level: str | None = None) -> list[Unit]:
    return [u for u in _registry().units.values()
            if (scheme is None or u.scheme == scheme) and (level is None or u.level == level)]


def children(scheme: str, code: str) -> list[Unit]:
    """Units directly under (scheme, code): a province's districts (or, in gso_2025, its communes)."""
    return sorted(_registry().children.get((scheme, str(code)), []), key=lambda u: u.code)


def ancestors(scheme: str, code: str) -> list[Unit]:
    """Parent first, up to the province. Empty for a province or an unknown unit."""
    out, u = [], get_unit(scheme, code)
    while u is not None and u.parent_code:
        u = get_unit(u.scheme, u.parent_code)
        if u is not None:
            out.append(u)
    return out


def successors(scheme: str, code: str) -> list[Unit]:
    """Units of the newer scheme that took over (scheme, code), per the crosswalk."""
    reg = _registry()
    return sorted((reg.units[k] for k in reg.successors.get((scheme, str(code)), []) if k in reg.units),
                  key=lambda u: u.code)


def predecessors(scheme: str, code: str, level: str | None = None) -> list[Unit]:
    """Units of the older scheme that (scheme, code) replaced; `level` keeps one level only."""
    reg = _registry()
    units = (reg.units[k] for k in reg.predecessors.get((scheme, str(code)), []) if k in reg.units)
    return sorted((u for u in units if level is None or u.level == level), key=lambda u: (u.level, u.code))


def schemes_for_year(year: int | None) -> tuple[str, ...]:
    """A plan for 2024 or earlier names pre-reform units; 2026 or later post-reform ones;
    2025 (and no year) may name either."""
    if year is None:
        return SCHEMES
    if year <= 2024:
        return (PRE,)
    if year >= 2026:
        return (POST,)
    return SCHEMES


def _provinces_matching(province: str) -> set[tuple[str, str]]:
    _, bare = split_type(province)
    want_key, want_fold = name_key(bare), fold(bare)
    marked = diacritic_ratio(bare) > 0
    return {u.key for u in all_units(level="province")
            if (name_key(u.bare_name) == want_key if marked else fold(u.bare_name) == want_fold)}


def _phrases(u: Unit) -> list[str]:
    """Ways a document names unit u: its full name and, for cities/towns, 'TP. X'."""
    out = [u.name]
    for short in _SHORT.get(u.type, ()):
        out.append(f"{short} {u.bare_name}")
    return out


class _Context:
    """The document text prepared for phrase search, with and without marks."""

    def __init__(self, text: str):
        text = nfc(text or "")
        self.keyed = f" {name_key(text)} "
        # Text that lost its marks (OCR) is searched folded; clean text only with marks.
        self.folded = f" {ocr_fold(text)} " if text and diacritic_ratio(text) < 0.2 else ""

    def mentions(self, phrase: str) -> bool:
        if f" {name_key(phrase)} " in self.keyed:
            return True
        return bool(self.folded) and f" {fold(phrase)} " in self.folded


@lru_cache(maxsize=8)
def _context(text: str) -> _Context:
    """One prepared context per document: resolve_locality is called for several candidates."""
    return _Context(text)


def _narrow_by_context(cands: list[Unit], ctx: _Context) -> tuple[list[Unit], str]:
    """Keep the candidate the document names by its full name when only one is so named
    ("huyện Ba Tơ" settles Huyện Ba Tơ against Thị trấn Ba Tơ); then those whose ancestors
    the document names; then, failing that, those whose parent's type word ('thành phố',
    'thị xã') alone appears. Returns (kept, why)."""
    named_self = [u for u in cands if any(ctx.mentions(p) for p in _phrases(u))]
    if len(named_self) == 1:
        return named_self, f"the document names {named_self[0].name} itself"
    scores = {}
    for u in cands:
        named = [a.name for a in ancestors(*u.key) if any(ctx.mentions(p) for p in _phrases(a))]
        scores[u.key] = named
    best = max(len(v) for v in scores.values())
    if best:
        kept = [u for u in cands if len(scores[u.key]) == best]
        if len(kept) == 1:
            return kept, f"the document names {', '.join(scores[kept[0].key])}"
        cands = kept
    parent_types = {u.key: (ancestors(*u.key) or [None])[0] for u in cands}
    types = {k: p.type for k, p in parent_types.items() if p is not None and p.level == "district"}
    if len(set(types.values())) > 1:
        hit = [u for u in cands if u.key in types and ctx.mentions(types[u.key])]
        if len(hit) == 1 and not any(ctx.mentions(t) for k, t in types.items() if k != hit[0].key
                                      and t != types[hit[0].key]):
            return hit, f"the document speaks of '{types[hit[0].key]}' (the parent's type)"
    return cands, ""


def resolve_locality(name: str, *, level: str | None = None, province: str | None = None,
                     context: str = "", year: int | None = None) -> Resolution:
    """Find the unit a plan or upload means by `name`.

    name: as written ("phường Quyết Thắng", "Huyện Ba Tơ", "PHUONG NGUYEN NGHIEM").
    level: 'province' / 'district' / 'commune' (or tỉnh / huyện / xã), if known.
    province: the province as written ("Sơn La", "Tỉnh Quảng Ngãi"), if known.
    context: the document's text; ancestors it names settle shared names.
    year: the plan's year; picks the scheme (<=2024 gso_pre2025, >=2026 gso_2025).
    """
    query = nfc(name).strip()
    unit_type, bare = split_type(query)
    lvl = _LEVEL_ALIASES.get(nfc(level or "").lower()) if level else None
    schemes = schemes_for_year(year)
    reg = _registry()

    def pool(bare_name: str, of_type: str) -> tuple[list[Unit], str]:
        found, how = list(reg.by_key.get(name_key(bare_name), [])), "exact"
        if not found:
            found, how = list(reg.by_fold.get(ocr_fold(bare_name), [])), "folded"
        found = [u for u in found if u.scheme in schemes and (lvl is None or u.level == lvl)
                 and (not of_type or u.type == of_type)]
        return found, how

    cands, how = pool(bare, unit_type)
    if not cands and unit_type:
        # The "type word" may belong to the name itself ("Quan Hóa" is not "Quận Hóa").
        cands, how = pool(query, "")
    cands = list(dict.fromkeys(cands))
    if not cands:
        return Resolution(query, "unknown", matched_by="", reason="no unit of that name in the schemes for that year")
    why = [f"{how} name match"]
    if province:
        provs = _provinces_matching(province)
        if provs:
            kept = [u for u in cands if (u.scheme, u.province_code) in provs]
            cands = kept
            why.append(f"province {nfc(province)}")
            if not cands:
                return Resolution(query, "unknown", matched_by=how,
                                  reason=f"no unit of that name in province {nfc(province)}")
    if len(cands) > 1 and context:
        cands, ctx_why = _narrow_by_context(cands, _context(context))
        if ctx_why:
            why.append(ctx_why)
    cands.sort(key=lambda u: (u.scheme, u.code))
    if len(cands) == 1:
        return Resolution(query, "resolved", cands[0], tuple(cands), how, "; ".join(why))
    return Resolution(query, "ambiguous", None, tuple(cands), how,
                      f"{len(cands)} units carry that name and nothing in the document settles it")
