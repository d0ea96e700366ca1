"""Store benchmarks: build the shipped atlas (``init``); import 1 M synthetic firm rows; a 10-row import
into that 1 M-firm store (goal < 0.2 s: stored keys are tested by DuckDB joins, never read into Python);
upserting all 1 M rows again; upstream closure on a 100k-node graph.

Run: ``.venv/bin/python bench/bench_store.py [--rows 1000000] [--nodes 100000]``. Prints figures;
nothing here is asserted.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from chainatlas import open_atlas
from chainatlas.analysis import graph as chain_graph


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_import(rows: int, tmp: Path) -> None:
    atlas = open_atlas(tmp / "bench.duckdb", seed=False)
    regions = pd.DataFrame({"code": ["100000", "370000", "371600"], "name_zh": ["中国", "山东省", "滨州市"],
                            "name_en": ["China", "Shandong", "Binzhou"], "level": ["country", "province", "prefecture"],
                            "parent": ["", "100000", "370000"]})
    regions.to_csv(tmp / "regions.csv", index=False)
    atlas.import_file("regions", tmp / "regions.csv")
    rng = np.random.default_rng(0)
    firms = pd.DataFrame({
        "id": [f"firm-{i:07d}" for i in range(rows)],
        "name_zh": [f"企业{i}" for i in range(rows)],
        "name_en": [f"Firm {i}" for i in range(rows)],
        "region": rng.choice(["370000", "371600"], rows),
        "listed": rng.choice(["true", "false"], rows),
        "above_size": rng.choice(["true", "false", ""], rows),
    })
    path = tmp / "firms.csv"
    firms.to_csv(path, index=False)
    t = time.perf_counter()
    report = atlas.import_file("enterprises", path)
    took = time.perf_counter() - t
    print(f"import {rows:,} firm rows (CSV, validated, one transaction): {took:.2f} s "
          f"({rows / took:,.0f} rows/s); added {report.added['enterprises']:,}; peak RSS {peak_mb():,.0f} MB")
    small = tmp / "ten.csv"
    new = firms.head(10).copy()
    new["id"] = [f"new-{i}" for i in range(10)]
    new.to_csv(small, index=False)
    atlas.import_file("enterprises", small, dry_run=True)  # warm: modules and caches loaded once
    t = time.perf_counter()
    report = atlas.import_file("enterprises", small)
    took = time.perf_counter() - t
    print(f"import 10 new firm rows into a store of {rows:,}: {took:.3f} s (goal < 0.2 s: "
          f"{'met' if took < 0.2 else 'NOT met'}); added {report.added['enterprises']}")
    t = time.perf_counter()
    report = atlas.import_file("enterprises", path)
    took = time.perf_counter() - t
    print(f"upsert the same {rows:,} rows again: {took:.2f} s; updated {report.updated['enterprises']:,}; "
          f"peak RSS {peak_mb():,.0f} MB")
    firms.loc[7, "region"] = "999999"
    firms.to_csv(path, index=False)
    t = time.perf_counter()
    try:
        atlas.import_file("enterprises", path)
    except Exception as exc:  # the refusal is the point
        print(f"refusing the same file with one bad row: {time.perf_counter() - t:.2f} s — {str(exc).splitlines()[1]}")
    atlas.close()


def bench_init(tmp: Path) -> None:
    t = time.perf_counter()
    open_atlas(tmp / "init.duckdb").close()
    print(f"init (build the shipped atlas: every reference file validated, each kind typed once): "
          f"{time.perf_counter() - t:.2f} s")


def bench_closure(nodes: int) -> None:
    rng = np.random.default_rng(1)
    edges = 3 * nodes
    a = rng.integers(0, nodes, edges)
    b = rng.integers(0, nodes, edges)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keep = lo != hi
    g = nx.DiGraph()
    g.add_nodes_from(range(nodes))
    g.add_edges_from(zip(lo[keep].tolist(), hi[keep].tolist(), strict=True))  # i < j: a DAG
    t = time.perf_counter()
    sizes = [len(chain_graph.upstream(g, n)) for n in rng.integers(nodes // 2, nodes, 20).tolist()]
    took = (time.perf_counter() - t) / 20
    print(f"upstream closure on a {nodes:,}-node, {g.number_of_edges():,}-edge DAG: {took * 1000:.1f} ms per query "
          f"(mean closure {np.mean(sizes):,.0f} nodes)")
    t = time.perf_counter()
    layers = chain_graph.layers(g)
    print(f"layering the whole graph: {time.perf_counter() - t:.2f} s ({len(layers)} columns)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--nodes", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench_init(Path(tmp))
        bench_import(args.rows, Path(tmp))
    bench_closure(args.nodes)


if __name__ == "__main__":
    main()
