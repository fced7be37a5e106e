"""Match indicator names and aliases of the catalogue inside a clause.

Matching runs on the OCR-repaired fold (same length as the original text), token by token:
- an alias matches contiguously, or with short gaps ("Tỷ lệ [tổ, bản] văn hóa"); words in
  a gap are kept, because they often name the scope;
- in OCR-damaged documents tokens match approximately (rapidfuzz ratio), a split token
  may be joined with its neighbour ("thd ng" ~ "thang"), and one alias word in six may be
  missing.
An alias shared by several indicators is resolved by the unit of the value (a % after
"Giá trị sản xuất … đạt" is the growth indicator, "tỷ đồng" the amount).
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.fuzz import partial_ratio, ratio

from chitieu.catalogue import Indicator
from chitieu.textnorm import ocr_fold

_TOKEN = re.compile(r"[a-z0-9]+")
_DIGIT_LETTERS = str.maketrans({"0": "o", "1": "l", "3": "a", "4": "a", "5": "s", "6": "o", "8": "e"})


@dataclass
class Match:
    codes: tuple[str, ...]        # indicators sharing the alias
    alias: str
    start: int                    # char span in the document
    end: int
    matched: int                  # alias tokens found
    total: int
    gaps: list[tuple[int, int]] = field(default_factory=list)  # char spans of gap words
    token_spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def quality(self) -> float:
        return self.matched / self.total


def tokens(folded: str, start: int, end: int) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded, start, end)]


class CatalogueMatcher:
    def __init__(self, catalogue: dict[str, Indicator]):
        self.catalogue = catalogue
        by_alias: dict[tuple[str, ...], dict[str, None]] = defaultdict(dict)  # ordered: catalogue order
        self.alias_text: dict[tuple[str, ...], str] = {}
        for ind in catalogue.values():
            for name in ind.names:
                toks = tuple(ocr_fold(name).split())
                if toks:
                    by_alias[toks][ind.code] = None
                    self.alias_text.setdefault(toks, name)
        self.aliases = {k: tuple(v) for k, v in by_alias.items()}
        # Clean text matches exactly and in order, so an alias can only start at its first word.
        self.index: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for toks in self.aliases:
            self.index[toks[0]].append(toks)
        # base -> its growth rate; reduction -> the level it reduces ("Mức giảm tỷ lệ hộ nghèo")
        self.growth_of = {base: g for g, base in self._derived_by_prefix("toc do tang ").items()}
        self.level_of = self._derived_by_prefix("muc giam ")
        self.alias_keys = list(self.aliases)
        self.alias_strings = [" ".join(a) for a in self.alias_keys]
        self._cache: dict[tuple, list] = {}

    def _derived_by_prefix(self, prefix: str) -> dict[str, str]:
        """derived indicator -> base, where the derived name is `prefix` + the base's name
        ("Tốc độ tăng tổng mức bán lẻ…" -> "Tổng mức bán lẻ…")."""
        by_name = {ocr_fold(i.name_vi): i.code for i in self.catalogue.values()}
        out = {}
        for i in self.catalogue.values():
            f = ocr_fold(i.name_vi)
            if f.startswith(prefix) and f[len(prefix):] in by_name:
                out[i.code] = by_name[f[len(prefix):]]
        return out

    def find(self, folded: str, start: int, end: int, ocr_mode: bool = False,
             within: tuple[int, int] | None = None) -> list[Match]:
        """All plausible alias matches in folded[start:end], best first (memoised per span).

        `within`: a larger span (the paragraph) used to pre-select aliases once in OCR mode."""
        key = (folded[start:end], start, end, ocr_mode)
        hit = self._cache.get(key)
        if hit is None:
            if len(self._cache) > 20000:
                self._cache.clear()
            hit = self._cache[key] = self._find(folded, start, end, ocr_mode, within)
        return list(hit)

    def _ocr_candidates(self, folded: str, start: int, end: int) -> list[tuple[str, ...]]:
        key = (folded[start:end], "ocr")
        hit = self._cache.get(key)
        if hit is None:
            text = " ".join(t[0] for t in tokens(folded, start, end))
            # approximate prefilter in C: the alias must roughly occur in the text
            found = process.extract(text, self.alias_strings, scorer=partial_ratio, score_cutoff=62, limit=None)
            hit = self._cache[key] = [self.alias_keys[i] for _, _, i in found]
        return hit

    def _find(self, folded: str, start: int, end: int, ocr_mode: bool, within=None) -> list[Match]:
        toks = tokens(folded, start, end)
        if not toks:
            return []
        words = [t[0] for t in toks]
        if ocr_mode:
            candidates = self._ocr_candidates(folded, *(within or (start, end)))
        else:
            # clean text matches words exactly: every word of the alias must be present
            present = set(words)
            candidates = [a for w in present for a in self.index.get(w, ()) if present.issuperset(a)]
        out = []
        for alias in candidates:
            m = _align(alias, words, ocr_mode)
            if m is None:
                continue
            first, last, matched, gap_idx, used = m
            out.append(Match(self.aliases[alias], self.alias_text[alias], toks[first][1], toks[last][2],
                             matched, len(alias),
                             gaps=[(toks[i][1], toks[i][2]) for i in gap_idx],
                             token_spans=[(toks[i][1], toks[i][2]) for i in used]))
        out.sort(key=lambda m: (-m.matched, -m.quality, len(m.gaps), m.start))
        return out


@lru_cache(maxsize=65536)
def _similar(a: str, b: str, ocr_mode: bool) -> bool:
    if a == b:
        return True
    if not ocr_mode:
        return False
    if b.isdigit() and len(b) <= 2 and b.translate(_DIGIT_LETTERS) == a:
        return True
    if len(a) < 3 or len(b) < 2:
        return False
    return ratio(a, b) >= 65


def _align(alias: tuple[str, ...], words: list[str], ocr_mode: bool):
    """Greedy alignment of alias tokens to words: (first, last, matched, gap_indices, used)."""
    n = len(alias)
    max_gap, max_total_gap = 6, 8
    allowed_miss = (n // 6) if ocr_mode else 0
    best = None
    for i, w in enumerate(words):
        if not _similar(alias[0], w, ocr_mode) and not (ocr_mode and n > 3 and _similar(alias[1], w, ocr_mode)):
            continue
        ai = 0 if _similar(alias[0], w, ocr_mode) else 1
        misses = ai
        j = i
        used = []
        gaps: list[int] = []
        while ai < n and j < len(words):
            if _similar(alias[ai], words[j], ocr_mode):
                used.append(j)
                ai += 1
                j += 1
                continue
            if ocr_mode and j + 1 < len(words) and not words[j].isdigit() and not words[j + 1].isdigit() \
                    and ratio(alias[ai], words[j] + words[j + 1]) >= 75:
                used += [j, j + 1]
                ai += 1
                j += 2
                continue
            # try a gap in the text, or a missing alias word (OCR)
            k = next((k for k in range(j + 1, min(len(words), j + 1 + max_gap))
                      if _similar(alias[ai], words[k], ocr_mode)), None)
            if used and k is not None and len(gaps) + (k - j) <= max_total_gap:
                gaps.extend(range(j, k))
                j = k
                continue
            if misses < allowed_miss:
                misses += 1
                ai += 1
                continue
            break
        while ai < n and misses < allowed_miss:
            misses += 1
            ai += 1
        if ai == n and used:
            cand = (used[0], used[-1], n - misses, gaps, used)
            if best is None or (cand[2], -len(cand[3])) > (best[2], -len(best[3])):
                best = cand
    return best
