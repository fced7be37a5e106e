"""Administrative units in both schemes, the crosswalk, and locality resolution (issue 6)."""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from chitieu import units as U
from chitieu.store import memory_db
from chitieu.store import units as SU

PLANS = Path(__file__).resolve().parent.parent / "data" / "plans"


def plan_text(prefix: str) -> str:
    return next(PLANS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


# --- the registry -------------------------------------------------------------------

def test_registry_counts_match_the_two_gso_lists():
    counts = Counter((u.scheme, u.level) for u in U.all_units())
    assert counts[("gso_pre2025", "province")] == 63
    assert counts[("gso_pre2025", "district")] == 696
    assert counts[("gso_pre2025", "commune")] == 10051
    assert counts[("gso_2025", "province")] == 34
    assert counts[("gso_2025", "commune")] == 3321
    assert counts[("gso_2025", "district")] == 0


def test_registry_files_are_nfc_and_types_are_known():
    import unicodedata
    for name in ("units.csv", "crosswalk.csv"):
        text = (U.UNITS_DIR / name).read_text(encoding="utf-8")
        assert unicodedata.normalize("NFC", text) == text
    allowed = {"tỉnh", "thành phố", "huyện", "thị xã", "quận", "xã", "phường", "thị trấn", "đặc khu"}
    assert {u.type for u in U.all_units()} == allowed


def test_code_31078_names_different_units_in_the_two_schemes():
    old, new = U.get_unit("gso_pre2025", "31078"), U.get_unit("gso_2025", "31078")
    assert (old.name, old.parent_name, old.province_name) == (
        "Phường Dương Đông", "Thành phố Phú Quốc", "Tỉnh Kiên Giang")
    assert (new.name, new.type, new.province_name) == ("Đặc khu Phú Quốc", "đặc khu", "Tỉnh An Giang")
    assert [u.key for u in U.successors("gso_pre2025", "31078")] == [("gso_2025", "31078")]


def test_huyen_ba_to_maps_to_its_eight_successor_communes():
    ba_to = U.resolve_locality("Huyện Ba Tơ", year=2021).unit
    assert ba_to.key == ("gso_pre2025", "535")
    names = sorted(u.name for u in U.successors(*ba_to.key))
    assert names == sorted(["Xã Ba Tơ", "Xã Ba Tô", "Xã Ba Vinh", "Xã Ba Động", "Xã Ba Dinh",
                            "Xã Đặng Thùy Trâm", "Xã Ba Vì", "Xã Ba Xa"])
    assert {u.scheme for u in U.successors(*ba_to.key)} == {"gso_2025"}


def test_thanh_pho_phu_quoc_maps_to_two_dac_khu():
    phu_quoc = U.resolve_locality("Thành phố Phú Quốc", year=2021).unit
    assert [(u.name, u.type) for u in U.successors(*phu_quoc.key)] == [
        ("Đặc khu Phú Quốc", "đặc khu"), ("Đặc khu Thổ Châu", "đặc khu")]
    # and back: the đặc khu lists the old city among its predecessors, with its communes
    preds = U.predecessors("gso_2025", "31078")
    assert ("gso_pre2025", "911") in [u.key for u in preds]
    assert len([u for u in preds if u.level == "commune"]) == 8


def test_old_provinces_map_to_their_merged_province():
    kien_giang = U.resolve_locality("Tỉnh Kiên Giang", year=2022).unit
    assert [u.name for u in U.successors(*kien_giang.key)] == ["Tỉnh An Giang"]
    assert sorted(u.name for u in U.predecessors("gso_2025", "51", level="province")) == [
        "Tỉnh Kon Tum", "Tỉnh Quảng Ngãi"]


def test_every_old_province_and_district_has_successors():
    for p in U.all_units("gso_pre2025", "province"):
        assert [s.level for s in U.successors(*p.key)] == ["province"], p.name
    assert sum(len(U.predecessors(*p.key, level="province")) for p in U.all_units("gso_2025", "province")) == 63
    assert all(U.successors(*d.key) for d in U.all_units("gso_pre2025", "district"))


def test_codes_of_the_two_schemes_never_mix():
    units = {u.key for u in U.all_units()}
    with (U.UNITS_DIR / "crosswalk.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows
    for r in rows:
        assert (r["old_scheme"], r["new_scheme"]) == ("gso_pre2025", "gso_2025")
        assert (r["old_scheme"], r["old_code"]) in units
        assert (r["new_scheme"], r["new_code"]) in units
    for u in U.all_units():
        for a in U.ancestors(*u.key):
            assert a.scheme == u.scheme
        for c in U.children(*u.key):
            assert c.scheme == u.scheme
    # the same bare code is two different units, and each lookup names its scheme
    assert U.get_unit("gso_pre2025", "21484").name == "Thị trấn Ba Tơ"
    assert U.get_unit("gso_2025", "21484").name == "Xã Ba Tơ"


def test_hierarchy_children_and_ancestors():
    son_la_city = U.resolve_locality("Thành phố Sơn La", year=2022).unit
    kids = U.children(*son_la_city.key)
    assert "Phường Quyết Thắng" in [k.name for k in kids]
    assert all(k.level == "commune" for k in kids)
    ward = U.get_unit("gso_pre2025", "03652")
    assert [a.name for a in U.ancestors(*ward.key)] == ["Thành phố Sơn La", "Tỉnh Sơn La"]
    assert len(U.children("gso_2025", "51")) > 90          # new Quảng Ngãi: communes directly


# --- resolution: the five seed plans -------------------------------------------------

@pytest.mark.parametrize("prefix, name, kwargs, expected", [
    ("000", "thành phố Quảng Ngãi", {"year": 2022}, ("gso_pre2025", "522", "Thành phố Quảng Ngãi", "district", "Tỉnh Quảng Ngãi")),
    ("001", "phường Quyết Thắng", {"year": 2022}, ("gso_pre2025", "03652", "Phường Quyết Thắng", "commune", "Tỉnh Sơn La")),
    ("002", "huyện Ba Tơ", {"year": 2021}, ("gso_pre2025", "535", "Huyện Ba Tơ", "district", "Tỉnh Quảng Ngãi")),
    ("003", "thành phố Phú Quốc", {"year": 2021}, ("gso_pre2025", "911", "Thành phố Phú Quốc", "district", "Tỉnh Kiên Giang")),
    ("004", "PHUONG NGUYEN NGHIEM", {"year": 2024}, ("gso_pre2025", "21025", "Phường Nguyễn Nghiêm", "commune", "Tỉnh Quảng Ngãi")),
])
def test_seed_plan_resolves_to_its_unit(prefix, name, kwargs, expected):
    r = U.resolve_locality(name, context=plan_text(prefix), **kwargs)
    assert r.status == "resolved", r.reason
    u = r.unit
    assert (u.scheme, u.code, u.name, u.level, u.province_name) == expected


def test_quyet_thang_is_settled_by_the_city_the_plan_names():
    text = plan_text("001")
    r = U.resolve_locality("phường Quyết Thắng", context=text, year=2022)
    assert r.unit.parent_name == "Thành phố Sơn La"
    assert "Thành phố Sơn La" in r.reason
    # Without the document there are three such wards in 2022: the analyst must choose.
    bare = U.resolve_locality("phường Quyết Thắng", year=2022)
    assert bare.status == "ambiguous" and bare.unit is None
    assert {c.province_name for c in bare.candidates} == {"Tỉnh Sơn La", "Tỉnh Lai Châu", "Tỉnh Kon Tum"}
    # The extractor's call with a province settles it too.
    assert U.resolve_locality("Quyết Thắng", level="commune", province="Sơn La", year=2022).unit.code == "03652"


def test_nguyen_nghiem_is_settled_by_thanh_pho_in_the_ocr_text():
    r = U.resolve_locality("PHUONG NGUYEN NGHIEM", level="commune", province="Quảng Ngãi",
                           context=plan_text("004"), year=2024)
    assert r.resolved and r.unit.parent_name == "Thành phố Quảng Ngãi"
    assert r.matched_by == "folded"
    # OCR damage to the type word and the marks still finds it
    assert U.resolve_locality("phwong Nguyén Nghiém", context=plan_text("004"), year=2024).unit.code == "21025"


def test_truly_ambiguous_name_asks_with_both_candidates():
    r = U.resolve_locality("Phường Nguyễn Nghiêm", province="Quảng Ngãi", year=2024)
    assert r.status == "ambiguous" and r.unit is None
    assert sorted((c.code, c.parent_name) for c in r.candidates) == [
        ("21025", "Thành phố Quảng Ngãi"), ("21439", "Thị xã Đức Phổ")]
    # a context that names neither parent does not settle it either
    r2 = U.resolve_locality("Phường Nguyễn Nghiêm", context="Kế hoạch phát động phong trào thi đua năm 2024.",
                            year=2024)
    assert r2.status == "ambiguous" and len(r2.candidates) == 2
    # a context naming the other parent picks the other ward
    r3 = U.resolve_locality("Phường Nguyễn Nghiêm", context="UBND thị xã Đức Phổ giao chỉ tiêu", year=2024)
    assert r3.resolved and r3.unit.code == "21439"


def test_diacritics_decide_between_ba_to_and_ba_to():
    to_horn = U.resolve_locality("Xã Ba Tơ", year=2026)
    to_hat = U.resolve_locality("Xã Ba Tô", year=2026)
    assert to_horn.resolved and to_hat.resolved
    assert (to_horn.unit.code, to_hat.unit.code) == ("21484", "21523")
    assert to_horn.matched_by == to_hat.matched_by == "exact"
    # Without marks the two are look-alikes: ask.
    folded = U.resolve_locality("Xa Ba To", year=2026)
    assert folded.status == "ambiguous"
    assert sorted(c.name for c in folded.candidates) == ["Xã Ba Tô", "Xã Ba Tơ"]
    assert U.name_key("Ba Tơ") != U.name_key("Ba Tô")
    assert U.name_key("Thuận Hòa") == U.name_key("Thuận Hoà")   # tone placement is not a difference


def test_year_picks_the_scheme():
    assert U.resolve_locality("Xã Ba Tô", year=2022).unit.key == ("gso_pre2025", "21523")
    assert U.resolve_locality("Xã Ba Tô", year=2026).unit.key == ("gso_2025", "21523")
    both = U.resolve_locality("Xã Ba Tô")
    assert both.status == "ambiguous" and {c.scheme for c in both.candidates} == {"gso_pre2025", "gso_2025"}
    # Đặc khu exist only after the reform
    assert U.resolve_locality("Đặc khu Phú Quốc", year=2022).status == "unknown"


def test_unit_and_same_named_town_are_told_apart_by_the_document():
    r = U.resolve_locality("Ba Tơ", context=plan_text("002"), year=2021)
    assert r.resolved and r.unit.name == "Huyện Ba Tơ"
    assert U.resolve_locality("Ba Tơ", year=2021).status == "ambiguous"


def test_unknown_name_is_unknown():
    r = U.resolve_locality("Phường Không Có Thật", year=2022)
    assert r.status == "unknown" and r.unit is None and r.candidates == ()
    assert U.resolve_locality("phường Quyết Thắng", province="Quảng Ngãi", year=2022).status == "unknown"


# --- the database ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def con():
    c = memory_db()
    SU.load_units(c)
    return c


def test_load_units_is_idempotent(con):
    again = SU.load_units(con)
    assert again["loaded"] == 0
    assert again["units"] == 63 + 696 + 10051 + 34 + 3321
    forced = SU.load_units(con, force=True)
    assert forced["loaded"] == 1 and forced["units"] == again["units"] and forced["crosswalk"] == again["crosswalk"]


def test_store_reads_follow_the_registry(con):
    kids = SU.children_of(con, "gso_pre2025", "535")
    assert "Xã Ba Tô" in set(kids["name"]) and set(kids["scheme"]) == {"gso_pre2025"}
    preds = SU.predecessors_of(con, "gso_2025", "31078")
    assert set(preds["scheme"]) == {"gso_pre2025"}
    assert "Thành phố Phú Quốc" in set(preds["name"]) and "Phường Dương Đông" in set(preds["name"])
    succ = SU.successors_of(con, "gso_pre2025", "911")
    assert list(succ["name"]) == ["Đặc khu Phú Quốc", "Đặc khu Thổ Châu"]
    found = SU.search_units(con, "Ba Tơ", scheme="gso_2025")
    assert list(found["name"])[:2] == ["Xã Ba Tơ", "Xã Ba Tô"]          # the marked name first
    assert len(SU.search_units(con, "quyet thang", limit=3)) == 3
    assert SU.search_units(con, "   ").empty


# --- synthetic national data (loaders.synth, `python -m loaders synth`) ---------------

def _run_synth(argv):
    import argparse
    from loaders.commands import synth as synth_cmd
    parser = argparse.ArgumentParser()
    synth_cmd.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["synth", *argv])
    return args.func(args)


def test_synth_generator_covers_every_gso_2025_unit_and_marks_everything():
    from loaders import synth
    data = synth.generate("national", years=range(2026, 2028), per_commune=5, seed=1)
    assert len(data.localities) == 34 + 3321
    assert set(data.localities["scheme"]) == {"gso_2025"} and data.localities["synthetic"].all()
    assert data.plans["synthetic"].all() and data.actuals["illustrative"].all()
    assert data.plans["title"].str.contains("GIẢ LẬP").all()
    assert len(data.plans) == (34 + 3321) * 2
    assert len(data.targets) == (34 * len(synth.default_catalogue()) + 3321 * 5) * 2
    assert sorted(data.actuals["period"].unique()) == ["9M", "FY", "H1", "Q1"]
    assert len(data.actuals) == 4 * len(data.targets)
    # reproducible
    again = synth.generate("national", years=range(2026, 2028), per_commune=5, seed=1)
    assert data.targets["value"].equals(again.targets["value"])


def test_synth_command_writes_a_separate_marked_file(tmp_path):
    from chitieu.errors import UserError
    from chitieu.store import close_db, open_db
    from chitieu.store import reads
    db = tmp_path / "qn.duckdb"
    assert _run_synth(["--scale", "province", "--province", "51", "--years", "2026-2027", "--db", str(db)]) == 0
    con = open_db(db)
    try:
        counts = reads.data_counts(con)
        assert counts["plans"] == (1 + len(U.children("gso_2025", "51"))) * 2
        cur = con.cursor()
        assert cur.execute("SELECT count(*) FROM plans WHERE NOT synthetic").fetchone()[0] == 0
        assert cur.execute("SELECT count(*) FROM actuals WHERE NOT illustrative").fetchone()[0] == 0
        assert cur.execute("SELECT count(*) FROM localities WHERE NOT synthetic").fetchone()[0] == 0
        assert cur.execute("SELECT count(*) FROM admin_units").fetchone()[0] == len(U.all_units())
        rows = reads.status_table(con, 2026, "H1", ("gso_2025", "21484"))
        assert len(rows) == 30 and rows["actual"].notna().all()
    finally:
        close_db(db)
    with pytest.raises(UserError) as exc:                      # no silent doubling
        _run_synth(["--scale", "province", "--db", str(db)])
    assert exc.value.code == "synth-exists"
    assert _run_synth(["--scale", "province", "--years", "2026", "--db", str(db), "--replace"]) == 0
    con = open_db(db)
    try:
        assert reads.plan_years(con) == [2026]
    finally:
        close_db(db)


def test_synth_refuses_the_default_database_and_a_missing_db(monkeypatch, tmp_path):
    from chitieu import settings
    from chitieu.errors import UserError
    monkeypatch.delenv("CHITIEU_DB", raising=False)
    default = next(s.default for s in settings.SETTINGS if s.name == "CHITIEU_DB")
    with pytest.raises(UserError) as exc:
        _run_synth(["--scale", "province", "--db", default])
    assert exc.value.code == "synth-default-db"
    env_db = tmp_path / "app.duckdb"
    monkeypatch.setenv("CHITIEU_DB", str(env_db))
    with pytest.raises(UserError) as exc:
        _run_synth(["--scale", "province", "--db", str(env_db)])
    assert exc.value.code == "synth-default-db" and not env_db.exists()
    with pytest.raises(UserError) as exc:
        _run_synth(["--scale", "province"])
    assert exc.value.code == "synth-needs-db"


def test_synth_refuses_a_file_with_real_data(tmp_path):
    from chitieu.errors import UserError
    from chitieu.store import close_db, open_db
    db = tmp_path / "real.duckdb"
    con = open_db(db)
    con.cursor().execute("INSERT INTO plans (plan_key, source_file, sha256, locality_scheme, locality_code, year) "
                         "VALUES ('000_x', 'x.txt', 'abc', 'gso_pre2025', '522', 2022)")
    close_db(db)
    with pytest.raises(UserError) as exc:
        _run_synth(["--scale", "province", "--db", str(db), "--replace"])
    assert exc.value.code == "synth-real-data"
    con = open_db(db)
    try:
        assert con.cursor().execute("SELECT count(*) FROM plans").fetchone()[0] == 1
    finally:
        close_db(db)


def test_predecessor_plans_are_found_through_the_crosswalk():
    c = memory_db()
    SU.load_units(c)
    c.cursor().execute("INSERT INTO plans (plan_key, source_file, sha256, locality_scheme, locality_code, "
                       "locality_name, level, year) VALUES ('003_x', '003.txt', 'h', 'gso_pre2025', '911', "
                       "'Thành phố Phú Quốc', 'district', 2021)")
    both = SU.predecessor_plans(c, "gso_2025", "31078")
    assert list(both["plan_key"]) == ["003_x"] and list(both["relation"]) == ["predecessor"]
    assert list(both["locality_name"]) == ["Thành phố Phú Quốc"]
    assert list(SU.predecessor_plans(c, "gso_2025", "31105")["plan_key"]) == ["003_x"]   # Thổ Châu too
    assert SU.predecessor_plans(c, "gso_pre2025", "911").empty       # an old unit has no predecessors here
    assert SU.predecessor_plans(c, "gso_2025", "21484").empty        # Xã Ba Tơ: no plan stored for its past
