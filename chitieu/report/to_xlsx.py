"""The report as a workbook (openpyxl): sheet "Biểu" (the table, print-ready: A4 landscape,
header rows repeated on every page, fit to the page width), "Báo cáo" (the drafted text) and,
for a roll-up, "Đơn vị". Every text cell goes through chitieu.excel_safe.escape_cell."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from chitieu.excel_safe import escape_cell
from chitieu.report.data import Report
from chitieu.report.text import (PAGE, clean, issuer_lines, motto_lines, paragraphs, place_date, rollup_headings,
                                 rollup_rows, table_headings, table_rows, title_lines)

FONT = "Times New Roman"
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _put(ws, row: int, col: int, value, *, bold=False, italic=False, size=11, wrap=True, align="left", box=False):
    c = ws.cell(row, col, escape_cell(clean(value)) if isinstance(value, str) else value)
    c.font = Font(name=FONT, bold=bold, italic=italic, size=size)
    c.alignment = Alignment(wrap_text=wrap, vertical="center", horizontal=align)
    if box:
        c.border = _BOX
    return c


def _print_setup(ws, header_row: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    mm = 1 / 25.4
    ws.page_margins.left, ws.page_margins.right = PAGE["left"] * mm, PAGE["right"] * mm
    ws.page_margins.top, ws.page_margins.bottom = PAGE["top"] * mm, PAGE["bottom"] * mm
    ws.freeze_panes = ws.cell(header_row + 1, 1)


def _top(ws, report: Report, lang: str, ncols: int) -> int:
    iss, motto = issuer_lines(report, lang), motto_lines(lang)
    half = max(2, ncols // 3)
    _put(ws, 1, 1, iss[0], bold=True, align="center")
    _put(ws, 2, 1, iss[1], bold=True, align="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=half)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=half)
    _put(ws, 1, half + 1, motto[0], bold=True, align="center")
    _put(ws, 2, half + 1, motto[1], bold=True, align="center")
    _put(ws, 3, half + 1, place_date(report, lang), italic=True, align="center")
    for r in (1, 2, 3):
        ws.merge_cells(start_row=r, start_column=half + 1, end_row=r, end_column=ncols)
    title = title_lines(report, lang)
    _put(ws, 5, 1, title[0], bold=True, size=13, align="center")
    _put(ws, 6, 1, title[1], bold=True, size=12, align="center")
    for r in (5, 6):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
    return 8


def _grid(ws, start: int, headings: list[str], rows, widths: list[float]) -> int:
    for j, (h, w) in enumerate(zip(headings, widths), start=1):
        _put(ws, start, j, h, bold=True, align="center", box=True)
        ws.column_dimensions[get_column_letter(j)].width = w
    r = start
    for kind, cells in rows:
        r += 1
        if kind == "area":
            _put(ws, r, 1, cells[0], bold=True, align="center", box=True)
            _put(ws, r, 2, cells[1], bold=True, box=True)
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=len(headings))
            continue
        for j, text in enumerate(cells, start=1):
            _put(ws, r, j, text, box=True, align="left" if j in (2, len(cells)) else "center" if j in (1, 3)
                 else "right")
    return r


def render_xlsx(report: Report, lang: str = "vi") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Table" if lang == "en" else "Biểu"
    headings = table_headings(report, lang)
    if report.lines:
        start = _top(ws, report, lang, len(headings))
        end = _grid(ws, start, headings, table_rows(report, lang), [6, 48, 12, 16, 22, 18, 12, 12, 20])
        _print_setup(ws, start)
    else:
        end = _top(ws, report, lang, len(headings))
    legend = [t for k, t in paragraphs(report, lang) if k == "i"]
    for i, t in enumerate(legend, start=end + 2):
        _put(ws, i, 1, t, italic=True, size=10)
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=len(headings))
        ws.row_dimensions[i].height = 45
    text = wb.create_sheet("Report" if lang == "en" else "Báo cáo")
    text.column_dimensions["A"].width = 120
    for i, (kind, t) in enumerate(paragraphs(report, lang), start=1):
        _put(text, i, 1, t, bold=kind == "h", italic=kind == "i")
    text.page_setup.paperSize = text.PAPERSIZE_A4
    text.page_setup.fitToWidth = 1
    text.page_setup.fitToHeight = 0
    text.sheet_properties.pageSetUpPr.fitToPage = True
    if report.rollup:
        units = wb.create_sheet("Units" if lang == "en" else "Đơn vị")
        heads = rollup_headings(report, lang)
        start = _top(units, report, lang, len(heads))
        _grid(units, start, heads, [("line", r) for r in rollup_rows(report, lang)],
              [6, 30, 10] + [10] * 6 + [22] * (len(heads) - 9))
        _print_setup(units, start)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
