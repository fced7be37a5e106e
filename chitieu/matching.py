"""The one indicator matcher: catalogue names and aliases inside a clause, and column headers.

Used by plan reading (loaders.plans.extract: `CatalogueMatcher.find`) and by the upload's
header and indicator-name matching (`CatalogueMatcher.match_header`, via chitieu.actuals).

Matching runs on the OCR-repaired fold (same length as the original text), token by token:
- words are first put in canonical form with the tables data/synonyms.csv ("dùng" /
  "sử dụng", "bắp" / "ngô", "tỉ" / "tỷ") and data/abbreviations.csv (NTM, BHYT, KT-XH…);
  "05 tuổi" is "5 tuổi". The same rewriting is applied to the aliases, and every canonical
  word keeps the character span of the words it came from;
- an alias matches contiguously, or with short gaps ("Tỷ lệ [tổ, bản] văn hóa"); words in
  a gap are kept, because they often name the scope; failing that its words may stand in
  another order inside a short window ("thu gom, xử lý chất thải rắn" for "chất thải rắn …
  được thu gom, xử lý");
- words weigh by how well they tell concepts apart (IDF over the catalogue's codes): "tỷ lệ"
  weighs little, "nghèo" much; candidates are found through an inverted index on each
  alias's rarest word, so no clause is compared with the whole catalogue;
- a list item that leaves out its head noun ("Ngô 2.000 tấn" under "Sản lượng …") matches
  an alias without its head words ("Sản lượng", "Tỷ lệ", "Số"…), only when nothing matches
  in full, with a lower score;
- in OCR-damaged documents tokens match approximately (rapidfuzz ratio), a split token
  may be joined with its neighbour ("thd ng" ~ "thang"), and one alias word in six may be
  missing.
Every match has a `score` (0..1) and `reasons` (why it may be wrong: "order", "ocr",
"partial", "missing-words"; "gap", "synonym" are informative only); `fuzzy` is True when a
doubtful reason is present, so the pipeline can flag the row.
An alias is owned by one code; the unit of the value tells a level from its growth rate
(extract uses `growth_of` / `level_of`).
"""
from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.fuzz import partial_ratio, ratio

from chitieu.catalogue import Indicator, load_rewrites
from chitieu.textnorm import fold, nfc, ocr_fold, ocr_fold_chars

_TOKEN = re.compile(r"[a-z0-9]+")
_DIGITS = re.compile(r"[0-9]+")
_LEADING_ZERO = re.compile(r"(?<![a-z0-9])0[0-9]")
_COORD = re.compile(r"\s*(?:,|\bva\b|\bhoac\b)\s*")
_DIGIT_LETTERS = str.maketrans({"0": "o", "1": "l", "3": "a", "4": "a", "5": "s", "6": "o", "8": "e"})
# reasons that make a match doubtful (the others only describe it)
DOUBTFUL = frozenset({"order", "ocr", "partial", "missing-words"})
# head nouns a list item may leave out ("- Ngô: 2.000 tấn" under "Sản lượng cây có hạt")
_HEADS = tuple(tuple(h.split()) for h in (
    "ty le", "tong so", "so luong", "so", "tong", "san luong", "dien tich", "gia tri san xuat",
    "muc", "toc do tang"))


@dataclass
class Match:
    codes: tuple[str, ...]        # the indicator (more than one only for a headless list item)
    alias: str
    start: int                    # char span in the document
    end: int
    matched: int                  # alias tokens found
    total: int
    gaps: list[tuple[int, int]] = field(default_factory=list)  # char spans of gap words
    token_spans: list[tuple[int, int]] = field(default_factory=list)
    score: float = 1.0            # 0..1: how sure the match is
    reasons: tuple[str, ...] = ()  # order, ocr, partial, missing-words (doubtful); gap, synonym
    weight: float = 0.0           # IDF weight of the alias words found (ranks candidates)

    @property
    def quality(self) -> float:
        return self.matched / self.total

    @property
    def fuzzy(self) -> bool:
        return bool(DOUBTFUL.intersection(self.reasons))


def tokens(folded: str, start: int, end: int) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded, start, end)]


