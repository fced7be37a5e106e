"""Vietnamese numbers: "1.192" = 1192, "10.082,0" = 10082.0, "10,5" = 10.5, "01" = 1.

The dot groups thousands and the comma marks decimals. Readings that the Vietnamese
convention does not settle are reported, never guessed silently:
- "16,723": a comma before exactly three digits is a decimal comma (16.723) in Vietnamese,
  but writers who copy English conventions mean 16723. `read_number` returns the
  Vietnamese reading with `alternative=16723` and an explanation; callers that have
  context (the parts of a sum) may pick the alternative and record why.
- "1.5" or "12.34": a dot not followed by groups of three digits is not Vietnamese;
  it is read as a decimal point and flagged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# One number as written: digits with optional dot-groups and an optional decimal part.
NUMBER_PATTERN = r"\d+(?:[.,]\d+)*"
NUMBER_RE = re.compile(NUMBER_PATTERN)


class NumberError(ValueError):
    """A value that is not a number, or whose reading is ambiguous. Bilingual message."""

    def __init__(self, code: str, text: str, vi: str, en: str):
        super().__init__(f"{vi} / {en}")
        self.code = code
        self.text = text
        self.vi = vi
        self.en = en


@dataclass(frozen=True)
class VnNumber:
    value: float
    text: str
    ambiguity: str | None = None      # English explanation when the reading is not certain
    alternative: float | None = None  # the other plausible reading, if any

    @property
    def is_integer(self) -> bool:
        return float(self.value).is_integer()


_THOUSANDS_DOT = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_DECIMAL_COMMA = re.compile(r"^\d+,\d+$")
_PLAIN = re.compile(r"^\d+$")
_ENGLISH = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_DOT_DECIMAL = re.compile(r"^\d+\.\d+$")


def read_number(text: str) -> VnNumber:
    """Read one number token in Vietnamese notation. Raises NumberError if not a number."""
    t = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if len(t) > 40:  # no figure in a plan or report has 40 digits; float() would overflow
        raise NumberError("number-too-long", text, f'"{t[:20]}…" quá dài, không phải một số liệu',
                          f'"{t[:20]}…" is too long to be a figure')
    if _PLAIN.match(t):
        return VnNumber(float(int(t)), text)
    if _THOUSANDS_DOT.match(t):
        whole, _, dec = t.partition(",")
        return VnNumber(float(whole.replace(".", "") + ("." + dec if dec else "")), text)
    if _DECIMAL_COMMA.match(t):
        whole, dec = t.split(",")
        value = float(f"{whole}.{dec}")
        if len(dec) == 3 and whole != "0":
            return VnNumber(value, text,
                            ambiguity=f'"{t}": a comma before three digits is a decimal comma in Vietnamese '
                                      f"({value:g}), but may be an English thousands separator ({whole}{dec})",
                            alternative=float(whole + dec))
        return VnNumber(value, text)
    if _ENGLISH.match(t):
        value = float(t.replace(",", ""))
        return VnNumber(value, text, ambiguity=f'"{t}" is written in English notation (commas group thousands)',
                        alternative=None)
    if _DOT_DECIMAL.match(t):
        value = float(t)
        whole, dec = t.split(".")
        alt = float(whole + dec) if len(dec) == 3 else None
        return VnNumber(value, text,
                        ambiguity=f'"{t}": a dot is the thousands separator in Vietnamese, but "{dec}" is not a '
                                  f"group of three digits; read as the decimal {value:g}",
                        alternative=alt)
    raise NumberError("non-numeric-value", text,
                      f'"{text}" không phải là số',
                      f'"{text}" is not a number')


_CELL = re.compile(r"^\s*([+-]?)\s*(" + NUMBER_PATTERN + r")\s*(%|‰)?\s*$")


def parse_cell_number(text: str) -> tuple[float, str | None]:
    """Strictly parse a number typed as text in a spreadsheet cell.

    Returns (value, unit_mark) where unit_mark is "%" or "‰" when written. A reading
    that is ambiguous raises NumberError with code "ambiguous-number" and explains both
    readings, so the analyst can retype it.
    """
    m = _CELL.match(str(text).replace("\u00a0", " "))
    if not m:
        raise NumberError("non-numeric-value", str(text), f'"{text}" không phải là số',
                          f'"{text}" is not a number')
    sign, token, mark = m.groups()
    n = read_number(token)
    if n.ambiguity:
        alt = f" hoặc {format_vn(n.alternative)}" if n.alternative is not None else ""
        raise NumberError(
            "ambiguous-number", str(text),
            f'Số "{token}" không rõ nghĩa: theo cách viết Việt Nam đọc là {format_vn(n.value)}{alt}. '
            "Hãy nhập lại theo dạng 1.234,5 (dấu chấm ngăn hàng nghìn, dấu phẩy thập phân).",
            f'"{token}" is ambiguous ({n.ambiguity}). Retype it as 1.234,5 '
            "(dot for thousands, comma for decimals).")
    value = -n.value if sign == "-" else n.value
    return value, mark


def format_vn(value: float | int | None, decimals: int | None = None) -> str:
    """1234.5 -> "1.234,5"; integers without decimals; None -> "–"."""
    if value is None:
        return "–"
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if v != v:  # NaN
        return "–"
    if decimals is None:
        decimals = 0 if v.is_integer() else min(4, max(1, len(f"{abs(v):.4f}".rstrip("0").split(".")[1])))
    s = f"{v:,.{decimals}f}"
    return s.replace(",", "\u0001").replace(".", ",").replace("\u0001", ".")
