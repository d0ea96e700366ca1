"""Input-output core: pymrio as oracle, hand-worked 3-sector examples, closed forms vs re-solves."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from chainatlas.analysis.io import (
    allocation_coefficients,
    backward_linkages,
    extraction,
    forward_linkages,
    ghosh_inverse,
    input_multipliers,
    key_sectors,
    leontief_inverse,
    output_multipliers,
    ratios,
    technical_coefficients,
)

# A hand-worked chain: 1 sells 0.5 per unit to 2, 2 sells 0.5 per unit to 3, nothing else.
# L = I + A + A² = [[1, .5, .25], [0, 1, .5], [0, 0, 1]] exactly.
A3 = np.array([[0.0, 0.5, 0.0], [0.0, 0.0, 0.5], [0.0, 0.0, 0.0]])
L3 = np.array([[1.0, 0.5, 0.25], [0.0, 1.0, 0.5], [0.0, 0.0, 1.0]])


@pytest.fixture(scope="module")
def mrio():
    pymrio = pytest.importorskip("pymrio")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        io = pymrio.load_test()
        io.calc_all()
    return io


def test_coefficients_and_leontief_match_pymrio(mrio):
    Z = mrio.Z.to_numpy()
    x = mrio.x.to_numpy().ravel()
    A = technical_coefficients(Z, x)
    np.testing.assert_allclose(A, mrio.A.to_numpy(), rtol=1e-10, atol=1e-14)
    L = leontief_inverse(A)
    np.testing.assert_allclose(L, mrio.L.to_numpy(), rtol=1e-8, atol=1e-12)


def test_ghosh_matches_pymrio(mrio):
    Z = mrio.Z.to_numpy()
    x = mrio.x.to_numpy().ravel()
    import pymrio

    L = leontief_inverse(technical_coefficients(Z, x))
    B = pymrio.calc_B(mrio.Z, mrio.x)
    np.testing.assert_allclose(allocation_coefficients(Z, x), np.asarray(B), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(ghosh_inverse(L, x), np.asarray(pymrio.calc_G(B)), rtol=1e-8, atol=1e-10)


def test_value_added_multipliers_match_pymrio(mrio):
    Z = mrio.Z.to_numpy()
    x = mrio.x.to_numpy().ravel()
    L = leontief_inverse(technical_coefficients(Z, x))
    va = mrio.factor_inputs.F.loc["Value Added"].to_numpy()
    m = input_multipliers(ratios(va, x), L)
    np.testing.assert_allclose(m, mrio.factor_inputs.M.loc["Value Added"].to_numpy(), rtol=1e-8, atol=1e-12)
    # every unit of final demand is ultimately value added (or imports, none here): multipliers ≤ 1
    assert output_multipliers(L).min() >= 1.0 - 1e-12


def test_hand_worked_three_sectors():
    L = leontief_inverse(A3)
    np.testing.assert_allclose(L, L3, atol=1e-15)
    np.testing.assert_allclose(output_multipliers(L), [1.0, 1.5, 1.75])
    # backward: 3 · colsum / 4.25
    np.testing.assert_allclose(backward_linkages(L), [3 / 4.25, 4.5 / 4.25, 5.25 / 4.25])
    # forward, Leontief rows: 1.75, 1.5, 1
    np.testing.assert_allclose(forward_linkages(L, variant="leontief"), [5.25 / 4.25, 4.5 / 4.25, 3 / 4.25])
    # Ghosh with x = (10, 20, 40): G = x̂⁻¹ L x̂ → rows (1, 1, 1), (0, 1, 1), (0, 0, 1) after scaling
    x = np.array([10.0, 20.0, 40.0])
    G = ghosh_inverse(L, x)
    np.testing.assert_allclose(G, [[1, 1.0, 1.0], [0, 1, 1.0], [0, 0, 1]])
    np.testing.assert_allclose(forward_linkages(L, G), [3 * 3 / 6, 3 * 2 / 6, 3 * 1 / 6])
    assert key_sectors(np.array([1.2, 1.2, 0.8, 0.8]), np.array([1.1, 0.9, 1.1, 0.9])) == [
        "key", "backward-oriented", "forward-oriented", "weak"]


def test_hand_worked_extraction():
    # x = L f with f = (0, 0, 40): x = (10, 20, 40); sector 2 (middle) extracted entirely:
    # sector 1 then sells nothing (x̄1 = f1 = 0), sector 2 keeps its own final demand 0, sector 3 keeps 40,
    # so 30 of 70 is lost.
    f = np.array([0.0, 0.0, 40.0])
    L = leontief_inverse(A3)
    x = L @ f
    G = ghosh_inverse(L, x)
    ext = extraction(L, G, x, f)
    assert ext.loc[1, "total"] == pytest.approx(30.0)
    assert ext.loc[2, "total"] == pytest.approx(30.0)   # without 3 nobody demands 1 or 2
    assert ext.loc[0, "total"] == pytest.approx(10.0)


def _resolve_extractions(A: np.ndarray, x: np.ndarray, f: np.ndarray) -> np.ndarray:
    """The loop of re-solves the closed form replaces (total, backward, forward)."""
    n = len(x)
    out = np.zeros((n, 3))
    v = x - x * A.sum(axis=0)  # value added per sector; the Ghosh model reads x′ = v′(I − B)⁻¹
    B = allocation_coefficients(A * x[None, :], x)
    for k in range(n):
        At = A.copy()
        At[k, :] = 0
        At[:, k] = 0
        out[k, 0] = x.sum() - np.linalg.solve(np.eye(n) - At, f).sum()
        Ab = A.copy()
        Ab[:, k] = 0
        out[k, 1] = x.sum() - np.linalg.solve(np.eye(n) - Ab, f).sum()
        Bf = B.copy()
        Bf[k, :] = 0
        out[k, 2] = x.sum() - np.linalg.solve((np.eye(n) - Bf).T, v).sum()
    return out


def test_closed_form_extraction_equals_resolves():
    rng = np.random.default_rng(7)
    n = 12
    A = rng.uniform(0, 0.08, (n, n))
    f = rng.uniform(10, 100, n)
    L = leontief_inverse(A)
    x = L @ f
    G = ghosh_inverse(L, x)
    ext = extraction(L, G, x, f)
    expected = _resolve_extractions(A, x, f)
    np.testing.assert_allclose(ext[["total", "backward", "forward"]].to_numpy(), expected, rtol=1e-9)


def test_zero_output_sector_has_no_coefficients():
    Z = np.array([[1.0, 0.0], [0.0, 0.0]])
    x = np.array([10.0, 0.0])
    A = technical_coefficients(Z, x)
    assert A[0, 1] == 0 and np.isfinite(A).all()
    G = ghosh_inverse(leontief_inverse(A), x)
    assert np.isfinite(G).all()


def test_new_output_impact_equals_resolve_without_the_sector():
    from chainatlas.analysis.io import output_impact
    from chainatlas.analysis.io.model import solve

    rng = np.random.default_rng(11)
    n, k, amount = 8, 3, 50.0
    A = rng.uniform(0, 0.1, (n, n))
    x = rng.uniform(100, 200, n)
    v = rng.uniform(0.2, 0.5, n)
    w = v / 2
    s = solve(A, x, v, w)
    got = output_impact(s, k, amount)
    others = np.arange(n) != k
    induced = np.linalg.solve(np.eye(n - 1) - A[np.ix_(others, others)], A[others, k] * amount)
    assert got["indirect_output"] == pytest.approx(induced.sum())
    assert got["total_value_added"] == pytest.approx(v[k] * amount + v[others] @ induced)
    # the same plant read as final demand would count its own feedback: strictly more
    L = leontief_inverse(A)
    assert got["total_output"] < L[:, k].sum() * amount
    # closed form: colsum(L_k) / L_kk per unit
    assert got["total_output"] == pytest.approx(amount * L[:, k].sum() / L[k, k])
    # a local-sourcing column of zeros leaves only the direct effect; impacts are linear in the amount
    assert output_impact(s, k, amount, np.zeros(n))["indirect_output"] == 0
    double = output_impact(s, k, 2 * amount)
    assert double["total_compensation"] == pytest.approx(2 * got["total_compensation"])