class Rewriter:
    """Canonical word forms: synonym and abbreviation tables applied longest-first."""

    def __init__(self, pairs: list[tuple[str, str]]):
        rules: dict[tuple[str, ...], tuple[str, ...]] = {}
        for variant, canonical in pairs:
            v, c = tuple(ocr_fold(variant).split()), tuple(ocr_fold(canonical).split())
            if v and c:
                rules[v] = c
        for c in list(rules.values()):
            if len(c) > 1:
                rules.setdefault(c, c)   # "su dung" stays itself instead of "su" + rewrite("dung")
        self.by_first: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = defaultdict(list)
        for v, c in sorted(rules.items(), key=lambda kv: -len(kv[0])):
            self.by_first[v[0]].append((v, c))
        self.by_first = dict(self.by_first)
        self.keys = frozenset(self.by_first)    # words that start a rule

    def apply(self, words: list[str]) -> tuple[list[str], list[int], list[int], bool]:
        """Canonical words, for each the first and last index of the words it came from,
        and whether anything was rewritten."""
        out: list[str] = []
        first: list[int] = []
        last: list[int] = []
        changed = False
        by_first = self.by_first
        i, n = 0, len(words)
        while i < n:
            w = words[i]
            rules = by_first.get(w)
            if rules is not None:
                for v, c in rules:
                    k = len(v)
                    if k == 1 or tuple(words[i:i + k]) == v:
                        out += c
                        if c == v:      # kept as it is: each word keeps its own span
                            first += range(i, i + k)
                            last += range(i, i + k)
                        else:
                            first += [i] * len(c)
                            last += [i + k - 1] * len(c)
                            changed = True
                        i += k
                        break
                else:
                    out.append(w)
                    first.append(i)
                    last.append(i)
                    i += 1
                continue
            if w[0] == "0" and len(w) > 1 and w.isdigit():   # "05 tuổi" is "5 tuổi"
                w = w.lstrip("0") or "0"
            out.append(w)
            first.append(i)
            last.append(i)
            i += 1
        return out, first, last, changed


@dataclass
class _Alias:
    toks: tuple[str, ...]         # canonical words
    raw: tuple[str, ...]          # folded words as written (OCR mode)
    codes: tuple[str, ...]
    text: str
    weights: tuple[float, ...]
    headless: bool = False

    def __post_init__(self):
        self.tokset = frozenset(self.toks)
        self.core = self.tokset - _FILLERS or self.tokset
        self.has_fillers = len(self.core) < len(self.tokset)
        self.weight = sum(self.weights)


