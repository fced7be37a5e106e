"""Status rules: every comparator x direction x period, with the edge cases a user will meet.

Each case asserts what a user sees: the status and the percent (rounded to 0.1 as displayed).
Indicators are built here (not read from data/indicators.csv) so a catalogue edit cannot
change what these rules mean; one test at the end runs the real catalogue on a real figure.
"""
import pytest

from chitieu.catalogue import Indicator, default_catalogue
from chitieu.errors import UserError
from chitieu.status import (SEVERITY_ORDER, STATUS_INFO, STATUSES, ActualIn, TargetIn, Verdict,
                            behind_key, detect_revision, evaluate, parse_tolerance, read_verdict)

UP, DOWN, BAND = "higher_is_better", "lower_is_better", "target_band"


def ind(direction=UP, kind="level", measured="periodic", tolerance="", unit=""):
    return Indicator(code="x", name_vi="x", name_en="x", unit=unit, direction=direction, category="economy",
                     kind=kind, measured=measured, tolerance=tolerance)


def ev(cmp, value, actual, period="FY", high=None, **kw):
    actual_kw = {k: kw.pop(k) for k in ("assigned_value", "verdict", "standing") if k in kw}
    v = evaluate({"comparator": cmp, "value": value, "value_high": high}, ind(**kw),
                 {"value": actual, **actual_kw}, period)
    return v.status, v.percent


# ---------------------------------------------------------------- full year, every comparator

@pytest.mark.parametrize("cmp, direction, target, actual, status, percent", [
    # ge / higher is better: exactly on target is met; exceeded from +5 %.
    ("ge", UP, 100, 100, "met", 100.0),
    ("ge", UP, 100, 104.9, "met", 104.9),
    ("ge", UP, 100, 105, "exceeded", 105.0),
    ("ge", UP, 100, 90, "not_met", 90.0),
    ("ge", UP, 10.5, 11.35, "exceeded", 108.1),
    # gt: the boundary itself is not met (while ge is).
    ("gt", UP, 100, 100, "not_met", 100.0),
    ("gt", UP, 100, 100.1, "met", 100.1),
    ("gt", UP, 6000, 6400, "exceeded", 106.7),
    # le / lower is better: percent is the mirror 100 + (T - x) / T.
    ("le", DOWN, 10, 10, "met", 100.0),
    ("le", DOWN, 10, 9.6, "met", 104.0),
    ("le", DOWN, 10, 9.5, "exceeded", 105.0),
    ("le", DOWN, 10, 11, "not_met", 90.0),
    ("le", DOWN, 1.19, 1.5, "not_met", 73.9),
    ("le", DOWN, 10, 25, "not_met", 0.0),            # floored at 0
    # lt: the boundary itself is not met.
    ("lt", DOWN, 10, 10, "not_met", 100.0),
    ("lt", DOWN, 10, 9.9, "met", 101.0),
    ("lt", DOWN, 5, 4, "exceeded", 120.0),
    # zero targets: "no new poor households" (le 0) - percent is 100 when met, 0 when not.
    ("le", DOWN, 0, 0, "met", 100.0),
    ("le", DOWN, 0, 3, "not_met", 0.0),
    ("lt", DOWN, 0, 0, "not_met", 0.0),
    ("ge", UP, 0, 0, "met", 100.0),
    ("ge", UP, 0, 7, "met", 100.0),                   # a zero target is never "exceeded"
    ("gt", UP, 0, 0, "not_met", 0.0),
    # comparator wins over the catalogue direction (a plan may say "≥" of a band share).
    ("ge", BAND, 40, 42.5, "exceeded", 106.2),
    ("le", UP, 10, 9, "exceeded", 110.0),
    # eq with a direction: a floor (up) or a ceiling (down); exceeded by the margin.
    ("eq", UP, 100, 100, "met", 100.0),
    ("eq", UP, 100, 99, "not_met", 99.0),
    ("eq", UP, 100, 106, "exceeded", 106.0),
    ("eq", DOWN, 10, 10, "met", 100.0),
    ("eq", DOWN, 10, 11, "not_met", 90.0),
    ("eq", DOWN, 10, 9, "exceeded", 110.0),
])
def test_full_year_point_targets(cmp, direction, target, actual, status, percent):
    assert ev(cmp, target, actual, direction=direction) == (status, percent)


