"""The region x activity matrix and what is read directly off it: RCA, RPOP, presence, degrees.

Everything here accepts a dense ``numpy`` array or a ``scipy.sparse`` matrix and keeps sparse
inputs sparse: a county x 20,000-product table is 57 million cells of which 1-2 % are non-zero,
and densifying it early is the single easiest way to run out of memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = [
    "LabelledMatrix",
    "as_matrix",
    "diversity",
    "presence",
    "rca",
    "rpop",
    "ubiquity",
]

Matrix = np.ndarray | sp.sparray | sp.spmatrix
PresenceTest = Literal["rca", "rpop", "both", "manual"]


@dataclass(frozen=True)
class LabelledMatrix:
    """A validated non-negative region x activity matrix with its labels."""

    values: np.ndarray | sp.csr_array
    regions: pd.Index
    products: pd.Index

    @property
    def is_sparse(self) -> bool:
        return sp.issparse(self.values)


def as_matrix(values: object, regions: object = None, products: object = None) -> LabelledMatrix:
    """Coerce a wide DataFrame, ndarray or sparse matrix into a float64 :class:`LabelledMatrix`.

    NaN is read as zero (as the reference package does: a missing cell means nothing was
    recorded). Negative values make RCA meaningless and raise, naming the first offending cell.
    """
    if isinstance(values, pd.DataFrame):
        reg = pd.Index(values.index if regions is None else regions)
        prod = pd.Index(values.columns if products is None else products)
        numeric = all(pd.api.types.is_numeric_dtype(t) for t in values.dtypes)
        frame = values if numeric else values.apply(pd.to_numeric, errors="coerce")
        arr = frame.to_numpy(dtype=float, na_value=np.nan, copy=True)
    elif sp.issparse(values):
        arr = sp.csr_array(values, dtype=float)
        arr.sum_duplicates()
        reg = pd.RangeIndex(arr.shape[0]) if regions is None else pd.Index(regions)
        prod = pd.RangeIndex(arr.shape[1]) if products is None else pd.Index(products)
    else:
        arr = np.array(values, dtype=float, copy=True)
        if arr.ndim != 2:
            raise ValueError(f"expected a 2-D region x activity matrix, got shape {arr.shape}")
        reg = pd.RangeIndex(arr.shape[0]) if regions is None else pd.Index(regions)
        prod = pd.RangeIndex(arr.shape[1]) if products is None else pd.Index(products)
    if len(reg) != arr.shape[0] or len(prod) != arr.shape[1]:
        raise ValueError(
            f"labels do not fit the matrix: {len(reg)} regions x {len(prod)} products "
            f"for a matrix of shape {arr.shape}"
        )
    data = arr.data if sp.issparse(arr) else arr
    if not np.isfinite(data).all():  # one read-only pass in the usual all-finite case
        np.nan_to_num(data, copy=False, nan=0.0, posinf=np.inf, neginf=-np.inf)
        if not np.isfinite(data).all():
            raise ValueError("the activity matrix contains infinite values")
    if (data < 0).any():
        r, c = _first_negative(arr)
        raise ValueError(
            f"negative value {_cell(arr, r, c)} for region {reg[r]!r}, activity {prod[c]!r}: "
            "RCA needs non-negative output, revenue, capacity or counts"
        )
    if sp.issparse(arr):
        arr.eliminate_zeros()
    return LabelledMatrix(arr, reg, prod)


def _first_negative(arr: Matrix) -> tuple[int, int]:
    if sp.issparse(arr):
        coo = sp.coo_array(arr)
        i = int(np.flatnonzero(coo.data < 0)[0])
        return int(coo.row[i]), int(coo.col[i])
    r, c = np.argwhere(arr < 0)[0]
    return int(r), int(c)


def _cell(arr: Matrix, r: int, c: int) -> float:
    return float(arr[r, c]) if not sp.issparse(arr) else float(sp.csr_array(arr)[[r], :].toarray()[0, c])


def _row_sums(x: Matrix) -> np.ndarray:
    return np.asarray(x.sum(axis=1)).ravel().astype(float)


def _col_sums(x: Matrix) -> np.ndarray:
    return np.asarray(x.sum(axis=0)).ravel().astype(float)


def _safe_inverse(v: np.ndarray) -> np.ndarray:
    out = np.zeros_like(v, dtype=float)
    np.divide(1.0, v, out=out, where=v != 0)
    return out


def _scale(x: Matrix, row: np.ndarray | None = None, col: np.ndarray | None = None) -> Matrix:
    """Multiply rows and/or columns by factors without densifying sparse input."""
    if sp.issparse(x):
        out = sp.csr_array(x, copy=True)
        if row is not None:
            out = sp.csr_array(sp.diags_array(row) @ out)
        if col is not None:
            out = sp.csr_array(out @ sp.diags_array(col))
        return out
    # One new array, scaled in place: each extra full-size temporary costs a pass over memory.
    out = np.asarray(x, dtype=float)
    if row is not None:
        out = out * row[:, None]
        if col is not None:
            out *= col[None, :]
    elif col is not None:
        out = out * col[None, :]
    return out


def rca(values: Matrix) -> Matrix:
    r"""Balassa's revealed comparative advantage.

    .. math:: RCA_{cp} = \frac{X_{cp} / \sum_{p'} X_{cp'}}{\sum_{c'} X_{c'p} / \sum_{c'p'} X_{c'p'}}

    (Balassa 1965).  Cells whose region or product total is zero have no defined RCA; they are
    returned as 0 (never present), which is what the reference package's presence test does with
    its NaNs.  Sparse input stays sparse.
    """
    x = values
    total = float(x.sum())
    row = _row_sums(x)
    col = _col_sums(x)
    return _scale(x, _safe_inverse(row), _safe_inverse(col) * total)


def rpop(values: Matrix, population: np.ndarray) -> Matrix:
    r"""Per-capita revealed advantage (RPOP).

    .. math:: RPOP_{cp} = \frac{X_{cp} / N_c}{\sum_{c'} X_{c'p} / \sum_{c'} N_{c'}}

    Used for sub-national work where regions export little and RCA is dominated by a few large
    activities. Regions with zero or missing population get 0.
    """
    pop = np.nan_to_num(np.asarray(population, dtype=float).ravel())
    if pop.shape[0] != values.shape[0]:
        raise ValueError(f"population has {pop.shape[0]} entries for {values.shape[0]} regions")
    col = _col_sums(values)
    return _scale(values, _safe_inverse(pop), _safe_inverse(col) * float(pop.sum()))


def _threshold(x: Matrix, t: float, strict: bool) -> Matrix:
    if sp.issparse(x):
        if t <= 0 and not (strict and t == 0):
            raise ValueError("a sparse presence test needs a positive threshold (zeros would be present)")
        out = sp.csr_array(x > t if strict else x >= t, dtype=np.float64)
        out.eliminate_zeros()
        return out
    return ((x > t) if strict else (x >= t)).astype(np.float64)


def presence(
    values: Matrix,
    *,
    test: PresenceTest = "rca",
    threshold: float = 1.0,
    rpop_threshold: float | None = None,
    population: np.ndarray | None = None,
    strict: bool = False,
) -> tuple[Matrix, Matrix | None, Matrix | None]:
    """Binary presence matrix ``M`` with the RCA / RPOP matrices it was derived from.

    Returns
    -------
    (mcp, rca, rpop)
        ``rpop`` is None unless the test used it; ``rca`` is the input itself for ``"manual"``.
        ``"both"`` marks presence when *either* test passes (the Stata package's ``M1 + M2 > 0``;
        the Python package adds the two and can yield 2, which we treat as a bug).
    """
    if test == "manual":
        return values, values, None
    r = rca(values)
    if test == "rca":
        return _threshold(r, threshold, strict), r, None
    if population is None:
        raise ValueError(f"presence test {test!r} needs a population per region")
    rp = rpop(values, population)
    t2 = threshold if rpop_threshold is None else rpop_threshold
    if test == "rpop":
        return _threshold(rp, t2, strict), r, rp
    if test == "both":
        m1, m2 = _threshold(r, threshold, strict), _threshold(rp, t2, strict)
        both = (m1 + m2) > 0
        return (sp.csr_array(both, dtype=np.float64) if sp.issparse(both) else both.astype(float)), r, rp
    raise ValueError(f"unknown presence test {test!r}; use 'rca', 'rpop', 'both' or 'manual'")


def diversity(mcp: Matrix) -> np.ndarray:
    """Number of activities present in each region (k_c,0)."""
    return _row_sums(mcp)


def ubiquity(mcp: Matrix) -> np.ndarray:
    """Number of regions in which each activity is present (k_p,0)."""
    return _col_sums(mcp)