class CatalogueMatcher:
    def __init__(self, catalogue: dict[str, Indicator], rewrites: list[tuple[str, str]] | None = None):
        self.catalogue = catalogue
        self.rewriter = Rewriter(load_rewrites() if rewrites is None else rewrites)
        self._canon_memo: dict[str, tuple[str, ...]] = {}
        by_alias: dict[tuple[str, ...], dict[str, None]] = defaultdict(dict)  # ordered: catalogue order
        raw_of: dict[tuple[str, ...], tuple[str, ...]] = {}
        text_of: dict[tuple[str, ...], str] = {}
        for ind in catalogue.values():
            for name in ind.names:
                raw = tuple(ocr_fold(name).split())
                if not raw:
                    continue
                toks = tuple(self.rewriter.apply(list(raw))[0])
                by_alias[toks][ind.code] = None
                raw_of.setdefault(toks, raw)
                text_of.setdefault(toks, name)
        # IDF over codes: a word found in the names of few concepts tells them apart
        words_of: dict[str, set[str]] = defaultdict(set)
        for toks, codes in by_alias.items():
            for c in codes:
                words_of[c].update(toks)
        df: dict[str, int] = defaultdict(int)
        for words in words_of.values():
            for t in words:
                df[t] += 1
        n = max(1, len(catalogue))
        self.idf = {t: math.log(1 + n / c) for t, c in df.items()}
        self._idf_unknown = math.log(1 + n)
        self.entries: list[_Alias] = [
            _Alias(toks, raw_of[toks], tuple(codes), text_of[toks], tuple(self.idf[t] for t in toks))
            for toks, codes in by_alias.items()]
        # compatibility with callers of the former matcher
        self.aliases = {e.raw: e.codes for e in self.entries}
        self.alias_text = {e.raw: e.text for e in self.entries}
        # clean text: an alias is a candidate when its rarest word is in the clause
        self.anchor: dict[str, list[_Alias]] = defaultdict(list)
        for e in self.entries:
            self.anchor[max(e.core, key=lambda t: (self.idf[t], t))].append(e)
        # headless variants ("ngô" from "sản lượng ngô"): used only when nothing matches in full
        self._distinctive = math.log(1 + n / 8)   # a word found in at most 8 concepts' names
        headless: dict[tuple[str, ...], dict[str, None]] = defaultdict(dict)
        head_text: dict[tuple[str, ...], str] = {}
        full = set(by_alias)
        for e in self.entries:
            for h in _HEADS:
                if e.toks[:len(h)] == h and len(e.toks) > len(h):
                    rest = e.toks[len(h):]
                    if rest in full or max(self.idf[t] for t in rest) < self._distinctive:
                        continue
                    for c in e.codes:
                        headless[rest][c] = None
                    head_text.setdefault(rest, e.text)
                    break
        self.headless_anchor: dict[str, list[_Alias]] = defaultdict(list)
        for toks, codes in headless.items():
            families = [_family(catalogue[c].unit) for c in codes]
            if len(set(families)) < len(families):
                continue      # "ngô": output (tấn) or area (ha)? the value's unit cannot tell
            e = _Alias(toks, toks, tuple(codes), head_text[toks], tuple(self.idf[t] for t in toks), True)
            self.headless_anchor[max(e.core, key=lambda t: (self.idf[t], t))].append(e)
        # base -> its growth rate; reduction -> the level it reduces ("Mức giảm tỷ lệ hộ nghèo");
        # a count <-> its rate ("Số xã đạt chuẩn …" / "Tỷ lệ xã đạt chuẩn …")
        self.growth_of = {base: g for g, base in self._derived_by_prefix(("toc do tang",)).items()}
        self.level_of = self._derived_by_prefix(("muc giam",))
        rate_base = self._derived_by_prefix(("ty le",), ("so", "tong so"))
        self.rate_of = {base: r for r, base in rate_base.items()}
        self.count_of = rate_base
        self.families: dict[str, list[str]] = defaultdict(list)
        for ind in catalogue.values():
            if ind.family:
                self.families[ind.family].append(ind.code)
        self.alias_keys = [e.raw for e in self.entries]
        self.alias_strings = [" ".join(e.raw) for e in self.entries]
        self._by_raw = {e.raw: e for e in self.entries}
        self.exact = self._exact_names()
        self._cache: dict[tuple, list] = {}
        self._shapes: dict[tuple, list] = {}

    def _derived_by_prefix(self, prefix: tuple[str, ...], base_prefixes: tuple[str, ...] = ()) -> dict[str, str]:
        """derived indicator -> base, where a name of the derived one is `prefix` + a name of the
        base ("Tốc độ tăng tổng mức bán lẻ…" -> "Tổng mức bán lẻ…"; "Tốc độ tăng thu ngân sách" ->
        the code one of whose aliases is "thu ngân sách"). With `base_prefixes` the base's name may
        start with one of them ("Tỷ lệ xã đạt chuẩn …" -> "Số xã đạt chuẩn …"). Names compare in
        canonical form; the base's own name_vi is preferred over an alias of another code."""
        memo = self._canon_memo

        def canon(name: str) -> tuple[str, ...]:
            t = memo.get(name)
            if t is None:
                t = memo[name] = tuple(self.rewriter.apply(ocr_fold(name).split())[0])
            return t
        by_name: dict[tuple[str, ...], str] = {}
        for own_name in (True, False):
            for i in self.catalogue.values():
                for name in ((i.name_vi,) if own_name else i.names):
                    t = canon(name)
                    for bp in ("",) + base_prefixes:
                        bt = tuple(bp.split())
                        if bt and t[:len(bt)] == bt and len(t) > len(bt):
                            by_name.setdefault(t[len(bt):], i.code)
                        elif not bt:
                            by_name.setdefault(t, i.code)
        out: dict[str, str] = {}
        pre = tuple(" ".join(prefix).split())
        for i in self.catalogue.values():
            for name in (i.name_vi, *i.names):
                t = canon(name)
                if t[:len(pre)] == pre and len(t) > len(pre):
                    base = by_name.get(t[len(pre):])
                    if base and base != i.code and i.code not in out:
                        out[i.code] = base
        return out

    def for_unit(self, code: str, unit: str) -> str:
        """The indicator a value in `unit` measures, given the one its words named: a money or
        count concept with a % value is its growth rate when it has one ("…đạt 4.549 tỷ đồng,
        tăng 3,32%"), a count with a % is its rate ("100% xã đạt chuẩn"), a rate with a count
        is the count; a money value names the output value of the sector ("family") whose
        share or growth the words named. Otherwise the code itself."""
        ind = self.catalogue.get(code)
        fam = _family(unit)
        if ind is None or not fam or fam == _family(ind.unit):
            return code
        own = _family(ind.unit)
        if fam == "pct":
            if own == "money" and code in self.growth_of:
                return self.growth_of[code]
            if own == "count" and code in self.rate_of:
                return self.rate_of[code]
        if fam == "count" and own == "pct" and code in self.count_of:
            return self.count_of[code]
        if fam == "money" and ind.family:     # "Công nghiệp - xây dựng 596 tỷ đồng": the output value
            same = [c for c in self.families.get(ind.family, ()) if _family(self.catalogue[c].unit) == "money"]
            if len(same) == 1:
                return same[0]
        return code

    def weight(self, word: str) -> float:
        """How well one (canonical, folded) word tells concepts apart."""
        return self.idf.get(word, self._idf_unknown)

    # ------------------------------------------------------------------ in a text

    def find(self, folded: str, start: int, end: int, ocr_mode: bool = False,
             within: tuple[int, int] | None = None) -> list[Match]:
        """All plausible alias matches in folded[start:end], best first (memoised per span).

        `folded` is the OCR-repaired fold of the document (chitieu.textnorm.ocr_fold_chars).
        `within`: a larger span (the paragraph) used to pre-select aliases once in OCR mode."""
        key = (folded[start:end], start, end, ocr_mode)
        hit = self._cache.get(key)
        if hit is None:
            if len(self._cache) > 20000:
                self._cache.clear()
            hit = self._cache[key] = (self._find_ocr(folded, start, end, within) if ocr_mode
                                      else self._find_clean(folded, start, end))
        return list(hit)

    def _ocr_candidates(self, folded: str, start: int, end: int) -> list[tuple[str, ...]]:
        # the pre-selection is coarse (a cut-off of 62): figures do not change it, so they are
        # all read as "0" and a paragraph seen before with other figures costs a lookup
        text = " ".join(_DIGITS.sub("0", t[0]) for t in tokens(folded, start, end))
        key = (text, "ocr")
        hit = self._cache.get(key)
        if hit is None:
            # approximate prefilter in C: the alias must roughly occur in the text
            found = process.extract(text, self.alias_strings, scorer=partial_ratio, score_cutoff=62, limit=None)
            hit = self._cache[key] = [self.alias_keys[i] for _, _, i in found]
        return hit

    def _find_ocr(self, folded: str, start: int, end: int, within=None) -> list[Match]:
        toks = tokens(folded, start, end)
        if not toks:
            return []
        words = [t[0] for t in toks]
        out = []
        for raw in self._ocr_candidates(folded, *(within or (start, end))):
            m = _align(raw, words, True)
            if m is None:
                continue
            e = self._by_raw[raw]
            first, last, matched, gap_idx, used = m
            exact = sum(1 for i in used if words[i] in raw)
            reasons = []
            if matched < len(raw):
                reasons.append("missing-words")
            if exact < len(used):
                reasons.append("ocr")
            if gap_idx:
                reasons.append("gap")
            q = matched / len(raw)
            score = q * (0.85 if exact < len(used) else 1.0) * (1 - min(0.3, 0.03 * len(gap_idx)))
            out.append(Match(e.codes, e.text, toks[first][1], toks[last][2], matched, len(raw),
                             gaps=[(toks[i][1], toks[i][2]) for i in gap_idx],
                             token_spans=[(toks[i][1], toks[i][2]) for i in used],
                             score=round(score, 3), reasons=tuple(reasons), weight=e.weight * q))
        out.sort(key=lambda m: (-m.matched, -m.quality, -m.score, len(m.gaps), m.start))
        return out

    def _find_clean(self, folded: str, start: int, end: int) -> list[Match]:
        toks = list(_TOKEN.finditer(folded, start, end))     # spans are read only for what matched
        if not toks:
            return []
        words = [t.group() for t in toks]
        if self.rewriter.keys.isdisjoint(words) and not _LEADING_ZERO.search(folded, start, end):
            first = last = range(len(words))                # nothing to rewrite (most clauses)
            changed = False
        else:
            words, first, last, changed = self.rewriter.apply(words)
        # Which aliases match depends only on the words of the catalogue's vocabulary and where
        # they stand; figures and other words are all alike. Alignments are memoised on that
        # shape, so a sentence seen before (another year's plan, another commune's) costs a lookup.
        idf = self.idf
        shape = tuple(w if w in idf else "" for w in words)
        found = self._shapes.get(shape)
        if found is None:
            if len(self._shapes) > 50000:
                self._shapes.clear()
            found = self._shapes[shape] = self._align_all(shape)
        out = []
        for e, f, l, matched, gap_idx, used, reasons in found:
            if changed and any(words[i] != toks[first[i]].group() or first[i] != last[i] for i in used):
                reasons = reasons + ("synonym",)
            score = (0.8 if "order" in reasons else 1.0) * (0.7 if e.headless else 1.0) \
                * (0.97 if "fillers" in reasons else 1.0) * (1 - min(0.3, 0.03 * len(gap_idx)))
            spans = _spans(used, toks, first, last)
            out.append(Match(e.codes, e.text, toks[first[f]].start(), toks[last[l]].end(), matched, len(e.toks),
                             gaps=[s for s in _spans(gap_idx, toks, first, last) if s not in spans],
                             token_spans=spans, score=round(score, 3), reasons=reasons,
                             weight=sum(idf[words[i]] for i in used) * (0.5 if e.headless else 1.0)))
        if len(out) > 1:
            out += self._coordinated(folded, out)
        out.sort(key=lambda m: (-round(_rank(m), 6), -m.score, len(m.gaps), m.start))
        return out

    def _align_all(self, words: tuple[str, ...]) -> list[tuple]:
        """(alias, first, last, matched, gap indices, used indices, reasons) for every alias
        found in the canonical words; the headless aliases only when no full one is."""
        where: dict[str, list[int]] = defaultdict(list)
        for i, w in enumerate(words):
            if w:
                where[w].append(i)
        return self._matches(self.anchor, words, where) or self._matches(self.headless_anchor, words, where)

    def _matches(self, anchor, words, where) -> list[tuple]:
        out = []
        present = set(where)
        for w in present:
            for e in anchor.get(w, ()):
                if not e.core <= present:
                    continue
                reasons = []
                m = _align_exact(e.toks, where) if e.tokset <= present else None
                if m is None and e.has_fillers:
                    m = _without_fillers(e.toks, words)
                    if m is not None:
                        reasons.append("fillers")
                if m is None:
                    m = _unordered(e.toks, words)
                    if m is None:
                        continue
                    reasons.append("order")
                if e.headless:
                    reasons.append("partial")
                if m[3]:
                    reasons.append("gap")
                out.append((e, *m, tuple(reasons)))
        return out

    def _coordinated(self, folded: str, found: list[Match]) -> list[Match]:
        """Two names joined by "," / "và" that share their head noun and the rest of the
        sentence: "Không để phát sinh hộ nghèo, hộ cận nghèo mới" names both indicators."""
        out = []
        full = [m for m in found if not m.reasons or m.reasons == ("synonym",)]
        for a in full:
            head = folded[a.start:a.end].split()
            for b in full:
                if b.start <= a.end or not set(a.codes).isdisjoint(b.codes) \
                        or not _COORD.fullmatch(folded, a.end, b.start):
                    continue
                first = _TOKEN.match(folded, b.start)
                fa = {_family(self.catalogue[c].unit) for c in a.codes + b.codes}
                if first is None or first.group() not in head or len(fa) != 1:
                    continue
                if any(o is not a and o is not b and o.start < b.start and o.end > a.end for o in full):
                    continue        # another name runs across the join: not two coordinated names
                out.append(Match(a.codes + b.codes, f"{a.alias}, {b.alias}", a.start, b.end,
                                 a.matched + b.matched, a.total + b.total, gaps=[],
                                 token_spans=a.token_spans + b.token_spans, score=min(a.score, b.score),
                                 reasons=("coordinated",), weight=a.weight + b.weight))
        return out

    # ------------------------------------------------------------------ a header or a name

    def _exact_names(self) -> dict[str, str]:
        idx: dict[str, str] = {}
        for ind in self.catalogue.values():
            for n in (*ind.names, ind.name_en):
                if n:
                    idx.setdefault(fold(n), ind.code)
        for ind in self.catalogue.values():
            idx[fold(ind.code)] = ind.code
            idx[ind.code] = ind.code
        for e in self.entries:      # canonical words: "Sản lượng bắp" is "Sản lượng ngô"
            idx.setdefault("=" + " ".join(e.toks), e.codes[0])
        return idx

    def match_header(self, header: str, min_score: float = 0.72) -> Match | None:
        """The indicator a column header or an indicator cell names, or None.

        An exact name, alias or code first; otherwise the header's words are compared with each
        alias's words, weighted (a weighted Dice coefficient over canonical words): the best
        code must reach `min_score` and stand clear of the next one."""
        h = nfc(header or "").strip()
        if not h:
            return None
        h_core = re.sub(r"\s*\([^)]*\)\s*$", "", h)
        for cand in (h, h_core):
            code = self.exact.get(cand) or self.exact.get(fold(cand))
            if code:
                return Match((code,), cand, 0, len(h), 1, 1, token_spans=[(0, len(h))], score=1.0)
        folded = ocr_fold_chars(h_core)
        toks = tokens(folded, 0, len(folded))
        if not toks:
            return None
        words = self.rewriter.apply([t[0] for t in toks])[0]
        code = self.exact.get("=" + " ".join(words))
        if code:
            return Match((code,), h_core, 0, len(h), 1, 1, token_spans=[(0, len(h))], score=1.0,
                         reasons=("synonym",))
        hset = set(words)
        if len(hset) < 3:
            return None     # two words ("Chỉ tiêu", "Dân số") are a column name, not an indicator
        wh = sum(self.weight(t) for t in hset)
        best: dict[str, tuple[float, _Alias]] = {}
        seen: set[int] = set()
        for w in hset:
            for e in self._entries_with(w):
                if id(e) in seen:
                    continue
                seen.add(id(e))
                eset = set(e.toks)
                common = sum(self.weight(t) for t in hset & eset)
                dice = 2 * common / (wh + sum(self.weight(t) for t in eset))
                for c in e.codes:
                    if dice > best.get(c, (0.0, None))[0]:
                        best[c] = (dice, e)
        if not best:
            return None
        ranked = sorted(best.items(), key=lambda kv: -kv[1][0])
        code, (score, e) = ranked[0]
        if len(hset & set(e.toks)) < 3:
            return None
        runner = ranked[1][1][0] if len(ranked) > 1 else 0.0
        if score < min_score or score - runner < 0.05:
            return None
        return Match((code,), e.text, 0, len(h), len(hset & set(e.toks)), len(e.toks),
                     token_spans=[(0, len(h))], score=round(score, 3), reasons=("partial",), weight=e.weight)

    def _entries_with(self, word: str) -> list[_Alias]:
        idx = getattr(self, "_word_index", None)
        if idx is None:
            idx = self._word_index = defaultdict(list)
            for e in self.entries:
                for t in set(e.toks):
                    idx[t].append(e)
        return idx.get(word, [])


