"""Reporting periods and standings of reported actuals.

A period is always cumulative from 1 January: Q1 (3 months), H1 ("6 tháng"), 9M
("9 tháng"), FY ("cả năm") and any "N tháng" (1M..12M; real reports use 5, 8, 10 and 11
months). 3M, 6M and 12M are the same thing as Q1, H1 and FY and are stored under those
codes, so one figure never exists under two keys. Single quarters other than Q1
("Quý II") are not periods here: reports give them as cumulative figures too ("6 tháng"),
and a lone quarter cannot be compared with an annual target.

A standing says how final a figure is: estimate (ước tính) < preliminary (sơ bộ) <
official (chính thức). A later figure of a higher standing is a revision
(see chitieu.status.detect_revision), never a silent overwrite.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import total_ordering

from chitieu.errors import UserError
from chitieu.textnorm import fold

_CANONICAL = {3: "Q1", 6: "H1", 9: "9M", 12: "FY"}
_LABELS = {  # months -> (vi, en) for the named periods
    3: ("Quý I", "Q1"),
    6: ("6 tháng", "first 6 months"),
    9: ("9 tháng", "first 9 months"),
    12: ("Cả năm", "full year"),
}


@total_ordering
@dataclass(frozen=True)
class Period:
    """A cumulative reporting period. Ordered (and hashed) by `months`; code is canonical."""

    code: str
    months: int
    label_vi: str = field(compare=False)
    label_en: str = field(compare=False)

    @property
    def is_full_year(self) -> bool:
        return self.months == 12

    def label(self, lang: str = "vi") -> str:
        return self.label_en if lang == "en" else self.label_vi

    def __lt__(self, other: "Period") -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self.months < other.months

    def __str__(self) -> str:
        return self.code


def period_of_months(months: int) -> Period:
    """The canonical Period covering January..month `months` (1..12)."""
    if not isinstance(months, int) or not 1 <= months <= 12:
        raise _unknown_period(str(months))
    code = _CANONICAL.get(months, f"{months}M")
    vi, en = _LABELS.get(months, (f"{months} tháng", f"first {months} months"))
    return Period(code, months, vi, en)


ALL_PERIODS: tuple[Period, ...] = tuple(period_of_months(m) for m in range(1, 13))
Q1, H1, M9, FY = (period_of_months(m) for m in (3, 6, 9, 12))
# For drop-downs (Excel template, dashboard): (code, Vietnamese label), in calendar order.
PERIOD_CHOICES: tuple[tuple[str, str], ...] = tuple((p.code, p.label_vi) for p in ALL_PERIODS)

_ROMAN = {"i": 1, "1": 1}
# Folded words that may surround "N tháng" / "N months" without changing its meaning.
_FILLER = r"(?:luy ke|luy ke tu dau nam|uoc|uoc tinh|thuc hien|first|cumulative)?\s*"
_MONTHS_RE = re.compile(r"^" + _FILLER + r"(\d{1,2})\s*(?:thang|months?|m|t)"
                        r"(?:\s*(?:dau nam|dau|nam|of the year|ytd))?$")
_YEAR_WORDS = {"fy", "ca nam", "nam", "full year", "year", "annual", "whole year", "12 thang",
               "ca nam uoc", "uoc ca nam", "uoc thuc hien ca nam", "thuc hien ca nam", "12m"}
_HALF_WORDS = {"h1", "6 thang dau nam", "sau thang", "sau thang dau nam", "nua nam", "nua dau nam",
               "first half", "half year", "first half of the year", "6 thang nam", "1st half"}
_Q1_WORDS = {"q1", "quy i", "quy 1", "quy mot", "first quarter", "quarter 1", "quarter i", "1st quarter",
             "3 thang dau nam"}
_NINE_WORDS = {"9m", "9 thang", "chin thang", "nine months"}


def _unknown_period(text: str) -> UserError:
    return UserError(
        "unknown-period",
        f'Kỳ báo cáo "{text}" không hợp lệ. Dùng một trong: Quý I, 6 tháng, 9 tháng, cả năm, '
        "hoặc N tháng (1–12), mã Q1, H1, 9M, FY, NM.",
        f'Unknown reporting period "{text}". Use Q1, H1, 9M, FY or NM (N = 1..12 cumulative '
        "months), or their Vietnamese labels.")


def parse_period(text: "str | Period | None") -> Period:
    """Read a period code or label; raise UserError("unknown-period") otherwise.

    Accepts the codes (Q1, H1, 9M, FY, 1M..12M, case-insensitive), Vietnamese labels with or
    without diacritics ("Quý I", "6 tháng đầu năm", "9 tháng", "cả năm", "năm", "10 tháng",
    "lũy kế 10 tháng") and English ones ("first half", "9 months", "full year", "10M").
    """
    if isinstance(text, Period):
        return text
    key = fold(str(text or ""))
    if key in _YEAR_WORDS:
        return FY
    if key in _HALF_WORDS:
        return H1
    if key in _Q1_WORDS:
        return Q1
    if key in _NINE_WORDS:
        return M9
    m = _MONTHS_RE.match(key)
    if m and 1 <= int(m.group(1)) <= 12:
        return period_of_months(int(m.group(1)))
    raise _unknown_period(str(text))


def period_year(period: "str | Period", year: int, lang: str = "vi", start: bool = True) -> str:
    """A period and its year as one phrase: "Cả năm 2022", "6 tháng năm 2022", "Quý I năm 2022"
    (English "Full year 2022", "Q1 2022", "First 6 months of 2022"). `start=False` for the middle
    of a sentence ("Số liệu cả năm 2022 ..."). (Before: label + " năm " + year read "Cả năm năm 2022".)"""
    p = parse_period(period)
    if lang == "en":
        text = f"{p.label_en} {year}" if p.is_full_year or p.code == "Q1" else f"{p.label_en} of {year}"
    else:
        text = f"cả năm {year}" if p.is_full_year else f"{p.label_vi} năm {year}"
    return text[:1].upper() + text[1:] if start else text


@total_ordering
@dataclass(frozen=True)
class Standing:
    """How final a figure is; `rank` orders them (a higher rank supersedes a lower one)."""

    code: str
    rank: int
    label_vi: str = field(compare=False)
    label_en: str = field(compare=False)

    def label(self, lang: str = "vi") -> str:
        return self.label_en if lang == "en" else self.label_vi

    def __lt__(self, other: "Standing") -> bool:
        if not isinstance(other, Standing):
            return NotImplemented
        return self.rank < other.rank

    def __str__(self) -> str:
        return self.code


ESTIMATE = Standing("estimate", 1, "Ước tính", "estimate")
PRELIMINARY = Standing("preliminary", 2, "Sơ bộ", "preliminary")
OFFICIAL = Standing("official", 3, "Chính thức", "official")
STANDINGS: tuple[Standing, ...] = (ESTIMATE, PRELIMINARY, OFFICIAL)
STANDING_CHOICES: tuple[tuple[str, str], ...] = tuple((s.code, s.label_vi) for s in STANDINGS)
_STANDING_WORDS = {
    ESTIMATE: {"estimate", "estimated", "est", "uoc", "uoc tinh", "uoc thuc hien", "uoc th", "uth"},
    PRELIMINARY: {"preliminary", "prelim", "so bo", "so lieu so bo"},
    OFFICIAL: {"official", "final", "chinh thuc", "so lieu chinh thuc", "thuc hien chinh thuc"},
}

_NO_DEFAULT = object()


def parse_standing(text: "str | Standing | None", default: "Standing | None | object" = _NO_DEFAULT
                   ) -> "Standing | None":
    """Read a standing code or label (vi/en, with or without diacritics).

    An empty value returns `default` when one is given (callers decide what a blank cell
    means); anything else unknown raises UserError("unknown-standing").
    """
    if isinstance(text, Standing):
        return text
    key = fold(str(text or ""))
    if not key and default is not _NO_DEFAULT:
        return default  # type: ignore[return-value]
    for standing, words in _STANDING_WORDS.items():
        if key in words:
            return standing
    raise UserError(
        "unknown-standing",
        f'Mức độ số liệu "{text or ""}" không hợp lệ. Dùng: ước tính, sơ bộ hoặc chính thức.',
        f'Unknown standing "{text or ""}". Use estimate, preliminary or official.')
