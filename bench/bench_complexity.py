"""Benchmark the complexity engine against the Growth Lab ``ecomplexity`` package.

Prints figures only (tests never assert on time):

1. side by side at 150 x 1,200, single-threaded BLAS on both sides, median of several repeats:
   the drop-in against ``ecomplexity.ecomplexity`` on long input without zero rows (as users give
   it) and on the full grid;
2. the full pipeline -- long frame in, long frame out -- of ``ecomplexity.ecomplexity`` and of the
   drop-in ``chainatlas.complexity.ecomplexity`` on the same synthetic 300 x 5,000 matrix, their
   ratio, and the largest absolute difference over every output column;
3. the county-level sparse case (2,850 regions x 20,000 products, ~1.5 % filled) through
   ``compute_complexity``: wall time and peak memory, measured in a fresh child process.

Run: ``.venv/bin/python bench/bench_complexity.py`` (``--skip-reference`` to skip part 1's
reference run, which takes minutes).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import multiprocessing as mp
import resource
import sys
import time
import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp

COLS = {"time": "year", "loc": "region", "prod": "product", "val": "value"}
OUT = ["diversity", "ubiquity", "mcp", "eci", "pci", "density", "coi", "cog", "rca"]


def synthetic_long(n_regions: int = 300, n_products: int = 5000, seed: int = 0) -> pd.DataFrame:
    """Nested, heavy-tailed region x product values in the reference's long format."""
    rng = np.random.default_rng(seed)
    size = np.outer(rng.pareto(1.5, n_regions) + 1, rng.pareto(1.5, n_products) + 1)
    capability = np.linspace(0.2, 1.0, n_regions)[:, None]
    difficulty = rng.random(n_products)[None, :]
    present = rng.random((n_regions, n_products)) < np.clip(capability - 0.6 * difficulty + 0.2, 0.01, 0.95)
    x = size * rng.lognormal(0, 1, (n_regions, n_products)) * present
    return pd.DataFrame(
        {
            "year": 2020,
            "region": np.repeat([f"R{i:04d}" for i in range(n_regions)], n_products),
            "product": np.tile([f"P{j:05d}" for j in range(n_products)], n_regions),
            "value": x.ravel(),
        }
    )


def synthetic_county(n_regions: int = 2850, n_products: int = 20000, fill: float = 0.015, seed: int = 1):
    rng = np.random.default_rng(seed)
    nnz = int(n_regions * n_products * fill)
    ra = rng.pareto(1.5, n_regions) + 1
    pa = rng.pareto(1.5, n_products) + 1
    rows = rng.choice(n_regions, nnz, p=ra / ra.sum())
    cols = rng.choice(n_products, nnz, p=pa / pa.sum())
    x = sp.csr_array((rng.lognormal(0, 2, nnz), (rows, cols)), shape=(n_regions, n_products))
    x.sum_duplicates()
    return x