@pytest.mark.parametrize("tolerance, target, actual, status, percent", [
    # "1" = ±1 in the unit (economic-structure shares in %)
    ("1", 50, 50, "met", 100.0),
    ("1", 50, 51, "met", 102.0),
    ("1", 50, 49, "met", 98.0),
    ("1", 50, 51.2, "not_met", 102.4),
    ("1", 50, 48.9, "not_met", 97.8),
    # "5%" = ±5 % of the target (budget expenditure)
    ("5%", 1000, 1050, "met", 105.0),
    ("5%", 1000, 950, "met", 95.0),
    ("5%", 1000, 1051, "not_met", 105.1),
    ("5%", 1000, 940, "not_met", 94.0),
    # no tolerance: only exactly on target
    ("", 50, 50, "met", 100.0),
    ("", 50, 50.1, "not_met", 100.2),
])
def test_eq_target_band_within_catalogue_tolerance(tolerance, target, actual, status, percent):
    assert ev("eq", target, actual, direction=BAND, tolerance=tolerance) == (status, percent)


def test_band_is_never_exceeded_and_rule_names_the_band():
    v = evaluate({"comparator": "eq", "value": 50}, ind(BAND, tolerance="1"), {"value": 50.5}, "FY")
    assert (v.status, v.rule, v.sense, v.thresholds["met_min"], v.thresholds["met_max"]) == \
        ("met", "eq_band.full_year", "band", 49.0, 51.0)


@pytest.mark.parametrize("direction, tolerance, low, high, actual, status, percent", [
    # higher is better ("growth about 8-9%"): percent against the lower end; above the range = exceeded
    (UP, "", 8, 9, 8, "met", 100.0),
    (UP, "", 8, 9, 9, "met", 112.5),
    (UP, "", 8, 9, 9.5, "exceeded", 118.8),
    (UP, "", 8, 9, 7.9, "not_met", 98.8),
    # lower is better: percent mirrored against the upper end; below the range = exceeded
    (DOWN, "", 1, 2, 2, "met", 100.0),
    (DOWN, "", 1, 2, 1, "met", 150.0),
    (DOWN, "", 1, 2, 0.5, "exceeded", 175.0),
    (DOWN, "", 1, 2, 2.5, "not_met", 75.0),
    # target band ("agriculture 55-56 %"): inside the range widened by the tolerance; percent vs midpoint
    (BAND, "1", 55, 56, 55, "met", 99.1),
    (BAND, "1", 55, 56, 57, "met", 102.7),
    (BAND, "1", 55, 56, 54, "met", 97.3),
    (BAND, "1", 55, 56, 57.1, "not_met", 102.9),
    (BAND, "1", 55, 56, 53.9, "not_met", 97.1),
    (BAND, "", 55, 56, 56.5, "not_met", 101.8),
])
def test_between_ranges(direction, tolerance, low, high, actual, status, percent):
    assert ev("between", low, actual, high=high, direction=direction, tolerance=tolerance) == (status, percent)


@pytest.mark.parametrize("target_value, assigned, actual, status, percent", [
    (None, 500, 500, "met", 100.0),
    (None, 500, 524, "met", 104.8),
    (None, 500, 525, "exceeded", 105.0),
    (None, 500, 400, "not_met", 80.0),
    (None, 444.5, 826.31, "exceeded", 185.9),
    (None, None, 826.31, "needs_assigned", None),     # assigned figure not yet entered
    (500, None, 510, "met", 102.0),                    # the plan stated the figure
    (500, 800, 700, "not_met", 87.5),                  # the entered figure wins over the plan's
    (None, None, None, "no_data", None),
])
def test_exceed_assigned(target_value, assigned, actual, status, percent):
    assert ev("exceed_assigned", target_value, actual, assigned_value=assigned) == (status, percent)


def test_exceed_assigned_can_be_completed_later():
    target = TargetIn("exceed_assigned")
    before = evaluate(target, ind(kind="flow"), ActualIn(value=826.31, period="FY"))
    after = evaluate(target, ind(kind="flow"), ActualIn(value=826.31, assigned_value=444.5, period="FY"))
    assert (before.status, before.rule, before.percent) == ("needs_assigned", "needs_assigned", None)
    assert "chưa nhập số được giao" in before.explanation_vi
    assert (after.status, after.assigned, after.rule) == ("exceeded", 444.5, "exceed_assigned.full_year")


def test_exceed_assigned_on_a_lower_is_better_indicator_is_a_ceiling():
    assert ev("exceed_assigned", None, 90, assigned_value=100, direction=DOWN) == ("exceeded", 110.0)
    assert ev("exceed_assigned", None, 101, assigned_value=100, direction=DOWN) == ("not_met", 99.0)
    v = evaluate({"comparator": "exceed_assigned"}, ind(DOWN), {"value": 90, "assigned_value": 100}, "FY")
    assert "≤ mức giao 100" in v.explanation_vi and v.thresholds["met_max"] == 100


