"""Targets laid out as a table: one row per indicator, plan and result columns side by side.

Rows come as "| a | b | c |" lines (how .docx tables are read, and how many text exports look)
or tab-separated lines. The header row names the columns; the plan column is the one whose
header says kế hoạch / chỉ tiêu / mục tiêu / nghị quyết and not thực hiện / ước / so sánh.
When several plan columns exist (one per year), the plan year's column wins, else the last.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_PLAN_HEAD = re.compile(r"\b(?:ke hoach|kh|chi tieu|muc tieu|nghi quyet|nq|giao)\b")
_NOT_PLAN = re.compile(r"\b(?:thuc hien|th|uoc|uoc th|so sanh|ty le|dat duoc|ket qua|cung ky)\b|%")
_NAME_HEAD = re.compile(r"\b(?:chi tieu|noi dung|ten chi tieu|danh muc)\b")
_UNIT_HEAD = re.compile(r"\b(?:don vi|dvt|don vi tinh)\b")


@dataclass
class Cell:
    start: int
    end: int


@dataclass
class Row:
    start: int
    end: int
    cells: list[Cell]


def _rows(text: str, start: int, end: int) -> list[Row]:
    rows = []
    pos = start
    for line in text[start:end].splitlines(keepends=True):
        ls, le = pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)
        body = text[ls:le]
        if body.count("|") >= 3 or body.count("\t") >= 2:
            sep = "|" if body.count("|") >= 3 else "\t"
            cells, cs = [], ls
            for i in range(ls, le + 1):
                if i == le or text[i] == sep:
                    a, b = cs, i
                    while a < b and text[a].isspace():
                        a += 1
                    while b > a and text[b - 1].isspace():
                        b -= 1
                    cells.append(Cell(a, b))
                    cs = i + 1
            if sep == "|":
                cells = cells[1:] if body.lstrip().startswith("|") else cells
                cells = cells[:-1] if body.rstrip().endswith("|") else cells
            rows.append(Row(ls, le, cells))
    return rows


@dataclass
class TableLayout:
    rows: list[Row]
    name_col: int
    unit_col: int | None
    plan_col: int


def find_tables(text: str, folded: str, year: int | None) -> list[TableLayout]:
    """Tables whose header names a plan column."""
    rows = _rows(text, 0, len(text))
    tables: list[list[Row]] = []
    for r in rows:
        if tables and text[tables[-1][-1].end:r.start].count("\n") <= 2:
            tables[-1].append(r)
        else:
            tables.append([r])
    out = []
    for t in tables:
        header_idx = None
        plan_cols: list[int] = []
        for hi, h in enumerate(t[:3]):
            heads = [folded[c.start:c.end] for c in h.cells]
            plan_cols = [i for i, hd in enumerate(heads) if _PLAN_HEAD.search(hd) and not _NOT_PLAN.search(hd)]
            if plan_cols:
                header_idx = hi
                break
        if header_idx is None:
            continue
        heads = [folded[c.start:c.end] for c in t[header_idx].cells]
        if year and len(plan_cols) > 1:
            with_year = [i for i in plan_cols if str(year) in heads[i]]
            plan_cols = with_year or plan_cols
        plan_col = plan_cols[-1]
        name_col = next((i for i, hd in enumerate(heads) if _NAME_HEAD.search(hd) and i != plan_col), None)
        unit_col = next((i for i, hd in enumerate(heads) if _UNIT_HEAD.search(hd)), None)
        body = [r for r in t[header_idx + 1:] if len(r.cells) > plan_col]
        if name_col is None:  # the widest text column
            widths = [sum(len(folded[r.cells[i].start:r.cells[i].end]) for r in body if len(r.cells) > i)
                      for i in range(len(heads))]
            name_col = max((i for i in range(len(heads)) if i != plan_col), key=lambda i: widths[i], default=0)
        out.append(TableLayout(body, name_col, unit_col, plan_col))
    return out
