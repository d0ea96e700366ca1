"""Regionalisation: hand-worked location quotients and the properties every method must keep."""

from __future__ import annotations

import math

import numpy as np
import pytest

from chainatlas.analysis.io import (
    Baseline,
    analyse,
    leontief_inverse,
    output_multipliers,
    quotients,
    region_shape,
    regional_coefficients,
    simple_lq,
    size_lambda,
    table_from_frame,
)
from chainatlas.reference.io_tables import io_frame

XN = np.array([100.0, 200.0, 700.0])   # nation: total 1000
XR = np.array([20.0, 10.0, 70.0])      # region: total 100 → shares .2 .1 .7 vs .1 .2 .7
A = np.array([[0.1, 0.2, 0.3], [0.2, 0.1, 0.1], [0.3, 0.3, 0.2]])


def test_slq_by_hand():
    np.testing.assert_allclose(simple_lq(XR, XN), [2.0, 0.5, 1.0])
    q = quotients("slq", XR, XN)
    np.testing.assert_allclose(q[:, 2], [2.0, 0.5, 1.0])
    # sector 2 (SLQ .5) supplies only half of what the national coefficient says; sector 1 is capped at 1
    np.testing.assert_allclose(regional_coefficients(A, "slq", XR, XN)[:, 0], [0.1, 0.1, 0.3])


def test_cilq_by_hand():
    q = quotients("cilq", XR, XN)
    # off the diagonal SLQ_i / SLQ_j, on it SLQ_i
    assert q[0, 1] == pytest.approx(2.0 / 0.5)
    assert q[1, 0] == pytest.approx(0.5 / 2.0)
    assert q[1, 2] == pytest.approx(0.5)
    assert q[2, 0] == pytest.approx(0.5)
    assert np.diag(q) == pytest.approx([2.0, 0.5, 1.0])
    a = regional_coefficients(A, "cilq", XR, XN)
    assert a[1, 0] == pytest.approx(0.2 * 0.25)
    assert a[0, 1] == pytest.approx(0.2)  # capped


def test_flq_and_aflq_by_hand():
    delta = 0.3
    lam = math.log2(1 + 100 / 1000) ** delta   # ≈ 0.5514
    assert size_lambda(100, 1000, delta) == pytest.approx(lam)
    assert lam == pytest.approx(0.55143, abs=1e-5)
    flq = quotients("flq", XR, XN, delta)
    assert flq[1, 0] == pytest.approx(0.25 * lam)
    assert flq[2, 1] == pytest.approx(2.0 * lam)
    aflq = quotients("aflq", XR, XN, delta)
    # column 0 buys as a specialised sector (SLQ 2): × log2(3)
    assert aflq[1, 0] == pytest.approx(0.25 * lam * math.log2(3))
    assert aflq[2, 1] == pytest.approx(2.0 * lam)  # SLQ_1 = .5 ≤ 1: no adjustment
    a = regional_coefficients(A, "aflq", XR, XN, delta)
    assert a[2, 2] == pytest.approx(0.2 * lam)


def test_flq_with_delta_zero_is_cilq():
    np.testing.assert_allclose(quotients("flq", XR, XN, 0.0), quotients("cilq", XR, XN))


@pytest.mark.parametrize("method", ["slq", "cilq", "flq", "aflq"])
def test_regional_never_exceeds_national(method):
    rng = np.random.default_rng(3)
    for _ in range(20):
        xr = rng.uniform(0, 50, 6)
        xn = xr + rng.uniform(1, 500, 6)
        a = rng.uniform(0, 0.15, (6, 6))
        assert (regional_coefficients(a, method, xr, xn, 0.2) <= a + 1e-15).all()


@pytest.mark.parametrize("method", ["slq", "cilq", "flq", "aflq"])
def test_region_equal_to_nation_reproduces_table(method):
    np.testing.assert_allclose(regional_coefficients(A, method, XN, XN, 0.3), A)


def test_multipliers_fall_as_delta_rises():
    for method in ("flq", "aflq"):
        previous = None
        for delta in (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3):
            m = output_multipliers(leontief_inverse(regional_coefficients(A, method, XR, XN, delta)))
            if previous is not None:
                assert (m < previous).all()
            previous = m