@pytest.mark.parametrize("verdict, period, status", [
    ("dat", "FY", "met"), ("khong_dat", "FY", "not_met"), ("Đạt", "FY", "met"), ("Không đạt", "FY", "not_met"),
    ("chưa đạt", "FY", "not_met"), ("dat", "H1", "on_track"), ("khong_dat", "9M", "at_risk"),
    (None, "FY", "no_data"), ("", "FY", "no_data"),
])
def test_qualitative_follows_the_analyst(verdict, period, status):
    v = evaluate({"comparator": "qualitative"}, ind(), {"verdict": verdict}, period)
    assert (v.status, v.percent) == (status, None)
    assert v.rule == ("no_data" if status == "no_data" else "qualitative")


def test_reversed_range_is_the_same_range():
    assert ev("between", 9, 8.5, high=8) == ("met", 106.2)


def test_unknown_qualitative_verdict_is_a_user_error():
    with pytest.raises(UserError) as e:
        read_verdict("maybe")
    assert e.value.code == "unknown-verdict"


# ---------------------------------------------------------------- missing actuals

@pytest.mark.parametrize("actual", [None, {}, {"value": None}, {"value": float("nan")}, ActualIn()])
@pytest.mark.parametrize("period", ["Q1", "H1", "FY"])
def test_missing_actual_is_no_data(actual, period):
    v = evaluate({"comparator": "ge", "value": 10}, ind(), actual, period)
    assert (v.status, v.percent, v.rule, v.period) == ("no_data", None, "no_data", period)


# ---------------------------------------------------------------- partial year

PERIODS = ["Q1", "H1", "9M", "10M", "FY"]
MONTHS = {"Q1": 3, "H1": 6, "9M": 9, "10M": 10, "FY": 12}


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("cmp, direction, target", [("ge", UP, 1200), ("le", DOWN, 1200),
                                                     ("eq", BAND, 1200), ("exceed_assigned", UP, 1200)])
def test_flow_exactly_on_pace(period, cmp, direction, target):
    """A flow actual exactly at target x months/12 is on track mid-year and met at FY."""
    on_pace = target * MONTHS[period] / 12
    status, percent = ev(cmp, target, on_pace, period, direction=direction, kind="flow", tolerance="5%")
    assert status == ("met" if period == "FY" else "on_track")
    assert percent == 100.0


@pytest.mark.parametrize("period, actual, status, percent, projection, of_annual", [
    ("Q1", 299, "at_risk", 99.7, 1196, 24.9),
    ("H1", 700, "on_track", 116.7, 1400, 58.3),
    ("9M", 800, "at_risk", 88.9, 1066.67, 66.7),
    ("10M", 1000, "on_track", 100.0, 1200, 83.3),
    ("10M", 950, "at_risk", 95.0, 1140, 79.2),
    ("10M", 1400, "on_track", 140.0, 1680, 116.7),   # never "exceeded" before the year is over
    ("FY", 1300, "exceeded", 108.3, None, None),
])
def test_flow_higher_is_better_projected_to_year_end(period, actual, status, percent, projection, of_annual):
    v = evaluate({"comparator": "ge", "value": 1200}, ind(kind="flow"), {"value": actual}, period)
    assert (v.status, v.percent, v.percent_of_annual) == (status, percent, of_annual)
    assert (v.projection is None) if projection is None else v.projection == pytest.approx(projection, abs=0.01)
    assert v.rule == ("ge.full_year" if period == "FY" else "ge.flow_pace")


@pytest.mark.parametrize("period, actual, status, percent", [
    ("Q1", 30, "on_track", 100.0), ("H1", 66, "at_risk", 90.0), ("9M", 80, "on_track", 111.1),
    ("10M", 110, "at_risk", 90.0), ("FY", 120, "met", 100.0), ("FY", 130, "not_met", 91.7),
])
def test_flow_lower_is_better_traffic_accidents(period, actual, status, percent):
    assert ev("le", 120, actual, period, direction=DOWN, kind="flow") == (status, percent)


@pytest.mark.parametrize("period, actual, status, percent", [
    ("Q1", 0, "on_track", 100.0), ("H1", 1, "at_risk", 0.0), ("10M", 0, "on_track", 100.0), ("FY", 0, "met", 100.0),
])
def test_zero_target_flow_mid_year(period, actual, status, percent):
    assert ev("le", 0, actual, period, direction=DOWN, kind="flow") == (status, percent)


