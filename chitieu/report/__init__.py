"""The periodic report officials print (issue 12): data from the store, drafted text, writers.

    from chitieu.report import build_report, render
    report = build_report(con, "Thành phố Phú Quốc", 2021, "9M")
    data = render(report, "pdf", lang="vi")      # bytes of a .docx, .xlsx or .pdf

Pure: no Streamlit. The writers are one module per format (to_docx, to_xlsx, to_pdf).
"""
from __future__ import annotations

from chitieu.errors import UserError
from chitieu.report.data import Report, build_report

FORMATS = ("docx", "xlsx", "pdf")
MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf": "application/pdf"}


def render(report: Report, fmt: str, lang: str = "vi") -> bytes:
    """The report as the bytes of a file of format `fmt` (docx, xlsx, pdf) in `lang` (vi, en)."""
    fmt = (fmt or "").lower().lstrip(".")
    if lang not in ("vi", "en"):
        raise UserError("unknown-language", f'Ngôn ngữ "{lang}" không hợp lệ: dùng vi hoặc en.',
                        f'Unknown language "{lang}": use vi or en.')
    if fmt == "docx":
        from chitieu.report.to_docx import render_docx
        return render_docx(report, lang)
    if fmt == "xlsx":
        from chitieu.report.to_xlsx import render_xlsx
        return render_xlsx(report, lang)
    if fmt == "pdf":
        from chitieu.report.to_pdf import render_pdf
        return render_pdf(report, lang)
    raise UserError("unknown-format", f'Định dạng "{fmt}" không hợp lệ: dùng docx, xlsx hoặc pdf.',
                    f'Unknown format "{fmt}": use docx, xlsx or pdf.')


def file_name(report: Report, fmt: str) -> str:
    """A safe download name: bao-cao_<code>_<year>_<period>.<fmt>."""
    return f"bao-cao_{report.code}_{report.year}_{report.period.code}.{fmt}"


__all__ = ["FORMATS", "MIME", "Report", "build_report", "file_name", "render"]
