"""Plan reading on the real plans of ../shared/corpus (20 plans from 2015 to 2026, all three levels,
portal pages, resolutions, press articles, a table) and on the seeds, scored by the project's
own scorer (../shared/tools/score_targets.py) exactly as issue 9 measures it:

    .venv/bin/python -m loaders extract ../shared/corpus/plans/*.txt > pred.csv
    .venv/bin/python ../shared/tools/score_targets.py ../shared/corpus/gold.csv pred.csv

Only this test reads ../shared; the product never does. The thresholds are what the extractor
reaches today (December 2026), so a change that loses ground fails here.
"""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FOUND_F1 = 0.97          # issue 9 asks >= 0.92
STRICT_F1 = 0.80         # issue 9 asks >= 0.80
WORST_PLAN_FOUND = 0.90  # issue 9 asks no plan under 0.70

if not SHARED.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{SHARED} is missing: the corpus test cannot run")
    pytest.skip("../shared (the corpus) is not present on this machine", allow_module_level=True)


def _scorer():
    spec = importlib.util.spec_from_file_location("shared_score_targets", SHARED / "tools" / "score_targets.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _extract(paths, tmp_path: Path, name: str) -> Path:
    out = subprocess.run([sys.executable, "-m", "loaders", "extract", *map(str, paths)], cwd=ROOT,
                         capture_output=True, text=True, encoding="utf-8")
    assert out.returncode == 0, out.stderr[-2000:]
    pred = tmp_path / name
    pred.write_text(out.stdout, encoding="utf-8")
    return pred


def _report(gold: Path, pred: Path) -> dict:
    sc = _scorer()
    gold_rows, pred_rows = sc.read(gold), sc.read(pred)
    plans = sorted({g["plan"] for g in gold_rows})
    per = {p: sc.score([g for g in gold_rows if g["plan"] == p], [r for r in pred_rows if r["plan"] == p])
           for p in plans}
    found = sum(r["found"] for r in per.values())
    exact = sum(r["exact"] for r in per.values())
    n = len(gold_rows) + len([r for r in pred_rows if r["plan"] in plans])
    return {"plans": per, "found_f1": 2 * found / n, "strict_f1": 2 * exact / n}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("corpus")
    pred = _extract(sorted((SHARED / "corpus" / "plans").glob("*.txt")), tmp, "pred.csv")
    return _report(SHARED / "corpus" / "gold.csv", pred)


def test_corpus_targets_are_found(corpus):
    assert corpus["found_f1"] >= FOUND_F1, corpus["found_f1"]


def test_corpus_targets_are_read_right(corpus):
    assert corpus["strict_f1"] >= STRICT_F1, corpus["strict_f1"]


def test_no_corpus_plan_is_left_behind(corpus):
    low = {p: r["found_f1"] for p, r in corpus["plans"].items() if r["found_f1"] < WORST_PLAN_FOUND}
    assert not low, {p: (corpus["plans"][p]["missed"], corpus["plans"][p]["spurious"]) for p in low}


def test_seed_plans_stay_perfect(tmp_path):
    pred = _extract(sorted((SHARED / "seeds").glob("*.txt")), tmp_path, "seeds.csv")
    report = _report(SHARED / "gold" / "seed_targets.csv", pred)
    assert report["found_f1"] == 1.0
    assert report["strict_f1"] == 1.0, {p: r["wrong"] for p, r in report["plans"].items() if r["wrong"]}
