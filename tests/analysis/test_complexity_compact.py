"""The drop-in's compact frame (county scale): same rows and labels, float32 measures, small labels.

The compact frame rounds each float64 measure once to float32, so against the float64 frame every
measure agrees to float32 precision (relative 2^-24 ≈ 6e-8), and the integer-valued ones (mcp,
diversity, ubiquity) agree exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chainatlas import complexity as dropin

COLS = {"time": "year", "loc": "region", "prod": "item", "val": "value"}
OUT = ["diversity", "ubiquity", "mcp", "eci", "pci", "density", "coi", "cog", "rca"]
EXACT = ["diversity", "ubiquity", "mcp"]


def _matrix(seed: int = 3, r: int = 25, p: int = 70) -> np.ndarray:
    rng = np.random.default_rng(seed)
    cap = np.linspace(0.1, 1.0, r)[:, None]
    need = np.linspace(0.05, 0.95, p)[None, :]
    return rng.lognormal(0, 1, (r, p)) * (rng.random((r, p)) < np.clip(1.2 * cap - need + 0.3, 0.05, 0.95))


def _long(x: np.ndarray, year: int = 2020) -> pd.DataFrame:
    r, p = x.shape
    return pd.DataFrame({"year": year, "region": np.repeat([f"r{i:02d}" for i in range(r)], p),
                         "item": np.tile([f"p{j:03d}" for j in range(p)], r), "value": x.ravel()})


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.astype({"region": str, "item": str})
    return out.sort_values(["year", "region", "item"]).reset_index(drop=True)


def _agree(full: pd.DataFrame, compact: pd.DataFrame) -> None:
    a, b = _sorted(full), _sorted(compact)
    assert len(a) == len(b)
    assert list(a["region"]) == list(b["region"]) and list(a["item"]) == list(b["item"])
    np.testing.assert_array_equal(a["value"].to_numpy(float), b["value"].to_numpy(float))
    for c in OUT:
        x, y = a[c].to_numpy(float), b[c].to_numpy(float)
        assert np.array_equal(np.isnan(x), np.isnan(y)), c
        if c in EXACT:
            np.testing.assert_array_equal(x, y, err_msg=c)
        else:
            np.testing.assert_allclose(y, x, rtol=2**-23, atol=1e-12, err_msg=c)


def test_long_input_without_zeros_gives_the_compact_grid():
    data = _long(_matrix())
    given = data[data["value"] > 0].sample(frac=1.0, random_state=4).reset_index(drop=True)
    full = dropin.ecomplexity(given, COLS, compact=False)
    compact = dropin.ecomplexity(given, COLS, compact=True)
    assert len(compact) == 25 * 70  # the whole grid, as the reference returns
    assert isinstance(compact["region"].dtype, pd.CategoricalDtype)
    assert isinstance(compact["item"].dtype, pd.CategoricalDtype)
    assert compact["year"].dtype == np.int16 and (compact["year"] == 2020).all()
    assert all(compact[c].dtype == np.float32 for c in OUT)
    assert list(compact.columns) == list(full.columns)
    _agree(full, compact)


def test_a_complete_grid_keeps_the_input_columns():
    data = _long(_matrix(5))
    compact = dropin.ecomplexity(data, COLS, compact=True)
    assert compact["region"].dtype == data["region"].dtype and compact["year"].dtype == data["year"].dtype
    _agree(dropin.ecomplexity(data, COLS, compact=False), compact)


def test_years_share_their_categories():
    data = pd.concat([_long(_matrix(6), 2020), _long(_matrix(7), 2021)], ignore_index=True)
    data = data[data["value"] > 0]
    compact = dropin.ecomplexity(data, COLS, compact=True)
    assert isinstance(compact["region"].dtype, pd.CategoricalDtype)  # not objects after the concat
    _agree(dropin.ecomplexity(data, COLS, compact=False), compact)


def test_compact_is_chosen_by_output_size(monkeypatch: pytest.MonkeyPatch):
    data = _long(_matrix())
    assert dropin.ecomplexity(data, COLS)["eci"].dtype == np.float64
    monkeypatch.setattr(dropin, "COMPACT_MIN_ROWS", 1000)
    assert dropin.ecomplexity(data, COLS)["eci"].dtype == np.float32


def test_compact_matches_the_reference_package():
    ref = pytest.importorskip("ecomplexity")
    import contextlib
    import io
    import warnings

    data = _long(_matrix(8))
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        expected = ref.ecomplexity(data, COLS)
    _agree(expected, dropin.ecomplexity(data, COLS, compact=True))


def test_empty_regions_and_products_merge_back_as_in_the_full_frame():
    x = _matrix(9)
    x[:, 5] = 0.0  # a product nobody makes and a region that makes nothing: computed without them,
    x[3, :] = 0.0  # then merged back with the input, as the reference does
    data = _long(x).sample(frac=1.0, random_state=2).reset_index(drop=True)
    compact = dropin.ecomplexity(data, COLS, compact=True)
    assert len(compact) == 25 * 70
    _agree(dropin.ecomplexity(data, COLS, compact=False), compact)
