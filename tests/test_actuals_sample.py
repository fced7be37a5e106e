"""The bundled sample actuals: real figures with their conflicts surfaced, illustrative ones marked."""
import pytest

from chitieu.store import close_db, open_db, query_df
from chitieu.store.actuals import conflicts, history
from loaders.actuals.sample import load_sample_actuals


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from loaders.build import build_database
    from tests.conftest import new_database
    path = new_database(tmp_path_factory.mktemp("sample"), "s")
    build_database(path)
    con = open_db(path)
    yield con
    close_db(path)


def _loc(con, name):
    r = query_df(con, "SELECT scheme, code FROM localities WHERE name = ?", [name]).iloc[0]
    return r.scheme, r.code


def test_every_reported_figure_is_stored_with_its_source(built):
    df = query_df(built, "SELECT a.* FROM actuals a JOIN uploads u USING (upload_id) "
                         "WHERE u.file_name = 'data/actuals/reported.csv'")
    assert len(df) == 24 and not df.illustrative.any()
    assert df.source.str.startswith("http").all()
    assert df.note.str.contains("“").all()      # the quoted sentence travels with the figure


def test_the_two_fy_2022_figures_for_phu_quoc_are_both_kept_and_reported(built):
    pq = _loc(built, "Thành phố Phú Quốc")
    h = history(built, *pq, "tourist_arrivals", 2022, period="FY")
    assert sorted(h.value) == [5009870, 5099870] and set(h.state) == {"current"}
    c = conflicts(built, *pq, year=2022)
    row = c[c.kind == "conflicting-values"].iloc[0]
    assert row.indicator == "tourist_arrivals" and "5.099.870" in row["values"] and "5.009.870" in row["values"]
    assert "Cùng một nguồn" in row.message_vi


def test_cumulative_count_falling_between_6_and_8_months_is_reported(built):
    pq = _loc(built, "Thành phố Phú Quốc")
    c = conflicts(built, *pq, year=2021)
    row = c[c.kind == "cumulative-decrease"].iloc[0]
    assert row.periods == "H1 → 8M" and "giảm" in row.message_vi
    # Stored in the target's unit (triệu lượt), the published count kept in the note.
    h = history(built, *pq, "tourist_arrivals", 2021, period="H1").iloc[0]
    assert (h.value, h.unit) == (1.607055, "triệu lượt") and "published: 1.607.055 lượt" in h.note


def test_city_and_province_definitions_for_2023_are_reported(built):
    c = conflicts(built, *_loc(built, "Thành phố Phú Quốc"), year=2023)
    assert "10M → FY" in set(c[c.kind == "cumulative-decrease"].periods)


def test_figures_for_a_year_without_plan_are_kept_and_reported(built):
    c = conflicts(built, *_loc(built, "Huyện Ba Tơ"), year=2022)
    assert list(c.kind) == ["no-plan"] and "economic_growth" in c.iloc[0]["values"]


def test_illustrative_figures_are_marked(built):
    df = query_df(built, "SELECT a.illustrative, a.note FROM actuals a JOIN uploads u USING (upload_id) "
                         "WHERE u.file_name = 'data/actuals/illustrative.csv'")
    assert len(df) >= 10 and df.illustrative.all() and df.note.str.contains("minh họa").all()


def test_loading_twice_stores_nothing_new(built):
    before = query_df(built, "SELECT count(*) AS n FROM actuals").n[0]
    report = load_sample_actuals(built)
    assert all(v["stored"] == 0 for v in report.values())
    assert query_df(built, "SELECT count(*) AS n FROM actuals").n[0] == before
