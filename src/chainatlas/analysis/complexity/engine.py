"""One call from a region x activity matrix to every complexity and relatedness measure."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from chainatlas.analysis.complexity import space
from chainatlas.analysis.complexity.eigen import eci_pci_eigen, eci_pci_reflections, standardise
from chainatlas.analysis.complexity.matrix import (
    Matrix,
    PresenceTest,
    _safe_inverse,
    as_matrix,
    diversity,
    ubiquity,
)
from chainatlas.analysis.complexity.matrix import presence as presence_matrix
from chainatlas.analysis.complexity.result import ComplexityResult
from chainatlas.analysis.complexity.variants import GROWTHLAB_PY, Variant, get_variant

__all__ = ["align_proximity", "compute_complexity", "outlook"]

OutlookMethod = Literal["auto", "dense", "regions"]

#: From this many products (and at least twice as many products as regions) ``method="auto"``
#: stops building the P x P proximity for *sparse* input: below it the dense matrix is small and
#: BLAS is faster than the sparse level-by-level products.
REGION_PATH_MIN_PRODUCTS = 8000

#: Dense input: ``method="auto"`` uses the blocked operator (:class:`space.BlockedProximity`,
#: about :math:`24R^2P` flops) instead of building ``phi`` (about :math:`5RP^2`) from this many
#: products per region, and from this many products (below it ``phi`` is a few MB).
BLOCKED_MIN_PRODUCTS_PER_REGION = 4
BLOCKED_MIN_PRODUCTS = 1000

#: The blocked operator's cost ignores zeros; below this share of present cells a dense ``mcp`` is
#: converted to sparse and goes through :func:`space.times_proximity` instead (a county table
#: passed as a dense array is ~1 % filled).
BLOCKED_MIN_FILL = 0.05


def compute_complexity(
    values: pd.DataFrame | Matrix,
    *,
    regions: object = None,
    products: object = None,
    variant: Variant | str = GROWTHLAB_PY,
    presence: PresenceTest = "rca",
    threshold: float = 1.0,
    population: object = None,
    rpop_threshold: float | None = None,
    proximity: pd.DataFrame | np.ndarray | None = None,
    asymmetric: bool = False,
    continuous: bool = False,
    method: OutlookMethod = "auto",
) -> ComplexityResult:
    """RCA, presence, diversity/ubiquity, ECI/PCI, proximity, density, COI and COG in one pass.

    Parameters
    ----------
    values : wide DataFrame (index = regions, columns = products), ndarray or scipy.sparse matrix
        of output, revenue, capacity or firm counts (non-negative; NaN = 0).
    regions, products : labels when ``values`` is not a DataFrame.
    variant : conventions (``GROWTHLAB_PY`` default, ``GROWTHLAB_STATA``, ``OEC`` or a name).
    presence : ``"rca"``, ``"rpop"`` (needs ``population``), ``"both"`` or ``"manual"`` (values
        are M).
    threshold : presence threshold (``>=`` or ``>`` by variant); ``rpop_threshold`` defaults to it.
    population : per-region population (Series indexed by region, or array in row order).
    proximity : external product proximity (e.g. national) to score regions with; a DataFrame is
        aligned on product labels, products it lacks get zero proximity.
    asymmetric, continuous : proximity options as in the reference package.
    method : ``"regions"`` multiplies by proximity without building it (level by level for
        sparse input, :class:`space.BlockedProximity` for dense input), ``"dense"`` builds it,
        ``"auto"`` picks by size (:func:`_region_path_pays`).

    Returns
    -------
    ComplexityResult

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame([[5, 1, 0], [1, 5, 1], [0, 1, 5]], index=list("abc"), columns=list("xyz"))
    >>> res = compute_complexity(x)
    >>> float(res.mcp.sum())
    3.0
    """
    var = get_variant(variant)
    lm = as_matrix(values, regions, products)
    pop = _align_population(population, lm.regions)
    mcp, rca_m, rpop_m = presence_matrix(
        lm.values,
        test=presence,
        threshold=threshold,
        rpop_threshold=rpop_threshold,
        population=pop,
        strict=var.strict,
    )
    div = diversity(mcp)
    ubi = ubiquity(mcp)
    reg_ok = div > 0
    prod_ok = ubi > 0
    n_r, n_p = mcp.shape

    # ECI / PCI on the unmasked block only, so empty units cannot poison the rest.
    sub = _submatrix(mcp, reg_ok, prod_ok)
    notes: list[str] = []
    if sub.shape[0] >= 2 and sub.shape[1] >= 2:
        sol = eci_pci_eigen(sub) if var.method == "eigen" else eci_pci_reflections(sub, var.iterations)
        kc, kp, lam, notes = sol.kc, sol.kp, sol.eigenvalue, list(sol.notes)
    else:
        kc, kp, lam = np.full(sub.shape[0], np.nan), np.full(sub.shape[1], np.nan), np.nan
        notes.append("fewer than two non-empty regions or products: ECI/PCI undefined")
    eci_s = standardise(kc, var.ddof)
    pci_s = standardise(kp, var.ddof, moments_of=kc if var.pci_moments == "eci" else None)
    if var.outlook_pci == "scaled":
        sd = kc.std(ddof=var.ddof) if kc.size > var.ddof else np.nan
        pci_o_sub = kp / sd if sd > 0 else np.full_like(kp, np.nan)
    else:
        pci_o_sub = pci_s
    eci = _expand(eci_s, reg_ok)
    pci = _expand(pci_s, prod_ok)
    pci_o = np.nan_to_num(_expand(pci_o_sub, prod_ok))
    if (~reg_ok).any() or (~prod_ok).any():
        notes.append(
            f"masked {(~reg_ok).sum()} region(s) with zero diversity and {(~prod_ok).sum()} "
            "product(s) with zero ubiquity"
        )

    # Proximity, density, COG.
    ext = proximity is not None
    if ext:
        phi = align_proximity(proximity, lm.products, diagonal=var.proximity_diagonal)
        dens, cog_base = outlook(mcp, pci_o, phi=phi)
        factory = None
    elif continuous:
        base = rpop_m if (presence == "rpop" and rpop_m is not None) else rca_m
        phi = space.continuous_proximity(_zero_cols(base, prod_ok), diagonal=var.proximity_diagonal)
        dens = space.density(base, phi)
        w = pci_o * _safe_inverse(phi.sum(axis=1))
        cog_base = (w @ phi)[None, :] - np.asarray(space._mul_row(mcp, w) @ phi)
        factory = None
    else:
        phi = None
        use_regions = method == "regions" or (method == "auto" and not asymmetric and _region_path_pays(mcp))
        if use_regions and asymmetric:
            raise ValueError("method='regions' supports the symmetric proximity only")
        if not use_regions:
            phi = space.proximity(mcp, asymmetric=asymmetric, diagonal=var.proximity_diagonal)
        dens, cog_base = outlook(mcp, pci_o, phi=phi, diagonal=var.proximity_diagonal)
        diag = var.proximity_diagonal

        def factory(m: Matrix = mcp, a: bool = asymmetric, d: float = diag) -> np.ndarray:
            return space.proximity(m, asymmetric=a, diagonal=d)

    cog = space.finish_cog(cog_base, mcp, pci_o, dens, var.cog_mask_present, var.cog_loss_term)
    coi_raw = space.coi(dens, mcp, pci_o)
    if not ext:
        dens[:, ~prod_ok] = np.nan
    cog[:, ~prod_ok] = np.nan
    coi_raw[~reg_ok] = np.nan
    coi = standardise(coi_raw, var.ddof) if var.coi_standardise else coi_raw

    return ComplexityResult(
        regions=lm.regions,
        products=lm.products,
        variant=var,
        presence=presence,
        threshold=float(threshold),
        rca=rca_m,
        rpop=rpop_m,
        mcp=mcp,
        diversity=pd.Series(div, index=lm.regions, name="diversity"),
        ubiquity=pd.Series(ubi, index=lm.products, name="ubiquity"),
        eci=pd.Series(eci, index=lm.regions, name="eci"),
        pci=pd.Series(pci, index=lm.products, name="pci"),
        density=dens,
        coi=pd.Series(coi, index=lm.regions, name="coi"),
        cog=cog,
        masked_regions=lm.regions[~reg_ok],
        masked_products=lm.products[~prod_ok],
        eigenvalue=lam,
        notes=tuple(notes),
        _proximity=phi,
        _proximity_factory=factory,
    )


def outlook(
    mcp: Matrix,
    pci_o: np.ndarray,
    *,
    phi: np.ndarray | None = None,
    diagonal: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Density and the COG core :math:`\\sum_{p'} (1 - M_{cp'}) w_{p'} \\phi_{p'p}`, w = PCI / row sum.

    With ``phi`` given, plain dense algebra.  Without it, the symmetric min-conditional proximity
    of ``mcp`` (with ``diagonal``) is applied without being built: through
    :class:`space.BlockedProximity` for a dense ``mcp``, :func:`space.times_proximity` for a sparse one.
    """
    if phi is not None:
        dens = space.density(mcp, phi)
        w = pci_o * _safe_inverse(phi.sum(axis=1))
        base = (w @ phi)[None, :] - np.asarray(space._mul_row(mcp, w) @ phi)
        return dens, base
    if not sp.issparse(mcp) and _fill(mcp) >= BLOCKED_MIN_FILL:
        return _outlook_blocked(np.asarray(mcp, dtype=float), pci_o, diagonal)
    m = sp.csr_array(mcp, dtype=float)
    n_r, n_p = m.shape
    live = (np.asarray(m.sum(axis=0)).ravel() > 0).astype(float)
    shift = diagonal - 1.0  # phi_d = phi + shift * I on live products
    rowsum = space.times_proximity(sp.csr_array(live[None, :]), m)[0] + shift * live
    w = pci_o * _safe_inverse(rowsum)
    mw = sp.csr_array(m @ sp.diags_array(w))
    y = space.times_proximity(sp.vstack([m, mw, sp.csr_array(w[None, :])]).tocsr(), m)
    # Work in place on views of y: fresh multi-GB allocations cost more than the arithmetic.
    inv_rowsum = _safe_inverse(rowsum)
    dens = y[:n_r]
    if shift:
        dens += shift * m.toarray()
    dens *= inv_rowsum[None, :]
    base = y[n_r : 2 * n_r]
    base *= -1.0
    base += y[2 * n_r][None, :] + shift * w[None, :]
    if shift:
        base -= shift * mw.toarray()
    return dens, base


