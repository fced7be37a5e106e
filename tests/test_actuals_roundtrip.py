"""Template -> fill -> dry run -> confirm -> values and statuses in DuckDB -> re-upload -> history -> undo."""
import pytest

from chitieu.store import close_db, open_db, query_df
from chitieu.store.actuals import history, list_uploads, undo_upload
from chitieu.store.audit import recent
from chitieu.store.reads import status_table
from loaders.actuals.upload import confirm, dry_run
from loaders.actuals.excel_template import template_bytes
from tests.actuals_helpers import fresh_db, snapshot
from tests.make_fixtures import QN, TK, fill_template

FIRST = {
    ("economic_growth", ""): {"period": "6 tháng", "value": "7,5", "standing": "Ước tính"},
    ("waste_collection_rate", "phường"): {"period": "Cả năm", "value": 0.975, "format": "0.0%", "standing": "Chính thức"},
    ("social_investment", ""): {"period": "9 tháng", "value": "4.100", "standing": "Ước tính"},
    ("new_poor_households", ""): {"period": "Cả năm", "value": 0, "standing": "Chính thức"},
    ("traffic_accidents", ""): {"period": "Cả năm", "value": "Đạt", "standing": "Chính thức"},
    ("health_insurance_coverage", ""): {"period": "Quý I", "value": "96,0 %", "standing": "Sơ bộ"},
}


def _statuses(con, key, period="FY"):
    df = status_table(con, 2022, period, locality=key)
    return {(r.indicator, r.scope): (r.actual, r.actual_period, r.status) for r in df.itertuples()}


def _round_trip(con):
    data = template_bytes(con, ["Thành phố Quảng Ngãi"], 2022, with_children=True)
    filled = fill_template(data, FIRST)

    before = snapshot(con)
    preview = dry_run(con, filled, "bao_cao_qn.xlsx", "lan")
    assert snapshot(con) == before                      # a dry run writes nothing
    assert preview.ok, preview.report()
    assert preview.counts()["new"] == 6 and preview.counts()["error"] == 0
    table = preview.table("en").set_index(["indicator", "scope"])
    assert table.loc[("waste_collection_rate", "phường"), "value"] == pytest.approx(97.5)   # 0.975 shown as 97,5 %
    assert table.loc[("social_investment", ""), "value"] == 4100
    assert table.loc[("economic_growth", ""), "change"] == "new"

    first_id = confirm(con, preview, "lan")
    up = list_uploads(con).set_index("upload_id").loc[first_id]
    assert (up.file_name, up.uploader, up.rows_accepted, up.rows_rejected) == ("bao_cao_qn.xlsx", "lan", 6, 0)
    assert len(up.sha256) == 64
    assert recent(con, action="actuals.upload").iloc[0].entity_key == str(first_id)

    qn = _statuses(con, QN)
    assert qn[("economic_growth", "")][1:] == ("H1", "at_risk")         # 7,5 % vs ≥ 10,5 %
    assert qn[("waste_collection_rate", "phường")][2] == "met"          # 97,5 vs ≥ 97
    assert qn[("waste_collection_rate", "xã")][2] == "no_data"
    assert qn[("new_poor_households", "")][2] == "met"                  # zero target
    assert qn[("traffic_accidents", "")][2] == "met"                    # qualitative Đạt
    assert qn[("social_investment", "")][1:] == ("9M", "at_risk")       # flow: 4.100 after 9 months vs 6.000
    assert _statuses(con, TK)[("health_insurance_coverage", "")] == (96.0, "Q1", "on_track")  # level, compared directly

    # Re-upload: the official half-year growth replaces the estimate (a revision), one value changes.
    second = fill_template(data, {
        ("economic_growth", ""): {"period": "6 tháng", "value": "10,9", "standing": "Chính thức"},
        ("social_investment", ""): {"period": "9 tháng", "value": "4.100", "standing": "Ước tính"},
    })
    p2 = dry_run(con, second, "bao_cao_qn_v2.xlsx", "lan")
    changes = {r.indicator: (r.change, r.previous_value) for r in p2.rows}
    assert changes == {"economic_growth": ("revision", 7.5), "social_investment": ("same", 4100.0)}
    second_id = confirm(con, p2, "lan")
    assert _statuses(con, QN)[("economic_growth", "")][::2] == (10.9, "on_track")

    h = history(con, *QN, "economic_growth", 2022)
    assert list(h.value) == [10.9, 7.5] and list(h.state) == ["current", "superseded"]
    assert h.iloc[1].revised_by_official

    # Undo the second upload: the first values come back, the second stays in history as undone.
    result = undo_upload(con, second_id, "lan")
    assert result == {"upload_id": second_id, "removed": 1, "restored": 1}
    assert _statuses(con, QN)[("economic_growth", "")][::2] == (7.5, "at_risk")
    h = history(con, *QN, "economic_growth", 2022)
    assert list(zip(h.value, h.state)) == [(10.9, "undone"), (7.5, "current")]
    assert recent(con, action="actuals.undo").iloc[0].actor == "lan"
    return first_id


