"""Many units at once: roll-ups (chitieu.rollup), the roll-up overview and the compare ranking
(ui/national.py) on a province's communes and "all provinces", name search without diacritics,
and caches that follow the data version (a write elsewhere shows at once).

The database is made by the same code as `python -m loaders synth --scale national`, for one
province (scale 'province') so the suite stays quick.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from chitieu import rollup
from chitieu.store import close_db, open_db, reads
from chitieu.store.version import data_version
from tests.conftest import copy_db, new_database

YEAR = 2026
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def province_db(tmp_path_factory):
    from chitieu.catalogue import default_catalogue
    from chitieu.store import synth as synth_store
    from chitieu.store.plans import sync_catalogue
    from chitieu.store.units import load_units
    from loaders import synth
    db = new_database(tmp_path_factory.mktemp("national"), "province")
    con = open_db(db)
    load_units(con)
    sync_catalogue(con, default_catalogue())
    data = synth.generate("province", range(YEAR, YEAR + 1), 12, 11, "51")
    synth_store.write_synthetic(con, data.localities, data.plans, data.targets, data.actuals)
    close_db(db)
    return db


def _app(db, monkeypatch, page: str | None = None, **query) -> AppTest:
    monkeypatch.setenv("CHITIEU_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update({"year": str(YEAR), **query})
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# ---------------------------------------------------------------- pure roll-ups

COUNTS = pd.DataFrame({
    "key": ["a:1", "a:1", "a:2", "a:2", "a:3", "a:3"],
    "locality_name": ["Phường Phú Lâm", "Phường Phú Lâm", "Xã Phú Lộc", "Xã Phú Lộc", "Xã Lâm Sơn", "Xã Lâm Sơn"],
    "level": ["commune"] * 6, "province": ["Đắk Lắk", "Đắk Lắk", "Đắk Lắk", "Đắk Lắk", "Sơn La", "Sơn La"],
    "category": ["economy", "social", "economy", "social", "economy", "economy"],
    "status": ["met", "not_met", "exceeded", "no_data", "at_risk", "on_track"],
    "n": [3, 1, 2, 2, 4, 1],
})


def test_totals_and_table_count_every_target_once():
    assert rollup.totals(COUNTS) == {"met": 5, "on_track": 1, "behind": 5, "no_data": 2, "total": 13}
    provs = rollup.table(COUNTS, ["province"]).set_index("province")
    assert provs.loc["Đắk Lắk", "targets"] == 8 and provs.loc["Đắk Lắk", "met"] == 5
    assert provs.loc["Sơn La", "share_behind"] == 80.0 and provs.loc["Sơn La", "share_met"] == 0.0
    assert rollup.table(COUNTS.iloc[:0], ["province"]).empty


def test_ranking_puts_the_highest_share_met_first_and_numbers_every_unit():
    ranked = rollup.ranking(rollup.table(COUNTS, ["key", "locality_name", "province"]))
    assert list(ranked["locality_name"]) == ["Phường Phú Lâm", "Xã Phú Lộc", "Xã Lâm Sơn"]
    assert list(ranked["rank"]) == [1, 2, 3]
    best, worst = rollup.top_bottom(ranked, 1)
    assert best.iloc[0]["locality_name"] == "Phường Phú Lâm" and worst.iloc[0]["locality_name"] == "Xã Lâm Sơn"


@pytest.mark.parametrize("query, expected", [
    ("phu lam", ["Phường Phú Lâm"]),
    ("PHÚ", ["Phường Phú Lâm", "Xã Phú Lộc"]),
    ("lâm", ["Phường Phú Lâm", "Xã Lâm Sơn"]),
    ("lam son", ["Xã Lâm Sơn"]),
    ("không có", []),
    ("", ["Phường Phú Lâm", "Xã Phú Lộc", "Xã Lâm Sơn"]),
])
def test_search_folds_diacritics_and_keeps_the_names_as_stored(query, expected):
    units = rollup.table(COUNTS, ["key", "locality_name"])
    assert sorted(rollup.search(units, query)["locality_name"]) == sorted(expected)


# ---------------------------------------------------------------- reads behind the views

def test_rollup_counts_agree_with_the_per_target_status_table(province_db):
    con = open_db(province_db)
    for period in ("H1", "FY"):
        counts = reads.rollup_counts(con, YEAR, period)
        full = reads.status_table(con, YEAR, period)
        assert counts["n"].sum() == len(full)
        assert counts.groupby("status")["n"].sum().to_dict() == full["status"].value_counts().to_dict()
        behind = reads.most_behind(con, YEAR, period, limit=5)
        worst = full[full["status"].isin(["not_met", "at_risk"])].sort_values(
            ["severity", "percent", "target_id"], ascending=[False, True, True]).head(5)
        assert list(behind["target_id"]) == list(worst["target_id"])
        assert "text" in behind.columns and behind["status"].isin(["not_met", "at_risk"]).all()


def test_indicator_ranking_lists_the_communes_of_a_province(province_db):
    con = open_db(province_db)
    province = reads.provinces(con, YEAR)["province"].iloc[0]
    rows = reads.indicator_ranking(con, YEAR, "FY", "economic_growth", province)
    assert len(rows) > 0 and (rows["level"] != "province").all()
    assert rows["percent"].dropna().is_monotonic_decreasing
    country = reads.indicator_ranking(con, YEAR, "FY", "economic_growth")
    assert (country["level"] == "province").all() and len(country) == 1


# ---------------------------------------------------------------- pages

def test_overview_of_a_province_is_a_roll_up_with_ranking_and_search(province_db, monkeypatch):
    con = open_db(province_db)
    province = reads.provinces(con, YEAR)["province"].iloc[0]
    n_loc = reads.provinces(con, YEAR)["localities"].iloc[0]
    at = _app(province_db, monkeypatch, prov=province)
    caption = at.caption[0].value
    assert f"{n_loc} địa phương của {province}" in caption
    total = len(reads.status_table(con, YEAR, "FY"))
    assert sum(int(m.value.replace(".", "")) for m in at.metric) == total
    assert "Xếp hạng theo tỷ lệ chỉ tiêu đạt" in [s.value for s in at.subheader]
    assert not at.dataframe                        # the table of every unit waits until it is opened
    at.session_state["nat_units_open"] = True      # what a click on its expander does
    at.run()
    units = at.dataframe[0].value
    assert len(units) == n_loc and list(units["Hạng"][:3]) == [1, 2, 3]
    assert "None" not in " ".join(str(m.value) for m in at.markdown)
    # A commune found by its name typed without diacritics, shown with them.
    name = units["Địa phương"].iloc[-1]
    from chitieu.textnorm import fold
    at.text_input(key="q").input(fold(name)).run()
    found = at.dataframe[0].value
    assert name in list(found["Địa phương"]) and len(found) < n_loc
    assert any("khớp" in c.value for c in at.caption)


def test_all_provinces_is_offered_and_ranks_provinces(province_db, monkeypatch):
    at = _app(province_db, monkeypatch, prov="")
    assert at.sidebar.selectbox(key="prov").value == ""
    assert "trên cả nước (1 tỉnh, thành phố)" in at.caption[0].value
    provinces = at.dataframe[0].value
    assert list(provinces.columns[:2]) == ["Hạng", "Tỉnh / thành phố"] and len(provinces) == 1


def test_compare_ranks_every_commune_on_one_indicator(province_db, monkeypatch):
    con = open_db(province_db)
    province = reads.provinces(con, YEAR)["province"].iloc[0]
    at = _app(province_db, monkeypatch, "views/compare.py", prov=province)
    assert at.expander[0].label == "Xếp hạng mọi đơn vị theo một chỉ tiêu"
    code = at.selectbox(key="rank_all").value
    table = next(d.value for d in at.dataframe if "Hạng" in d.value.columns)
    expected = reads.indicator_ranking(con, YEAR, "FY", code, province)
    assert len(table) == len(expected) and list(table["Địa phương"][:5]) == list(expected["locality_name"][:5])


def test_small_data_keeps_the_page_own_overview(bundled_db, monkeypatch):
    monkeypatch.setenv("CHITIEU_DB", str(bundled_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    assert not at.exception
    assert "Xếp hạng theo tỷ lệ chỉ tiêu đạt" not in [s.value for s in at.subheader]


def test_a_write_elsewhere_shows_at_the_next_view(province_db, monkeypatch, tmp_path):
    # Another session or process writes (here: undoes the upload that carried every figure) and
    # moves the data version on; cached reads of this process are not served for the old version.
    db = copy_db(province_db, tmp_path, "copy")
    con = open_db(db)
    province = reads.provinces(con, YEAR)["province"].iloc[0]
    at = _app(db, monkeypatch, prov=province)
    no_data_before = int(at.metric[3].value.replace(".", ""))
    assert no_data_before == 0
    from chitieu.store.actuals import undo_upload
    upload_id = int(con.cursor().execute("SELECT max(upload_id) FROM uploads").fetchone()[0])
    version = data_version(con)
    undo_upload(con, upload_id, "admin")      # the write itself moves the version on: no after_write() here
    assert data_version(con) == version + 1
    at.run()
    total = sum(int(m.value.replace(".", "")) for m in at.metric)
    assert int(at.metric[3].value.replace(".", "")) == total > 0
    close_db(db)
