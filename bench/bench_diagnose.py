"""Diagnosis speed: chain facts at scale, the national run, single diagnoses, opportunities, one report.

Run: ``.venv/bin/python bench/bench_diagnose.py`` (builds a fresh store from the shipped atlas).
Goals (issue "a national run in seconds"): chain facts for 2,000 nodes / 100k firms < 2 s; every
prefecture × every chain < 2 s; all prefectures' opportunities for one chain < 5 s.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from chainatlas import open_atlas
from chainatlas.analysis.diagnosis import diagnose_all, link_table, prepare_chain


def synthetic(n_nodes: int = 2_000, n_firms: int = 100_000, n_regions: int = 340, seed: int = 1) -> dict:
    """A chain of ``n_nodes`` nodes in a layered DAG and ``n_firms`` firms each making 1-3 nodes."""
    rng = np.random.default_rng(seed)
    ids = [f"x.n{i}" for i in range(n_nodes)]
    stage = np.where(np.arange(n_nodes) < n_nodes // 4, "upstream",
                     np.where(np.arange(n_nodes) < 3 * n_nodes // 4, "midstream", "downstream"))
    nodes = pd.DataFrame({"id": ids, "name_zh": ids, "name_en": ids, "stage": stage, "primary": False, "unit": "t",
                          "unit_value": rng.uniform(1e3, 1e5, n_nodes), "unit_value_unit": "yuan/t",
                          "unit_value_year": 2023, "unit_value_source": "s"})
    src = rng.integers(0, n_nodes - 1, 3 * n_nodes)
    dst = np.minimum(src + rng.integers(1, 50, len(src)), n_nodes - 1)
    keep = src < dst
    links = pd.DataFrame({"source_node": np.array(ids)[src[keep]], "target_node": np.array(ids)[dst[keep]],
                          "coefficient": np.nan, "coefficient_unit": None, "source_id": None}).drop_duplicates(
        ["source_node", "target_node"])
    provinces = [f"{p:02d}0000" for p in range(11, 45)]
    prefectures = [f"{provinces[i % len(provinces)][:2]}{i // len(provinces) + 1:02d}00" for i in range(n_regions)]
    firm_region = rng.integers(0, n_regions, n_firms)
    firms = pd.DataFrame({"id": [f"f{i}" for i in range(n_firms)],
                          "prefecture": np.array(prefectures)[firm_region]})
    firms["province"] = firms["prefecture"].str[:2] + "0000"
    firms["county"] = None
    k = rng.integers(1, 4, n_firms)
    rows = np.repeat(np.arange(n_firms), k)
    prod = pd.DataFrame({"enterprise_id": firms["id"].to_numpy()[rows],
                         "node_id": np.array(ids)[rng.integers(0, n_nodes, len(rows))],
                         "year": rng.integers(2021, 2024, len(rows)),
                         "capacity": np.where(rng.random(len(rows)) < 0.5, rng.uniform(1e3, 1e6, len(rows)), np.nan),
                         "output": np.where(rng.random(len(rows)) < 0.3, rng.uniform(1e3, 1e6, len(rows)), np.nan),
                         "revenue": np.nan, "source_id": "s"})
    prod = prod.merge(firms.rename(columns={"id": "enterprise_id"}), on="enterprise_id")
    prod["region"] = prod["prefecture"]
    stats = pd.DataFrame({"region": "100000", "level": "country", "node_id": ids[: n_nodes // 2], "year": 2023,
                          "value": rng.uniform(1e6, 1e8, n_nodes // 2), "source_id": "nat"})
    regions = pd.DataFrame({"code": provinces + prefectures,
                            "level": ["province"] * len(provinces) + ["prefecture"] * len(prefectures)})
    chain = {"id": "x", "name_zh": "合成", "name_en": "synthetic", "main_paths": []}
    return {"chain": chain, "nodes": nodes, "links": links, "production": prod, "stats": stats,
            "all_firm_regions": firms, "regions": regions}


def bench_synthetic() -> None:
    data = synthetic()
    t, cpu = time.perf_counter(), time.process_time()
    facts = prepare_chain(data["chain"], data["nodes"], data["links"], data["production"], data["stats"],
                          data["all_firm_regions"], regions=data["regions"])
    took, cpu = time.perf_counter() - t, time.process_time() - cpu
    print(f"chain facts, {len(data['nodes']):,} nodes / {len(data['all_firm_regions']):,} firms "
          f"({len(data['production']):,} production rows): {took:.2f} s (CPU {cpu:.2f} s; goal < 2 s)")
    t = time.perf_counter()
    link_table(facts, "prefecture")
    took = time.perf_counter() - t
    print(f"  link table, {facts.regions['prefecture'].__len__()} prefectures × {len(data['nodes']):,} nodes: "
          f"{took:.2f} s")
    t = time.perf_counter()
    diagnose_all(facts, "prefecture")
    print(f"  diagnose_all on it (memoised table): {time.perf_counter() - t:.3f} s")


def bench_shipped() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        atlas = open_atlas(Path(tmp) / "atlas.duckdb")
        print(f"init with the reference atlas: {time.perf_counter() - t:.2f} s; {atlas.counts()}")
        regions = atlas.tables["regions"]
        prefectures = list(regions.loc[regions["level"] == "prefecture", "code"])
        chains = sorted(atlas.members)
        t = time.perf_counter()
        for chain in chains:
            atlas.chain_facts(chain)
        facts_took = time.perf_counter() - t
        t = time.perf_counter()
        n = 0
        for chain in chains:
            n += atlas.diagnose_all(chain, "prefecture").regions.shape[0]
        took = time.perf_counter() - t
        print(f"diagnose_all: {n:,} prefecture × chain diagnoses ({len(chains)} chains): {took:.2f} s "
              f"(+ {facts_took:.2f} s chain facts; goal < 2 s)")
        t = time.perf_counter()
        for code in prefectures[:60]:
            atlas.diagnose(code, "aluminium")
        took = time.perf_counter() - t
        print(f"single diagnoses (full result objects), 60 prefectures: {took:.2f} s ({took / 60 * 1000:.1f} ms each)")
        t = time.perf_counter()
        for code in prefectures:
            atlas.opportunities(code, "aluminium")
        took = time.perf_counter() - t
        print(f"opportunities for every prefecture (aluminium chain): {took:.1f} s "
              f"({took / len(prefectures) * 1000:.1f} ms each; goal < 5 s)")
        bench_opportunities_all(atlas, Path(tmp) / "atlas.duckdb", prefectures)
        atlas = open_atlas(Path(tmp) / "atlas.duckdb")
        t = time.perf_counter()
        atlas.report("滨州", "aluminium", out=Path(tmp) / "r.html")
        print(f"one region report (HTML, with peers, opportunities and targets): {time.perf_counter() - t:.2f} s")


def bench_opportunities_all(atlas, path: Path, prefectures: list[str]) -> None:
    """Every prefecture's opportunities in one pass, from a freshly opened atlas (chain facts, relatedness
    and link table included), then warm; rows compared with the one-region results just computed."""
    atlas.close()
    fresh = open_atlas(path)
    t = time.perf_counter()
    every = fresh.opportunities_all("aluminium", "prefecture")
    cold = time.perf_counter() - t
    t = time.perf_counter()
    fresh.opportunities_all("aluminium", "prefecture")
    warm = time.perf_counter() - t
    print(f"opportunities_all, every prefecture (aluminium): {cold:.2f} s from a fresh atlas, {warm:.2f} s warm "
          f"({len(every.candidates):,} candidate rows; goal < 5 s)")
    mismatches = 0
    for code in prefectures[::10]:
        one = fresh.opportunities(code, "aluminium").candidates
        try:
            pd.testing.assert_frame_equal(one, every.of(code).candidates, check_exact=True)
        except AssertionError:
            mismatches += 1
    print(f"  same rows as one-region opportunities: {mismatches} mismatches in {len(prefectures[::10])} sampled")
    fresh.close()


def main() -> None:
    bench_synthetic()
    bench_shipped()


if __name__ == "__main__":
    main()
