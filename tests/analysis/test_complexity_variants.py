r"""Hand-worked examples for every variant.

The worked matrix (presence given, ``presence="manual"``)::

          p1 p2 p3 p4   diversity
    r1  [  1  1  1  1 ]   4
    r2  [  1  1  0  0 ]   2
    r3  [  1  0  0  0 ]   1
    ubiquity 3  2  1  1

Region side: :math:`24\,\tilde M_{cc} = [[17,5,2],[10,10,4],[8,8,8]]`; trace 35, det 576, so
besides 24 the eigenvalues are 8 and 3 (sum 11, product 24) -> :math:`\lambda_2 = 1/3`.
:math:`(A - 8I)v = 0` gives :math:`k_c \propto (1, -1, -2)` (positive correlation with diversity).
:math:`k_p = D_p^{-1} M^\top k_c = (-2/3, 0, 1, 1)` and :math:`D_c^{-1} M k_p = (1, -1, -2)/3`.
Population std of that ECI vector is :math:`\sqrt{14}/9`, mean :math:`-2/9`, so

* GROWTHLAB_PY: ECI = (5, -1, -4)/sqrt(14), PCI = (9 k_p + 2)/sqrt(14) = (-4, 2, 11, 11)/sqrt(14);
* GROWTHLAB_STATA (sample std, sqrt(21)/9): ECI = (5, -1, -4)/sqrt(21), PCI = (-4, 2, 11, 11)/sqrt(21).

Proximity :math:`C_{pp'}/\max(k_p, k_{p'})`: p1p2 = 2/3, p1p3 = p1p4 = 1/3, p2p3 = p2p4 = 1/2,
p3p4 = 1.  With diagonal 1 the row sums are (7/3, 8/3, 17/6, 17/6); with diagonal 0 they are
(4/3, 5/3, 11/6, 11/6).  Region r3 (only p1) therefore has density
(3/7, 1/4, 2/17, 2/17) with diagonal 1 and (0, 2/5, 2/11, 2/11) with diagonal 0.

COI/COG (Growth Lab): the outlook PCI is :math:`k_p/\mathrm{sd}(ECI) = (-6, 0, 9, 9)/\sqrt{14}`.
Raw COI = sum over absent products of density x PCI: r1 0, r2 2(5/17)(9)/sqrt(14), r3
2(2/17)(9)/sqrt(14), i.e. proportional to (0, 90, 36); standardised: (-42, 48, -6)/sqrt(1368).
COG(r3, p2) = phi(p3,p2) w3 + phi(p4,p2) w4 with w = PCI / row sum = 54/17/sqrt(14) for p3, p4:
54/(17 sqrt(14)); COG(r3, p3) = (1 + 1) 54/(17 sqrt(14)); COG(r3, p1) = 0 (present).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chainatlas.analysis.complexity import (
    GROWTHLAB_PY,
    GROWTHLAB_STATA,
    OEC,
    Variant,
    compute_complexity,
    presence,
    rca,
)
from chainatlas.analysis.complexity.variants import get_variant

M = pd.DataFrame(
    [[1, 1, 1, 1], [1, 1, 0, 0], [1, 0, 0, 0]], index=["r1", "r2", "r3"], columns=["p1", "p2", "p3", "p4"], dtype=float
)
S14, S21 = np.sqrt(14), np.sqrt(21)


def test_growthlab_py_by_hand() -> None:
    res = compute_complexity(M, presence="manual", variant=GROWTHLAB_PY)
    np.testing.assert_allclose(res.eci, np.array([5, -1, -4]) / S14, atol=1e-12)
    np.testing.assert_allclose(res.pci, np.array([-4, 2, 11, 11]) / S14, atol=1e-12)
    assert res.eigenvalue == pytest.approx(1 / 3)
    np.testing.assert_allclose(res.density[2], [3 / 7, 1 / 4, 2 / 17, 2 / 17], atol=1e-12)
    np.testing.assert_allclose(res.density[1, 2], 5 / 17, atol=1e-12)
    np.testing.assert_allclose(res.coi, np.array([-42, 48, -6]) / np.sqrt(1368), atol=1e-12)
    np.testing.assert_allclose(res.cog[2], [0, 54 / 17 / S14, 108 / 17 / S14, 108 / 17 / S14], atol=1e-12)
    phi = res.proximity
    np.testing.assert_allclose(phi[0], [1, 2 / 3, 1 / 3, 1 / 3], atol=1e-12)
    np.testing.assert_allclose(phi[2], [1 / 3, 1 / 2, 1, 1], atol=1e-12)


def test_growthlab_stata_by_hand() -> None:
    res = compute_complexity(M, presence="manual", variant=GROWTHLAB_STATA)
    np.testing.assert_allclose(res.eci, np.array([5, -1, -4]) / S21, atol=1e-12)
    np.testing.assert_allclose(res.pci, np.array([-4, 2, 11, 11]) / S21, atol=1e-12)
    np.testing.assert_allclose(np.diag(res.proximity), 0.0)
    np.testing.assert_allclose(res.density[2], [0, 2 / 5, 2 / 11, 2 / 11], atol=1e-12)


def test_stata_presence_is_strict() -> None:
    """RCA exactly 1 is present for the Python package, absent for Stata.

    Values [[1, 1], [1, 3]]: totals rows (2, 4), cols (2, 4), grand 6; RCA(r1, p1) = (1/2)/(2/6) = 1.5,
    RCA(r1, p2) = (1/2)/(4/6) = 0.75, RCA(r2, p1) = (1/4)/(1/3) = 0.75, RCA(r2, p2) = (3/4)/(2/3) = 1.125.
    A uniform region [[2, 2], [2, 2]] has RCA exactly 1 everywhere.
    """
    x = np.array([[1.0, 1.0], [1.0, 3.0]])
    np.testing.assert_allclose(rca(x), [[1.5, 0.75], [0.75, 1.125]])
    flat = np.full((2, 2), 2.0)
    assert presence(flat, strict=False)[0].sum() == 4
    assert presence(flat, strict=True)[0].sum() == 0


def _oec_loop(m: np.ndarray, iterations: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """The OEC library's reflection loop, transcribed plainly (simultaneous updates, last kc skipped)."""
    kp0, kc0 = m.sum(axis=0), m.sum(axis=1)
    kp, kc = kp0.copy(), kc0.copy()
    for i in range(1, iterations):
        kc_t, kp_t = kc.copy(), kp.copy()
        kp = (m * kc_t[:, None]).sum(axis=0) / kp0
        if i < iterations - 1:
            kc = (m * kp_t[None, :]).sum(axis=1) / kc0
    return (kc - kc.mean()) / kc.std(ddof=1), (kp - kp.mean()) / kp.std(ddof=1)


