"""The report as a PDF (fpdf2), made on the server without an office suite and offline: the
bundled Liberation Serif (Times-metric, every Vietnamese letter; data/fonts/PROVENANCE.md) with
a small subset of DejaVu Sans for the status icons. Portrait A4 for the text, landscape for the
biểu, margins of Nghị định 30/2020/NĐ-CP; the table's heading row repeats on every page."""
from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import TableCellFillMode
from fpdf.fonts import FontFace

from chitieu.report.data import Report
from chitieu.report.text import (PAGE, SIZE, clean, issuer_lines, motto_lines, number_line, paragraphs,
                                 place_date, recipients, rollup_headings, rollup_rows, signer, table_headings,
                                 table_rows, title_lines)
from chitieu.settings import DATA_DIR

FONTS = DATA_DIR / "fonts"
SERIF = "LiberationSerif"
ICONS = "StatusIcons"


class _Pdf(FPDF):
    """Page numbers as the decree puts them: centred in the top margin, from the second page on."""

    def header(self) -> None:
        if self.page_no() > 1:
            self.set_y(9)
            self.set_font(SERIF, "", SIZE["body"])
            self.cell(0, 6, str(self.page_no()), align="C")
            self.set_y(PAGE["top"])


def _new(report: Report, lang: str) -> _Pdf:
    pdf = _Pdf(orientation="P", unit="mm", format="A4")
    pdf.add_font(SERIF, "", str(FONTS / "LiberationSerif-Regular.ttf"))
    pdf.add_font(SERIF, "B", str(FONTS / "LiberationSerif-Bold.ttf"))
    pdf.add_font(SERIF, "I", str(FONTS / "LiberationSerif-Italic.ttf"))
    pdf.add_font(ICONS, "", str(FONTS / "StatusIcons-DejaVuSans-subset.ttf"))
    pdf.set_fallback_fonts([ICONS], exact_match=False)
    pdf.set_margins(PAGE["left"], PAGE["top"], PAGE["right"])
    pdf.set_auto_page_break(True, PAGE["bottom"])
    pdf.set_title(clean(" ".join(title_lines(report, lang))))
    pdf.set_author(clean(" ".join(issuer_lines(report, lang))))
    pdf.set_creator("Chỉ tiêu")
    return pdf


