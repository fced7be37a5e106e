"""The reporting cycle (issue 13): calendar defaults and overrides, who has not reported (also on a
province of the national synthetic set), submit / return / approve / lock / unlock with rights,
through the store, the upload path, the command line and the page (AppTest)."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from chitieu import auth, cycle
from chitieu.errors import UserError
from chitieu.store import close_db, cycle as cycle_store, open_db, query_df
from chitieu.store.audit import recent
from chitieu.store.users import add_user
from loaders.actuals.excel_template import template_bytes
from loaders.actuals.upload import confirm, dry_run, undo
from tests.actuals_helpers import fresh_db, snapshot
from tests.conftest import DEMO_PASSWORD, fill_template as fill_demo, make_demo_db, new_database
from tests.make_fixtures import QN, TK, fill_template

ROOT = Path(__file__).resolve().parent.parent
H1_GROWTH = {("economic_growth", ""): {"period": "6 tháng", "value": "7,5", "standing": "Ước tính"}}


@pytest.fixture(autouse=True)
def quick_hash(monkeypatch):
    monkeypatch.setattr(auth, "BCRYPT_ROUNDS", 4)


# ---------------------------------------------------------------- pure rules

def test_default_calendar_follows_the_decree_cutoff_and_due_on_the_20th():
    assert cycle.default_deadline(2025, "6 tháng") == cycle.Deadline(2025, "H1", date(2025, 6, 14), date(2025, 6, 20))
    assert cycle.default_deadline(2025, "Quý I").cutoff == date(2025, 3, 14)
    assert cycle.default_deadline(2025, "cả năm").due == date(2025, 12, 20)
    assert cycle.default_deadline(2025, "10 tháng").cutoff == date(2025, 10, 14)   # a monthly "N tháng"
    d = cycle.deadline(2025, "H1", {(2025, "H1"): (date(2025, 6, 10), date(2025, 6, 18))})
    assert (d.cutoff, d.due, d.source) == (date(2025, 6, 10), date(2025, 6, 18), "admin")


def test_days_and_states_in_words():
    assert [cycle.due_text(n) for n in (3, 0, -5)] == ["còn 3 ngày", "đến hạn hôm nay", "quá hạn 5 ngày"]
    assert cycle.next_state(None, "submit") == "submitted"
    assert cycle.next_state("returned", "submit") == "submitted"
    assert cycle.next_state("submitted", "approve") == "approved"
    with pytest.raises(UserError, match="Không thể duyệt khi số liệu đang ở trạng thái “Chưa gửi”"):
        cycle.next_state(None, "approve")
    with pytest.raises(UserError, match="mở khoá"):
        cycle.next_state("submitted", "unlock")
    with pytest.raises(UserError, match="Hạn nộp"):
        cycle.check_dates(date(2025, 6, 20), date(2025, 6, 1))


# ---------------------------------------------------------------- store + upload path

def test_full_cycle_locks_uploads_and_undo_until_unlocked():
    con = fresh_db()
    data = template_bytes(con, ["Thành phố Quảng Ngãi"], 2022, with_children=True)
    filled = fill_template(data, H1_GROWTH)
    preview = dry_run(con, filled, "qn.xlsx", "lan")
    assert preview.ok, preview.report()
    uid = confirm(con, preview, "lan")
    before_missing = cycle_store.missing(con, 2022, "H1", date(2022, 6, 25)).set_index("locality_code")
    assert before_missing.at["522", "days"] == -5                     # 20/6 due, 25/6 today: 5 days late
    assert before_missing.at["522", "missing"] == before_missing.at["522", "targets"] - 1

    assert cycle_store.act(con, None, "submit", *QN, 2022, "H1") == "submitted"
    with pytest.raises(UserError, match="lý do"):
        cycle_store.act(con, None, "return", *QN, 2022, "H1", "")
    assert cycle_store.act(con, None, "return", *QN, 2022, "H1", "Thiếu số thu ngân sách") == "returned"
    assert cycle_store.state_of(con, *QN, 2022, "H1")["comment"] == "Thiếu số thu ngân sách"
    assert cycle_store.act(con, None, "submit", *QN, 2022, "H1") == "submitted"
    assert cycle_store.act(con, None, "approve", *QN, 2022, "H1") == "approved"

    before = snapshot(con)
    again = dry_run(con, filled, "qn.xlsx", "lan")
    assert not again.ok and "đã được lãnh đạo duyệt và khoá" in again.report()
    with pytest.raises(UserError) as refused:
        confirm(con, preview, "lan")                                  # a preview made before the lock
    assert refused.value.code == "period-locked" and "Thành phố Quảng Ngãi" in refused.value.vi
    with pytest.raises(UserError, match="mở khoá"):
        undo(con, uid, "lan")
    assert snapshot(con) == before                                    # nothing changed
    other = fill_template(data, {("economic_growth", ""): {"period": "9 tháng", "value": "8", "standing": "Ước tính"}})
    assert dry_run(con, other, "qn9.xlsx", "lan").ok                  # another period stays open

    assert cycle_store.act(con, None, "unlock", *QN, 2022, "H1", "Cục Thống kê sửa số liệu") == "unlocked"
    assert undo(con, uid, "lan")["removed"] == 1
    steps = recent(con, action=None)
    assert [a for a in steps["action"] if a.startswith("cycle.")][::-1] == [
        "cycle.submit", "cycle.return", "cycle.submit", "cycle.approve", "cycle.unlock"]


def test_admin_sets_the_calendar_and_others_cannot():
    con = fresh_db()
    add_user(con, "admin", "admin", auth.hash_password(DEMO_PASSWORD), actor="test")
    add_user(con, "lan", "analyst", auth.hash_password(DEMO_PASSWORD), localities=[QN], actor="test")
    admin, lan = auth.load_user(con, "admin"), auth.load_user(con, "lan")
    with pytest.raises(UserError, match="không có quyền"):
        cycle_store.set_deadline(con, lan, 2022, "H1", date(2022, 6, 10), date(2022, 6, 18))
    d = cycle_store.set_deadline(con, admin, 2022, "8 tháng", date(2022, 8, 10), date(2022, 8, 15))
    assert [x.period for x in cycle_store.calendar(con, 2022)] == ["Q1", "H1", "8M", "9M", "FY"]
    assert (d.due, d.source) == (date(2022, 8, 15), "admin")
    assert recent(con, action="cycle.deadline").iloc[0].actor == "admin"


def test_rights_viewer_analyst_and_other_province_leader_cannot_approve():
    con = fresh_db()
    for name, role, locs in [("lan", "analyst", [QN]), ("xem", "viewer", []), ("ld_qn", "leader", [QN]),
                             ("ld_xa", "leader", [TK]), ("ld_khac", "leader", [("gso_pre2025", "01")])]:
        add_user(con, name, role, auth.hash_password(DEMO_PASSWORD), localities=locs, actor="test")
    u = {n: auth.load_user(con, n) for n in ("lan", "xem", "ld_qn", "ld_xa", "ld_khac")}
    with pytest.raises(UserError, match="không có quyền"):
        cycle_store.act(con, u["xem"], "submit", *TK, 2022, "H1")
    assert cycle_store.act(con, u["lan"], "submit", *TK, 2022, "H1") == "submitted"   # the commune under lan's city
    for who in ("lan", "xem", "ld_khac"):
        with pytest.raises(UserError, match="không có quyền"):
            cycle_store.act(con, u[who], "approve", *TK, 2022, "H1")
    with pytest.raises(UserError, match="không có quyền"):
        cycle_store.act(con, u["ld_xa"], "approve", *QN, 2022, "H1")                  # the level above: no
    assert cycle_store.act(con, u["ld_qn"], "approve", *TK, 2022, "H1") == "approved"  # the level above: yes
    with pytest.raises(UserError, match="không có quyền"):
        cycle_store.act(con, u["lan"], "unlock", *TK, 2022, "H1", "muốn sửa")
    assert cycle_store.state_of(con, *TK, 2022, "H1")["state"] == "approved"


# ---------------------------------------------------------------- who has not reported, national set

@pytest.fixture(scope="module")
def province_db(tmp_path_factory):
    from chitieu.catalogue import default_catalogue
    from chitieu.store import synth as synth_store
    from chitieu.store.plans import sync_catalogue
    from chitieu.store.units import load_units
    from loaders import synth
    db = new_database(tmp_path_factory.mktemp("cycle_national"), "province")
    con = open_db(db)
    load_units(con)
    sync_catalogue(con, default_catalogue())
    data = synth.generate("province", range(2026, 2027), 12, 11, "51")   # as `synth --scale national`, one province
    synth_store.write_synthetic(con, data.localities, data.plans, data.targets, data.actuals)
    # three communes have not reported their half-year figures at all, one has reported half of them
    locs = query_df(con, "SELECT DISTINCT locality_scheme, locality_code FROM plans WHERE level = 'commune' "
                    "ORDER BY 2 LIMIT 4")
    cur = con.cursor()
    for s, c in list(locs.itertuples(index=False))[:3]:
        cur.execute("DELETE FROM actuals WHERE locality_scheme = ? AND locality_code = ? AND period = 'H1'", [s, c])
    s, c = locs.iloc[3]
    cur.execute("DELETE FROM actuals WHERE locality_scheme = ? AND locality_code = ? AND period = 'H1' "
                "AND indicator IN (SELECT indicator FROM actuals WHERE locality_code = ? AND period = 'H1' "
                "ORDER BY indicator LIMIT 2)", [s, c, c])
    close_db(db)
    return db, [tuple(r) for r in locs.itertuples(index=False)]


def test_missing_reports_of_a_province_over_its_communes(province_db):
    db, gone = province_db
    con = open_db(db)
    province = query_df(con, "SELECT min(province) AS p FROM plans")["p"][0]
    frame = cycle_store.missing(con, 2026, "H1", date(2026, 6, 17), province=province)
    assert len(frame) > 50                                            # every locality of the province is listed
    behind = frame[frame["missing"] > 0]
    assert set(zip(behind["locality_scheme"], behind["locality_code"])) == set(gone)
    assert list(behind["missing"])[:3] == list(behind["targets"])[:3]  # the silent ones first, all targets missing
    assert behind["missing"].iloc[3] == 2
    assert set(frame["days"]) == {3}                                  # 17/6, due 20/6: three days left


def test_cli_cycle_rights_and_missing_list(province_db, new_db):
    db = new_db("cli")
    make_demo_db(db)
    con = open_db(db)
    add_user(con, "ld_qn", "leader", auth.hash_password(DEMO_PASSWORD), localities=[("test", "QNG")], actor="t")
    add_user(con, "ld_kg", "leader", auth.hash_password(DEMO_PASSWORD), localities=[("test", "PQC")], actor="t")
    close_db(db)
    env = {**os.environ, "CHITIEU_PASSWORD": DEMO_PASSWORD, "CHITIEU_DB": str(db)}

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "loaders", "cycle", *args, "--year", "2022", "--period", "FY"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert cli("approve", "--locality", "test:QNG", "--user", "ld_qn").returncode == 2      # not submitted yet
    done = cli("submit", "--locality", "test:QNG", "--user", "admin")
    assert done.returncode == 0, done.stderr
    for who in ("viewer", "ba_to", "ld_kg"):                                               # viewer, analyst, other province
        refused = cli("approve", "--locality", "test:QNG", "--user", who)
        assert refused.returncode == 2 and "không có quyền" in refused.stderr, refused.stderr
    ok = cli("approve", "--locality", "test:QNG", "--user", "ld_qn")
    assert ok.returncode == 0 and "Đã duyệt" in ok.stdout, ok.stderr
    missing = cli("missing")
    assert missing.returncode == 0 and "Thành phố Quảng Ngãi" in missing.stdout and "Đã duyệt (khoá)" in missing.stdout
    con = open_db(db)
    audit = recent(con)
    assert list(audit[audit["action"].str.startswith("cycle.")]["actor"])[::-1] == ["admin", "ld_qn"]
    assert audit[audit["action"] == "cycle.approve"]["via"].iloc[0].startswith("cli:")
    close_db(db)


# ---------------------------------------------------------------- the page (AppTest)

def _page(db, monkeypatch, user: str | None) -> AppTest:
    monkeypatch.setenv("CHITIEU_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    if user:
        at.session_state["chitieu_user"] = user
    at.query_params.update({"year": "2022", "period": "FY"})
    at.run()
    at.switch_page("views/cycle.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _pick(at: AppTest, code: str) -> AppTest:
    at.selectbox(key=next(s.key for s in at.selectbox if s.label == "Địa phương")).set_value(code).run()
    return at


def _buttons(at: AppTest) -> set[str]:
    return {b.label for b in at.button}


def _text(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in (*at.markdown, *at.caption, *at.success, *at.error, *at.info))


def test_page_full_cycle_with_upload_refused_while_locked(new_db, monkeypatch):
    db = make_demo_db(new_db("page"))
    con = open_db(db)
    add_user(con, "ld_qn", "leader", auth.hash_password(DEMO_PASSWORD), localities=[("test", "BTO")], actor="t")
    add_user(con, "ld_kg", "leader", auth.hash_password(DEMO_PASSWORD), localities=[("test", "PQC")], actor="t")
    close_db(db)

    at = _page(db, monkeypatch, None)
    assert "Cả năm 2022: chốt số liệu ngày 14/12/2022, hạn nộp ngày 20/12/2022" in _text(at)
    assert "Huyện Ba Tơ" in str(at.dataframe[1].value.values.tolist())   # the missing-reports list
    assert not {"Gửi duyệt", "Duyệt và khoá"} & _buttons(at)            # an anonymous visitor reads only

    at = _pick(_page(db, monkeypatch, "ba_to"), "test:BTO")
    assert "Gửi duyệt" in _buttons(at) and "Duyệt và khoá" not in _buttons(at)
    at.button(key="cycle_submit").click().run()
    assert "Đã gửi, chờ duyệt" in _text(at)

    at = _pick(_page(db, monkeypatch, "ld_kg"), "test:BTO")             # a leader of another province
    assert not {"Duyệt và khoá", "Trả lại", "Mở khoá"} & _buttons(at)

    at = _pick(_page(db, monkeypatch, "ld_qn"), "test:BTO")
    at.text_input(key="cycle_comment").input("Thiếu số tăng trưởng").run()
    at.button(key="cycle_return").click().run()
    assert "Bị trả lại — “Thiếu số tăng trưởng” (ld_qn)" in _text(at)

    at = _pick(_page(db, monkeypatch, "ba_to"), "test:BTO")             # the analyst corrects and resubmits
    data = fill_demo(template_bytes(open_db(db), ["test:BTO"], 2022), {"economic_growth": 9.0})
    assert confirm(open_db(db), dry_run(open_db(db), data, "bto.xlsx", "ba_to"), "ba_to")
    at.button(key="cycle_submit").click().run()

    at = _pick(_page(db, monkeypatch, "ld_qn"), "test:BTO")
    at.button(key="cycle_approve").click().run()
    assert "Đã duyệt (khoá)" in _text(at)

    before = snapshot(open_db(db))                                       # an upload to the locked period: refused
    at = _page(db, monkeypatch, "ba_to")
    at.switch_page("views/actuals.py").run()
    at.file_uploader(key="actuals_file").upload("bto2.xlsx", fill_demo(
        template_bytes(open_db(db), ["test:BTO"], 2022), {"economic_growth": 9.5}),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").run()
    assert any("đã được lãnh đạo duyệt và khoá" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "confirm_upload"]
    bto = int(query_df(open_db(db), "SELECT max(upload_id) AS u FROM uploads WHERE file_name = 'bto.xlsx'")["u"][0])
    at.selectbox(key=next(s.key for s in at.selectbox if s.key and "undo_id" in s.key)).set_value(bto).run()
    at.button(key="undo_btn").click().run()
    at.button(key="undo_yes").click().run()                             # undo of the locked period: refused too
    assert any("đã được lãnh đạo duyệt và khoá" in e.value for e in at.error)
    assert snapshot(open_db(db)) == before

    at = _pick(_page(db, monkeypatch, "ld_qn"), "test:BTO")
    at.button(key="cycle_unlock").click().run()
    assert any("lý do" in e.value for e in at.error)                     # a reason is required
    at.text_input(key="cycle_comment").input("Cập nhật số chính thức").run()
    at.button(key="cycle_unlock").click().run()
    assert "Đã mở khoá" in _text(at)
    audit = recent(open_db(db))
    steps = audit[audit["action"].str.startswith("cycle.")]
    assert list(zip(steps["actor"], steps["action"]))[::-1] == [
        ("ba_to", "cycle.submit"), ("ld_qn", "cycle.return"), ("ba_to", "cycle.submit"),
        ("ld_qn", "cycle.approve"), ("ld_qn", "cycle.unlock")]
    close_db(db)


def test_page_admin_sets_a_deadline(new_db, monkeypatch):
    db = make_demo_db(new_db("admin"))
    at = _page(db, monkeypatch, "admin")
    at.selectbox(key="dl_period").set_value("FY").run()
    assert at.date_input(key="dl_due_FY").value == date(2022, 12, 20)  # the chosen period's current date
    due = date(2022, 12, 28)
    at.date_input(key="dl_cutoff_FY").set_value(due - timedelta(days=10))
    at.date_input(key="dl_due_FY").set_value(due)
    next(b for b in at.button if b.label == "Lưu lịch").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "hạn nộp ngày 28/12/2022" in _text(at) and "do quản trị viên đặt" in _text(at)
    for who in ("viewer", "ba_to"):
        assert "Lưu lịch" not in _buttons(_page(db, monkeypatch, who))


# ---------------------------------------------------------------- explanation requests

def _locality(db, monkeypatch, user: str | None) -> AppTest:
    monkeypatch.setenv("CHITIEU_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    if user:
        at.session_state["chitieu_user"] = user
    at.query_params.update({"year": "2022", "loc": "test:BTO"})
    at.run()
    at.switch_page("views/locality.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_explanation_request_sent_seen_at_login_answered_and_closed(new_db, monkeypatch):
    db = make_demo_db(new_db("explain"))
    con = open_db(db)
    add_user(con, "ld_bto", "leader", auth.hash_password(DEMO_PASSWORD), localities=[("test", "BTO")], actor="t")
    add_user(con, "ld_kg", "leader", auth.hash_password(DEMO_PASSWORD), localities=[("test", "PQC")], actor="t")
    tid = int(query_df(con, "SELECT t.target_id FROM targets t JOIN plans p USING (plan_id) WHERE p.year = 2022 "
                       "AND p.locality_code = 'BTO' AND t.indicator = 'economic_growth'")["target_id"][0])
    close_db(db)
    assert not [f for f in _locality(db, monkeypatch, "ld_kg").text_area if f.key == f"ask_msg_{tid}"]  # other province
    assert not [f for f in _locality(db, monkeypatch, "ba_to").text_area if f.key == f"ask_msg_{tid}"]  # an analyst

    at = _locality(db, monkeypatch, "ld_bto")
    at.text_area(key=f"ask_msg_{tid}").input("Vì sao tăng trưởng chỉ đạt 6 %?")
    next(b for b in at.button if b.label == "Gửi yêu cầu giải trình" and str(tid) in str(b.form_id)).click().run()
    assert any("Đã gửi yêu cầu giải trình" in s.value for s in at.success)

    home = _page(db, monkeypatch, "ba_to")                              # the analyst logs in: the request is waiting
    home.switch_page("views/overview.py").run()
    assert any("1 yêu cầu giải trình đang chờ trả lời" in w.value and "Huyện Ba Tơ" in w.value for w in home.warning)

    at = _locality(db, monkeypatch, "ba_to")
    rid = int(query_df(open_db(db), "SELECT max(request_id) AS r FROM explain_requests")["r"][0])
    at.text_area(key=f"ans_{tid}_{rid}").input("Hạn hán làm giảm sản lượng nông nghiệp.")
    at.button(key=f"ans_btn_{tid}_{rid}").click().run()
    at = _locality(db, monkeypatch, None)                                # anyone reading sees question and answer
    shown = "\n".join(m.value for m in at.markdown)
    assert "“Vì sao tăng trưởng chỉ đạt 6 %?”" in shown and "Giải trình** (ba_to): “Hạn hán" in shown

    at = _locality(db, monkeypatch, "ld_bto")
    at.button(key=f"close_btn_{tid}_{rid}").click().run()
    assert "(đã đóng" in "\n".join(m.value for m in _locality(db, monkeypatch, None).markdown)
    listed = _page(db, monkeypatch, None).dataframe[-1].value            # the list on the cycle page
    assert listed.iloc[0].tolist()[1:5] == ["Huyện Ba Tơ", "Tốc độ tăng trưởng kinh tế (giá trị tăng thêm)",
                                            "Vì sao tăng trưởng chỉ đạt 6 %?", "đã đóng"]
    audit = recent(open_db(db))
    assert list(audit[audit["action"].str.startswith("explain.")]["action"])[::-1] == [
        "explain.request", "explain.answer", "explain.close"]
    close_db(db)


def test_leader_overview_counts_own_units_not_reported(new_db, monkeypatch):
    db = make_demo_db(new_db("leader"))
    con = open_db(db)
    add_user(con, "ld_bto", "leader", auth.hash_password(DEMO_PASSWORD), localities=[("test", "BTO")], actor="t")
    close_db(db)
    at = _page(db, monkeypatch, "ld_bto")
    at.switch_page("views/overview.py").run()
    assert any("1 trên 1 địa phương bạn phụ trách chưa có đủ số liệu Cả năm" in i.value for i in at.info)


# ---------------------------------------------------------------- cascade check

def _pairs(rows):
    import pandas as pd
    cols = ["parent_scheme", "parent_code", "parent_name", "province", "indicator", "scope", "comparator",
            "parent_value", "parent_unit", "unit_code", "unit_comparator", "unit_value", "unit_unit", "units_planned",
            "kind", "direction", "indicator_name"]
    return pd.DataFrame(rows, columns=cols)


def test_cascade_sums_counts_and_compares_rates():
    from chitieu.cascade import check
    p = ("x", "1", "Huyện A", "T", )
    jobs = [(*p, "jobs_created", "", "ge", 1000.0, "lao động", c, "ge", v, "lao động", 3, "flow", "higher_is_better",
             "Số lao động có việc làm mới") for c, v in (("a", 300.0), ("b", 400.0), ("c", 200.0))]
    poverty = [(*p, "poverty_rate", "", "le", 2.0, "%", c, "le", v, "%", 3, "level", "lower_is_better", "Tỷ lệ hộ nghèo")
               for c, v in (("a", 2.5), ("b", 3.0))]
    revenue = [(*p, "budget_revenue", "", "ge", 500.0, "tỷ đồng", "a", "ge", 550.0, "tỷ đồng", 3, "flow",
                "higher_is_better", "Thu ngân sách")]
    land = [(*p, "land_revenue", "", "ge", 500.0, "tỷ đồng", "a", "ge", 100.0, "tỷ đồng", 3, "flow",
             "higher_is_better", "Thu tiền sử dụng đất")]
    out = check(_pairs(jobs + poverty + revenue + land)).set_index("indicator")
    assert out.at["jobs_created", "verdict"] == "gap"                  # 900 < 1000 with every unit's target
    assert out.at["jobs_created", "message"] == ("Các đơn vị cộng lại 900 lao động, thấp hơn chỉ tiêu cấp trên "
                                                 "1.000 lao động (thiếu 100 lao động).")
    assert out.at["poverty_rate", "verdict"] == "gap"                  # the best unit (2,5 %) is above ≤ 2 %
    assert "thấp nhất của các đơn vị là 2,5 %" in out.at["poverty_rate", "message"]
    assert out.at["budget_revenue", "verdict"] == "consistent"         # one unit alone covers the target
    assert out.at["land_revenue", "verdict"] == "incomplete"           # 1 of 3 units set it


def test_cascade_on_a_province_of_the_national_set(province_db):
    from chitieu.cascade import check
    db, _ = province_db
    con = open_db(db)
    pairs = cycle_store.cascade_pairs(con, 2026)
    out = check(pairs)
    assert len(out) > 20 and set(out["verdict"]) <= {"consistent", "gap", "incomplete", "not_comparable"}
    row = out[out["rule"] == "sum"].iloc[0]                            # a sum is the units' targets added up
    mine = pairs[(pairs["parent_code"] == row["parent_code"]) & (pairs["indicator"] == row["indicator"])
                 & (pairs["scope"] == row["scope"])]
    assert row["units_total"] == pytest.approx(mine["unit_value"].sum())
    assert row["units_with"] == len(mine)


def test_cascade_on_the_seed_plans_and_the_page(bundled_db, monkeypatch):
    from chitieu.cascade import check
    con = open_db(bundled_db)
    years = sorted(set(query_df(con, "SELECT DISTINCT year FROM plans")["year"]))
    assert all(check(cycle_store.cascade_pairs(con, int(y))).empty for y in years)  # no unit plan of the same year
    monkeypatch.setenv("CHITIEU_DB", str(bundled_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params.update({"year": "2022"})
    at.run()
    at.switch_page("views/cycle.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Không có chỉ tiêu nào vừa ở kế hoạch cấp trên" in i.value for i in at.info)


def test_cycle_page_on_a_province_of_the_national_set(province_db, monkeypatch):
    db, gone = province_db
    monkeypatch.setenv("CHITIEU_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update({"year": "2026", "period": "H1"})
    at.run()
    at.switch_page("views/cycle.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"{len(gone)} trên " in c.value and "địa phương chưa có đủ số liệu" in c.value for c in at.caption)
    verdicts = set(at.dataframe[-1].value["Kết quả"])                   # the cascade table: the gaps only
    assert verdicts and verdicts <= {"Vênh", "Chưa đủ đơn vị"}
