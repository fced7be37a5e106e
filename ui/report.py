"""The printed report on the locality page: period and format, then a download button; and a
print stylesheet, so the browser's own print of the page gives a clean A4 page (no sidebar,
toolbar or buttons). The report itself is chitieu.report (no Streamlit there)."""
from __future__ import annotations

import streamlit as st

from chitieu.errors import UserError
from chitieu.periods import ALL_PERIODS
from chitieu.report import FORMATS, MIME, build_report, file_name, render
from chitieu.store import report_reads
from ui import common

_T = {
    "title": ("Báo cáo để in (Word, Excel, PDF)", "Printable report (Word, Excel, PDF)"),
    "period": ("Kỳ báo cáo", "Reporting period"),
    "format": ("Định dạng", "Format"),
    "language": ("Ngôn ngữ của báo cáo", "Language of the report"),
    "rollup": ("Kèm tổng hợp các đơn vị trực thuộc", "Include the units under it"),
    "download": ("Tải báo cáo", "Download the report"),
    "help": ("Báo cáo theo thể thức Nghị định 30/2020/NĐ-CP: số liệu, đánh giá và lời văn lấy từ dữ liệu đã "
             "lưu; phần ký để trống cho lãnh đạo. Muốn in chính trang này, dùng lệnh in của trình duyệt "
             "(Ctrl+P): thanh bên và các nút được ẩn khi in.",
             "Laid out per Decree 30/2020/NĐ-CP: figures, verdicts and text from the stored data; the "
             "signature is left blank for the official. To print this page itself, use the browser's print "
             "(Ctrl+P): the sidebar and buttons are hidden when printing."),
}
_FORMAT_NAMES = {"docx": "Word (.docx)", "xlsx": "Excel (.xlsx)", "pdf": "PDF (.pdf)"}
_LANG_NAMES = {"vi": "Tiếng Việt", "en": "English"}

# The browser's print of any page: content only, full width, A4 with the decree's margins.
PRINT_CSS = """<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stDownloadButton"], [data-testid="stBaseButton-secondary"], .st-key-report_box,
  [data-testid="stElementToolbar"], .modebar-container, iframe { display: none !important; }
  [data-testid="stMain"], [data-testid="stMainBlockContainer"], .block-container {
    max-width: 100% !important; padding: 0 !important; margin: 0 !important; }
  [data-testid="stExpander"] details { border: none !important; }
  body { font-family: "Times New Roman", "Liberation Serif", serif; }
  .js-plotly-plot, [data-testid="stDataFrame"] { break-inside: avoid; }
  @page { size: A4; margin: 20mm 15mm 20mm 30mm; }
}
</style>"""


def _t(key: str, lang: str) -> str:
    vi, en = _T[key]
    return en if lang == "en" else vi


def print_style() -> None:
    st.html(PRINT_CSS)


@st.cache_data(show_spinner=False, max_entries=32)
def _bytes(db: str, key: str, year: int, period: str, fmt: str, lang: str, rollup: bool) -> bytes:
    report = build_report(common._connection(db), tuple(key.split(":", 1)), int(year), period, rollup=rollup)
    return render(report, fmt, lang)


@st.cache_data(show_spinner=False, max_entries=64)
def _check(db: str, key: str, year: int, period: str, fmt: str, rollup: bool) -> tuple[str | None, tuple | None]:
    """(download file name, None) when the report can be made, else (None, (message vi, en)).
    Cached like the page's reads (cleared after every write), so a rerun does not rebuild it."""
    try:
        report = build_report(common._connection(db), tuple(key.split(":", 1)), int(year), period, rollup=rollup)
    except UserError as exc:
        return None, (exc.vi, exc.en)
    return file_name(report, fmt), None


@st.cache_data(show_spinner=False, max_entries=64)
def _has_units(db: str, key: str, year: int) -> bool:
    scheme, code = key.split(":", 1)
    return not report_reads.units_under(common._connection(db), scheme, code, int(year)).empty


def download(key: str, year: int, period: str, lang: str) -> None:
    """Period, format, language (and the units under it, when it has some with a plan that
    year), then the download button; the file is made when the button is clicked."""
    print_style()
    common.con()
    has_units = _has_units(common.db_path(), key, int(year))
    with st.container(key="report_box"), st.expander(_t("title", lang), icon=":material/print:"):
        st.caption(_t("help", lang))
        c1, c2, c3 = st.columns(3)
        codes = [p.code for p in ALL_PERIODS]
        per = c1.selectbox(_t("period", lang), codes, index=codes.index(period) if period in codes else 11,
                           format_func=lambda c: next(p.label(lang) for p in ALL_PERIODS if p.code == c),
                           key="report_period")
        fmt = c2.radio(_t("format", lang), FORMATS, index=2, format_func=_FORMAT_NAMES.get, key="report_format",
                       horizontal=True)
        out_lang = c3.radio(_t("language", lang), ["vi", "en"], index=0 if lang != "en" else 1,
                            format_func=_LANG_NAMES.get, key="report_lang", horizontal=True)
        rollup = st.checkbox(_t("rollup", lang), key="report_rollup") if has_units else False
        db = common.db_path()
        name, problem = _check(db, key, int(year), per, fmt, bool(rollup))
        if problem:  # a locality without a plan that year shows a message, not a broken button
            st.info(problem[1] if lang == "en" else problem[0])
            return
        st.download_button(_t("download", lang), data=lambda: _bytes(db, key, int(year), per, fmt, out_lang, rollup),
                           file_name=name, mime=MIME[fmt], icon=":material/download:",
                           on_click="ignore", key="report_download")
