"""The Growth Lab ``ecomplexity`` package as an oracle for the GROWTHLAB_PY variant (<= 1e-8)."""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from chainatlas import complexity as dropin
from chainatlas.analysis.complexity import compute_complexity

ref = pytest.importorskip("ecomplexity")

COLS = {"time": "year", "loc": "region", "prod": "item", "val": "value"}
OUT = ["diversity", "ubiquity", "mcp", "eci", "pci", "density", "coi", "cog", "rca"]
TOL = 1e-8


def _long(x: np.ndarray, year: int = 2020) -> pd.DataFrame:
    r, p = x.shape
    return pd.DataFrame(
        {
            "year": year,
            "region": np.repeat([f"r{i:02d}" for i in range(r)], p),
            "item": np.tile([f"p{j:03d}" for j in range(p)], r),
            "value": x.ravel(),
        }
    )


def _random(seed: int, r: int = 30, p: int = 80, fill: float = 0.6) -> np.ndarray:
    rng = np.random.default_rng(seed)
    size = np.outer(rng.random(r) + 0.2, rng.random(p) + 0.2)
    return rng.lognormal(0, 1.5, (r, p)) * (rng.random((r, p)) < fill) * size


def _nested(seed: int, r: int = 25, p: int = 60) -> np.ndarray:
    """Nested structure (diverse regions make rare products), the shape real data have."""
    rng = np.random.default_rng(seed)
    cap = np.linspace(0.1, 1.0, r)[:, None]
    need = np.linspace(0.05, 0.95, p)[None, :]
    prob = np.clip(1.2 * cap - need + 0.3, 0.02, 0.98)
    return rng.lognormal(0, 1, (r, p)) * (rng.random((r, p)) < prob) + 1e-3 * rng.random((r, p))


def _blocks(seed: int) -> np.ndarray:
    """Two loosely linked specialisations: a connected but clustered network."""
    rng = np.random.default_rng(seed)
    x = rng.lognormal(0, 1, (20, 50)) * 0.05
    x[:10, :25] += rng.lognormal(1, 1, (10, 25))
    x[10:, 25:] += rng.lognormal(1, 1, (10, 25))
    return x


MATRICES = {
    "random-a": _random(1),
    "random-b": _random(2, fill=0.3),
    "random-c": _random(3, r=40, p=30),
    "nested": _nested(4),
    "blocks": _blocks(5),
}


def _run_ref(data: pd.DataFrame, **kw: object) -> pd.DataFrame:
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        return ref.ecomplexity(data, COLS, **kw)


def _cmp(a: pd.DataFrame, b: pd.DataFrame, cols: list[str] = OUT) -> None:
    a = a.sort_values(["year", "region", "item"]).reset_index(drop=True)
    b = b.sort_values(["year", "region", "item"]).reset_index(drop=True)
    assert len(a) == len(b)
    for c in cols:
        x, y = a[c].to_numpy(float), b[c].to_numpy(float)
        assert np.array_equal(np.isnan(x), np.isnan(y)), c
        assert np.nanmax(np.abs(x - y)) <= TOL, (c, np.nanmax(np.abs(x - y)))


@pytest.mark.parametrize("name", sorted(MATRICES))
def test_dropin_matches_reference(name: str) -> None:
    data = _long(MATRICES[name])
    expected = _run_ref(data)
    got = dropin.ecomplexity(data, COLS)
    assert list(got.columns) == list(expected.columns)
    _cmp(expected, got)


@pytest.mark.parametrize("name", ["random-a", "nested"])
def test_sparse_input_and_region_path_match_reference(name: str) -> None:
    x = MATRICES[name]
    expected = _run_ref(_long(x)).sort_values(["region", "item"]).reset_index(drop=True)
    for values, method in ((sp.csr_array(x), "auto"), (x, "regions"), (sp.csr_array(x), "regions")):
        res = compute_complexity(values, method=method)
        f = res.to_frame()
        for c in OUT:
            assert np.nanmax(np.abs(f[c].to_numpy(float) - expected[c].to_numpy(float))) <= TOL, c


