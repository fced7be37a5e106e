"""The report as an editable Word file (python-docx): portrait A4 for the text, the biểu (and
the roll-up) in a landscape section, Times New Roman, margins of Nghị định 30/2020/NĐ-CP."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell

from chitieu.report.data import Report
from chitieu.report.text import (PAGE, SIZE, clean, issuer_lines, motto_lines, number_line, paragraphs,
                                 place_date, recipients, rollup_headings, rollup_rows, signer, table_headings,
                                 table_rows, title_lines)

FONT = "Times New Roman"


def _margins(section) -> None:
    section.top_margin, section.bottom_margin = Mm(PAGE["top"]), Mm(PAGE["bottom"])
    section.left_margin, section.right_margin = Mm(PAGE["left"]), Mm(PAGE["right"])


def _para(where, text: str = "", *, bold=False, italic=False, size=SIZE["body"], align=None, underline=False,
          indent=False, space_after=3):
    p = where.add_paragraph()
    if text:
        run = p.add_run(clean(text))
        run.bold, run.italic, run.underline = bold, italic, underline
        run.font.size = Pt(size)
        run.font.name = FONT
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.space_after, fmt.space_before = Pt(space_after), Pt(0)
    if indent:
        fmt.first_line_indent = Mm(10)
    return p


def _cell(cell, text: str, *, bold=False, italic=False, size=SIZE["table"], align=WD_ALIGN_PARAGRAPH.LEFT):
    cell.text = ""
    p = cell.paragraphs[0]
    run = p.add_run(clean(text))
    run.bold, run.italic = bold, italic
    run.font.size, run.font.name = Pt(size), FONT
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _header(doc, report: Report, lang: str) -> None:
    t = doc.add_table(rows=1, cols=2)
    _no_borders(t)
    left, right = t.rows[0].cells
    left.width, right.width = Mm(62), Mm(100)
    iss = issuer_lines(report, lang)
    _cell(left, iss[0], bold=True, size=SIZE["header"], align=WD_ALIGN_PARAGRAPH.CENTER)
    for line in iss[1:]:
        _para(left, line, bold=True, size=SIZE["header"], align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _para(left, "―――――", size=SIZE["header"], align=WD_ALIGN_PARAGRAPH.CENTER, space_after=2)
    _para(left, number_line(lang), size=SIZE["header"], align=WD_ALIGN_PARAGRAPH.CENTER)
    motto = motto_lines(lang)
    _cell(right, motto[0], bold=True, size=SIZE["header"] - 1, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(right, motto[1], bold=True, size=SIZE["motto"], align=WD_ALIGN_PARAGRAPH.CENTER, underline=True,
          space_after=8)
    _para(right, place_date(report, lang), italic=True, size=SIZE["body"], align=WD_ALIGN_PARAGRAPH.CENTER)
    title = title_lines(report, lang)
    _para(doc, "", space_after=6)
    _para(doc, title[0], bold=True, size=SIZE["title"], align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _para(doc, title[1], bold=True, size=SIZE["title"], align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)


def _signature(doc, report: Report, lang: str) -> None:
    t = doc.add_table(rows=1, cols=2)
    _no_borders(t)
    left, right = t.rows[0].cells
    rec = recipients(report, lang)
    _cell(left, rec[0], bold=True, italic=True, size=12)
    for line in rec[1:]:
        _para(left, line, size=SIZE["recipients"], space_after=0)
    sig = signer(lang)
    _cell(right, sig[0], bold=True, size=SIZE["body"], align=WD_ALIGN_PARAGRAPH.CENTER)
    for line in sig[1:]:
        _para(right, line, bold=True, size=SIZE["body"], align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)


def _grid(doc, headings: list[str], rows: list[tuple[str, list[str]]], widths_mm: list[float]) -> None:
    table = doc.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text, w in zip(table.rows[0].cells, headings, widths_mm):
        _cell(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        cell.width = Mm(w)
    _repeat_header(table.rows[0])
    for kind, cells in rows:
        row = table.add_row()
        # row.cells re-reads the whole table's grid (quadratic on a 5,000-row roll-up); the row's own
        # <w:tc> elements are the same cells while nothing in the row is merged.
        own = [_Cell(tc, table) for tc in row._tr.tc_lst]
        if kind == "area":
            _cell(own[0], cells[0], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
            merged = own[1].merge(own[-1])
            _cell(merged, cells[1], bold=True)
            continue
        for i, (cell, text) in enumerate(zip(own, cells)):
            _cell(cell, text, align=WD_ALIGN_PARAGRAPH.LEFT if i in (1, len(cells) - 1) else WD_ALIGN_PARAGRAPH.CENTER
                  if i in (0, 2) else WD_ALIGN_PARAGRAPH.RIGHT)
            cell.width = Mm(widths_mm[i])


def _page_numbers(section) -> None:
    """Page numbers centred at the top from the second page (the decree's place for them)."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    fld.append(run)
    p._p.append(fld)


def render_docx(report: Report, lang: str = "vi") -> bytes:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(SIZE["body"])
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    _margins(sec)
    sec.header_distance = Mm(10)
    _page_numbers(sec)
    _header(doc, report, lang)
    for kind, text in paragraphs(report, lang):
        if kind == "h":
            _para(doc, text, bold=True, space_after=3)
        elif kind == "i":
            _para(doc, text, italic=True, size=SIZE["small"], indent=True)
        else:
            _para(doc, text, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _para(doc, "", space_after=6)
    _signature(doc, report, lang)
    # The biểu: landscape, the same margins (left stays the binding edge).
    land = doc.add_section()
    land.orientation = WD_ORIENT.LANDSCAPE
    land.page_width, land.page_height = Mm(297), Mm(210)
    land.different_first_page_header_footer = False  # numbered from its first page on
    _margins(land)
    if report.lines:
        _para(doc, "BIỂU TỔNG HỢP CÁC CHỈ TIÊU" if lang != "en" else "TABLE OF TARGETS", bold=True,
              size=SIZE["title"], align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
        _para(doc, f"({title_lines(report, lang)[1]})", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
        _grid(doc, table_headings(report, lang), table_rows(report, lang), [12, 70, 20, 25, 32, 27, 20, 20, 26])
    if report.rollup:
        _para(doc, "", space_after=6)
        _para(doc, "TỔNG HỢP THEO ĐƠN VỊ" if lang != "en" else "BY UNIT", bold=True, size=SIZE["title"],
              align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
        heads = rollup_headings(report, lang)
        n_key = len(heads) - 9
        _grid(doc, heads, [("line", r) for r in rollup_rows(report, lang)],
              [10, 45, 14] + [13] * 6 + [max(24, 110 / max(n_key, 1))] * n_key)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
