"""Vietnamese number format for tables and labels (1.234,5). Pure: no Streamlit.

Tables are passed to st.dataframe as a pandas Styler: the cells *show* Vietnamese text while
the column keeps its numbers, so clicking a header still sorts numerically.
"""
from __future__ import annotations

import math

import pandas as pd

from chitieu.numbers import format_vn


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


def num(v, decimals: int | None = None) -> str:
    """A figure for display: at most 2 decimals, Vietnamese separators, '–' when missing."""
    if _missing(v):
        return "–"
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    if decimals is None:
        decimals = 0 if f.is_integer() else (1 if abs(f) >= 100 else 2)
        s = format_vn(round(f, decimals), None)
        return s
    return format_vn(f, decimals)


def pct(v) -> str:
    return "–" if _missing(v) else f"{format_vn(round(float(v), 1), 1)}%"


def with_unit(v, unit: str | None) -> str:
    if _missing(v):
        return "–"
    unit = unit or ""
    sep = "" if unit in ("%", "‰") or not unit else " "
    return f"{num(v)}{sep}{unit}"


_SYMBOL = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "="}


def target_text(comparator: str, value, value_high, unit: str, lang: str = "vi") -> str:
    """'≥ 95%', 'từ 8 đến 9%', 'vượt chỉ tiêu giao', 'định tính' — how a target reads."""
    if comparator == "qualitative":
        return "qualitative" if lang == "en" else "định tính"
    if comparator == "exceed_assigned":
        base = "exceed the assigned figure" if lang == "en" else "vượt chỉ tiêu cấp trên giao"
        return f"{base} ({with_unit(value, unit)})" if not _missing(value) else base
    if comparator == "between":
        sep = "" if unit in ("%", "‰") or not unit else " "
        if lang == "en":
            return f"{num(value)}–{num(value_high)}{sep}{unit}"
        return f"từ {num(value)} đến {num(value_high)}{sep}{unit}"
    return f"{_SYMBOL.get(comparator, comparator)} {with_unit(value, unit)}"


def vn_table(df: pd.DataFrame, numbers: list[str] | None = None, percents: list[str] | None = None):
    """Styler that shows numeric columns in Vietnamese notation; sorting stays numeric."""
    numbers = [c for c in (numbers if numbers is not None else
                           df.select_dtypes("number").columns.tolist()) if c in df.columns]
    percents = [c for c in (percents or []) if c in df.columns]
    fmt = {c: num for c in numbers if c not in percents}
    fmt.update({c: pct for c in percents})
    return df.style.format(fmt, na_rep="–")


def comparator_label(code: str, lang: str = "vi") -> str:
    """How a comparator reads (≥, ≤, 'vượt chỉ tiêu giao', 'định tính'), never its code."""
    from ui.i18n import STRINGS, t
    return t(f"cmp_{code}", lang) if f"cmp_{code}" in STRINGS else str(code)


def name_unit(name, unit) -> str:
    """'Tỷ lệ hộ nghèo (%)', or the bare name when there is no unit (never an empty '()')."""
    name = "" if _missing(name) else str(name)
    unit = "" if _missing(unit) else str(unit).strip()
    return f"{name} ({unit})" if unit else name
