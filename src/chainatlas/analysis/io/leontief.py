"""Coefficients, the Leontief and Ghosh inverses and the multipliers built on them (pure numpy).

Notation (Miller & Blair, *Input-Output Analysis*, 2nd ed.): ``Z`` flows, ``x`` gross output,
``A = Z x̂⁻¹`` technical (input) coefficients, ``L = (I − A)⁻¹`` the Leontief inverse,
``B = x̂⁻¹ Z`` allocation (output) coefficients, ``G = (I − B)⁻¹ = x̂⁻¹ L x̂`` the Ghosh inverse.
A sector with zero output gets zero coefficients (it neither buys nor sells).
"""

from __future__ import annotations

import numpy as np


def _safe_inverse_diag(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.where(x > 0, 1.0 / np.where(x > 0, x, 1.0), 0.0)


def technical_coefficients(Z: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``A[i, j] = Z[i, j] / x[j]``: input of *i* per unit of output of *j*."""
    return Z * _safe_inverse_diag(np.asarray(x, float))[None, :]


def allocation_coefficients(Z: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``B[i, j] = Z[i, j] / x[i]``: share of *i*'s output sold to *j* (Ghosh)."""
    return Z * _safe_inverse_diag(np.asarray(x, float))[:, None]


def leontief_inverse(A: np.ndarray) -> np.ndarray:
    """``(I − A)⁻¹``: output of every sector per unit of final demand for each (by column)."""
    n = A.shape[0]
    return np.linalg.solve(np.eye(n) - A, np.eye(n))


def ghosh_inverse(L: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``x̂⁻¹ L x̂``, equal to ``(I − B)⁻¹`` without a second inversion."""
    x = np.asarray(x, float)
    return _safe_inverse_diag(x)[:, None] * L * x[None, :] + np.diag(np.where(x > 0, 0.0, 1.0))


def ratios(values: np.ndarray, x: np.ndarray) -> np.ndarray:
    """A row (value added, compensation…) per unit of gross output."""
    return np.asarray(values, float) * _safe_inverse_diag(np.asarray(x, float))


def output_multipliers(L: np.ndarray) -> np.ndarray:
    """Column sums of ``L``: total output per unit of final demand for the sector."""
    return L.sum(axis=0)


def input_multipliers(coefficient: np.ndarray, L: np.ndarray) -> np.ndarray:
    """``c′L``: total (direct + indirect) value added (or compensation…) per unit of final demand.

    ``coefficient`` is the row per unit of output (:func:`ratios`). Type I multipliers are these
    divided by the sector's own coefficient (see :func:`type_one`).
    """
    return np.asarray(coefficient, float) @ L


def type_one(total: np.ndarray, coefficient: np.ndarray) -> np.ndarray:
    """Total effect over the direct effect (``c′L / c``); nan where the sector has no direct effect."""
    c = np.asarray(coefficient, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(c > 0, total / np.where(c > 0, c, 1.0), np.nan)