def _family(unit: str) -> str:
    """How extract tells indicators sharing a name apart: percent, money or a count."""
    u = (unit or "").lower()
    if "%" in u or "‰" in u:
        return "pct"
    if "đồng" in u or "usd" in u:
        return "money"
    return "count" if u else ""


def _spans(idx: list[int], toks, first, last) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for i in idx:
        s = (toks[first[i]].start(), toks[last[i]].end())
        if not out or out[-1] != s:
            out.append(s)
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


def _rank(m: Match) -> float:
    """Evidence for a match: the weight of the words found, less a word's worth per gap word
    and two for words out of order."""
    return m.weight - len(m.gaps) - (3.0 if "order" in m.reasons else 0.0)


_FILLERS = frozenset({"duoc", "va", "cua", "cho", "la", "cac", "nhung"})


def _without_fillers(alias: tuple[str, ...], words: list[str]):
    """The alias in order with its little words ("được", "và") left out of the text."""
    core = tuple(t for t in alias if t not in _FILLERS)
    if len(core) == len(alias) or len(core) < 2:
        return None
    pos = [i for i, w in enumerate(words) if w not in _FILLERS]
    seq = [words[i] for i in pos]
    n = len(core)
    for j in range(len(seq) - n + 1):
        if tuple(seq[j:j + n]) == core:
            used = pos[j:j + n]
            return used[0], used[-1], len(alias), [x for x in range(used[0], used[-1] + 1) if x not in used], used
    return None


