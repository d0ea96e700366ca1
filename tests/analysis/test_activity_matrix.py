"""The complexity package's activity matrix on hand-built frames: counts, values, years, refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chainatlas.analysis.complexity.activity import activity_matrix
from chainatlas.errors import ChainAtlasError

PROD = pd.DataFrame({
    "enterprise_id": ["a", "a", "b", "b", "c", "d"],
    "node_id": ["x", "x", "x", "y", "y", "y"],
    "year": [2021, 2023, 2022, 2022, 2022, 2022],
    "capacity": [np.nan, np.nan, 4.0, np.nan, 10.0, 1.0],
    "output": [1.0, 3.0, np.nan, 2.0, np.nan, np.nan],
    "revenue": [np.nan, 7.0, np.nan, 5.0, 1.0, np.nan],
})
FIRMS = pd.DataFrame({"id": ["a", "b", "c", "d"], "prefecture": ["p1", "p1", "p2", None],
                      "province": ["s1", "s1", "s1", "s2"]})
UV = pd.Series({"x": 100.0, "y": 10.0})


def test_firm_counts_skip_firms_without_that_level():
    m = activity_matrix(PROD, FIRMS, UV, "prefecture", "firms")
    assert m.loc["p1"].to_dict() == {"x": 2.0, "y": 1.0}
    assert m.loc["p2"].to_dict() == {"x": 0.0, "y": 1.0}
    assert "d" not in m.index and len(m) == 2


def test_output_is_the_latest_output_else_capacity_times_unit_value():
    m = activity_matrix(PROD, FIRMS, UV, "province", "output")
    # s1: x = a's 2023 output 3 + b's capacity 4 → 7 × 100; y = b's output 2 + c's capacity 10 → 12 × 10
    assert m.loc["s1"].to_dict() == {"x": 700.0, "y": 120.0}
    assert m.loc["s2"].to_dict() == {"x": 0.0, "y": 10.0}


def test_year_caps_the_figures_used():
    m = activity_matrix(PROD, FIRMS, UV, "province", "output", year=2021)
    assert m.loc["s1"].to_dict() == {"x": 100.0}  # only a's 2021 output 1 × 100


def test_revenue_sums_recorded_revenue_only():
    m = activity_matrix(PROD, FIRMS, UV, "prefecture", "revenue")
    assert m.loc["p1"].to_dict() == {"x": 7.0, "y": 5.0}
    assert m.loc["p2"].to_dict() == {"x": 0.0, "y": 1.0}


def test_unknown_level_or_measure_is_refused():
    with pytest.raises(ChainAtlasError, match="level must be"):
        activity_matrix(PROD, FIRMS, UV, "town", "firms")
    with pytest.raises(ChainAtlasError, match="measure must be"):
        activity_matrix(PROD, FIRMS, UV, "province", "jobs")
