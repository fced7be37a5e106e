"""Benchmark: plans extracted per second over generated plan variants (not a test).

Variants are made from the bundled plans (data/plans), the test plans in other shapes
(tests/plans) and, when it is present beside the project, the corpus of real plans
(../shared/corpus/plans; the script says whether it was found and works without it): figures
changed, target bullets shuffled and dropped, text switched to NFD (as Word copies arrive).
Prints plans/second on one core and the targets found.

    .venv/bin/python scripts/bench_extract.py [--n 1000]
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders.plans.extract import extract_text  # noqa: E402


CORPUS = ROOT.parent / "shared" / "corpus" / "plans"


def base_files() -> list[Path]:
    files = sorted((ROOT / "data" / "plans").glob("*.txt")) + sorted((ROOT / "tests" / "plans").glob("*.txt"))
    return files + (sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else [])


def variants(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    bases = [p.read_text(encoding="utf-8") for p in base_files()]
    out = []
    for i in range(n):
        text = bases[i % len(bases)]
        text = re.sub(r"\d+,\d+|\d{2,}", lambda m: str(rng.randint(1, 99)) + ("," + str(rng.randint(0, 9))
                                                                          if "," in m.group() else ""), text)
        lines = text.split("\n")
        bullets = [k for k, line in enumerate(lines) if line.lstrip().startswith(("-", "+"))]
        if bullets:
            chosen = [lines[k] for k in bullets if rng.random() > 0.15]
            rng.shuffle(chosen)
            for k, line in zip(bullets, chosen + [""] * (len(bullets) - len(chosen))):
                lines[k] = line
        text = "\n".join(lines)
        if i % 3 == 0:
            text = unicodedata.normalize("NFD", text)
        out.append(text)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    args = ap.parse_args()
    docs = variants(args.n)
    files = base_files()
    corpus = sum(1 for f in files if CORPUS in f.parents)
    print(f"mix: {len(files)} base plans ({corpus} from {CORPUS} " +
          ("included" if corpus else "not present: bundled and test plans only") + ")")
    extract_text(docs[0])  # warm caches (catalogue, matcher)
    start, cpu_start = time.perf_counter(), time.process_time()
    total = 0
    for k, d in enumerate(docs):
        total += len(extract_text(d, plan_key=f"v{k}").targets)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    # CPU seconds of this one process: what one core does, even when other work shares the machine
    print(f"plans: {len(docs)}  targets: {total}  seconds: {elapsed:.2f} wall, {cpu:.2f} cpu  "
          f"plans/second: {len(docs) / cpu:.0f} per cpu-second ({len(docs) / elapsed:.0f} wall-clock)  "
          f"(one process, one core)")


if __name__ == "__main__":
    main()