def _header(pdf: FPDF, report: Report, lang: str) -> None:
    w = pdf.epw
    left_w, right_w = w * 0.4, w * 0.6
    x0, y0 = pdf.l_margin, pdf.get_y()
    pdf.set_font(SERIF, "B", SIZE["header"])
    for line in issuer_lines(report, lang):
        pdf.set_x(x0)
        pdf.multi_cell(left_w, 6, clean(line), align="C", new_x="LMARGIN", new_y="NEXT")
    yl = pdf.get_y()
    pdf.line(x0 + left_w / 2 - 12, yl + 0.5, x0 + left_w / 2 + 12, yl + 0.5)
    pdf.set_y(yl + 2)
    pdf.set_font(SERIF, "", SIZE["header"])
    pdf.set_x(x0)
    pdf.cell(left_w, 6, number_line(lang), align="C")
    y_left_end = pdf.get_y() + 6
    motto = motto_lines(lang)
    pdf.set_xy(x0 + left_w, y0)
    pdf.set_font(SERIF, "B", SIZE["header"] - 1)
    pdf.cell(right_w, 6, motto[0], align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(SERIF, "B", SIZE["motto"])
    pdf.cell(right_w, 6, motto[1], align="C", new_x="LEFT", new_y="NEXT")
    tw = pdf.get_string_width(motto[1])
    cx = x0 + left_w + right_w / 2
    pdf.line(cx - tw / 2, pdf.get_y() + 0.3, cx + tw / 2, pdf.get_y() + 0.3)
    pdf.set_y(pdf.get_y() + 3)
    pdf.set_x(x0 + left_w)
    pdf.set_font(SERIF, "I", SIZE["body"])
    pdf.cell(right_w, 6, clean(place_date(report, lang)), align="C")
    pdf.set_y(max(y_left_end, pdf.get_y() + 6) + 6)
    title = title_lines(report, lang)
    pdf.set_font(SERIF, "B", SIZE["title"])
    pdf.multi_cell(0, 7, clean(title[0]), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 7, clean(title[1]), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)


def _body(pdf: FPDF, report: Report, lang: str) -> None:
    """Headings flush left; paragraphs justified with a 10 mm first-line indent (not padded with
    spaces, which justification would stretch unevenly)."""
    with pdf.text_columns(text_align="J", ncols=1, l_margin=pdf.l_margin, r_margin=pdf.r_margin) as cols:
        for kind, text in paragraphs(report, lang):
            if kind == "h":
                pdf.set_font(SERIF, "B", SIZE["body"])
                style = dict(text_align="L", first_line_indent=0, line_height=1.25, top_margin=1.5)
            elif kind == "i":
                pdf.set_font(SERIF, "I", SIZE["small"])
                style = dict(first_line_indent=10, line_height=1.2, top_margin=1.5)
            else:
                pdf.set_font(SERIF, "", SIZE["body"])
                style = dict(first_line_indent=10, line_height=1.3, top_margin=1)
            with cols.paragraph(**style) as par:
                par.write(clean(text))


def _signature(pdf: FPDF, report: Report, lang: str) -> None:
    if pdf.get_y() > pdf.h - PAGE["bottom"] - 55:
        pdf.add_page()
    pdf.ln(4)
    y0 = pdf.get_y()
    half = pdf.epw / 2
    rec = recipients(report, lang)
    pdf.set_font(SERIF, "B", 12)
    pdf.cell(half, 6, rec[0], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(SERIF, "", SIZE["recipients"])
    for line in rec[1:]:
        pdf.cell(half, 5, clean(line), new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(pdf.l_margin + half, y0)
    pdf.set_font(SERIF, "B", SIZE["body"])
    for line in signer(lang):
        pdf.set_x(pdf.l_margin + half)
        pdf.cell(half, 6.5, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(30)  # space for the signature and seal


def _grid(pdf: FPDF, headings: list[str], rows, widths: list[float]) -> None:
    pdf.set_font(SERIF, "", SIZE["table"])
    head = FontFace(family=SERIF, emphasis="BOLD", fill_color=(235, 235, 235))
    with pdf.table(col_widths=widths, headings_style=head, line_height=4.6, repeat_headings=1,
                   text_align=["CENTER", "LEFT", "CENTER", *(["RIGHT"] * (len(widths) - 4)), "LEFT"],
                   cell_fill_mode=TableCellFillMode.NONE, padding=1) as table:
        row = table.row()
        for h in headings:
            row.cell(clean(h), align="CENTER")
        for kind, cells in rows:
            row = table.row()
            if kind == "area":
                row.cell(cells[0], align="CENTER", style=FontFace(family=SERIF, emphasis="BOLD"))
                row.cell(clean(cells[1]), colspan=len(widths) - 1, style=FontFace(family=SERIF, emphasis="BOLD"),
                         align="LEFT")
                continue
            for c in cells:
                row.cell(clean(c))


def render_pdf(report: Report, lang: str = "vi") -> bytes:
    pdf = _new(report, lang)
    pdf.add_page()
    _header(pdf, report, lang)
    _body(pdf, report, lang)
    _signature(pdf, report, lang)
    if report.lines:
        pdf.add_page(orientation="L")
        pdf.set_font(SERIF, "B", SIZE["title"])
        pdf.cell(0, 7, "BIỂU TỔNG HỢP CÁC CHỈ TIÊU" if lang != "en" else "TABLE OF TARGETS", align="C",
                 new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(SERIF, "I", SIZE["body"])
        pdf.multi_cell(0, 6, f"({clean(title_lines(report, lang)[1])})", align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        _grid(pdf, table_headings(report, lang), table_rows(report, lang), [9, 62, 17, 22, 30, 24, 18, 18, 26])
    if report.rollup:
        pdf.add_page(orientation="L")
        pdf.set_font(SERIF, "B", SIZE["title"])
        pdf.cell(0, 7, "TỔNG HỢP THEO ĐƠN VỊ" if lang != "en" else "BY UNIT", align="C", new_x="LMARGIN",
                 new_y="NEXT")
        pdf.ln(2)
        heads = rollup_headings(report, lang)
        n_key = len(heads) - 9
        widths = [8, 40, 13] + [14] * 6 + [(pdf.epw - 145) / max(n_key, 1)] * n_key
        _grid(pdf, heads, [("line", r) for r in rollup_rows(report, lang)], widths[:len(heads)])
    return bytes(pdf.output())
