"""Plans have an identity — locality and year — never the file name (issue 10, finding 2).

Before: the plan key was the file stem, so an analyst of Ba Tơ who saved a plan named like
Quảng Ngãi's, or two people who both saved "Ke hoach 2021.txt", replaced the other plan and
its targets were gone. Now a second plan for the same locality and year raises PlanExists,
replacing needs confirmation and rights, and the replaced plan stays restorable.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chitieu import auth
from chitieu.catalogue import default_catalogue
from chitieu.errors import UserError
from chitieu.model import ExtractedPlan, Locality, PlanTarget
from chitieu.store import close_db, open_db, query_df
from chitieu.store import plans as P
from chitieu.store.audit import recent
from chitieu.store.users import add_user

ROOT = Path(__file__).resolve().parent.parent
QN = Locality("Thành phố Quảng Ngãi", "district", "Quảng Ngãi", "test", "QNG")
BT = Locality("Huyện Ba Tơ", "district", "Quảng Ngãi", "test", "BTO")


def plan(key: str, loc: Locality, values=(7.0, 95.0), year: int = 2021) -> ExtractedPlan:
    targets = [PlanTarget("economic_growth", "ge", values[0], unit="%", text=f"Tăng trưởng {values[0]}%"),
               PlanTarget("health_insurance_coverage", "ge", values[1], unit="%", text=f"BHYT {values[1]}%")]
    return ExtractedPlan(key, f"{key}.txt", f"sha-{key}-{values}", "văn bản", loc, year, "Kế hoạch", targets)


def targets(con, loc: Locality, year: int = 2021) -> list[float]:
    return list(P.targets_for(con, loc.scheme, loc.code, year)["value"])


@pytest.fixture
def con(new_db, monkeypatch):
    monkeypatch.setattr(auth, "BCRYPT_ROUNDS", 4)
    path = new_db("id")
    c = open_db(path)
    P.sync_catalogue(c, default_catalogue())
    yield c
    close_db(path)


def test_a_plan_named_like_another_localitys_plan_does_not_replace_it(con):
    P.save_plan(con, plan("000_df2d31d57fad400c", QN), actor="admin")
    result = P.save_plan(con, plan("000_df2d31d57fad400c", BT, (9.0, 90.0)), actor="batho")
    assert result.status == "created"
    assert targets(con, QN) == [7.0, 95.0]                    # Quảng Ngãi's plan and targets are intact
    assert targets(con, BT) == [9.0, 90.0]
    assert result.plan_key != "000_df2d31d57fad400c"           # a label, made unique; never the identity
    assert len(P.list_plans(con)) == 2


def test_two_people_saving_ke_hoach_2021_keep_both_plans(con):
    a = P.save_plan(con, plan("Ke hoach 2021", QN), actor="lan")
    b = P.save_plan(con, plan("Ke hoach 2021", BT, (9.0, 90.0)), actor="hoa")
    assert a.plan_id != b.plan_id and targets(con, QN) == [7.0, 95.0] and targets(con, BT) == [9.0, 90.0]


def test_second_plan_for_a_locality_and_year_asks_then_replaces_and_can_be_restored(con):
    first = P.save_plan(con, plan("qn-a", QN), actor="lan")
    with pytest.raises(P.PlanExists) as e:
        P.save_plan(con, plan("qn-b", QN, (8.0, 96.0)), actor="hoa")
    assert e.value.code == "plan-exists" and e.value.existing.plan_id == first.plan_id
    assert e.value.existing.targets == 2 and "Thành phố Quảng Ngãi" in e.value.vi and "thay thế" in e.value.vi
    assert targets(con, QN) == [7.0, 95.0]                     # nothing changed without confirmation
    replaced = P.save_plan(con, plan("qn-b", QN, (8.0, 96.0)), actor="hoa", replace=True)
    assert replaced.status == "replaced" and replaced.version_id is not None
    assert targets(con, QN) == [8.0, 96.0] and len(P.list_plans(con)) == 1
    history = P.plan_versions(con, "test", "QNG", 2021)
    assert list(history["reason"]) == ["replace"] and list(history["n_targets"]) == [2]
    assert [t["value"] for t in P.version_targets(con, replaced.version_id)] == [7.0, 95.0]
    log = recent(con, action="plan.replace")
    assert len(log) == 1 and str(replaced.version_id) in log["before_json"][0] and log["actor"][0] == "hoa"
    restored = P.restore_plan(con, replaced.version_id, actor="lan")   # undo
    assert targets(con, QN) == [7.0, 95.0]
    assert recent(con, action="plan.restore")["actor"][0] == "lan"
    P.restore_plan(con, restored.version_id, actor="hoa")              # and the undo can be undone
    assert targets(con, QN) == [8.0, 96.0]


def test_saving_the_same_plan_again_changes_nothing(con):
    P.save_plan(con, plan("qn", QN), actor="lan")
    n_audit = len(recent(con))
    again = P.save_plan(con, plan("qn-copy", QN), actor="hoa")           # same targets, other file name
    assert again.status == "unchanged" and len(recent(con)) == n_audit
    assert P.plan_versions(con).empty


def test_replacing_needs_rights_over_the_locality(con):
    from chitieu.auth import hash_password, load_user
    add_user(con, "batho", "analyst", hash_password("mat-khau-ba-to"), localities=[("test", "BTO")])
    add_user(con, "quantri", "admin", hash_password("mat-khau-quan-tri"))
    P.save_plan(con, plan("000_qn", QN), actor="quantri")
    batho, admin = load_user(con, "batho"), load_user(con, "quantri")
    for replace in (False, True):
        with pytest.raises(UserError) as e:
            P.save_plan(con, plan("000_qn", QN, (1.0, 1.0)), actor="batho", user=batho, replace=replace)
        assert e.value.code == "forbidden"
    assert targets(con, QN) == [7.0, 95.0]
    P.save_plan(con, plan("000_qn", BT, (9.0, 90.0)), actor="batho", user=batho)      # own locality: fine
    version = P.save_plan(con, plan("qn2", QN, (8.0, 96.0)), actor="quantri", user=admin, replace=True).version_id
    with pytest.raises(UserError) as e:
        P.restore_plan(con, version, actor="batho", user=batho)                         # restore needs rights too
    assert e.value.code == "forbidden" and targets(con, QN) == [8.0, 96.0]


def test_deleted_plan_is_kept_in_history_and_restorable(con):
    P.save_plan(con, plan("qn", QN), actor="lan")
    assert P.delete_plan(con, "qn", actor="lan")
    assert targets(con, QN) == []
    version = int(P.plan_versions(con)["version_id"][0])
    P.restore_plan(con, version, actor="lan")
    assert targets(con, QN) == [7.0, 95.0]


@pytest.mark.duckdb_only("the .bak-vN copy of the file made before a schema change")
def test_an_old_database_is_migrated_after_a_backup(tmp_path):
    path = tmp_path / "old.duckdb"
    con = open_db(path)
    P.sync_catalogue(con, default_catalogue())
    P.save_plan(con, plan("qn", QN), actor="lan")
    cur = con.cursor()                                     # make it look like a version-1 file
    cur.execute("DROP TABLE plan_versions")
    cur.execute("ALTER TABLE audit_log DROP COLUMN via")
    cur.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    close_db(path)
    con = open_db(path)
    try:
        from chitieu.store.schema import SCHEMA_VERSION
        assert query_df(con, "SELECT value FROM meta WHERE key = 'schema_version'")["value"][0] == str(SCHEMA_VERSION)
        assert (tmp_path / "old.duckdb.bak-v1").exists()
        assert targets(con, QN) == [7.0, 95.0]
        assert P.save_plan(con, plan("qn2", QN, (8.0, 96.0)), actor="hoa", replace=True).status == "replaced"
    finally:
        close_db(path)


def test_build_keeps_a_plan_saved_in_the_app_and_a_same_named_file_of_another_locality(tmp_path, new_db):
    from loaders.build import build_database
    from loaders.plans.extract import extract_document
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.duckdb*"))
    db = new_db("b")
    build_database(db, data_dir=data)
    con = open_db(db)
    seeds = P.list_plans(con)
    first = seeds.sort_values("plan_key").iloc[0]
    # An analyst confirms their own, corrected plan for the first seed plan's locality and year.
    own = extract_document((data / "plans" / f"{first.plan_key}.txt").read_bytes(), "Ke hoach cua toi.txt")
    own.targets = own.targets[:3]
    P.save_plan(con, own, actor="lan", replace=True)
    close_db(db)
    again = build_database(db, data_dir=data)
    assert again.plans_loaded == [] and not again.plans_failed
    con = open_db(db)
    try:
        kept = P.targets_for(con, first.locality_scheme, first.locality_code, int(first.year))
        assert len(kept) == 3                               # the analyst's plan survived the rebuild
    finally:
        close_db(db)


def test_admin_restores_a_replaced_plan_from_the_audit_page(new_db, monkeypatch):
    from streamlit.testing.v1 import AppTest
    from tests.conftest import make_demo_db
    db = make_demo_db(new_db("audit"))
    con = open_db(db)
    original = targets(con, BT, 2022)
    P.save_plan(con, plan("ba-to-moi", BT, (1.0, 2.0), year=2022), actor="admin", replace=True)
    assert targets(con, BT, 2022) == [1.0, 2.0]
    monkeypatch.setenv("CHITIEU_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.session_state["chitieu_user"] = "admin"
    at.run()
    at.switch_page("views/audit.py").run()
    assert not at.exception, [e.value for e in at.exception]
    first = at.selectbox(key="plan_version").options[0]
    assert "Huyện Ba Tơ" in first and "năm 2022" in first and "8 chỉ tiêu" in first and "bị thay thế" in first
    assert at.button(key="plan_restore").disabled                        # a confirmation first
    at.checkbox(key="plan_restore_sure").check().run()
    at.button(key="plan_restore").click().run()
    assert not at.exception and at.success
    assert targets(con, BT, 2022) == original
    assert recent(con, action="plan.restore")["actor"][0] == "admin"


def test_two_people_save_ke_hoach_2021_txt_through_the_page_and_both_plans_stay(new_db, monkeypatch):
    """The page path of the same collision: two different plans uploaded under one file name."""
    from tests.conftest import make_demo_db
    from tests.test_plan_review import TAM_PHUOC, TAN_HOA, page, widget
    db = make_demo_db(new_db("page"))

    def save(source: Path, locality: str):
        at = page(db, monkeypatch)
        at.file_uploader(key="plan_file").upload("Ke hoach 2021.txt", source.read_bytes(), "text/plain").run()
        widget(at, "selectbox", "plan_loc_").set_value(locality).run()
        at.button(key="save_plan").click().run()
        assert not at.exception and at.success, [e.value for e in (*at.exception, *at.error, *at.warning)]

    save(TAM_PHUOC, "gso_pre2025:28831")
    con = open_db(db)
    first = P.targets_for(con, "gso_pre2025", "28831", 2024)
    save(TAN_HOA, "gso_2025:04792")
    assert P.targets_for(con, "gso_pre2025", "28831", 2024).equals(first)        # untouched
    assert not P.targets_for(con, "gso_2025", "04792", extract_year(TAN_HOA)).empty
    keys = set(P.list_plans(con)["plan_key"])
    assert "Ke hoach 2021" in keys and len([k for k in keys if k.startswith("Ke hoach 2021")]) == 2


def extract_year(path: Path) -> int:
    from loaders.plans.extract import extract_document
    return int(extract_document(path.read_bytes(), path.name).year)
