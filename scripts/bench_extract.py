"""Benchmark: plans extracted per second over generated plan variants (not a test).

Variants are made from the bundled plans: figures changed, target bullets shuffled and
dropped, text switched to NFD (as Word copies arrive), and every fifth one from the OCR
plan. Prints plans/second on one core and the targets found.

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


def variants(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    bases = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "plans").glob("*.txt"))]
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
    extract_text(docs[0])  # warm caches (catalogue, matcher)
    start = time.perf_counter()
    total = 0
    for k, d in enumerate(docs):
        total += len(extract_text(d, plan_key=f"v{k}").targets)
    elapsed = time.perf_counter() - start
    print(f"plans: {len(docs)}  targets: {total}  seconds: {elapsed:.2f}  "
          f"plans/second: {len(docs) / elapsed:.0f}  (one process, one core)")


if __name__ == "__main__":
    main()