@pytest.mark.parametrize("name", ["random-b", "nested", "blocks"])
def test_blocked_outlook_path_matches_reference(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The drop-in through the blocked proximity operator (what large dense inputs use), many blocks."""
    from chainatlas.analysis.complexity import engine, space

    monkeypatch.setattr(engine, "BLOCKED_MIN_PRODUCTS", 0)
    monkeypatch.setattr(engine, "BLOCKED_MIN_PRODUCTS_PER_REGION", 0)
    monkeypatch.setattr(space, "DENSE_BLOCK", 9)
    data = _long(MATRICES[name])
    _cmp(_run_ref(data), dropin.ecomplexity(data, COLS))


def test_unordered_input_with_a_duplicate_and_a_gap_matches_reference() -> None:
    """Rows shuffled, one duplicated (first kept), one cell missing: the general, non-grid path."""
    data = _long(MATRICES["random-a"]).sample(frac=1.0, random_state=3).reset_index(drop=True)
    data = pd.concat([data.iloc[1:], data.iloc[[7]].assign(value=123.0)], ignore_index=True)
    _cmp(_run_ref(data), dropin.ecomplexity(data, COLS))


def test_proximity_matches_reference() -> None:
    data = _long(MATRICES["random-a"])
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        expected = ref.proximity(data, COLS)
        expected_asym = ref.proximity(data, COLS, asymmetric=True)
    got = dropin.proximity(data, COLS)
    assert list(got.columns) == list(expected.columns)
    assert np.abs(got["proximity"].to_numpy() - expected["proximity"].to_numpy()).max() <= TOL
    got_asym = dropin.proximity(data, COLS, asymmetric=True)
    assert np.abs(got_asym["proximity"].to_numpy() - expected_asym["proximity"].to_numpy()).max() <= TOL


def test_asymmetric_continuous_and_thresholds_match_reference() -> None:
    data = _long(MATRICES["nested"])
    for kw in ({"asymmetric": True}, {"continuous": True}, {"rca_mcp_threshold": 0.8}):
        _cmp(_run_ref(data, **kw), dropin.ecomplexity(data, COLS, **kw))


def test_rpop_matches_reference() -> None:
    x = MATRICES["random-a"]
    data = _long(x)
    rng = np.random.default_rng(7)
    regions = sorted(data["region"].unique())
    pop = pd.DataFrame({"year": 2020, "region": regions, "pop": rng.random(len(regions)) * 100 + 1})
    # An RPOP threshold low enough that no location or product is left empty.
    kw = {"presence_test": "rpop", "pop": pop, "rpop_mcp_threshold": 0.5}
    _cmp(_run_ref(data, **kw), dropin.ecomplexity(data, COLS, **kw), OUT + ["rpop"])


def test_external_proximity_edgelist_matches_reference() -> None:
    data = _long(MATRICES["random-a"])
    other = _long(MATRICES["random-b"][:, :80])
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        edges = ref.proximity(other, COLS).rename(
            columns={"item_1": "prod1", "item_2": "prod2"}
        )[["prod1", "prod2", "proximity"]]
    _cmp(_run_ref(data, proximity_edgelist=edges), dropin.ecomplexity(data, COLS, proximity_edgelist=edges))


def test_several_years_match_reference() -> None:
    data = pd.concat([_long(MATRICES["random-a"], 2019), _long(_random(9), 2020)])
    _cmp(_run_ref(data), dropin.ecomplexity(data, COLS))


def test_manual_presence_matches_reference() -> None:
    m = (MATRICES["nested"] > 0.8).astype(float)
    data = _long(m)
    _cmp(_run_ref(data, presence_test="manual"), dropin.ecomplexity(data, COLS, presence_test="manual"))
