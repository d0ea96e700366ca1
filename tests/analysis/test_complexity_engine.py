"""Masking, result objects, sparse/dense equivalence, external spaces and panels."""

from __future__ import annotations

import contextlib
import io
import json
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from chainatlas.analysis.complexity import (
    GROWTHLAB_STATA,
    OEC,
    compute_complexity,
    compute_panel,
    density_for,
    proximity,
    score_with_proximity,
    subnational_eci,
)


def _values(seed: int = 0, r: int = 25, p: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.lognormal(0, 1.5, (r, p)) * (rng.random((r, p)) < 0.5) * np.outer(rng.random(r) + 0.2, rng.random(p) + 0.2)
    return pd.DataFrame(x, index=[f"r{i}" for i in range(r)], columns=[f"p{j}" for j in range(p)])


def _masked_m() -> pd.DataFrame:
    m = (_values(1) > 1.0).astype(float)
    m.iloc[3] = 0.0  # a region with zero diversity
    m.iloc[7] = 0.0
    m["p5"] = 0.0  # a product with zero ubiquity
    return m


def test_zero_diversity_is_masked_and_rest_is_finite() -> None:
    m = _masked_m()
    res = compute_complexity(m, presence="manual")
    assert list(res.masked_regions) == ["r3", "r7"]
    assert list(res.masked_products) == ["p5"]
    ok_r = ~m.index.isin(res.masked_regions)
    ok_p = ~m.columns.isin(res.masked_products)
    assert np.isfinite(res.eci[ok_r]).all() and res.eci[~ok_r].isna().all()
    assert np.isfinite(res.pci[ok_p]).all() and res.pci[~ok_p].isna().all()
    assert np.isfinite(res.coi[ok_r]).all()
    assert np.isfinite(res.density[np.ix_(ok_r, ok_p)]).all()
    assert np.isfinite(res.cog[np.ix_(ok_r, ok_p)]).all()
    assert any("masked" in n for n in res.notes)


def test_masked_result_equals_reference_on_the_unmasked_block() -> None:
    """The reference returns all-NaN here; on the block without empty units it is our oracle."""
    ref = pytest.importorskip("ecomplexity")
    m = _masked_m()
    res = compute_complexity(m, presence="manual")
    block = m.loc[~m.index.isin(res.masked_regions), ~m.columns.isin(res.masked_products)]
    long = block.stack().rename("v").reset_index().rename(columns={"level_0": "loc", "level_1": "prod"})
    long["t"] = 1
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        exp = ref.ecomplexity(long, {"time": "t", "loc": "loc", "prod": "prod", "val": "v"}, presence_test="manual")
    f = res.to_frame()
    f = f[f["loc"].isin(block.index) & f["prod"].isin(block.columns)]
    merged = f.merge(exp, on=["loc", "prod"], suffixes=("", "_ref"))
    assert len(merged) == block.size
    for c in ("eci", "pci", "density", "coi", "cog"):
        assert np.abs(merged[c] - merged[f"{c}_ref"]).max() <= 1e-8, c


@pytest.mark.parametrize("variant", [GROWTHLAB_STATA, OEC])
def test_sparse_dense_and_region_path_agree(variant: object) -> None:
    x = _values(2)
    dense = compute_complexity(x, variant=variant, method="dense")
    for other in (
        compute_complexity(sp.csr_array(x.to_numpy()), variant=variant),
        compute_complexity(x, variant=variant, method="regions"),
    ):
        np.testing.assert_allclose(other.eci.to_numpy(), dense.eci.to_numpy(), atol=1e-10)
        np.testing.assert_allclose(other.density, dense.density, atol=1e-10)
        np.testing.assert_allclose(other.cog, dense.cog, atol=1e-10)
        np.testing.assert_allclose(other.coi.to_numpy(), dense.coi.to_numpy(), atol=1e-10)
    lazy = compute_complexity(x, variant=variant, method="regions")
    np.testing.assert_allclose(lazy.proximity, dense.proximity)


@pytest.mark.parametrize("block", [1, 7, 64, 1000])
def test_blocked_proximity_matches_the_built_matrix(block: int) -> None:
    from chainatlas.analysis.complexity.space import times_proximity_dense

    rng = np.random.default_rng(block)
    m = (rng.random((23, 150)) < np.linspace(0.02, 0.6, 150)).astype(float)
    m[:, [3, 40]] = 0.0  # products present nowhere
    x = np.vstack([m, m * rng.standard_normal(150), rng.standard_normal((2, 150))])
    expected = x @ proximity(m, diagonal=None)
    np.testing.assert_allclose(times_proximity_dense(x, m, block=block), expected, rtol=0, atol=1e-11)


def test_low_fill_dense_input_takes_the_sparse_region_path() -> None:
    rng = np.random.default_rng(11)
    x = rng.lognormal(0, 1, (40, 400)) * (rng.random((40, 400)) < 0.03)
    x[np.arange(40), np.arange(40)] += 1.0  # every region non-empty
    dense = compute_complexity(x, method="dense")
    lazy = compute_complexity(x, method="regions")
    assert np.count_nonzero(lazy.mcp) / lazy.mcp.size < 0.05
    np.testing.assert_allclose(lazy.density, dense.density, atol=1e-10)
    np.testing.assert_allclose(lazy.cog, dense.cog, atol=1e-10)
    np.testing.assert_allclose(lazy.coi.to_numpy(), dense.coi.to_numpy(), atol=1e-10)


def test_result_faces() -> None:
    res = compute_complexity(_masked_m(), presence="manual")
    f = res.to_frame()
    assert len(f) == 25 * 60
    for c in ("loc", "prod", "diversity", "ubiquity", "mcp", "eci", "pci", "density", "coi", "cog", "rca"):
        assert c in f.columns
    d = res.to_dict()
    text = json.dumps(d, allow_nan=False)  # NaN must have become None
    assert "NaN" not in text and d["masked_regions"] == ["r3", "r7"]
    assert "ComplexityResult(" in repr(res) and "2 masked" in repr(res)
    assert "<table>" in res._repr_html_()
    assert res.regions_frame().loc["r3", "masked"]


def test_density_for_one_region_matches_matrix() -> None:
    x = _values(3)
    res = compute_complexity(x)
    phi = pd.DataFrame(res.proximity, index=x.columns, columns=x.columns)
    row = pd.Series(res.mcp[4], index=x.columns)
    np.testing.assert_allclose(density_for(row, phi).to_numpy(), res.density[4], atol=1e-12)
    np.testing.assert_allclose(density_for(res.mcp[4], res.proximity), res.density[4], atol=1e-12)


def test_external_space_and_subnational_eci() -> None:
    national = compute_complexity(_values(4))
    local = _values(5, r=8)
    phi = national.proximity_frame()
    scores = score_with_proximity(local, phi, national.pci)
    own = compute_complexity(local, proximity=phi)
    np.testing.assert_allclose(scores.density, own.density, atol=1e-12)
    m = own.mcp
    expected = (m @ national.pci.to_numpy()) / m.sum(axis=1)
    np.testing.assert_allclose(scores.eci.to_numpy(), expected, atol=1e-12)
    np.testing.assert_allclose(subnational_eci(pd.DataFrame(m, index=local.index, columns=local.columns),
                                               national.pci).to_numpy(), expected, atol=1e-12)
    # Within a single computation, ECI is the mean PCI of present products (Growth Lab scaling).
    np.testing.assert_allclose(
        subnational_eci(pd.DataFrame(national.mcp, columns=national.products), national.pci).to_numpy(),
        national.eci.to_numpy(),
        atol=1e-10,
    )


def test_panel_independent_pooled_and_transitions() -> None:
    a, b = _values(6), _values(7)
    panel = compute_panel({2021: b, 2020: a})
    assert list(panel.years) == [2020, 2021]
    np.testing.assert_allclose(panel[2020].eci.to_numpy(), compute_complexity(a).eci.to_numpy())
    t = panel.transitions
    ma, mb = panel[2020].mcp, panel[2021].mcp
    assert (t["change"] == "entry").sum() == int(((mb == 1) & (ma == 0)).sum())
    assert (t["change"] == "exit").sum() == int(((mb == 0) & (ma == 1)).sum())
    assert set(panel.entry_counts().columns) >= {"loc", "entry", "exit"}
    pooled = compute_panel({2020: a, 2021: b}, pooled_proximity=True)
    stacked = np.vstack([pooled[2020].mcp, pooled[2021].mcp])
    np.testing.assert_allclose(pooled.pooled_proximity, proximity(stacked))
    np.testing.assert_allclose(pooled[2021].proximity, pooled.pooled_proximity)
    long = pooled.to_frame()
    assert long["time"].nunique() == 2 and "PanelResult(" in repr(pooled)


def test_errors_name_the_culprit() -> None:
    x = _values(8)
    x.iloc[2, 4] = -1.0
    with pytest.raises(ValueError, match="region 'r2', activity 'p4'"):
        compute_complexity(x)
    with pytest.raises(ValueError, match="needs a population"):
        compute_complexity(_values(8), presence="rpop")