def test_gt_flow_on_pace_boundary_is_not_enough():
    assert ev("gt", 1200, 1000, "10M", kind="flow") == ("at_risk", 100.0)
    assert ev("ge", 1200, 1000, "10M", kind="flow") == ("on_track", 100.0)


@pytest.mark.parametrize("period", ["Q1", "H1", "9M", "10M"])
@pytest.mark.parametrize("cmp, direction, target, high, good, bad", [
    ("ge", UP, 95, None, 96, 93),        # coverage rates are compared directly, not pro-rated
    ("gt", UP, 98, None, 98.5, 98),
    ("le", DOWN, 5, None, 4, 6),
    ("lt", DOWN, 5, None, 4.9, 5),
    ("eq", BAND, 40, None, 40.5, 42),
    ("between", UP, 8, 9, 9.5, 7),
    ("between", DOWN, 1, 2, 0.5, 2.5),
    ("between", BAND, 55, 56, 56.5, 58),
])
def test_level_indicators_mid_year_are_compared_directly(period, cmp, direction, target, high, good, bad):
    kw = dict(high=high, direction=direction, tolerance="1" if direction == BAND else "")
    assert ev(cmp, target, good, period, **kw)[0] == "on_track"
    assert ev(cmp, target, bad, period, **kw)[0] == "at_risk"
    assert ev(cmp, target, good, "FY", **kw)[0] in ("met", "exceeded")
    assert ev(cmp, target, bad, "FY", **kw)[0] == "not_met"


def test_level_mid_year_percent_is_the_direct_ratio():
    v = evaluate({"comparator": "ge", "value": 95, "unit": "%"}, ind(), {"value": 93, "period": "H1"})
    assert (v.status, v.percent, v.rule, v.projection) == ("at_risk", 97.9, "ge.level_direct", None)


@pytest.mark.parametrize("period", ["Q1", "H1", "9M", "10M", "11M"])
@pytest.mark.parametrize("cmp, value, actual", [("ge", 10, 1), ("le", 0, 3), ("eq", 50, 80),
                                                ("between", 1, 9), ("qualitative", None, None)])
def test_annual_only_indicator_mid_year_is_not_assessable(period, cmp, value, actual):
    v = evaluate({"comparator": cmp, "value": value, "value_high": 2}, ind(measured="annual"),
                 {"value": actual, "verdict": "khong_dat"}, period)
    assert (v.status, v.rule, v.percent) == ("not_assessable", "annual_only", None)
    assert "chưa đánh giá được" in v.explanation_vi


def test_annual_only_indicator_at_full_year_is_judged():
    assert ev("le", 0, 3, "FY", direction=DOWN, measured="annual") == ("not_met", 0.0)


# ---------------------------------------------------------------- what the verdict keeps

def test_verdict_keeps_inputs_and_explains_in_both_languages():
    v = evaluate(TargetIn("ge", 4_000_000, unit="lượt"), ind(kind="flow"),
                 ActualIn(value=4_407_660, period="10 tháng", standing="chính thức"))
    assert isinstance(v, Verdict)
    assert (v.status, v.period, v.comparator, v.target, v.actual, v.standing, v.unit) == \
        ("on_track", "10M", "ge", 4_000_000, 4_407_660, "official", "lượt")
    assert (v.percent, v.percent_of_annual, round(v.projection)) == (132.2, 110.2, 5_289_192)
    assert v.thresholds["met_min"] == 4_000_000 and round(v.thresholds["pace"]) == 3_333_333
    assert "4.407.660 lượt" in v.explanation_vi and "5.289.192" in v.explanation_vi
    assert "132,2%" in v.explanation_vi and "Đúng tiến độ" in v.explanation_vi
    assert "4,407,660" in v.explanation_en and "On track" in v.explanation_en
    assert v.explanation("en") == v.explanation_en and v.label("vi") == "Đúng tiến độ"
    assert v.to_dict()["status"] == "on_track"


def test_explanation_uses_vietnamese_decimals_and_names_the_exceed_margin():
    v = evaluate({"comparator": "ge", "value": 10.5, "unit": "%"}, ind(), {"value": 11.35}, "FY")
    assert "11,35%" in v.explanation_vi and "108,1%" in v.explanation_vi and "Vượt" in v.explanation_vi
    assert "5%" in v.explanation_en and "11.03" in v.explanation_en


def test_zero_target_explains_its_percent():
    v = evaluate({"comparator": "le", "value": 0, "unit": "hộ"}, ind(DOWN), {"value": 3}, "FY")
    assert v.percent_rule == "zero_target" and "Chỉ tiêu bằng 0" in v.explanation_vi