def test_bad_delta_and_sizes_are_refused():
    with pytest.raises(ValueError, match="δ"):
        size_lambda(1, 10, 1.2)
    with pytest.raises(ValueError, match="at most"):
        size_lambda(20, 10, 0.1)
    with pytest.raises(ValueError, match="method"):
        quotients("glq", XR, XN)


# --------------------------------------------------------------------------- the shipped 2020 table
@pytest.fixture(scope="module")
def t2020():
    return table_from_frame(io_frame("nbs-2020-153"), "nbs-2020-153", 2020)


def test_2020_value_added_equals_gdp(t2020):
    # 2020 GDP 1,016,422 亿元 as the issue states it; the table (万元) must reproduce it in its total value added
    assert t2020.n == 153
    assert t2020.value_added.sum() / 1e4 == pytest.approx(1_016_422, abs=1.0)
    # rows balance: intermediate use + final use − imports = gross output
    np.testing.assert_allclose(t2020.Z.sum(axis=1) + t2020.final.sum(axis=1) - t2020.imports, t2020.x, rtol=1e-6)


def test_domestic_table_removes_exactly_the_imports(t2020):
    dom = t2020.domestic()
    removed = (t2020.Z.sum() + t2020.final.sum()) - (dom.Z.sum() + dom.final.sum())
    assert removed == pytest.approx(t2020.imports.sum(), rel=1e-9)
    assert (dom.Z <= t2020.Z + 1e-9).all()


def _baseline(indicator, r, n, year=2020, unit="亿元"):
    return Baseline(indicator, r, n, year, unit, ["test"])


def test_region_shape_by_gdp_and_industry(t2020):
    shape = region_shape(t2020, "371600", gdp=_baseline("gdp", 1000.0, 100_000.0),
                         industrial_value_added=_baseline("industrial_value_added", 500.0, 30_000.0))
    industry = np.array([g == "industry" for g in t2020.groups])
    np.testing.assert_allclose(shape.output[industry], t2020.x[industry] * 500 / 30_000)
    np.testing.assert_allclose(shape.output[~industry], t2020.x[~industry] * 500 / 70_000)
    assert shape.warnings == []


def test_region_shape_without_baselines_warns(t2020):
    shape = region_shape(t2020, "371600")
    assert shape.warnings and "upper bounds" in shape.warnings[0]


def test_regional_analysis_band_and_bounds(t2020):
    shape = region_shape(t2020, "371600", gdp=_baseline("gdp", 3000.0, 1_016_422.0))
    nat = analyse(t2020, region_shape(t2020, "100000"), {"code": "100000"})
    reg = analyse(t2020, shape, {"code": "371600"})
    s = reg.sectors
    assert (s["output_multiplier"] <= nat.sectors["output_multiplier"] + 1e-12).all()
    assert (s["output_multiplier_low"] <= s["output_multiplier"] + 1e-12).all()
    assert (s["output_multiplier"] <= s["output_multiplier_high"] + 1e-12).all()
    assert (s["output_multiplier_low"] < s["output_multiplier_high"]).any()
    assert set(s["key_class"]) <= {"key", "backward-oriented", "forward-oriented", "weak"}
    assert s["backward_linkage"].mean() == pytest.approx(1.0)
    assert s["forward_linkage"].mean() == pytest.approx(1.0)


@pytest.mark.parametrize("method", ["slq", "cilq", "flq", "aflq"])
def test_region_as_big_as_the_nation_gets_national_multipliers(t2020, method):
    shape = region_shape(t2020, "999999", gdp=_baseline("gdp", 1_016_422.0, 1_016_422.0),
                         industrial_value_added=_baseline("industrial_value_added", 313_071.0, 313_071.0))
    reg = analyse(t2020, shape, {"code": "999999"}, method=method, delta=0.3)
    nat = analyse(t2020, region_shape(t2020, "100000"), {"code": "100000"})
    np.testing.assert_allclose(reg.sectors["output_multiplier"], nat.sectors["output_multiplier"], rtol=1e-12)
    np.testing.assert_allclose(reg.sectors["value_added_multiplier_low"], nat.sectors["value_added_multiplier"],
                               rtol=1e-12)
