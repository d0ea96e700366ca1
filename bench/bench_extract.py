"""Throughput of the fact reader: sentences per second on the gold passages, repeated.

Run: .venv/bin/python bench/bench_extract.py [--repeat 40]
Target (issue 14): at least 1,000 sentences/s on one core.
"""

from __future__ import annotations

import sys
import time
import tomllib
from pathlib import Path

from chainatlas.extract import extract_facts, is_english
from chainatlas.extract.facts import sentences
from chainatlas.extract.gazetteer import reference_gazetteer

GOLD = Path(__file__).resolve().parent.parent / "tests" / "extract" / "gold" / "passages.toml"


def main() -> None:
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 40
    passages = tomllib.loads(GOLD.read_text(encoding="utf-8"))["passages"]
    t0 = time.perf_counter()
    gaz = reference_gazetteer()
    build = time.perf_counter() - t0
    docs = [(p["text"], p["date"] or None) for p in passages] * repeat
    n_sentences = sum(len(sentences(text, is_english(text))) for text, _ in docs)
    n_chars = sum(len(text) for text, _ in docs)
    extract_facts(docs[0][0], gaz, date=docs[0][1])  # warm the regex caches
    t0, c0 = time.perf_counter(), time.process_time()
    n_facts = sum(len(extract_facts(text, gaz, date=date)) for text, date in docs)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"gazetteer from the reference atlas: {build:.2f} s "
          f"({len(gaz.regions)} regions, {len(gaz.node_units)} nodes)")
    print(f"{len(docs)} documents, {n_sentences} sentences, {n_chars:,} characters, {n_facts} facts in {elapsed:.2f} s")
    print(f"throughput: {n_sentences / elapsed:,.0f} sentences/s wall clock, {n_sentences / cpu:,.0f} sentences/s "
          f"of CPU time ({cpu:.2f} s CPU; the two differ when other work shares the cores), "
          f"{n_chars / cpu / 1000:,.0f}k characters/s of CPU (target >= 1,000 sentences/s)")


if __name__ == "__main__":
    main()
