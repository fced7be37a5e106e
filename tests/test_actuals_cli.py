"""`python -m loaders template | import-actuals | status`: files, reports, exit codes, CSV."""
import csv
import io
import subprocess
import sys

import pytest

from chitieu.store import close_db, open_db, query_df
from loaders import cli
from tests.make_fixtures import fill_template, not_excel, seed_db

@pytest.fixture
def db(new_db):
    path = new_db("cli")
    seed_db(open_db(path))
    close_db(path)
    yield path
    close_db(path)


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_template_import_status_round_trip(db, tmp_path, capsys):
    xlsx = tmp_path / "qn.xlsx"
    code, out, _ = run(capsys, "template", "--locality", "Thành phố Quảng Ngãi", "--locality", "Xã Tịnh Khê",
                       "--year", 2022, "-o", xlsx, "--db", db)
    assert code == 0 and xlsx.exists()
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(fill_template(xlsx.read_bytes(), {
        ("economic_growth", ""): {"period": "6 tháng", "value": "7,5", "standing": "Ước tính"},
        ("jobs_created", ""): {"period": "Cả năm", "value": "320", "standing": "Chính thức"}}))

    code, out, _ = run(capsys, "import-actuals", filled, "--dry-run", "--db", db)
    assert code == 0 and "2 mới/new" in out and "chưa lưu" in out
    assert query_df(open_db(db), "SELECT count(*) AS n FROM actuals").n[0] == 0

    code, out, _ = run(capsys, "import-actuals", filled, "--db", db, "--user", "lan")
    assert code == 0 and "upload 1" in out
    assert query_df(open_db(db), "SELECT uploader FROM uploads").uploader[0] == "lan"

    code, out, _ = run(capsys, "status", "--locality", "Thành phố Quảng Ngãi", "--year", 2022, "--period", "H1",
                       "--db", db)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and list(rows[0])[:11] == ["indicator", "scope", "comparator", "target", "target_high", "unit",
                                                 "period", "actual", "standing", "status", "percent"]
    eg = next(r for r in rows if r["indicator"] == "economic_growth")
    assert (eg["target"], eg["period"], eg["actual"], eg["standing"], eg["status"]) == (
        "10.5", "H1", "7.5", "estimate", "at_risk")
    assert len(rows) == 7
    code, out, _ = run(capsys, "status", "--locality", "Xã Tịnh Khê", "--year", 2022, "--db", db)
    jobs = next(r for r in csv.DictReader(io.StringIO(out)) if r["indicator"] == "jobs_created")
    assert (jobs["status"], jobs["percent"]) == ("exceeded", "106.7")


def test_import_rejected_file_exits_non_zero_with_a_readable_report(db, tmp_path, capsys):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(not_excel())
    code, out, err = run(capsys, "import-actuals", bad, "--db", db)
    assert code == 1 and "wrong-file-type" in out and "không phải" in out and "Không lưu gì" in err
    assert query_df(open_db(db), "SELECT count(*) AS n FROM uploads").n[0] == 0


def test_unknown_locality_and_period_give_bilingual_errors(db, tmp_path, capsys):
    code, _, err = run(capsys, "template", "--locality", "Xã Không Có", "--year", 2022, "-o", tmp_path / "x.xlsx",
                       "--db", db)
    assert code == 2 and "Lỗi:" in err and "Error:" in err
    code, _, err = run(capsys, "status", "--locality", "Xã Tịnh Khê", "--year", 2022, "--period", "Quý V",
                       "--db", db)
    assert code == 2 and "Kỳ báo cáo" in err


def test_python_dash_m_loaders_help_lists_the_commands():
    out = subprocess.run([sys.executable, "-m", "loaders", "--help"], capture_output=True, text=True)
    for command in ("template", "import-actuals", "status"):
        assert command in out.stdout