def test_period_comes_from_the_actual_and_must_agree():
    assert evaluate({"comparator": "ge", "value": 1}, ind(), {"value": 1, "period": "6 tháng"}).period == "H1"
    assert evaluate({"comparator": "ge", "value": 1}, ind(), {"value": 1}).period == "FY"
    with pytest.raises(ValueError):
        evaluate({"comparator": "ge", "value": 1}, ind(), {"value": 1, "period": "H1"}, "9M")


def test_pandas_missing_values_are_missing():
    pd = pytest.importorskip("pandas")
    assert evaluate({"comparator": "ge", "value": 1}, ind(), {"value": pd.NA}, "FY").status == "no_data"


def test_bad_targets():
    with pytest.raises(UserError) as e:
        evaluate({"comparator": "about"}, ind(), {"value": 1}, "FY")
    assert e.value.code == "unknown-comparator"
    v = evaluate({"comparator": "ge", "value": None}, ind(), {"value": 1}, "FY")
    assert (v.status, v.rule) == ("not_assessable", "target_without_value")


def test_indicator_may_be_a_mapping_or_missing():
    assert evaluate({"comparator": "ge", "value": 1}, None, {"value": 2}, "FY").status == "exceeded"
    assert evaluate({"comparator": "le", "value": 5}, {"direction": DOWN, "kind": "flow"},
                    {"value": 2}, "H1").status == "on_track"


def test_real_figure_with_the_real_catalogue():
    # Huyện Ba Tơ 2022: growth 11,35 % against a 10,5 % target (data/actuals/reported.csv)
    v = evaluate({"comparator": "ge", "value": 10.5, "unit": "%"}, default_catalogue()["economic_growth"],
                 {"value": 11.35, "standing": "official", "period": "FY"})
    assert (v.status, v.percent) == ("exceeded", 108.1)


@pytest.mark.parametrize("spec, reference, expected", [("1", 50, 1.0), ("5%", 1509, 75.45), ("", 50, 0.0),
                                                       ("0,5", 10, 0.5)])
def test_parse_tolerance(spec, reference, expected):
    assert parse_tolerance(spec, reference) == pytest.approx(expected)


# ---------------------------------------------------------------- display and ranking

def test_status_info_is_complete_and_never_colour_alone():
    assert set(STATUSES) == {"met", "exceeded", "not_met", "on_track", "at_risk", "no_data",
                             "needs_assigned", "not_assessable"}
    for info in STATUS_INFO.values():
        assert set(info) == {"vi", "en", "icon", "color", "severity"}
        assert info["vi"] and info["en"] and info["icon"] and info["color"].startswith("#")
    assert len({i["icon"] for i in STATUS_INFO.values()}) == len(STATUS_INFO)
    assert len({i["color"] for i in STATUS_INFO.values()}) == len(STATUS_INFO)
    assert STATUS_INFO["met"]["vi"] == "Đạt" and STATUS_INFO["not_assessable"]["vi"] == "Chưa đánh giá được"
    assert SEVERITY_ORDER[:2] == ("not_met", "at_risk") and SEVERITY_ORDER[-1] == "exceeded"


def test_most_behind_first():
    t = {"comparator": "ge", "value": 100}
    verdicts = [evaluate(t, ind(), {"value": x}, "FY") for x in (120, 90, None, 60, 100)]
    ranked = [(v.status, v.percent) for v in sorted(verdicts, key=behind_key)]
    assert ranked == [("not_met", 60.0), ("not_met", 90.0), ("no_data", None), ("met", 100.0),
                      ("exceeded", 120.0)]


# ---------------------------------------------------------------- revisions

def test_official_replacing_an_estimate_is_a_labelled_revision():
    r = detect_revision({"value": 4_700_000, "standing": "estimate"}, {"value": 5_099_870, "standing": "official"})
    assert (r.kind, r.old_standing, r.new_standing, r.change_percent) == ("revision", "estimate", "official", 8.5)
    assert "chính thức" in r.label_vi and "ước tính" in r.label_vi and "5.099.870" in r.label_vi


@pytest.mark.parametrize("old, new, kind", [
    ({"value": 1, "standing": "official"}, {"value": 2, "standing": "official"}, "correction"),
    ({"value": 1, "standing": "official"}, {"value": 1, "standing": "estimate"}, "downgrade"),
    ({"value": 1, "standing": "estimate"}, {"value": 1, "standing": "preliminary"}, "revision"),
    ({"value": 1, "standing": "official"}, {"value": 1, "standing": "official"}, None),
    (None, {"value": 1, "standing": "official"}, None),
])
def test_detect_revision_kinds(old, new, kind):
    r = detect_revision(old, new)
    assert (r.kind if r else None) == kind