def test_oec_reflections_by_hand() -> None:
    """Reflections converge to the eigenvector: with lambda3/lambda2 = 3/8 the 18th iterate is
    within (3/8)^9 ~ 1.5e-4 of ECI = (5, -1, -4)/sqrt(21)."""
    res = compute_complexity(M, presence="manual", variant=OEC)
    eci, pci = _oec_loop(M.to_numpy())
    np.testing.assert_allclose(res.eci, eci, atol=1e-10)
    np.testing.assert_allclose(res.pci, pci, atol=1e-10)
    np.testing.assert_allclose(res.eci, np.array([5, -1, -4]) / S21, atol=1e-3)


def test_oec_opportunity_gain_by_hand() -> None:
    r"""OG_cp = sum_p' phi_pp' / (sum_p'' phi_p''p') (1 - M_cp') PCI_p' - (1 - d_cp) PCI_p, diagonal 0,
    summed explicitly cell by cell."""
    res = compute_complexity(M, presence="manual", variant=OEC)
    m = M.to_numpy()
    phi = res.proximity
    pci = res.pci.to_numpy()
    d = res.density
    og = np.zeros_like(m)
    for c in range(3):
        for p in range(4):
            og[c, p] = sum(phi[p, q] / phi[:, q].sum() * (1 - m[c, q]) * pci[q] for q in range(4))
            og[c, p] -= (1 - d[c, p]) * pci[p]
    np.testing.assert_allclose(res.cog, og, atol=1e-12)
    # density with diagonal 0 for r3, as worked in the module docstring
    np.testing.assert_allclose(d[2], [0, 2 / 5, 2 / 11, 2 / 11], atol=1e-12)


def test_variant_switch_is_explicit() -> None:
    assert get_variant("oec") is OEC
    assert get_variant("GROWTHLAB_STATA") is GROWTHLAB_STATA
    with pytest.raises(ValueError, match="Unknown complexity variant"):
        get_variant("nope")
    custom = GROWTHLAB_PY.with_(name="gl-strict", strict=True)
    assert isinstance(custom, Variant) and custom.strict and not GROWTHLAB_PY.strict
    with pytest.raises(ValueError):
        Variant(name="bad", method="power")  # type: ignore[arg-type]