def test_round_trip_on_fixture_plans():
    _round_trip(fresh_db())


def test_round_trip_on_the_built_database(new_db):
    build = pytest.importorskip("loaders.build")
    path = new_db("built")
    build.build_database(path)
    con = open_db(path)
    try:
        key = query_df(con, "SELECT locality_scheme, locality_code FROM plans WHERE locality_name = ? AND year = 2022",
                       ["Thành phố Quảng Ngãi"]).iloc[0]
        data = template_bytes(con, [f"{key.locality_scheme}:{key.locality_code}"], 2022)
        filled = fill_template(data, {("economic_growth", ""): {"period": "6 tháng", "value": "7,5",
                                                               "standing": "Ước tính"}})
        p = dry_run(con, filled, "qn.xlsx", None)
        assert p.ok, p.report()
        # The bundled illustrative H1 estimate (6,2 %) is superseded, not overwritten.
        assert (p.rows[0].change, p.rows[0].previous_value) == ("supersede", 6.2)
        uid = confirm(con, p, "test")
        df = status_table(con, 2022, "H1", locality=(key.locality_scheme, key.locality_code))
        row = df[df.indicator == "economic_growth"].iloc[0]
        assert (row.actual, row.status) == (7.5, "at_risk")
        undo_upload(con, uid, "test")
        df = status_table(con, 2022, "H1", locality=(key.locality_scheme, key.locality_code))
        row = df[df.indicator == "economic_growth"].iloc[0]
        assert (row.actual, row.status, row.illustrative) == (6.2, "at_risk", True)
    finally:
        close_db(path)


def test_undo_twice_is_refused_and_changes_nothing():
    con = fresh_db()
    data = fill_template(template_bytes(con, ["Xã Tịnh Khê"], 2022),
                         {("jobs_created", ""): {"period": "H1", "value": 120}})
    uid = confirm(con, dry_run(con, data, "tk.xlsx", "a"), "a")
    undo_upload(con, uid, "a")
    before = snapshot(con)
    from chitieu.errors import UserError
    with pytest.raises(UserError) as e:
        undo_upload(con, uid, "a")
    assert e.value.code == "already-undone"
    assert snapshot(con) == before


def test_confirm_refuses_a_stale_preview():
    con = fresh_db()
    t = template_bytes(con, ["Xã Tịnh Khê"], 2022)
    a = dry_run(con, fill_template(t, {("jobs_created", ""): {"period": "H1", "value": 120}}), "a.xlsx", "a")
    b = dry_run(con, fill_template(t, {("jobs_created", ""): {"period": "H1", "value": 130}}), "b.xlsx", "b")
    confirm(con, a, "a")
    before = snapshot(con)
    from chitieu.errors import UserError
    with pytest.raises(UserError) as e:
        confirm(con, b, "b")
    assert e.value.code == "stale-preview"
    assert snapshot(con) == before


def test_official_figure_after_estimate_is_a_revision_and_a_downgrade_warns():
    con = fresh_db()
    t = template_bytes(con, ["Xã Tịnh Khê"], 2022)
    confirm(con, dry_run(con, fill_template(t, {("jobs_created", ""): {"period": "FY", "value": 300,
                                                                        "standing": "chính thức"}}), "1.xlsx"), "a")
    p = dry_run(con, fill_template(t, {("jobs_created", ""): {"period": "FY", "value": 310, "standing": "ước tính"}}),
                "2.xlsx")
    assert p.rows[0].change == "supersede"
    assert p.codes("warning") == [(6, "standing", "standing-downgrade")]
    assert p.ok


def test_undo_checks_the_users_rights_over_every_locality_of_the_upload():
    from chitieu import auth
    from chitieu.errors import UserError
    from chitieu.store.users import add_user
    from loaders.actuals.upload import undo
    con = fresh_db()
    data = fill_template(template_bytes(con, ["Thành phố Quảng Ngãi"], 2022),
                         {("economic_growth", ""): {"period": "H1", "value": 7}})
    uid = confirm(con, dry_run(con, data, "qn.xlsx", None), "admin")
    add_user(con, "lan", "analyst", auth.hash_password("mat-khau-dai-12"), "Lan", [TK], actor="admin")
    add_user(con, "quantri", "admin", auth.hash_password("mat-khau-dai-12"), "QT", [], actor="admin")
    before = snapshot(con)
    with pytest.raises(UserError) as e:
        undo(con, uid, "lan")
    assert e.value.code == "forbidden" and "gso_pre2025:522" in e.value.vi
    assert snapshot(con) == before
    assert undo(con, uid, "quantri")["removed"] == 1
