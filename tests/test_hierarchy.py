"""The locality page shows the unit hierarchy: units under it with a plan, the units a
post-reform unit replaced (labelled as predecessors, opening on their own plan year), and the
units that replaced a pre-reform one."""
import pytest

from chitieu.model import ExtractedPlan, Locality, PlanTarget
from chitieu.store import close_db, open_db
from chitieu.store.plans import save_plan
from tests.conftest import copy_db
from tests.test_pages import app, texts


def _plan(key, scheme, code, name, level, year):
    text = f"KẾ HOẠCH năm {year}\n- Tỷ lệ bao phủ bảo hiểm y tế đạt 95%.\n"
    return ExtractedPlan(key, f"{key}.txt", key, text, Locality(name, level, "Quảng Ngãi", scheme, code), year,
                         targets=[PlanTarget("health_insurance_coverage", "ge", 95.0, None, "%", "",
                                             text.splitlines()[1][2:], 0, 10)])


@pytest.fixture(scope="module")
def hierarchy_db(bundled_db, tmp_path_factory):
    path = copy_db(bundled_db, tmp_path_factory.mktemp("hier"), "h")
    con = open_db(path)
    save_plan(con, _plan("dk_pq_2026", "gso_2025", "31078", "Đặc khu Phú Quốc", "commune", 2026))
    save_plan(con, _plan("nn_2022", "gso_pre2025", "21025", "Phường Nguyễn Nghiêm", "commune", 2022))
    close_db(path)
    return path


def links(at):
    return "\n".join(str(m.value) for m in at.markdown)


def test_post_reform_unit_shows_its_predecessors_plans(hierarchy_db, monkeypatch):
    at = app(hierarchy_db, monkeypatch, "views/locality.py", {"year": "2026", "loc": "gso_2025:31078"})
    shown = texts(at)
    assert "Đơn vị tiền thân" in shown
    assert "Thành phố Phú Quốc" in links(at) and "year=2021" in links(at) and "gso_pre2025%3A911" in links(at)


def test_pre_reform_unit_names_its_successors(hierarchy_db, monkeypatch):
    at = app(hierarchy_db, monkeypatch, "views/locality.py", {"year": "2021", "loc": "gso_pre2025:911"})
    assert "Từ ngày 01/7/2025, địa bàn này thuộc" in texts(at)
    assert "Đặc khu Phú Quốc" in links(at) and "Đặc khu Thổ Châu" in links(at)


def test_district_lists_its_communes_with_a_plan_that_year(hierarchy_db, monkeypatch):
    at = app(hierarchy_db, monkeypatch, "views/locality.py", {"year": "2022", "loc": "gso_pre2025:522"})
    assert "Đơn vị trực thuộc có kế hoạch năm 2022" in texts(at)
    assert "Phường Nguyễn Nghiêm" in links(at)


def test_english_labels(hierarchy_db, monkeypatch):
    at = app(hierarchy_db, monkeypatch, "views/locality.py",
             {"year": "2026", "loc": "gso_2025:31078", "lang": "en"})
    assert "Predecessor units" in texts(at)
