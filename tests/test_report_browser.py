"""End-to-end: download the printed report from the locality page of the real app, and print the
page (print media: no sidebar, no toolbar, no buttons). Same server set-up as test_e2e_browser
(its own sample database, free loopback port, own process group)."""
from __future__ import annotations

import io

import pytest

from tests.test_e2e_browser import ARTIFACTS, browser_page, server, settle  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_download_report_from_locality_page_and_print_view(server, browser_page, tmp_path):  # noqa: F811
    from pypdf import PdfReader
    base, facts = server
    page, year = browser_page, facts["year"]
    locs = facts["localities"]
    row = locs.iloc[0]
    page.goto(f"{base}/?year={year}")  # a first visit straight to a page can meet "Page not found"
    settle(page)
    page.goto(f"{base}/dia-phuong?year={year}&loc={row['key']}")
    settle(page, charts=1)
    if page.get_by_text("Page not found").count():
        page.keyboard.press("Escape")
    page.get_by_text("Báo cáo để in (Word, Excel, PDF)").click()
    button = page.get_by_role("button", name="Tải báo cáo")
    button.wait_for()
    page.screenshot(path=str(ARTIFACTS / "report_widget.png"))
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename == f"bao-cao_{row['locality_code']}_{year}_FY.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert row["name"].upper() in text and f"năm {year}" in text

    # Word as well: an editable file with the same table.
    page.get_by_text("Word (.docx)").click()
    settle(page)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Tải báo cáo").click()
    assert info.value.suggested_filename.endswith(".docx")
    import docx
    doc = docx.Document(info.value.path())
    assert any(len(t.columns) == 9 for t in doc.tables)

    # The browser's print of the page: the sidebar, toolbar and buttons are hidden.
    page.emulate_media(media="print")
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert not page.get_by_role("button", name="Tải báo cáo").is_visible()
    assert not page.get_by_text("Báo cáo để in (Word, Excel, PDF)").is_visible()
    assert page.get_by_text(row["name"]).first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "locality_print.png"), full_page=False)
    page.emulate_media(media="screen")
    assert page.locator('[data-testid="stSidebar"]').is_visible()
