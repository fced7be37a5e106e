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


# ---------------------------------------------------------------- a table flattened one cell per line

_HEADER_CELL = re.compile(r"^(?:stt|tt|so tt|chi tieu[a-z ]*|noi dung[a-z ]*|don vi[a-z ]*|dvt|th\b.*|kh\b.*|uoc\b.*"
                          r"|ke hoach.*|thuc hien.*|so sanh.*|ghi chu|nam \d{4}|\d{4}|muc tieu.*|nghi quyet.*)$")
_VALUE_CELL = re.compile(r"^\s*(?:[<>≤≥]=?\s*)?\(?\s*\d[\d.,]*(?:\s*[-–]\s*\d[\d.,]*)?\s*\)?\s*%?\s*$")
_HEADER_LINE = re.compile(r"(?m)^[ \t]*(?:kh|ke hoach|chi tieu|nghi quyet|nq)\b[^\n]{0,30}$")
_UNIT_PAREN = re.compile(r"^\s*\(([^()\d]{1,25})\)\s*\.?\s*$")


@dataclass
class CellRow:
    label: Cell                 # the row's name (a unit cell in brackets under it is kept with it)
    plan: Cell                  # the plan column's cell
    parent: Cell | None         # the group row a "- sub-row" belongs to ("Cơ cấu kinh tế")
    unit: str                   # "(%)", "(Tỷ đồng)" as written in the label, without brackets


@dataclass
class CellTable:
    start: int
    end: int
    rows: list[CellRow]


def _blocks(text: str) -> list[Cell]:
    """Each non-empty line is one cell (blank cells hold a no-break space)."""
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        s, e = pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)
        if text[s:e].strip(" \t") == "":
            continue
        a, b = s, e
        while a < b and text[a] in " \t":
            a += 1
        while b > a and text[b - 1] in " \t":
            b -= 1
        out.append(Cell(a, b))
    return out


def find_cell_tables(text: str, folded: str) -> list[CellTable]:
    """Tables pasted from a web page or PDF with one cell per line: a run of short header cells
    (Stt / Chỉ tiêu / TH năm 2021 / KH 2022 / Ước TH 2022 / Ghi chú) names the columns; then each
    row is its name cell followed by its value cells in column order (blank cells may be missing
    at the end of a row). Only the plan column's value is kept."""
    if not _HEADER_LINE.search(folded):
        return []  # no line is a plan column's header: no such table (cheap check first)
    cells = _blocks(text)
    out = []
    i = 0
    while i < len(cells):
        j = i
        while j < len(cells) and len(folded[cells[j].start:cells[j].end].strip()) <= 40 \
                and _HEADER_CELL.match(folded[cells[j].start:cells[j].end].strip()):
            j += 1
        heads = [folded[c.start:c.end].strip() for c in cells[i:j]]
        name_idx = next((k for k, h in enumerate(heads) if h.startswith(("chi tieu", "noi dung", "muc tieu"))), 1)
        plan = [k for k, h in enumerate(heads) if k != name_idx and _PLAN_HEAD.search(h) and not _NOT_PLAN.search(h)]
        result = [k for k, h in enumerate(heads) if _NOT_PLAN.search(h) or h.startswith("ghi chu")]
        if j - i < 3 or not plan or not result:
            i = max(j, i + 1)
            continue
        offset = plan[0] - name_idx
        if offset <= 0:
            i = j
            continue
        rows, parent, k = [], None, j
        while k < len(cells):
            c = cells[k]
            body = text[c.start:c.end]
            if len(body) > 250:
                break  # the table has ended: a paragraph of prose
            fb = folded[c.start:c.end]
            if not re.search(r"[a-z]{2,}", fb) or _UNIT_PAREN.match(body):
                k += 1
                continue
            label, unit, n = c, "", k + 1
            um = re.search(r"\(([^()\d]{1,25})\)\s*[,:.]?\s*(?:trong do\s*:?)?\s*$", fb)
            if n < len(cells) and _UNIT_PAREN.match(text[cells[n].start:cells[n].end]):
                unit = _UNIT_PAREN.match(text[cells[n].start:cells[n].end]).group(1)
                n += 1
            elif um:
                unit = body[um.start(1):um.end(1)]
            values = []
            while n < len(cells) and len(values) < offset:
                v = text[cells[n].start:cells[n].end]
                if v.strip(" \u00a0\t") and not _VALUE_CELL.match(v):
                    break
                values.append(cells[n])
                n += 1
            is_sub = body.lstrip().startswith(("-", "+", "–"))
            if len(values) == offset and text[values[-1].start:values[-1].end].strip(" \u00a0\t"):
                rows.append(CellRow(label, values[-1], parent if is_sub else None, unit.strip()))
            if not is_sub and len(values) == offset:
                parent = label
            k = n if n > k + 1 else k + 1
        if rows:
            out.append(CellTable(cells[i].start, cells[k - 1].end if k > 0 else cells[-1].end, rows))
        i = k
    return out
