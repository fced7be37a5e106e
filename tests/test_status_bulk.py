"""The bulk verdicts (chitieu.status_bulk) say exactly what chitieu.status.evaluate says.

evaluate is the one definition of the status rules; the bulk path runs the same rules over a
whole table. They must give the same status, percent and rule for random targets and actuals
(hypothesis, every comparator, direction, period, flow/level, measured yearly, tolerance,
exceed_assigned, qualitative, missing data, malformed stored values), for every target of the
bundled sample data and of a synthetic set made by the same code as `synth --scale national`.
"""
from __future__ import annotations

import math

import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chitieu.periods import ALL_PERIODS
from chitieu.status import COMPARATORS
from chitieu.status_bulk import judge
from chitieu.store import close_db, open_db, reads

NUMBERS = st.one_of(
    st.none(),
    st.sampled_from([0.0, -0.0, 1.0, 2.0, 5.0, 8.0, 10.0, 95.0, 100.0, 105.0, 1000.0, -3.0, 0.5, 1e-12]),
    st.floats(min_value=-1e7, max_value=1e7, allow_nan=False, allow_infinity=False),
    st.integers(min_value=-50, max_value=2000).map(lambda k: k / 10),
)
# Actuals near the target are where the rules differ (the exceed margin, float noise, the ends of ranges).
FACTORS = st.sampled_from([0.0, 0.5, 0.95, 0.9999999999, 1.0, 1.0000000001, 1.04, 1.05, 1.0500000001, 1.2, 2.0])


def _row(draw) -> dict:
    comparator = draw(st.sampled_from(COMPARATORS + ("", "bogus", " ge ")))
    value, value_high = draw(NUMBERS), draw(NUMBERS)
    reported = draw(st.booleans())
    period = draw(st.sampled_from([p.code for p in ALL_PERIODS] + ["FY", "FY", "H1"]))
    if reported and value is not None and draw(st.booleans()):
        actual = value * draw(FACTORS)
    else:
        actual = draw(NUMBERS)
    kind = draw(st.sampled_from(["flow", "level", None, ""]))
    if reported and kind == "flow" and actual is not None and draw(st.booleans()):
        months = next(p.months for p in ALL_PERIODS if p.code == period)
        actual = actual * months / 12  # exactly on pace, where float noise would flip a verdict
    return {
        "comparator": comparator, "value": value, "value_high": value_high, "unit": "%",
        "direction": draw(st.sampled_from(["higher_is_better", "lower_is_better", "target_band", None, "odd"])),
        "kind": kind,
        "measured": draw(st.sampled_from(["periodic", "annual", None])),
        "tolerance": draw(st.sampled_from([None, "", "1", "0,5", "5%", "2,5 %", "0", "abc", "-1"])),
        "actual": actual if reported else None,
        "actual_verdict": draw(st.sampled_from([None, "dat", "khong_dat", "Đạt", "không đạt", "", "maybe"]))
        if reported else None,
        "assigned_value": (draw(NUMBERS) if draw(st.booleans()) else None) if reported else None,
        "actual_period": (draw(st.sampled_from([period, period, period, "Q3"])) if reported else None),
        "actual_standing": draw(st.sampled_from([None, "official", "estimate", "preliminary", "", "guess"]))
        if reported else None,
    }


ROWS = st.lists(st.composite(lambda draw: _row(draw))(), min_size=1, max_size=40)


def _reference(row: dict) -> tuple:
    v = reads.explain(row)
    return ("no_data", None, "error") if v is None else (v.status, v.percent, v.rule)


def _bulk(frame: pd.DataFrame) -> list[tuple]:
    out = judge(frame)
    return [(s, None if p is None or (isinstance(p, float) and math.isnan(p)) else p, r)
            for s, p, r in zip(out["status"], out["percent"], out["rule"])]


def _assert_same(frame: pd.DataFrame) -> None:
    expected = [_reference(r) for r in frame.to_dict("records")]
    got = _bulk(frame)
    for i, (e, g) in enumerate(zip(expected, got)):
        assert e == g, f"row {i}: evaluate {e} != bulk {g}\n{frame.iloc[i].to_dict()}"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ROWS)
