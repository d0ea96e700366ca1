r"""Product space: proximity, density (relatedness), distance, COI and COG.

Definitions (Hidalgo et al. 2007; Hausmann et al. 2014, *The Atlas of Economic Complexity*):

* proximity :math:`\phi_{pp'} = C_{pp'} / \max(k_{p,0}, k_{p',0})` with :math:`C = M^\top M` --
  the minimum of the two conditional probabilities of co-presence; the asymmetric option keeps
  :math:`P(p' \mid p) = C_{pp'} / k_{p,0}`; the continuous option uses
  :math:`(1 + \mathrm{corr}(RCA_{\cdot p}, RCA_{\cdot p'})) / 2`;
* density :math:`d_{cp} = \sum_{p'} M_{cp'} \phi_{pp'} / \sum_{p'} \phi_{pp'}`, distance ``1 - d``;
* COI :math:`= \sum_p d_{cp} (1 - M_{cp}) PCI_p`;
* COG :math:`= (1 - M_{cp}) \sum_{p'} (1 - M_{cp'}) PCI_{p'} \phi_{p'p} / \sum_{p''} \phi_{p'p''}`
  (Growth Lab), optionally minus :math:`(1 - d_{cp}) PCI_p` and without the ``(1 - M_cp)`` mask
  (Hidalgo's opportunity gain, OEC).

Large sparse inputs never materialise the P x P proximity matrix: see :func:`times_proximity`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from chainatlas.analysis.complexity.matrix import Matrix, _safe_inverse

__all__ = [
    "cog",
    "coi",
    "continuous_proximity",
    "density",
    "density_for",
    "distance",
    "proximity",
    "times_proximity",
    "times_proximity_dense",
    "BlockedProximity",
]

#: Products per block in :func:`times_proximity_dense`: large enough for efficient BLAS calls,
#: small enough that the explicit within-block proximity (block x block) stays cheap.
DENSE_BLOCK = 256


def _dense(x: Matrix) -> np.ndarray:
    return x.toarray() if sp.issparse(x) else np.asarray(x, dtype=float)


def proximity(mcp: Matrix, *, asymmetric: bool = False, diagonal: float | None = 1.0) -> np.ndarray:
    """Co-presence proximity between products (dense P x P).

    Parameters
    ----------
    mcp : region x product presence matrix (dense or sparse).
    asymmetric : if True return :math:`P(p' | p) = C_{pp'} / k_p` (row p), as the reference's
        ``asymmetric=True``; otherwise the symmetric minimum conditional probability.
    diagonal : value written on the diagonal of products present somewhere (1 or 0 by variant);
        None leaves the computed value (1).

    Products present nowhere have an all-zero row and column rather than the reference's NaNs,
    so they cannot contaminate density or COG of other products.
    """
    phi = _dense(mcp.T @ mcp)
    k = np.asarray(mcp.sum(axis=0)).ravel().astype(float)
    inv = _safe_inverse(k)  # 0 for absent products, so their rows and columns vanish
    if asymmetric:
        phi *= inv[:, None]
    else:
        # 1/max(k, k') = min(1/k, 1/k'); row blocks keep temporaries small (P x P would double memory).
        for s0 in range(0, phi.shape[0], 512):
            phi[s0 : s0 + 512] *= np.minimum(inv[s0 : s0 + 512, None], inv[None, :])
    if diagonal is not None:
        idx = np.flatnonzero(k > 0)
        phi[idx, idx] = diagonal
    return phi


def continuous_proximity(rca: Matrix, *, diagonal: float | None = 1.0) -> np.ndarray:
    r"""Continuous proximity :math:`(1 + \rho_{pp'}) / 2` from the correlation of RCA columns.

    Columns with zero variance have no correlation; their proximities are 0 (reference: NaN).
    """
    n = rca.shape[0]
    if sp.issparse(rca):
        mu = np.asarray(rca.mean(axis=0)).ravel()
        cov = (_dense(rca.T @ rca) - n * np.outer(mu, mu)) / max(n - 1, 1)
    else:
        r = np.asarray(rca, dtype=float)
        r = r - r.mean(axis=0)
        cov = (r.T @ r) / max(n - 1, 1)
    sd = np.sqrt(np.clip(np.diag(cov), 0, None))
    inv = _safe_inverse(sd)
    phi = (1.0 + cov * inv[:, None] * inv[None, :]) / 2.0
    phi[sd == 0, :] = 0.0
    phi[:, sd == 0] = 0.0
    if diagonal is not None:
        idx = np.flatnonzero(sd > 0)
        phi[idx, idx] = diagonal
    return phi


def density(x: Matrix, phi: np.ndarray) -> np.ndarray:
    r"""Density :math:`d_{cp} = \sum_{p'} x_{cp'} \phi_{pp'} / \sum_{p'} \phi_{pp'}`.

    ``x`` is M (or RCA for continuous proximity).  Products whose proximity row sums to zero (no
    neighbours at all) get density 0: nothing related is present.
    """
    num = np.asarray(x @ phi.T)
    return num * _safe_inverse(phi.sum(axis=1))[None, :]


def density_for(mcp_row: object, proximity: object) -> np.ndarray | pd.Series:
    """Density of every product for *one* region, given any proximity matrix.

    Parameters
    ----------
    mcp_row : 1-D presence (or RCA) vector; a Series is aligned on the proximity's labels.
    proximity : P x P matrix; a DataFrame keeps product labels (index = product p, columns p').

    Returns
    -------
    ndarray, or a Series indexed by product when ``proximity`` is a DataFrame.
    """
    if isinstance(proximity, pd.DataFrame):
        labels = proximity.index
        phi = proximity.reindex(columns=labels).to_numpy(dtype=float, na_value=0.0)
        if isinstance(mcp_row, pd.Series):
            row = mcp_row.reindex(labels).fillna(0).to_numpy(dtype=float)
        else:
            row = np.asarray(mcp_row, dtype=float).ravel()
        return pd.Series(density(row[None, :], phi)[0], index=labels, name="density")
    phi = np.nan_to_num(np.asarray(proximity, dtype=float))
    row = np.asarray(mcp_row, dtype=float).ravel()
    if row.shape[0] != phi.shape[0]:
        raise ValueError(f"presence row has {row.shape[0]} products, proximity has {phi.shape[0]}")
    return density(row[None, :], phi)[0]


def distance(density_matrix: np.ndarray) -> np.ndarray:
    """Distance = 1 - density (the Atlas's measure of how far a region is from a product)."""
    return 1.0 - density_matrix


def coi(density_matrix: np.ndarray, mcp: Matrix, pci: np.ndarray) -> np.ndarray:
    r"""Complexity outlook index, unstandardised: :math:`\sum_p d_{cp}(1 - M_{cp}) PCI_p`."""
    d = density_matrix
    if np.isnan(d).any():  # copy only when needed: density is a full region x product array
        d = np.nan_to_num(d)
    p = np.nan_to_num(pci)
    total = d @ p
    if sp.issparse(mcp):
        present = np.asarray(_mul(mcp, d) @ p).ravel()
    else:
        present = np.einsum("cp,cp,p->c", mcp, d, p)  # no region x product temporary
    return total - present


def _mul(m: Matrix, dense: np.ndarray) -> Matrix:
    """Elementwise product that stays sparse when ``m`` is sparse."""
    return sp.csr_array(m).multiply(dense).tocsr() if sp.issparse(m) else m * dense


def cog(
    mcp: Matrix,
    phi: np.ndarray,
    pci: np.ndarray,
    *,
    density_matrix: np.ndarray | None = None,
    mask_present: bool = True,
    loss_term: bool = False,
) -> np.ndarray:
    r"""Complexity outlook gain from a dense proximity matrix.

    .. math:: COG_{cp} = (1 - M_{cp}) \sum_{p'} (1 - M_{cp'}) PCI_{p'} \phi_{p'p} / \sum_{p''} \phi_{p'p''}

    The ``(1 - M_cp)`` factor is dropped when ``mask_present`` is False, and
    :math:`(1 - d_{cp}) PCI_p` is subtracted when ``loss_term`` is True.
    """
    p = np.nan_to_num(pci)
    w = p * _safe_inverse(phi.sum(axis=1))
    base = (w @ phi)[None, :] - np.asarray(_mul_row(mcp, w) @ phi)
    return finish_cog(base, mcp, p, density_matrix, mask_present, loss_term)


def _mul_row(m: Matrix, w: np.ndarray) -> Matrix:
    if sp.issparse(m):
        return sp.csr_array(m @ sp.diags_array(w))
    return m * w[None, :]


def finish_cog(
    base: np.ndarray,
    mcp: Matrix,
    pci: np.ndarray,
    density_matrix: np.ndarray | None,
    mask_present: bool,
    loss_term: bool,
) -> np.ndarray:
    """Apply the variant-dependent tail of COG to ``sum_p' (1 - M_cp') w_p' phi_p'p`` (in place)."""
    if mask_present:
        _zero_present(base, mcp)
    if loss_term:
        if density_matrix is None:
            raise ValueError("the COG loss term needs the density matrix")
        base -= (1.0 - np.nan_to_num(density_matrix)) * pci[None, :]
    return base


def _zero_present(a: np.ndarray, mcp: Matrix) -> None:
    """a *= (1 - M) in place; for binary sparse M only the present cells are touched."""
    if sp.issparse(mcp):
        coo = sp.coo_array(mcp)
        a[coo.row, coo.col] *= 1.0 - coo.data
    else:
        a *= 1.0 - mcp


def times_proximity(x: Matrix, mcp: Matrix, *, small_level: int = 16) -> np.ndarray:
    r"""Compute ``x @ phi`` for the symmetric min-conditional proximity without building ``phi``.

    Why: ``phi`` is P x P -- 3.2 GB for 20,000 products -- and multiplying by it costs
    :math:`O(qP^2)`.  But :math:`1/\max(k_p, k_{p'}) = \min(1/k_p, 1/k_{p'})` takes one of only L
    distinct values (ubiquities are integers), and min can be written as a telescoping sum of
    indicator products.  Sorting products by ubiquity into levels :math:`K_1 < \dots < K_L` with
    product sets :math:`T_j`, and writing :math:`B_j = x_{T_j} M_{T_j}^\top` (q x regions),

    .. math:: (x\phi)_{\cdot T_m} = \Big(\tfrac{1}{K_m}\sum_{j\le m} B_j + \sum_{j>m} \tfrac{B_j}{K_j}\Big) M_{T_m}

    so each level costs one dense (q x R) @ (R x |T_m|) product over the *region* side: total
    :math:`O(qRP)` instead of :math:`O(qP^2)`, with R (regions) << P.  Levels with at most
    ``small_level`` products are cheaper column by column and are batched through the explicit
    proximity columns instead.  The diagonal is the natural 1; products with zero ubiquity get 0.

    Parameters
    ----------
    x : q x P matrix (dense or sparse).
    mcp : R x P binary presence matrix (dense or sparse).

    Returns
    -------
    ndarray, q x P (a transposed, Fortran-ordered view: columns are contiguous).
    """
    m_csc = sp.csc_array(mcp, dtype=float)
    n_r, n_p = m_csc.shape
    k = np.asarray(m_csc.sum(axis=0)).ravel()
    x_csc = sp.csc_array(x, dtype=float)
    q = x_csc.shape[0]
    # Built transposed (one contiguous row per product): scattered column writes into a q x P
    # array cost more than the algebra.
    out_t = np.zeros((n_p, q))
    live = np.flatnonzero(k > 0)
    if live.size == 0:
        return out_t.T
    order = live[np.argsort(k[live], kind="stable")]
    levels, starts, counts = np.unique(k[order], return_index=True, return_counts=True)

    inv_k = _safe_inverse(k)
    g = np.zeros((q, n_r))
    rest = np.asarray((x_csc @ sp.diags_array(inv_k) @ m_csc.T).todense())  # sum_j B_j / K_j
    h = np.empty_like(g)
    few: list[np.ndarray] = []
    for level, start, count in zip(levels, starts, counts, strict=True):
        idx = order[start : start + count]
        m_t = m_csc[:, idx]
        b = sp.csr_array(x_csc[:, idx] @ m_t.T)  # canonical: no duplicate entries
        rows = np.repeat(np.arange(q), np.diff(b.indptr))
        g[rows, b.indices] += b.data
        rest[rows, b.indices] -= b.data / level
        if count <= small_level:
            few.append(idx)
            continue
        np.multiply(g, 1.0 / level, out=h)
        h += rest
        out_t[idx] = np.asarray(m_t.T @ h.T)  # sparse x dense: no dense copy of the ~1 %-filled block
    if few:
        pos = np.concatenate(few)
        for prods in np.array_split(pos, max(1, pos.size // 256)):
            cols = _dense(m_csc.T @ m_csc[:, prods])  # C[:, prods], P x |chunk|
            cols /= np.maximum(k[:, None], k[prods][None, :])
            cols[k == 0, :] = 0.0
            out_t[prods] = np.asarray(x_csc @ cols).T
    return out_t.T


class BlockedProximity:
    r"""The symmetric min-conditional proximity of a *dense* binary ``mcp`` as an operator.

    Why: for 300 regions x 5,000 products ``phi`` is 200 MB, and building it plus two products
    with it costs about :math:`5RP^2` flops and several passes over memory.  With products sorted
    by ubiquity and cut into blocks :math:`B_1, \dots, B_n`, :math:`1/\max(k_{p'}, k_p)` is
    :math:`1/k_p` for :math:`p'` in an earlier block and :math:`1/k_{p'}` for a later one, so for
    :math:`p \in B_b`

    .. math:: (x\phi)_{\cdot p} = \frac{1}{k_p} G_b M_{\cdot p} + H_b M_{\cdot p}
              + x_{\cdot B_b} \phi_{B_b p}

    with :math:`G_b = \sum_{p' < B_b} x_{\cdot p'} M_{\cdot p'}^\top` and
    :math:`H_b = \sum_{p' > B_b} x_{\cdot p'} M_{\cdot p'}^\top / k_{p'}` (both q x R, accumulated
    block by block) and the block-diagonal part of ``phi`` built explicitly (once, in the
    constructor).  Every step is a dense GEMM over the region side: :math:`O(qRP)` flops instead
    of :math:`O(qP^2)`, and nothing P x P.  Same conventions as :func:`times_proximity`: diagonal
    1, zero-ubiquity products give 0.

    Work happens in *sorted* product order (``order``): :meth:`sort` and :meth:`unsort` move
    column blocks in and out, so callers that build ``x`` from ``mcp`` can build it sorted.
    """

    def __init__(self, mcp: np.ndarray, *, block: int | None = None) -> None:
        block = block or DENSE_BLOCK
        k = mcp.sum(axis=0)
        self.order = np.argsort(k, kind="stable")
        self._unorder = np.argsort(self.order)
        # np.take is several times faster than fancy indexing (a[:, order]) for these gathers.
        self.m_sorted = np.take(mcp, self.order, axis=1)
        self._inv_k = _safe_inverse(k)[self.order]
        self._m_over_k = self.m_sorted * self._inv_k  # M_cp / k_p, sorted
        n_p = k.size
        self._spans = [(s, min(s + block, n_p)) for s in range(0, n_p, block)]
        self._inner = [self._block_phi(s, e) for s, e in self._spans]

    def _block_phi(self, s: int, e: int) -> np.ndarray:
        """The diagonal block ``phi_bb`` (products of one block against each other)."""
        m_b, inv = self.m_sorted[:, s:e], self._inv_k[s:e]
        inner = m_b.T @ m_b  # co-occurrence counts within the block (exact integers)
        inner *= np.minimum(inv[:, None], inv[None, :])
        return inner

    def sort(self, x: np.ndarray) -> np.ndarray:
        """Columns of ``x`` (q x P, or a length-P vector) in the operator's sorted order."""
        return np.take(x, self.order, axis=-1)

    def unsort(self, x: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`sort`."""
        return np.take(x, self._unorder, axis=-1)

    def apply_sorted(self, x_s: np.ndarray) -> np.ndarray:
        """``x @ phi`` with ``x`` and the result both in sorted product order (q x P).

        One pass over the blocks with two GEMMs each -- few, large BLAS calls, since per-call
        overhead dominates on a busy machine: ``x_b [M_b / k_b; M_b]^T`` gives both accumulator
        updates, and ``[H_b | G_b | x_b] [M_b; M_b / k_b; phi_bb]`` the block's output.  The
        right factor is assembled in a small reused buffer that stays in cache.
        """
        x_s = np.atleast_2d(x_s)
        m_s, m_k = self.m_sorted, self._m_over_k
        q, n_r = x_s.shape[0], m_s.shape[0]
        width = max(e - s for s, e in self._spans)
        out = np.empty((q, m_s.shape[1]))
        left = np.empty((q, 2 * n_r + width))  # [H | G | x_b]
        h, g = left[:, :n_r], left[:, n_r : 2 * n_r]
        np.matmul(x_s, m_k.T, out=h)  # H before the first block: every product, / k_p'
        g[:] = 0.0
        right = np.empty((2 * n_r + width, width))  # [M_b; M_b / k_b; phi_bb]
        for (s, e), inner in zip(self._spans, self._inner, strict=True):
            b = e - s
            right[:n_r, :b] = m_s[:, s:e]
            right[n_r : 2 * n_r, :b] = m_k[:, s:e]
            upd = x_s[:, s:e] @ right[: 2 * n_r, :b].T  # [x_b M_b^T | x_b (M_b / k_b)^T]
            h -= upd[:, n_r:]  # H_b: later blocks only
            right[2 * n_r : 2 * n_r + b, :b] = inner
            left[:, 2 * n_r : 2 * n_r + b] = x_s[:, s:e]
            np.matmul(left[:, : 2 * n_r + b], right[: 2 * n_r + b, :b], out=out[:, s:e])
            g += upd[:, :n_r]  # G_{b+1}: this block is now "earlier"
        return out

    def apply(self, x: np.ndarray) -> np.ndarray:
        """``x @ phi`` in the original product order (q x P)."""
        return self.unsort(self.apply_sorted(self.sort(np.atleast_2d(x))))


def times_proximity_dense(x: np.ndarray, mcp: np.ndarray, *, block: int | None = None) -> np.ndarray:
    """``x @ phi`` for a dense binary ``mcp`` without building ``phi`` (see :class:`BlockedProximity`)."""
    return BlockedProximity(mcp, block=block).apply(x)
