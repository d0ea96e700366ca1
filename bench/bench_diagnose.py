"""Diagnose every prefecture-level region for every chain, and a national opportunity run.

Run: ``.venv/bin/python bench/bench_diagnose.py`` (builds a fresh store from the shipped atlas).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from chainatlas import open_atlas


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        atlas = open_atlas(Path(tmp) / "atlas.duckdb")
        print(f"init with the reference atlas: {time.perf_counter() - t:.2f} s; {atlas.counts()}")
        regions = atlas.tables["regions"]
        prefectures = list(regions.loc[regions["level"] == "prefecture", "code"])
        chains = sorted(atlas.members)
        t = time.perf_counter()
        n = 0
        for chain in chains:
            for code in prefectures:
                atlas.diagnose(code, chain)
                n += 1
        took = time.perf_counter() - t
        print(f"diagnose {len(prefectures)} prefectures × {len(chains)} chains = {n:,} diagnoses: {took:.1f} s "
              f"({took / n * 1000:.1f} ms each)")
        t = time.perf_counter()
        for code in prefectures:
            atlas.opportunities(code, "aluminium")
        took = time.perf_counter() - t
        print(f"opportunities for every prefecture (aluminium chain): {took:.1f} s "
              f"({took / len(prefectures) * 1000:.1f} ms each)")
        t = time.perf_counter()
        for code in prefectures[:40]:
            atlas.opportunities(code)
        took = time.perf_counter() - t
        print(f"chain-less opportunities (all 8 chains) for 40 prefectures: {took:.1f} s "
              f"({took / 40 * 1000:.0f} ms each; a national run of {len(prefectures)} ≈ "
              f"{took / 40 * len(prefectures):.0f} s)")
        t = time.perf_counter()
        atlas.report("滨州", "aluminium", out=Path(tmp) / "r.html")
        print(f"one region report (HTML, with peers, opportunities and targets): {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