@example([{"comparator": "ge", "value": 100.0, "value_high": None, "unit": "", "direction": None, "kind": "flow",
           "measured": None, "tolerance": None, "actual": 25.0, "actual_verdict": None, "assigned_value": None,
           "actual_period": "Q1", "actual_standing": "estimate"}])
@example([{"comparator": "between", "value": 9.0, "value_high": 0.0, "unit": "", "direction": "target_band",
           "kind": "level", "measured": None, "tolerance": "5%", "actual": 4.5, "actual_verdict": None,
           "assigned_value": None, "actual_period": "FY", "actual_standing": None}])
def test_bulk_verdicts_equal_evaluate_on_random_rows(rows):
    _assert_same(pd.DataFrame(rows))


def test_bulk_verdicts_on_a_frame_like_the_store_returns():
    # Missing values arrive as NaN / pandas.NA in string columns, not None: same verdicts.
    frame = pd.DataFrame({
        "comparator": pd.array(["ge", "le", "qualitative", "exceed_assigned", "eq"], dtype="string"),
        "value": [10.0, 2.0, None, None, 50.0], "value_high": [None] * 5,
        "unit": pd.array(["%", "%", "", "tỷ đồng", "%"], dtype="string"),
        "direction": pd.array(["higher_is_better", None, None, "lower_is_better", "target_band"], dtype="string"),
        "kind": pd.array(["flow", "level", None, None, "level"], dtype="string"),
        "measured": pd.array([None, "annual", None, None, None], dtype="string"),
        "tolerance": pd.array([None, None, None, None, "1"], dtype="string"),
        "actual": [6.0, 1.0, None, 80.0, 50.9],
        "actual_verdict": [None, None, "Đạt", None, None],
        "assigned_value": [None, None, None, 100.0, None],
        "actual_period": pd.array(["H1", "H1", "9M", "FY", "FY"], dtype="string"),
        "actual_standing": pd.array(["estimate", None, None, "official", None], dtype="string"),
    })
    _assert_same(frame)
    got = judge(frame)
    assert list(got["status"]) == ["on_track", "not_assessable", "on_track", "exceeded", "met"]
    assert list(got["rule"]) == ["ge.flow_pace", "annual_only", "qualitative", "exceed_assigned.full_year",
                                 "eq_band.full_year"]
    assert judge(frame.iloc[:0]).empty


def _every_target(db) -> None:
    con = open_db(db, read_only=True)
    n = 0
    for year in reads.plan_years(con):
        for period in ALL_PERIODS:
            rows = reads.target_rows(con, year, period.months)
            _assert_same(rows)
            n += len(rows)
    assert n > 0


def test_bulk_verdicts_agree_on_every_target_of_the_bundled_data(bundled_db):
    _every_target(bundled_db)


def test_bulk_verdicts_agree_on_every_target_of_a_synthetic_set(tmp_path):
    # The national set has the same shape; one province for two years keeps this test quick
    # (scripts/bench_national.py compares every target of the full national set).
    from loaders import synth
    from chitieu.catalogue import default_catalogue
    from chitieu.store import synth as synth_store
    from chitieu.store.plans import sync_catalogue
    from chitieu.store.units import load_units
    db = tmp_path / "synth.duckdb"
    con = open_db(db)
    load_units(con)
    sync_catalogue(con, default_catalogue())
    data = synth.generate("province", range(2026, 2028), 30, 7, "51")
    synth_store.write_synthetic(con, data.localities, data.plans, data.targets, data.actuals)
    close_db(db)
    _every_target(db)
    close_db(db)


def test_status_table_keeps_what_the_pages_read(bundled_db):
    con = open_db(bundled_db, read_only=True)
    year = reads.plan_years(con)[0]
    rows = reads.status_table(con, year, "FY")
    assert {"status", "percent", "rule", "severity", "period_vi", "period_en"} <= set(rows.columns)
    opened = rows[rows["actual_period"].notna()].iloc[0].to_dict()
    v = reads.explain(opened)
    assert (v.status, v.rule) == (opened["status"], opened["rule"])
    assert v.explanation_vi.startswith(opened["period_vi"]) and "None" not in v.explanation_vi
