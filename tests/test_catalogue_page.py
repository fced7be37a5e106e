"""The indicator catalogue on the Kế hoạch page speaks the user's language."""
from tests.test_pages import app


def catalogue_table(at):
    """The table whose rows are the catalogue's indicators (the page's last table)."""
    return at.dataframe[-1].value


def test_catalogue_headers_are_translated(bundled_db, monkeypatch):
    at = app(bundled_db, monkeypatch, "views/plans.py")
    catalogue = catalogue_table(at)
    assert list(catalogue.columns)[:2] == ["Mã", "Tên (tiếng Việt)"]
    assert "health_insurance_coverage" in set(catalogue["Mã"])
    at = app(bundled_db, monkeypatch, "views/plans.py", {"lang": "en"})
    assert list(catalogue_table(at).columns)[:2] == ["Code", "Name (Vietnamese)"]
