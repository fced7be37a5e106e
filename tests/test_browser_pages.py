"""Every page at 1280×720 (a common office laptop) in Vietnamese and English, in the real app.

What a reader sees must never hold: the word "None", an empty "()", a code name (snake_case
such as `gt.flow_pace` or `exceed_assigned`), English words in the Vietnamese interface (beyond
a short allow-list of abbreviations) or a chart title cut short. Screenshots of each page go
to tests/_artifacts/ (and to docs/screenshots/ with CHITIEU_UPDATE_SCREENSHOTS=1): look at them.
"""
from __future__ import annotations

import re

import pytest

from tests.test_e2e_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, server, settle, shot  # noqa: F401

pytestmark = pytest.mark.browser

PAGES = [("", 2), ("dia-phuong", 1), ("so-sanh", 1), ("chi-tieu", 1), ("ke-hoach", 0),
         ("nhap-so-lieu", 0)]
# Common English words of an interface; any of them in the Vietnamese UI is a missed translation.
ENGLISH = set("""the and of to for with from by this that none null nan true false choose option options select
search upload browse files file drag drop limit per target targets actual actuals official estimate preliminary
sample data status page not found rows row error errors warning value values year years period no yes all other
others more show hide download deploy running stop clear cache settings loading name names unit units locality
localities indicator indicators plan plans overview compare enter submit save cancel undo confirm preview month
months fy qualitative between exceed assigned unmapped rule reason why check change new same revision supersede
sheet previous standing""".split())
ALLOWED = {"GRDP", "GDP", "BHYT", "Excel", "CSV", "PDF", "DOCX", "XLSX", "XLSM", "TXT", "OCOP", "FDI", "ICOR", "KH",
           "HĐND", "UBND", "MB", "KB", "NTM", "THCS", "THPT", "CNTT", "KT", "XH", "ODA", "CPI", "PCI", "PAPI",
           "SIPAS", "PAR", "HTX", "OK"}
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z]+\.[a-z]+_[a-z_]+\b")


def visible_text(page) -> str:
    """Text of the main area and the sidebar, the Plotly charts' SVG text and the placeholders."""
    text = page.locator('[data-testid="stAppViewContainer"]').inner_text()
    text += "\n" + "\n".join(page.locator(".js-plotly-plot text").all_text_contents())
    # A placeholder shows only while its box is empty (a select box with a value hides it).
    text += "\n" + "\n".join(page.locator("input[placeholder]").evaluate_all(
        """els => els.filter(e => e.value === '' && !(e.closest('[data-testid="stMultiSelect"]')
                                      ?.querySelector('[data-baseweb="tag"], [data-testid="stMultiSelectTag"]')))
                    .map(e => e.placeholder)"""))
    text += "\n" + "\n".join(page.locator('[role="gridcell"], [role="columnheader"]').all_text_contents())
    # Material icon ligatures are drawn as icons, not read as words.
    icons = set(page.locator('[data-testid="stIconMaterial"]').all_text_contents())
    icons.add("Skip to main content")  # Streamlit's hidden link for screen readers
    return "\n".join(line for line in text.split("\n") if line.strip() not in icons)


def problems(text: str, lang: str) -> list[str]:
    found = []
    if re.search(r"\bNone\b", text):
        found.append("None")
    if "()" in text:
        found.append("()")
    found += [f"code {m}" for m in SNAKE.findall(text)]
    if lang == "vi":
        words = {w for w in re.findall(r"[^\W\d_]+", text) if w.isascii()}  # whole words: "toàn" is not "to"
        found += [f"English {w}" for w in sorted(words) if w.lower() in ENGLISH and w not in ALLOWED]
    return found


def truncated_titles(page) -> list[str]:
    """Plotly chart titles wider than their chart, or ending in an ellipsis."""
    return page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(plot => {
        const t = plot.querySelector('.gtitle'); if (!t) return [];
        const box = t.getBBox(), width = plot.getBoundingClientRect().width;
        return (box.x + box.width > width + 1 || /…$|\\.\\.\\.$/.test(t.textContent)) ? [t.textContent] : [];
    })""")


@pytest.fixture(scope="module")
def laptop(server):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(30_000)
        yield page
        context.close()
        browser.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("path,charts", PAGES)
def test_page_reads_clean_at_1280x720(server, laptop, path, charts, lang):
    base, facts = server
    laptop.goto(f"{base}/{path}?lang={lang}")
    settle(laptop, charts=charts)
    laptop.wait_for_timeout(500)
    name = f"{path or 'tong-quan'}_{lang}_1280"
    shot(laptop, name, publish=False)
    text = visible_text(laptop)
    (ARTIFACTS / f"{name}.txt").write_text(text, encoding="utf-8")
    found = problems(text, lang)
    assert found == [], f"{name}: {found}"
    assert truncated_titles(laptop) == []
    laptop.set_viewport_size({"width": 1280, "height": 2600})  # the whole page, to look at
    laptop.wait_for_timeout(800)
    laptop.screenshot(path=str(ARTIFACTS / f"{name}_whole.png"))
    laptop.set_viewport_size({"width": 1280, "height": 720})


def test_sidebar_choices_are_translated_after_switching_language(server, laptop):
    base, facts = server
    laptop.goto(f"{base}/?lang=vi")
    settle(laptop, charts=2)
    side = laptop.locator('[data-testid="stSidebar"]')
    assert side.get_by_role("combobox", name="Tính đến kỳ").input_value() == "Cả năm"
    side.get_by_role("combobox", name="Ngôn ngữ / Language").click()
    laptop.get_by_role("option", name="English").click()
    laptop.get_by_role("heading", name="Overview").wait_for()
    settle(laptop, charts=2)
    assert side.get_by_role("combobox", name="As of period").input_value() == "full year"
    assert side.get_by_role("combobox", name="Province").input_value() == "All"
    assert side.get_by_role("combobox", name="Year").input_value() == str(facts["year"])
    shot(laptop, "sidebar_en_after_switch", publish=False)
