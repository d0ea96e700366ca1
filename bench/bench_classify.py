"""Registry classification benchmark: N generated registry rows classified onto chain nodes and counted.

Run: ``.venv/bin/python bench/bench_classify.py [--rows 1000000] [--chunk 200000] [--engine local]``.
Prints generation time (not counted), classification time, DuckDB count time and peak memory; the
10 M run (``--rows 10000000``) streams the file in chunks, so peak memory should not grow with N.
Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import csv
import resource
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

from chainatlas.analysis.classify import MIN_SCORE
from chainatlas.reference.loader import data_dir
from chainatlas.registry.context import build_context
from chainatlas.registry.pipeline import classify_file
from chainatlas.registry.synthetic import COLUMNS, county_records, registry_rows


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--chunk", type=int, default=200_000)
    ap.add_argument("--engine", default="local")
    ap.add_argument("--workers", type=int, default=1, help="local engine processes")
    ap.add_argument("--dir", type=Path, default=None, help="keep files here (default: a temporary folder)")
    args = ap.parse_args()
    tmp = args.dir or Path(tempfile.mkdtemp(prefix="bench-classify-"))
    tmp.mkdir(parents=True, exist_ok=True)
    regions = pd.read_csv(data_dir() / "regions.csv", dtype=str).fillna("").to_dict("records")
    context = build_context(regions)
    src = tmp / f"registry-{args.rows}.csv"
    t = time.perf_counter()
    if not src.exists():
        with src.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(COLUMNS)
            w.writerows(registry_rows(args.rows, context.vocab, county_records(regions)))
    print(f"generated {args.rows:,} rows ({src.stat().st_size / 1e6:,.0f} MB) in {time.perf_counter() - t:.1f} s "
          "(not counted)")
    base = peak_mb()
    out = tmp / "assignments.csv"
    t, cpu = time.perf_counter(), time.process_time()
    summary = classify_file(src, out, context, args.engine, chunk_size=args.chunk, workers=args.workers)
    classify_s, cpu = time.perf_counter() - t, time.process_time() - cpu
    t = time.perf_counter()
    con = duckdb.connect()
    counts = con.execute(f"""
        SELECT substr(CAST(region AS VARCHAR), 1, 4) || '00' AS prefecture, node_id, count(DISTINCT "row") AS firms
        FROM read_csv('{out}', header = true, all_varchar = true)
        WHERE role = 'producer' AND CAST(score AS DOUBLE) >= {MIN_SCORE} AND region <> ''
        GROUP BY 1, 2""").df()
    count_s = time.perf_counter() - t
    print(f"classified {summary.rows:,} rows in {classify_s:.1f} s ({summary.rows / classify_s:,.0f} rows/s, "
          f"engine {args.engine}, {args.workers} process(es), chunks of {args.chunk:,}): {summary.firms_assigned:,} firms assigned, "
          f"{summary.assignments:,} assignments, {summary.unresolved_addresses:,} unresolved addresses; "
          f"CPU {cpu:.1f} s in this process (goal for 1 M rows: < 60 s)")
    print(f"counted producers per prefecture x node with DuckDB in {count_s:.2f} s ({len(counts):,} cells)")
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"total {classify_s + count_s:.1f} s; peak memory {peak_mb():,.0f} MB in the main process "
          f"(before classifying {base:,.0f} MB), {children:,.0f} MB in the largest worker")


if __name__ == "__main__":
    main()
