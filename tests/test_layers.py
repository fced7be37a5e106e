"""Layering rules from STYLE.md that a reviewer would otherwise check by hand."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_core_and_loaders_never_import_streamlit():
    offenders = [str(p) for d in ("chitieu", "loaders") for p in (ROOT / d).rglob("*.py")
                 if "streamlit" in _imports(p)]
    assert offenders == []


def test_only_the_store_package_imports_duckdb():
    allowed = ROOT / "chitieu" / "store"
    offenders = [str(p) for d in ("chitieu", "loaders", "views", "ui") for p in (ROOT / d).rglob("*.py")
                 if "duckdb" in _imports(p) and allowed not in p.parents]
    offenders += [str(p) for p in [ROOT / "dashboard.py"] if p.exists() and "duckdb" in _imports(p)]
    assert offenders == []


def test_product_never_reads_the_shared_folder():
    for d in ("chitieu", "loaders", "views", "ui"):
        for p in (ROOT / d).rglob("*.py"):
            assert "../shared" not in p.read_text(encoding="utf-8"), p
