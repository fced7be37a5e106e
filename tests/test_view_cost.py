"""Less work per view (issue 14): what sessions share and what a view leaves undrawn.

- Cached reads and what pages derive from them (ui/common.py: `cached`, `derived`, the statuses
  as shown) are kept once per process for a data version and handed to every session; a write
  anywhere moves the version on, so the next view shows it — also a write that did not pass
  through this process (no `after_write()` here: only the version can tell).
- Each caller gets its own handle: changing a result never changes what the next session gets.
- What the overview keeps closed (the "why" of each target, the details, the counts table) is
  drawn once opened, and then says the same as before.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from chitieu.store import close_db, open_db, reads
from chitieu.store.actuals import undo_upload
from chitieu.store.version import data_version
from tests.conftest import make_demo_db
from tests.test_pages import SNAKE, every_text, texts

ROOT = Path(__file__).resolve().parent.parent


def _app(db, monkeypatch, **query) -> AppTest:
    monkeypatch.setenv("CHITIEU_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update(query)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metrics(at: AppTest) -> dict[str, int]:
    return {m.label: int(str(m.value).replace(".", "")) for m in at.metric}


def _key(expander) -> str:
    """The key a page gave an expander (Streamlit ends the element id with it; '' without one)."""
    parts = expander.proto.id.split("-", 2)
    return parts[2] if len(parts) == 3 else ""


def _open(at: AppTest, *keys: str) -> AppTest:
    for k in keys:
        at.session_state[k] = True  # what a click on the expander does
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_write_from_elsewhere_shows_on_the_overview_at_the_next_view(tmp_path, monkeypatch):
    db = make_demo_db(tmp_path / "write.duckdb")
    at = _app(db, monkeypatch, year="2022")
    before = _metrics(at)
    total = sum(before.values())
    no_data = next(k for k in before if "Chưa có số liệu" in k)
    assert total == 24 and before[no_data] < total
    # Another process undoes the upload that carried every figure: its transaction moves the data
    # version on; nothing in this process is told or cleared.
    con = open_db(db)
    version = data_version(con)
    upload_id = int(con.cursor().execute("SELECT max(upload_id) FROM uploads").fetchone()[0])
    undo_upload(con, upload_id, "admin")
    assert data_version(con) > version
    at.run()
    after = _metrics(at)
    assert after[no_data] == sum(after.values()) == total, after
    assert not [e for e in at.expander if e.label.startswith("✘")], "nothing is behind without figures"
    close_db(db)


def test_a_reader_changing_a_shared_result_does_not_change_the_next_one():
    from ui.common import own
    shared = pd.DataFrame({"status": ["met", "not_met"], "n": [3, 4]})
    mine = own(shared)
    mine["status"] = "no_data"
    mine.loc[0, "n"] = 99
    mine.iloc[1, 1] = -1
    assert list(shared["status"]) == ["met", "not_met"] and list(shared["n"]) == [3, 4]
    lists = own({"rows": shared, "years": [2022, 2023]})
    lists["years"].append(2024)
    lists["rows"]["n"] = 0
    assert list(shared["n"]) == [3, 4]


def test_the_overview_draws_a_why_once_it_is_opened(demo_db, monkeypatch):
    at = _app(demo_db, monkeypatch, year="2022")
    behind = [e for e in at.expander if e.label.startswith("✘")]
    assert len(behind) == 5
    assert "Câu trong kế hoạch" not in texts(at), "closed: not built, not sent"
    first = _key(behind[0])
    at = _open(at, first)
    opened = next(e for e in at.expander if _key(e) == first)
    said = "\n".join(m.value for m in opened.markdown)
    assert "Câu trong kế hoạch" in said and "Cách đánh giá" in said, said
    assert "Huyện Ba Tơ" in opened.label and "Tỷ lệ hộ nghèo" in opened.label
    # The other four stay closed and undrawn.
    assert sum("Câu trong kế hoạch" in m.value for m in at.markdown) == 1


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_overview_details_and_counts_read_well_once_opened(bundled_db, monkeypatch, lang):
    at = _app(bundled_db, monkeypatch, lang=lang)
    assert not at.dataframe, "the tables are drawn once their expander is opened"
    at = _open(at, "ov_details", "ov_counts")
    assert len(at.dataframe) == 3  # the targets behind, the counts by locality and by area
    counts = at.dataframe[-1].value
    assert int(counts.iloc[:, 1].sum()) == sum(_metrics(at).values())  # every target counted once, by area
    why_keys = [_key(e) for e in at.expander if _key(e).startswith("why_")]
    assert len(why_keys) > 5  # the first five and the ones in the details
    at = _open(at, *why_keys)
    text = every_text(at)
    assert ("Câu trong kế hoạch" if lang == "vi" else "Plan sentence") in text
    assert re.findall(r".{0,40}\b(?:None|nan)\b.{0,20}", text) == []
    assert SNAKE.findall(text) == []


def test_overview_parts_count_every_target_once_and_draw_the_localities_most_behind():
    from ui.charts import overview_parts
    statuses = ["met", "not_met", "at_risk", "no_data", "on_track", "exceeded", "not_assessable"]
    rows = pd.DataFrame({
        "locality_code": [f"L{i % 20}" for i in range(140)], "locality_name": [f"Xã {i % 20}" for i in range(140)],
        "category": ["economy", "social"] * 70, "status": [statuses[i % 7] for i in range(140)],
        "percent": [float(i) for i in range(140)]})
    rows.loc[rows["locality_code"] == "L3", "status"] = "not_met"  # the locality furthest behind
    rows["severity"] = rows["status"].isin(["not_met", "at_risk"]).astype(int)
    v = overview_parts(rows, "vi", top=15)
    assert sum(v["groups"].values()) == v["n"] == 140 and v["m"] == 20
    assert v["groups"]["behind"] == len(v["behind"]) == int(rows["status"].isin(["not_met", "at_risk"]).sum())
    assert list(v["behind"]["percent"]) == sorted(v["behind"]["percent"])  # furthest behind first
    assert v["n_loc"] == 20 and v["by_loc"]["locality_name"].nunique() == 15
    assert "Xã 3" in set(v["by_loc"]["locality_name"])
    assert int(v["by_cat"]["n"].sum()) == 140 and set(v["by_cat"]["area"]) == {"Kinh tế", "Văn hóa - xã hội"}
    drawn = {y.replace("<br>", " ") for tr in v["fig_loc"].data for y in tr.y}
    assert len(drawn) == 15 and "Xã 3" in drawn


@pytest.fixture(scope="module")
def many_units_db(tmp_path_factory):
    """One province's communes (as `python -m loaders synth --scale province` makes them): the
    overview is then the roll-up of ui/national.py, derived once per data version."""
    from chitieu.catalogue import default_catalogue
    from chitieu.store import synth as synth_store
    from chitieu.store.plans import sync_catalogue
    from chitieu.store.units import load_units
    from loaders import synth
    db = tmp_path_factory.mktemp("many") / "province.duckdb"
    con = open_db(db)
    load_units(con)
    sync_catalogue(con, default_catalogue())
    data = synth.generate("province", range(2026, 2027), 12, 11, "51")
    synth_store.write_synthetic(con, data.localities, data.plans, data.targets, data.actuals)
    close_db(db)
    return db


def test_the_roll_up_follows_a_write_from_elsewhere_and_draws_each_why_once_opened(many_units_db, monkeypatch):
    con = open_db(many_units_db)
    province = reads.provinces(con, 2026)["province"].iloc[0]
    at = _app(many_units_db, monkeypatch, year="2026", prov=province)
    assert "Xếp hạng theo tỷ lệ chỉ tiêu đạt" in [h.value for h in at.subheader]
    before = _metrics(at)
    no_data = next(k for k in before if "Chưa có số liệu" in k)
    assert before[no_data] == 0 and len(at.get("plotly_chart")) == 2
    why = [e for e in at.expander if _key(e).startswith("nat_why_")]
    assert why and "Câu trong kế hoạch" not in texts(at)
    at = _open(at, _key(why[0]))
    assert sum("Câu trong kế hoạch" in m.value for m in at.markdown) == 1
    upload_id = int(con.cursor().execute("SELECT max(upload_id) FROM uploads").fetchone()[0])
    undo_upload(con, upload_id, "admin")  # as another process would: only the data version moves
    at.run()
    after = _metrics(at)
    assert after[no_data] == sum(after.values()) == sum(before.values()), after
    close_db(many_units_db)


def test_a_built_figure_draws_the_same_figure_and_makes_its_dict_once():
    from ui.charts import built, status_counts_chart
    counts = pd.DataFrame({"locality_name": ["Xã A", "Xã A", "Xã B"], "status": ["met", "not_met", "no_data"],
                           "n": [3, 1, 2]})
    expected = status_counts_chart(counts, "Tiêu đề", "vi").to_dict()
    fig = built(status_counts_chart(counts, "Tiêu đề", "vi"))
    assert fig.to_dict() == expected and fig.to_dict() is fig.to_dict()
    import plotly.io as pio
    assert pio.to_json(fig) == pio.to_json(status_counts_chart(counts, "Tiêu đề", "vi"))


@pytest.mark.parametrize("page, box, query", [
    ("views/indicator.py", "ind_why", {"ind1": "health_insurance_coverage"}),
    ("views/compare.py", "cmp_why", {"year": "2022"})])
def test_the_why_box_of_a_page_lists_its_targets_once_opened_and_each_why_once_that_is(demo_db, monkeypatch,
                                                                                      page, box, query):
    monkeypatch.setenv("CHITIEU_DB", str(demo_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update(query)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.label for e in at.expander if _key(e) == box] and "Câu trong kế hoạch" not in texts(at)
    at = _open(at, box)
    targets = [e for e in at.expander if _key(e).startswith(box + "_t_")]
    assert targets and all(" — " in e.label for e in targets), [e.label for e in targets]
    at = _open(at, _key(targets[0]))
    assert sum("Câu trong kế hoạch" in m.value for m in at.markdown) == 1


def test_what_was_kept_for_an_older_version_is_dropped_once_a_newer_one_is_seen(monkeypatch):
    from ui import common
    cleared = []
    monkeypatch.setattr(common, "_clear_caches", lambda: cleared.append(1))
    monkeypatch.setattr(common, "_SEEN", {})
    common._forget_older("a.duckdb", 4)   # the first version a process sees: nothing kept yet
    common._forget_older("a.duckdb", 4)   # the same version: everything kept serves on
    common._forget_older("b.duckdb", 9)   # another database's version is its own
    assert cleared == []
    common._forget_older("a.duckdb", 5)   # a write somewhere: what version 4 kept is dropped
    assert cleared == [1]
    common._forget_older("a.duckdb", 4)   # a run that read the version before the write
    assert cleared == [1] and common._SEEN == {"a.duckdb": 5, "b.duckdb": 9}
