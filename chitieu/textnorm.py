"""Vietnamese text normalisation: NFC on input, diacritic/OCR folding for matching.

The folded forms are *same length* as the NFC text they come from (one character in,
one character out), so a match found in the folded text maps back to the exact span of
the original: the original text is never lost.
"""
from __future__ import annotations

import re
import unicodedata

# Characters OCR engines put where a Vietnamese vowel with marks was ("1€" for "lệ",
# "1¢" for "lệ", "Pang" for "Đảng"). Mapped only in the OCR-tolerant fold.
_OCR_CHARS = {
    "€": "e", "¢": "e", "£": "e", "©": "e", "®": "e", "§": "o", "ø": "o", "ﬁ": "fi",
    "ﬂ": "fl", "ß": "b", "¥": "y", "™": " ", "’": "'", "‘": "'",
}
# Digits that OCR put inside words: "16p" (lớp), "t6" (tổ), "d4u" (đấu), "x3" (xã).
_OCR_DIGITS = {"0": "o", "1": "l", "3": "a", "4": "a", "5": "s", "6": "o", "8": "e"}
_WORDISH_DIGITS = re.compile(r"(?<=[a-z])[0134568]+|[0134568]+(?=[a-z])")


def nfc(text: str) -> str:
    """Unicode NFC; Word and web copies mix NFC and NFD."""
    return unicodedata.normalize("NFC", text or "")


def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return base if len(base) == 1 else ch


class _FoldTable(dict):
    """str.translate table that learns each new character once (C-speed afterwards)."""

    def __init__(self, ocr: bool):
        super().__init__()
        self.ocr = ocr

    def __missing__(self, code: int) -> str:
        f = _fold_char(chr(code))
        if self.ocr:
            f = _OCR_CHARS.get(chr(code), _OCR_CHARS.get(f, f))
            f = f if len(f) == 1 else " "
        self[code] = f
        return f


_FOLD_TABLE = _FoldTable(ocr=False)
_OCR_TABLE = _FoldTable(ocr=True)


def fold_chars(text: str) -> str:
    """Lower-case and strip diacritics, one character for one (offsets are kept)."""
    return text.translate(_FOLD_TABLE)


def _digits_to_letters(m: re.Match) -> str:
    return m.group().translate(_DIGIT_TABLE)


_DIGIT_TABLE = str.maketrans(_OCR_DIGITS)


def ocr_fold_chars(text: str) -> str:
    """fold_chars plus repair of OCR noise; still one character for one.

    Symbols that OCR emits for marked vowels become letters, and digits inside
    words become the letters they usually stand for ("16p" -> "lop"). Digits that
    stand alone ("100%", "5,8") are kept.
    """
    return _WORDISH_DIGITS.sub(_digits_to_letters, text.translate(_OCR_TABLE))


def fold(text: str) -> str:
    """Compact comparison key: folded, punctuation dropped, single spaces."""
    return " ".join(re.findall(r"[a-z0-9]+", fold_chars(nfc(text))))


def ocr_fold(text: str) -> str:
    """Compact OCR-tolerant key: like fold() but with OCR noise repaired."""
    return " ".join(re.findall(r"[a-z0-9]+", ocr_fold_chars(nfc(text))))


def has_diacritics(text: str) -> bool:
    return any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", text)) or "đ" in text.lower()


def diacritic_ratio(text: str, sample: int = 6000) -> float:
    """Marks per letter in (the first `sample` characters of) a text; clean Vietnamese is
    ~0.3-0.5, text that lost its marks (OCR) near 0."""
    text = text[:sample]
    letters = len(text) - len(_LETTER_RUNS.sub("", text))
    if not letters:
        return 0.0
    marks = len(unicodedata.normalize("NFD", text)) - len(unicodedata.normalize("NFC", text))
    return (marks + text.count("đ") + text.count("Đ")) / letters


_LETTER_RUNS = re.compile(r"[^\W\d_]+")
