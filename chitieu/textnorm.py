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


_FOLD_TABLE: dict[int, str] = {}


def fold_chars(text: str) -> str:
    """Lower-case and strip diacritics, one character for one (offsets are kept)."""
    out = []
    for ch in text:
        f = _FOLD_TABLE.get(ord(ch))
        if f is None:
            f = _fold_char(ch)
            _FOLD_TABLE[ord(ch)] = f
        out.append(f)
    return "".join(out)


def ocr_fold_chars(text: str) -> str:
    """fold_chars plus repair of OCR noise; still one character for one.

    Symbols that OCR emits for marked vowels become letters, and digits inside
    words become the letters they usually stand for ("16p" -> "lop"). Digits that
    stand alone ("100%", "5,8") are kept.
    """
    folded = "".join(_OCR_CHARS.get(c, c) if len(_OCR_CHARS.get(c, c)) == 1 else " " for c in fold_chars(text))
    return _WORDISH_DIGITS.sub(lambda m: "".join(_OCR_DIGITS[d] for d in m.group()), folded)


def fold(text: str) -> str:
    """Compact comparison key: folded, punctuation dropped, single spaces."""
    return " ".join(re.findall(r"[a-z0-9]+", fold_chars(nfc(text))))


def ocr_fold(text: str) -> str:
    """Compact OCR-tolerant key: like fold() but with OCR noise repaired."""
    return " ".join(re.findall(r"[a-z0-9]+", ocr_fold_chars(nfc(text))))


def has_diacritics(text: str) -> bool:
    return any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", text)) or "đ" in text.lower()


def diacritic_ratio(text: str) -> float:
    """Share of letters that carry Vietnamese marks; clean Vietnamese is ~0.3-0.5."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    marked = sum(1 for c in letters if c.lower() == "đ" or unicodedata.normalize("NFD", c) != c)
    return marked / len(letters)
