"""From national to regional coefficients with location quotients: SLQ, CILQ, FLQ and AFLQ.

A regional coefficient is the national one scaled down by a quotient, never up:
``a_R[i, j] = a_N[i, j] · min(1, q[i, j])`` (Miller & Blair §8.2; Flegg & Webber 1997, 2000):

* SLQ  ``q[i, ·] = SLQᵢ`` with ``SLQᵢ = (xᵢᴿ / xᴿ) / (xᵢᴺ / xᴺ)``;
* CILQ ``q[i, j] = SLQᵢ / SLQⱼ`` off the diagonal, ``SLQᵢ`` on it;
* FLQ  ``q[i, j] = CILQᵢⱼ · λ`` with ``λ = [log₂(1 + xᴿ / xᴺ)]^δ`` (the region's relative size);
* AFLQ ``q[i, j] = FLQᵢⱼ · log₂(1 + SLQⱼ)`` where ``SLQⱼ > 1`` (a specialised buyer buys more locally),
  ``FLQᵢⱼ`` elsewhere.

δ ∈ [0, 1) sets how much smaller regions import; published estimates for Chinese provinces put it
near 0.05–0.075 for FLQ and 0.15 for AFLQ, hence the default 0.15 and the band 0.05–0.3.
"""

from __future__ import annotations

import numpy as np

METHODS = ("slq", "cilq", "flq", "aflq")
DEFAULT_METHOD = "aflq"
DEFAULT_DELTA = 0.15
DELTA_BAND = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3)


def simple_lq(regional_output: np.ndarray, national_output: np.ndarray) -> np.ndarray:
    """``SLQᵢ``; 0 where the nation has no output of *i*."""
    r = np.asarray(regional_output, float)
    n = np.asarray(national_output, float)
    rs, ns = r.sum(), n.sum()
    if rs <= 0 or ns <= 0:
        raise ValueError("regional and national output must be positive to form location quotients")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, (r / rs) / np.where(n > 0, n / ns, 1.0), 0.0)


def size_lambda(regional_total: float, national_total: float, delta: float) -> float:
    """FLQ's ``λ = [log₂(1 + R/N)]^δ``."""
    if not 0 <= delta < 1:
        raise ValueError(f"δ must be in [0, 1), not {delta}")
    if regional_total <= 0 or national_total <= 0 or regional_total > national_total * (1 + 1e-9):
        raise ValueError("the region's size must be positive and at most the nation's")
    return float(np.log2(1.0 + regional_total / national_total) ** delta)


def quotients(method: str, regional_output: np.ndarray, national_output: np.ndarray,
              delta: float = DEFAULT_DELTA, regional_total: float | None = None,
              national_total: float | None = None) -> np.ndarray:
    """The matrix ``q`` of the chosen method (before capping at 1).

    ``regional_total`` / ``national_total`` give FLQ's size term; default: the sums of the outputs.
    """
    method = method.lower()
    if method not in METHODS:
        raise ValueError(f"regionalisation method must be one of {', '.join(METHODS)}, not {method!r}")
    slq = simple_lq(regional_output, national_output)
    n = len(slq)
    if method == "slq":
        return np.repeat(slq[:, None], n, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(slq[None, :] > 0, slq[:, None] / np.where(slq[None, :] > 0, slq[None, :], 1.0), 1.0)
    np.fill_diagonal(q, slq)
    if method == "cilq":
        return q
    rt = float(np.sum(regional_output)) if regional_total is None else float(regional_total)
    nt = float(np.sum(national_output)) if national_total is None else float(national_total)
    q = q * size_lambda(rt, nt, delta)
    if method == "aflq":
        q = q * np.where(slq > 1, np.log2(1.0 + slq), 1.0)[None, :]
    return q


def regional_coefficients(A: np.ndarray, method: str, regional_output: np.ndarray, national_output: np.ndarray,
                          delta: float = DEFAULT_DELTA, regional_total: float | None = None,
                          national_total: float | None = None) -> np.ndarray:
    """``a_R = a_N · min(1, q)``: regional input coefficients from national (domestic) ones."""
    q = quotients(method, regional_output, national_output, delta, regional_total, national_total)
    return A * np.minimum(1.0, q)
