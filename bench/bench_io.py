"""Input-output speed: the 2020 table with every multiplier and linkage, and a what-if with its IO impact.

Run: ``.venv/bin/python bench/bench_io.py`` (builds a fresh store from the shipped atlas).
Targets (issue 15): table + all multipliers/linkages < 1 s; a what-if with IO impact < 0.5 s.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from chainatlas import open_atlas
from chainatlas.analysis.io import Baseline, analyse, region_shape, table_from_frame
from chainatlas.reference import io_tables


def _best(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def cold_national() -> None:
    io_tables.io_frame.cache_clear()
    io_tables.io_manifest.cache_clear()
    table = table_from_frame(io_tables.io_frame("nbs-2020-153"), "nbs-2020-153", 2020)
    analyse(table, region_shape(table, "100000"), {"code": "100000"})


def cold_regional() -> None:
    io_tables.io_frame.cache_clear()
    table = table_from_frame(io_tables.io_frame("nbs-2020-153"), "nbs-2020-153", 2020)
    shape = region_shape(table, "371600", gdp=Baseline("gdp", 3000.0, 1_016_422.0, 2020, "亿元"),
                         industrial_value_added=Baseline("industrial_value_added", 1200.0, 310_000.0, 2020, "亿元"))
    analyse(table, shape, {"code": "371600"})   # AFLQ at δ 0.15 plus the six δ of the band


def main() -> None:
    took = _best(cold_national)
    print(f"load the 2020 table (153 sectors) + national multipliers, linkages, extraction, key sectors: "
          f"{took * 1000:.0f} ms (target < 1000 ms)")
    took = _best(cold_regional)
    print(f"load + regionalise (AFLQ) + everything over 7 values of δ: {took * 1000:.0f} ms (target < 1000 ms)")
    with tempfile.TemporaryDirectory() as tmp:
        atlas = open_atlas(Path(tmp) / "atlas.duckdb")
        atlas.diagnose("滨州", "aluminium")    # the baseline diagnosis a user has usually just seen
        first = time.perf_counter()
        atlas.whatif("滨州", "aluminium", add=["aluminium.foil-battery=50000t"])
        first = time.perf_counter() - first
        warm = _best(lambda: atlas.whatif("滨州", "aluminium", add=["aluminium.foil-battery=50000t"]))
        print(f"what-if 滨州 aluminium +50 kt battery foil (before/after diagnosis + IO impact with δ band): "
              f"first {first * 1000:.0f} ms, then {warm * 1000:.0f} ms (target < 500 ms)")
        atlas.close()


if __name__ == "__main__":
    main()