def _unordered(alias: tuple[str, ...], words: list[str]):
    """The alias as two blocks in swapped order: (first, last, matched, gaps, used), or None.

    Verb-first wording names the same concept as a noun-first alias: "thu gom, xử lý chất thải
    rắn đô thị" for "chất thải rắn đô thị được thu gom, xử lý". Each block is contiguous, at
    most two words stand between them, a head noun ("Tỷ lệ", "Số") may stay in front,
    and little words ("được", "và", "của") may be left out."""
    core = [t for t in alias if t not in _FILLERS]
    n = len(core)
    if n < 3:
        return None
    pos = [i for i, w in enumerate(words) if w not in _FILLERS]
    seq = [words[i] for i in pos]
    for h in range(0, min(2, n - 2) + 1):
        head, body = core[:h], core[h:]
        if h and tuple(head) not in _HEADS:
            continue
        m = len(body)
        for k in range(m - 1, 0, -1):
            a, b = body[:k], body[k:]
            lb = len(b)
            for j in range(h, len(seq) - lb + 1):
                if seq[j:j + lb] != b or seq[j - h:j] != head:
                    continue
                for skip in range(0, 3):
                    s = j + lb + skip
                    if seq[s:s + k] == a:
                        used = [pos[x] for x in range(j - h, j + lb)] + [pos[x] for x in range(s, s + k)]
                        first, last = used[0], used[-1]
                        if last - first + 1 - len(used) > 2 + len(alias) - n:
                            continue
                        used.sort()
                        gaps = [x for x in range(first, last + 1) if x not in used]
                        return first, last, len(alias), gaps, used
    return None