def _outlook_blocked(mcp: np.ndarray, pci_o: np.ndarray, diagonal: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`outlook` for a dense binary ``mcp`` through :class:`space.BlockedProximity`.

    Everything is computed in the operator's sorted product order (``x`` is built sorted, so no
    gather of the q x P input is needed) and unsorted once at the end, straight into the outputs.
    """
    n_r = mcp.shape[0]
    op = space.BlockedProximity(mcp)
    m_s = op.m_sorted
    live_s = (m_s.sum(axis=0) > 0).astype(float)
    shift = diagonal - 1.0  # phi_d = phi + shift * I on live products
    rowsum_s = op.apply_sorted(live_s)[0]
    if shift:
        rowsum_s += shift * live_s
    inv_rowsum_s = _safe_inverse(rowsum_s)
    w_s = op.sort(pci_o) * inv_rowsum_s
    x_s = np.empty((2 * n_r + 1, m_s.shape[1]))
    x_s[:n_r] = m_s
    np.multiply(m_s, w_s, out=x_s[n_r : 2 * n_r])
    x_s[2 * n_r] = w_s
    y_s = op.apply_sorted(x_s)
    dens_s = y_s[:n_r]
    if shift:
        dens_s += shift * m_s
    dens_s *= inv_rowsum_s
    base_s = y_s[n_r : 2 * n_r]
    if shift:
        base_s += shift * x_s[n_r : 2 * n_r]
    np.subtract(y_s[2 * n_r] + shift * w_s, base_s, out=base_s)
    return op.unsort(dens_s), op.unsort(base_s)


def align_proximity(
    proximity: pd.DataFrame | np.ndarray, products: pd.Index, *, diagonal: float = 1.0
) -> np.ndarray:
    """Bring an external proximity onto ``products``: labels aligned, NaN -> 0, NaN diagonal -> ``diagonal``.

    The reference package treats missing diagonals as 1 and other missing pairs as 0; products
    the external space does not know get zero proximity (they add nothing to anyone's density).
    """
    if isinstance(proximity, pd.DataFrame):
        unknown = products.difference(proximity.index)
        phi = proximity.reindex(index=products, columns=products).to_numpy(dtype=float, na_value=np.nan)
        known = ~products.isin(unknown)
    else:
        phi = np.array(proximity, dtype=float, copy=True)
        if phi.shape != (len(products), len(products)):
            raise ValueError(f"external proximity has shape {phi.shape}, expected {(len(products),) * 2}")
        known = np.ones(len(products), dtype=bool)
    d = np.diag(phi).copy()
    d[np.isnan(d) & known] = diagonal
    phi = np.nan_to_num(phi, nan=0.0)
    np.fill_diagonal(phi, np.nan_to_num(d))
    return phi


def _align_population(population: object, regions: pd.Index) -> np.ndarray | None:
    if population is None:
        return None
    if isinstance(population, pd.Series):
        missing = regions.difference(population.index)
        if len(missing):
            raise ValueError(f"population is missing for region(s) {list(missing[:5])}")
        return population.reindex(regions).to_numpy(dtype=float)
    return np.asarray(population, dtype=float).ravel()


def _submatrix(m: Matrix, rows: np.ndarray, cols: np.ndarray) -> Matrix:
    if rows.all() and cols.all():
        return m  # the common case: no copy of the whole matrix
    if sp.issparse(m):
        return sp.csr_array(m)[np.flatnonzero(rows)][:, np.flatnonzero(cols)]
    return m[np.ix_(rows, cols)]


def _expand(v: np.ndarray, ok: np.ndarray) -> np.ndarray:
    out = np.full(ok.shape[0], np.nan)
    out[ok] = v
    return out


def _zero_cols(m: Matrix, keep: np.ndarray) -> Matrix:
    if keep.all():
        return m
    scale = keep.astype(float)
    return sp.csr_array(m @ sp.diags_array(scale)) if sp.issparse(m) else m * scale[None, :]


def _region_path_pays(mcp: Matrix) -> bool:
    """Whether ``method="auto"`` should apply the proximity without building it."""
    n_r, n_p = mcp.shape
    sparse_pays = n_p >= REGION_PATH_MIN_PRODUCTS and n_p > 2 * n_r
    blocked_pays = (
        not sp.issparse(mcp)
        and n_p >= BLOCKED_MIN_PRODUCTS
        and n_p >= BLOCKED_MIN_PRODUCTS_PER_REGION * n_r
        and _fill(mcp) >= BLOCKED_MIN_FILL
    )
    return (sparse_pays or blocked_pays) and _binary(mcp)


def _fill(m: np.ndarray) -> float:
    """Share of non-zero cells of a dense matrix."""
    return np.count_nonzero(m) / max(m.size, 1)


def _binary(m: Matrix) -> bool:
    data = m.data if sp.issparse(m) else m
    return bool(np.all((data == 0) | (data == 1)))
