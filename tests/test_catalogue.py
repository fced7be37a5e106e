"""The indicator catalogue (data/indicators.csv) and its word tables are well formed."""
import csv
from pathlib import Path

import pytest

from chitieu.catalogue import (CATALOGUE_PATH, CATEGORIES, COLUMNS, DIRECTIONS, KINDS, MEASURED, default_catalogue,
                               load_rewrites)
from chitieu.matching import CatalogueMatcher
from chitieu.textnorm import ocr_fold

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="module")
def catalogue():
    return default_catalogue()


def test_the_file_has_the_documented_columns():
    with open(CATALOGUE_PATH, newline="", encoding="utf-8-sig") as fh:
        assert next(csv.reader(fh)) == COLUMNS


def test_at_least_250_concepts(catalogue):
    assert len(catalogue) >= 250


def test_every_row_is_well_formed(catalogue):
    for ind in catalogue.values():
        assert ind.code.isascii() and ind.code == ind.code.lower() and " " not in ind.code, ind.code
        assert ind.name_vi and ind.name_en, ind.code
        assert ind.direction in DIRECTIONS, ind.code
        assert ind.category in CATEGORIES, ind.code
        assert ind.kind in KINDS and ind.measured in MEASURED, ind.code
        if ind.direction == "target_band":
            assert ind.tolerance, f"{ind.code}: a target band needs a tolerance"
        if ind.tolerance:
            float(ind.tolerance.rstrip("%"))
        # a growth, share or rate is a percentage; a count is not
        if ind.name_vi.startswith(("Tốc độ tăng", "Tỷ lệ", "Tỷ trọng")):
            assert ind.unit in ("%", "‰"), ind.code
        assert not ind.official or ind.official.startswith(("QĐ 05/2023", "QĐ 51/2025", "NTM:")), ind.code


def test_no_two_codes_share_a_name_or_alias(catalogue):
    """After folding (and in the matcher's canonical words: "bắp" is "ngô"), one name, one code."""
    matcher = CatalogueMatcher(catalogue)
    owner: dict[tuple, str] = {}
    for ind in catalogue.values():
        for name in ind.names:
            for key in (("fold", ocr_fold(name)), ("canon", tuple(matcher.rewriter.apply(ocr_fold(name).split())[0]))):
                assert owner.setdefault(key, ind.code) == ind.code, (name, owner[key], ind.code)


def test_the_corpus_codes_are_there_with_their_names(catalogue):
    with open(SHARED / "corpus" / "new_indicators.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 67
    for r in rows:
        ind = catalogue[r["code"]]
        assert (ind.name_vi, ind.unit, ind.direction, ind.category) == (r["name_vi"], r["unit"], r["direction"],
                                                                       r["category"])


def test_every_gold_concept_is_catalogued(catalogue):
    codes = set()
    for path in (SHARED / "gold" / "seed_targets.csv", SHARED / "corpus" / "gold.csv"):
        with open(path, encoding="utf-8") as fh:
            codes |= {r["indicator"] for r in csv.DictReader(fh)}
    assert codes - {"unmapped"} <= set(catalogue)


def test_families_are_related_by_name(catalogue):
    """Growth of X, rate vs count, reduction vs level are found from the names, so a value's unit
    can pick the right one."""
    m = CatalogueMatcher(catalogue)
    assert m.for_unit("budget_revenue", "%") == "budget_revenue_growth"
    assert m.for_unit("export_value", "%") == "export_growth"
    assert m.for_unit("new_rural_communes", "%") == "new_rural_commune_rate"
    assert m.for_unit("new_rural_commune_rate", "xã") == "new_rural_communes"
    assert m.for_unit("new_rural_communes", "xã") == "new_rural_communes"
    assert m.level_of["poverty_rate_reduction"] == "poverty_rate"


def test_synonym_and_abbreviation_tables_load():
    pairs = dict(load_rewrites())
    assert pairs["NTM"] == "nông thôn mới" and pairs["BHYT"] == "bảo hiểm y tế" and pairs["bắp"] == "ngô"
    assert all(a.strip() and b.strip() for a, b in pairs.items())
