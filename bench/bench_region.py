"""One region's questions on a big store: resolve a name, show a region, diagnose one chain.

Why: a single-region question should read what that region and chain need (SQL filters in
``store/queries.py``), not every firm of the nation. This bench copies the shipped atlas, adds
``--firms`` synthetic firms (each making 1-3 of the atlas's nodes, in random prefectures) and times a
cold ``chainatlas diagnose 滨州 --chain aluminium`` (wall time and peak RSS of the process) and the
facade's steps in this process.

Run: ``.venv/bin/python bench/bench_region.py [--firms 100000] [--shipped-only]``. Prints figures;
nothing here is asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from chainatlas import open_atlas


def add_firms(path: Path, n: int, seed: int = 7) -> None:
    """Add ``n`` firms and their production rows straight into the store (bench data, not an import)."""
    con = duckdb.connect(str(path))
    try:
        prefectures = [r[0] for r in con.execute("SELECT code FROM regions WHERE level = 'prefecture'").fetchall()]
        nodes = [r[0] for r in con.execute("SELECT id FROM nodes").fetchall()]
        source = con.execute("SELECT id FROM sources LIMIT 1").fetchall()[0][0]
        rng = np.random.default_rng(seed)
        firms = pd.DataFrame({"id": [f"bench-{i:07d}" for i in range(n)],
                              "name_zh": [f"合成企业{i}" for i in range(n)],
                              "name_en": [f"Synthetic firm {i}" for i in range(n)],
                              "region": np.array(prefectures)[rng.integers(0, len(prefectures), n)],
                              "source_id": source})
        k = rng.integers(1, 4, n)
        rows = np.repeat(np.arange(n), k)
        prod = pd.DataFrame({"enterprise_id": firms["id"].to_numpy()[rows],
                             "node_id": np.array(nodes)[rng.integers(0, len(nodes), len(rows))],
                             "year": 2023,
                             "capacity": np.where(rng.random(len(rows)) < 0.5, rng.uniform(1e3, 1e6, len(rows)),
                                                  np.nan),
                             "source_id": source}).drop_duplicates(["enterprise_id", "node_id", "year"])
        con.register("new_firms", firms)
        con.register("new_prod", prod)
        con.execute("INSERT INTO enterprises (id, name_zh, name_en, region, source_id) "
                    "SELECT id, name_zh, name_en, region, source_id FROM new_firms")
        con.execute("INSERT INTO production (enterprise_id, node_id, year, capacity, source_id) "
                    "SELECT enterprise_id, node_id, year, capacity, source_id FROM new_prod")
    finally:
        con.close()


def cold_cli(db: Path, repeats: int = 3) -> None:
    """Wall time and peak RSS of a fresh ``chainatlas diagnose`` process (best of ``repeats``)."""
    cli = Path(sys.executable).with_name("chainatlas")
    env = {**os.environ, "CHAINATLAS_DB": str(db)}
    best, rss = float("inf"), 0.0
    for _ in range(repeats):
        t = time.perf_counter()
        subprocess.run([str(cli), "diagnose", "滨州", "--chain", "aluminium"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - t)
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"  cold `chainatlas diagnose 滨州 --chain aluminium`: {best:.2f} s (best of {repeats}); "
          f"peak RSS {rss:,.0f} MB")


def steps(db: Path) -> None:
    """The facade's steps in one process: what each costs and which whole tables it read."""
    with open_atlas(db, read_only=True) as atlas:
        t = time.perf_counter()
        atlas.resolve_region("滨州")
        t1 = time.perf_counter()
        atlas.region("滨州")
        t2 = time.perf_counter()
        atlas.diagnose("滨州", "aluminium")
        t3 = time.perf_counter()
        whole = "tables" in atlas.__dict__
        print(f"  resolve_region {1000 * (t1 - t):.0f} ms, region() {1000 * (t2 - t1):.0f} ms, "
              f"diagnose {1000 * (t3 - t2):.0f} ms; every table read whole: {'yes' if whole else 'no'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--shipped-only", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "atlas.duckdb"
        open_atlas(db).close()
        print("shipped atlas:")
        cold_cli(db)
        steps(db)
        if args.shipped_only:
            return
        add_firms(db, args.firms)
        print(f"shipped atlas + {args.firms:,} synthetic firms:")
        cold_cli(db)
        steps(db)


if __name__ == "__main__":
    main()
