"""Reporting periods and standings: codes, Vietnamese and English labels, canonical forms."""
import pytest

from chitieu.errors import UserError
from chitieu.periods import (FY, H1, M9, PERIOD_CHOICES, Q1, STANDINGS, parse_period,
                             parse_standing, period_of_months)


@pytest.mark.parametrize("text, code, months", [
    ("Q1", "Q1", 3), ("q1", "Q1", 3), ("Quý I", "Q1", 3), ("quý 1", "Q1", 3), ("3 tháng", "Q1", 3),
    ("3M", "Q1", 3), ("first quarter", "Q1", 3),
    ("H1", "H1", 6), ("6 tháng", "H1", 6), ("6 tháng đầu năm", "H1", 6), ("6M", "H1", 6),
    ("first half", "H1", 6), ("6 thang dau nam", "H1", 6),
    ("9M", "9M", 9), ("9 tháng", "9M", 9), ("9 months", "9M", 9),
    ("FY", "FY", 12), ("cả năm", "FY", 12), ("Cả năm", "FY", 12), ("năm", "FY", 12),
    ("12 tháng", "FY", 12), ("12M", "FY", 12), ("full year", "FY", 12), ("annual", "FY", 12),
    ("10 tháng", "10M", 10), ("10M", "10M", 10), ("10m", "10M", 10), ("lũy kế 10 tháng", "10M", 10),
    ("10 tháng đầu năm", "10M", 10), ("first 10 months", "10M", 10), ("5 tháng", "5M", 5),
    ("8M", "8M", 8), ("11 tháng", "11M", 11), ("1M", "1M", 1),
])
def test_parse_period_accepts_codes_and_labels(text, code, months):
    p = parse_period(text)
    assert (p.code, p.months) == (code, months)


@pytest.mark.parametrize("text", ["13 tháng", "Q5", "0M", "", None, "Quý II", "tháng", "2022", "abc"])
def test_parse_period_rejects_unknown(text):
    with pytest.raises(UserError) as e:
        parse_period(text)
    assert e.value.code == "unknown-period"
    assert "Kỳ báo cáo" in e.value.vi


def test_periods_order_by_months_and_canonicalise():
    assert sorted([FY, parse_period("10M"), Q1, M9, H1]) == [Q1, H1, M9, parse_period("10M"), FY]
    assert parse_period("6M") == H1 and period_of_months(12) is not None and period_of_months(12) == FY
    assert FY.is_full_year and not H1.is_full_year
    assert parse_period(H1) is H1


def test_period_labels_and_choices():
    assert (H1.label_vi, M9.label_vi, FY.label_vi, Q1.label_vi) == ("6 tháng", "9 tháng", "Cả năm", "Quý I")
    assert parse_period("10 tháng").label("vi") == "10 tháng"
    assert parse_period("10 tháng").label("en") == "first 10 months"
    assert len(PERIOD_CHOICES) == 12 and PERIOD_CHOICES[2] == ("Q1", "Quý I") and PERIOD_CHOICES[-1][0] == "FY"


@pytest.mark.parametrize("text, code", [
    ("estimate", "estimate"), ("Ước tính", "estimate"), ("ước", "estimate"), ("uoc tinh", "estimate"),
    ("preliminary", "preliminary"), ("Sơ bộ", "preliminary"),
    ("official", "official"), ("Chính thức", "official"), ("CHÍNH THỨC", "official"),
])
def test_parse_standing(text, code):
    assert parse_standing(text).code == code


def test_standing_rank_and_errors():
    est, pre, off = STANDINGS
    assert est < pre < off and off.rank == 3
    assert parse_standing("", default=None) is None
    assert parse_standing(None, default=est) is est
    with pytest.raises(UserError) as e:
        parse_standing("guess")
    assert e.value.code == "unknown-standing"
    with pytest.raises(UserError):
        parse_standing("")