def _align_exact(alias: tuple[str, ...], where: dict[str, list[int]]):
    """_align for clean text, where words are equal or not: each next alias word is looked up
    in the positions of that word (same gaps as _align), not compared word by word."""
    n = len(alias)
    best = None
    rest = alias[1:]
    for i in where[alias[0]]:
        used = [i]
        gaps: list[int] = []
        j = i + 1
        for t in rest:
            ps = where[t]
            k = bisect_left(ps, j)
            if k == len(ps):
                break
            p = ps[k]
            if p > j:
                if p - j > 6 or len(gaps) + (p - j) > 8:
                    break
                gaps.extend(range(j, p))
            used.append(p)
            j = p + 1
        else:
            if best is None or len(gaps) < len(best[3]):
                best = (used[0], used[-1], n, gaps, used)
                if not gaps:
                    break
    return best


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


_BY_CATALOGUE: dict[int, CatalogueMatcher] = {}


def matcher_for(catalogue: dict[str, Indicator]) -> CatalogueMatcher:
    """The matcher of a catalogue, built once per catalogue object (the index takes ~0.2 s)."""
    m = _BY_CATALOGUE.get(id(catalogue))
    if m is None or m.catalogue is not catalogue:
        if len(_BY_CATALOGUE) > 8:
            _BY_CATALOGUE.clear()
        m = _BY_CATALOGUE[id(catalogue)] = CatalogueMatcher(catalogue)
    return m


def header_code(header: str, matcher: CatalogueMatcher) -> str | None:
    """Catalogue code for a column header or an indicator name in a workbook, or None."""
    m = matcher.match_header(header)
    return m.codes[0] if m else None