def _median_time(func, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            func()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def part_side_by_side(n_regions: int, n_products: int, repeats: int) -> None:
    """Both engines in one run, one BLAS thread each, so the ratio is not a thread-count artefact."""
    import ecomplexity as ref
    from threadpoolctl import threadpool_limits

    from chainatlas.complexity import ecomplexity as ours

    grid = synthetic_long(n_regions, n_products)
    sparse_long = grid[grid["value"] > 0].reset_index(drop=True)
    print(f"== side by side, {n_regions} x {n_products}, single-threaded BLAS, median of {repeats} ==")
    with threadpool_limits(1):
        for label, data in (("long input without zeros", sparse_long), ("full grid", grid)):
            t_ours = _median_time(lambda d=data: ours(d, COLS), repeats)
            t_ref = _median_time(lambda d=data: ref.ecomplexity(d, COLS, check_logsupermodularity=False), repeats)
            print(f"{label:26s} ({len(data):>9,} rows): chainatlas {t_ours * 1000:7.1f} ms, "
                  f"ecomplexity {t_ref * 1000:8.1f} ms, ratio {t_ref / t_ours:5.1f}x")


def part_reference(n_regions: int, n_products: int, skip_reference: bool) -> None:
    from chainatlas.analysis.complexity import compute_complexity
    from chainatlas.complexity import ecomplexity as ours

    data = synthetic_long(n_regions, n_products)
    print(f"== full pipeline, {n_regions} x {n_products} long frame ({len(data):,} rows) ==")
    t0 = time.perf_counter()
    mine = ours(data, COLS)
    t_ours = time.perf_counter() - t0
    wide = data.pivot(index="region", columns="product", values="value")
    t0 = time.perf_counter()
    compute_complexity(wide)
    t_engine = time.perf_counter() - t0
    print(f"chainatlas.complexity.ecomplexity (long in, long out): {t_ours:8.3f} s")
    print(f"chainatlas compute_complexity (wide matrix in):         {t_engine:8.3f} s")
    if skip_reference:
        return
    import ecomplexity as ref

    t0 = time.perf_counter()
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        theirs = ref.ecomplexity(data, COLS, check_logsupermodularity=False)
    t_ref = time.perf_counter() - t0
    print(f"ecomplexity 0.5.3 (check_logsupermodularity=False):    {t_ref:8.3f} s")
    print(f"speed-up, full pipeline:  {t_ref / t_ours:8.1f}x")
    print(f"speed-up, engine only:    {t_ref / t_engine:8.1f}x")
    a = theirs.sort_values(["region", "product"]).reset_index(drop=True)
    b = mine.sort_values(["region", "product"]).reset_index(drop=True)
    diffs = {c: float(np.nanmax(np.abs(a[c].to_numpy(float) - b[c].to_numpy(float)))) for c in OUT}
    print("max abs difference per column: " + ", ".join(f"{c}={d:.2e}" for c, d in diffs.items()))
    print(f"max abs difference overall: {max(diffs.values()):.2e}")


def _vm_hwm_gb() -> float:
    """Peak resident memory of this process (VmHWM; unlike ru_maxrss it is not inherited over exec)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def _county_child(queue: mp.Queue, n_regions: int, n_products: int, fill: float) -> None:
    from chainatlas.analysis.complexity import compute_complexity

    x = synthetic_county(n_regions, n_products, fill)
    rss0 = _vm_hwm_gb()
    t0 = time.perf_counter()
    res = compute_complexity(x)
    elapsed = time.perf_counter() - t0
    peak = _vm_hwm_gb()
    queue.put(
        {
            "nnz": x.nnz,
            "mcp_nnz": int(res.mcp.sum()),
            "elapsed": elapsed,
            "peak_gb": peak,
            "input_gb": rss0,
            "finite_eci": int(np.isfinite(res.eci).sum()),
            "masked": (len(res.masked_regions), len(res.masked_products)),
        }
    )


def part_county(n_regions: int, n_products: int, fill: float) -> None:
    print(f"== county sparse case, {n_regions} x {n_products}, fill {fill:.1%} ==")
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_county_child, args=(q, n_regions, n_products, fill))
    p.start()
    r = q.get()
    p.join()
    print(f"non-zeros: {r['nnz']:,} values, {r['mcp_nnz']:,} present (M)")
    print(f"compute_complexity: {r['elapsed']:.2f} s")
    print(f"peak memory (VmHWM of the child process): {r['peak_gb']:.2f} GB (after building input: {r['input_gb']:.2f} GB)")
    print(f"finite ECI for {r['finite_eci']} regions; masked regions/products: {r['masked']}")


def county_long(n_regions: int = 2850, n_products: int = 20000, fill: float = 0.015) -> pd.DataFrame:
    """The county matrix as users give it to the drop-in: a long frame of the non-zero cells only."""
    x = sp.coo_array(synthetic_county(n_regions, n_products, fill))
    regions = np.array([f"C{i:04d}" for i in range(n_regions)], dtype=object)
    products = np.array([f"P{j:05d}" for j in range(n_products)], dtype=object)
    return pd.DataFrame({"year": 2020, "region": regions[x.row], "product": products[x.col], "value": x.data})


def _county_dropin_child(queue: mp.Queue, n_regions: int, n_products: int, fill: float) -> None:
    from chainatlas.complexity import ecomplexity as ours

    data = county_long(n_regions, n_products, fill)
    rss0 = _vm_hwm_gb()
    t0 = time.perf_counter()
    out = ours(data, COLS)
    elapsed = time.perf_counter() - t0
    queue.put({"rows_in": len(data), "rows_out": len(out), "elapsed": elapsed, "peak_gb": _vm_hwm_gb(),
               "input_gb": rss0, "out_gb": out.memory_usage(deep=True).sum() / 1024**3,
               "dtypes": ", ".join(f"{c}:{t}" for c, t in out.dtypes.items())})


def part_county_dropin(n_regions: int, n_products: int, fill: float) -> None:
    """The drop-in at county scale, long input without zeros in, the reference's full long grid out."""
    print(f"== county drop-in, {n_regions} x {n_products}, fill {fill:.1%}, long in -> long out ==")
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_county_dropin_child, args=(q, n_regions, n_products, fill))
    p.start()
    r = q.get()
    p.join()
    print(f"{r['rows_in']:,} input rows -> {r['rows_out']:,} output rows in {r['elapsed']:.1f} s")
    print(f"peak memory (VmHWM of the child process): {r['peak_gb']:.2f} GB (goal < 4 GB; after building input: "
          f"{r['input_gb']:.2f} GB); output frame {r['out_gb']:.2f} GB")
    print(f"output columns: {r['dtypes']}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skip-reference", action="store_true")
    ap.add_argument("--skip-county", action="store_true")
    ap.add_argument("--county-dropin-only", action="store_true", help="run only the county drop-in case")
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args(argv)
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}")
    if args.county_dropin_only:
        part_county_dropin(2850, 20000, 0.015)
        return
    part_side_by_side(150, 1200, args.repeats)
    part_reference(300, 5000, args.skip_reference)
    if not args.skip_county:
        part_county(2850, 20000, 0.015)
        part_county_dropin(2850, 20000, 0.015)


if __name__ == "__main__":
    main()
