r"""Agglomeration and specialisation indices over a region x industry matrix (pure functions).

Notation used in every docstring: :math:`x_{ri}` is the size (employment, output, firms...) of
industry *i* in region *r*; :math:`x_r = \sum_i x_{ri}`, :math:`x_i = \sum_r x_{ri}`,
:math:`X = \sum_{ri} x_{ri}`; :math:`s_{ri} = x_{ri}/x_i` (region's share of the industry) and
:math:`a_r = x_r / X` (region's share of all activity).

Inputs are wide DataFrames (index = regions, columns = industries) or 2-D arrays; outputs are
labelled pandas objects so they join back onto region and industry tables.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

__all__ = [
    "coagglomeration",
    "ellison_glaeser",
    "herfindahl",
    "hoover",
    "krugman_specialisation",
    "location_quotient",
    "locational_gini",
    "strong_clusters",
    "theil",
]


def _frame(values: pd.DataFrame | np.ndarray) -> pd.DataFrame:
    if isinstance(values, pd.DataFrame):
        df = values.apply(pd.to_numeric, errors="coerce").fillna(0.0).astype(float)
    else:
        arr = np.asarray(values, dtype=float)
        if arr.ndim != 2:
            raise ValueError(f"expected a 2-D region x industry matrix, got shape {arr.shape}")
        df = pd.DataFrame(np.nan_to_num(arr))
    if (df.to_numpy() < 0).any():
        r, c = np.argwhere(df.to_numpy() < 0)[0]
        raise ValueError(f"negative value for region {df.index[r]!r}, industry {df.columns[c]!r}")
    return df


def _div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.full(np.broadcast(a, b).shape, np.nan)
    np.divide(a, b, out=out, where=np.broadcast_to(b, out.shape) != 0)
    return out


def _region_shares(df: pd.DataFrame, region_totals: pd.Series | np.ndarray | None) -> np.ndarray:
    """a_r: each region's share of aggregate activity (from the matrix or from given totals)."""
    if region_totals is None:
        tot = df.to_numpy().sum(axis=1)
    elif isinstance(region_totals, pd.Series):
        tot = region_totals.reindex(df.index).fillna(0).to_numpy(dtype=float)
    else:
        tot = np.asarray(region_totals, dtype=float).ravel()
    s = tot.sum()
    if s <= 0:
        raise ValueError("aggregate activity is zero: region shares are undefined")
    return tot / s


def _totals(given: object, labels: pd.Index, default: np.ndarray) -> np.ndarray:
    """A totals vector: the default sums, a Series aligned on ``labels``, or any 1-D array."""
    if given is None:
        return default
    if isinstance(given, pd.Series):
        return given.reindex(labels).to_numpy(dtype=float)
    return np.asarray(given, dtype=float).ravel()


def location_quotient(
    values: pd.DataFrame | np.ndarray,
    base: pd.Series | np.ndarray | None = None,
    *,
    region_totals: pd.Series | np.ndarray | None = None,
) -> pd.DataFrame:
    r"""Location quotient :math:`LQ_{ri} = (x_{ri}/x_r) / (b_i / B)`.

    The base economy :math:`b` defaults to the matrix itself (:math:`b_i = x_i`), giving Balassa's
    RCA; pass national industry totals (``base``, Series by industry or array) to benchmark regions
    against the country instead of against each other.  ``region_totals`` replaces :math:`x_r`
    when the matrix covers only some industries (e.g. LQ of chain nodes against all employment).
    Cells of empty regions or industries absent from the base are NaN.

    Returns a DataFrame of the same shape and labels.
    """
    df = _frame(values)
    x = df.to_numpy()
    xr = _totals(region_totals, df.index, x.sum(axis=1))
    b = _totals(base, df.columns, x.sum(axis=0))
    if b.shape[0] != x.shape[1]:
        raise ValueError(f"base has {b.shape[0]} industries, the matrix has {x.shape[1]}")
    shares = _div(x, xr[:, None])
    base_share = b / np.nansum(b)
    return pd.DataFrame(_div(shares, base_share[None, :]), index=df.index, columns=df.columns)


def krugman_specialisation(
    values: pd.DataFrame | np.ndarray, base: str | pd.Series | np.ndarray = "rest"
) -> pd.Series:
    r"""Krugman specialisation index :math:`K_r = \sum_i |x_{ri}/x_r - b_{ri}|` (Krugman 1991).

    0 when a region's industry mix equals the benchmark, 2 at complete dissimilarity.  The
    benchmark :math:`b_r` is the industry mix of all *other* regions (``"rest"``, Krugman's
    original), of the whole matrix (``"total"``), or given industry values/shares.
    """
    df = _frame(values)
    x = df.to_numpy()
    xr = x.sum(axis=1)
    shares = _div(x, xr[:, None])
    if isinstance(base, str):
        if base == "rest":
            rest = x.sum(axis=0)[None, :] - x
            b = _div(rest, rest.sum(axis=1)[:, None])
        elif base == "total":
            tot = x.sum(axis=0)
            b = np.broadcast_to(tot / tot.sum(), x.shape)
        else:
            raise ValueError(f"base must be 'rest', 'total' or industry values, got {base!r}")
    else:
        bv = base.reindex(df.columns).to_numpy(dtype=float) if isinstance(base, pd.Series) else np.asarray(base, float)
        b = np.broadcast_to(bv / bv.sum(), x.shape)
    k = np.nansum(np.abs(shares - b), axis=1)
    return pd.Series(k, index=df.index, name="krugman").where(xr > 0)


def herfindahl(values: pd.DataFrame | np.ndarray, axis: str = "region") -> pd.Series:
    r"""Herfindahl-Hirschman index of shares.

    ``axis="region"``: :math:`H_r = \sum_i (x_{ri}/x_r)^2`, how concentrated a region's economy is
    in few industries.  ``axis="industry"``: :math:`H_i = \sum_r s_{ri}^2`, how concentrated an
    industry is in few regions.  Ranges from 1/n (even) to 1 (all in one).
    """
    df = _frame(values)
    x = df.to_numpy()
    if axis == "region":
        sh = _div(x, x.sum(axis=1)[:, None])
        return pd.Series((sh**2).sum(axis=1), index=df.index, name="herfindahl").where(x.sum(axis=1) > 0)
    if axis == "industry":
        sh = _div(x, x.sum(axis=0)[None, :])
        return pd.Series((sh**2).sum(axis=0), index=df.columns, name="herfindahl").where(x.sum(axis=0) > 0)
    raise ValueError(f"axis must be 'region' or 'industry', got {axis!r}")


def hoover(values: pd.DataFrame | np.ndarray, *, region_totals: pd.Series | np.ndarray | None = None) -> pd.Series:
    r"""Hoover coefficient of localisation :math:`H_i = \tfrac12 \sum_r |s_{ri} - a_r|` (Hoover 1936).

    The share of the industry that would have to move for it to be spread like all activity;
    0 = same distribution as the economy, towards 1 = fully concentrated.
    """
    df = _frame(values)
    x = df.to_numpy()
    a = _region_shares(df, region_totals)
    s = _div(x, x.sum(axis=0)[None, :])
    return pd.Series(0.5 * np.abs(s - a[:, None]).sum(axis=0), index=df.columns, name="hoover").where(
        x.sum(axis=0) > 0
    )


def locational_gini(
    values: pd.DataFrame | np.ndarray, *, region_totals: pd.Series | np.ndarray | None = None
) -> pd.Series:
    r"""Locational Gini coefficient (Krugman 1991; Audretsch & Feldman 1996).

    Regions are sorted by location quotient :math:`s_{ri}/a_r` ascending; with cumulative shares
    :math:`A_k` (all activity) and :math:`S_k` (the industry), the Lorenz-curve Gini is
    :math:`G_i = 1 - \sum_k (A_k - A_{k-1})(S_k + S_{k-1})`.  0 = spread like total activity;
    approaches 1 when the industry sits in a region with negligible total activity.
    """
    df = _frame(values)
    x = df.to_numpy()
    a = _region_shares(df, region_totals)
    s = _div(x, x.sum(axis=0)[None, :])
    s = np.nan_to_num(s)
    lq = _div(s, a[:, None])
    lq = np.where(np.isnan(lq), np.inf, lq)  # regions without any activity go last
    order = np.argsort(lq, axis=0, kind="stable")
    s_sorted = np.take_along_axis(s, order, axis=0)
    a_sorted = a[order]
    cs = np.vstack([np.zeros((1, x.shape[1])), np.cumsum(s_sorted, axis=0)])
    ca = np.vstack([np.zeros((1, x.shape[1])), np.cumsum(a_sorted, axis=0)])
    g = 1.0 - (np.diff(ca, axis=0) * (cs[1:] + cs[:-1])).sum(axis=0)
    return pd.Series(g, index=df.columns, name="gini").where(x.sum(axis=0) > 0)


def theil(values: pd.DataFrame | np.ndarray, *, region_totals: pd.Series | np.ndarray | None = None) -> pd.Series:
    r"""Relative Theil index :math:`T_i = \sum_r s_{ri} \ln(s_{ri}/a_r)` (Theil 1967; Brülhart & Traeger 2005).

    The Kullback-Leibler divergence of the industry's geography from that of all activity: 0 when
    identical, larger when concentrated; :math:`0 \ln 0 = 0`.
    """
    df = _frame(values)
    x = df.to_numpy()
    a = _region_shares(df, region_totals)
    s = np.nan_to_num(_div(x, x.sum(axis=0)[None, :]))
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(s > 0, s * np.log(s / a[:, None]), 0.0)
    return pd.Series(terms.sum(axis=0), index=df.columns, name="theil").where(x.sum(axis=0) > 0)


def ellison_glaeser(
    firms: pd.DataFrame,
    *,
    region: str = "region",
    industry: str = "industry",
    size: str = "employment",
    region_totals: pd.Series | None = None,
) -> pd.DataFrame:
    r"""Ellison-Glaeser (1997) agglomeration index :math:`\gamma` from firm-level sizes.

    For industry *i* with plants of sizes :math:`z_j` (shares of the industry),

    .. math::

        G_i = \sum_r (s_{ri} - a_r)^2, \qquad H_i = \sum_j z_j^2, \qquad
        \gamma_i = \frac{G_i - (1 - \sum_r a_r^2) H_i}{(1 - \sum_r a_r^2)(1 - H_i)}

    (Ellison & Glaeser 1997, *JPE* 105(5), eq. 5).  The Herfindahl term removes the "dartboard"
    concentration that lumpy plants create even without spillovers: :math:`E[\gamma] = 0` under
    random location.  :math:`a_r` is region *r*'s share of all firms' size, or of
    ``region_totals`` (e.g. total employment) when given.  Industries with a single firm (H = 1)
    get NaN.

    Parameters
    ----------
    firms : one row per firm (or plant) with region, industry and size columns.

    Returns
    -------
    DataFrame indexed by industry with columns ``gamma, G, H, firms, size``.
    """
    f = firms[[region, industry, size]].copy()
    f[size] = pd.to_numeric(f[size], errors="coerce").fillna(0.0).astype(float)
    if (f[size] < 0).any():
        bad = f[f[size] < 0].iloc[0]
        raise ValueError(f"negative firm size {bad[size]} in region {bad[region]!r}, industry {bad[industry]!r}")
    wide = f.pivot_table(index=region, columns=industry, values=size, aggfunc="sum", fill_value=0.0)
    if region_totals is not None:
        wide = wide.reindex(wide.index.union(region_totals.index), fill_value=0.0)
    a = _region_shares(wide, region_totals)
    x = wide.to_numpy()
    xi = x.sum(axis=0)
    s = _div(x, xi[None, :])
    g = ((s - a[:, None]) ** 2).sum(axis=0)
    tot = f.groupby(industry)[size].transform("sum")
    z2 = (f[size] / tot.where(tot > 0)) ** 2
    h = z2.groupby(f[industry]).sum().reindex(wide.columns).to_numpy()
    n = f.groupby(industry).size().reindex(wide.columns).to_numpy()
    one_minus = 1.0 - (a**2).sum()
    gamma = _div(g - one_minus * h, one_minus * (1.0 - h))
    gamma = np.where(h >= 1.0 - 1e-15, np.nan, gamma)
    return pd.DataFrame({"gamma": gamma, "G": g, "H": h, "firms": n, "size": xi}, index=wide.columns)


def coagglomeration(
    values: pd.DataFrame | np.ndarray, *, region_totals: pd.Series | np.ndarray | None = None
) -> pd.DataFrame:
    r"""Pairwise coagglomeration :math:`\gamma^c_{ij}` (Ellison, Glaeser & Kerr 2010, *AER* 100(3)).

    .. math:: \gamma^c_{ij} = \frac{\sum_r (s_{ri} - a_r)(s_{rj} - a_r)}{1 - \sum_r a_r^2}

    Positive when industries *i* and *j* over-locate in the same regions relative to aggregate
    activity.  Computed for all pairs at once as :math:`D^\top D / (1 - \sum a^2)` with
    :math:`D = S - a 1^\top`.  The diagonal is left as computed (it equals :math:`G_i/(1-\sum a^2)`).
    """
    df = _frame(values)
    x = df.to_numpy()
    a = _region_shares(df, region_totals)
    s = _div(x, x.sum(axis=0)[None, :])
    d = s - a[:, None]
    gam = (d.T @ d) / (1.0 - (a**2).sum())
    return pd.DataFrame(gam, index=df.columns, columns=df.columns)


def strong_clusters(
    size: pd.DataFrame | np.ndarray,
    firms: pd.DataFrame | np.ndarray | None = None,
    *,
    lq_percentile: float = 75.0,
    size_percentile: float = 25.0,
    base: pd.Series | np.ndarray | None = None,
) -> pd.DataFrame:
    """US-Cluster-Mapping-style "strong cluster" flags (Delgado, Porter & Stern 2014, 2016).

    A region-industry cell is strong when, among the regions where the industry is present
    (size > 0):

    * its LQ is at least the ``lq_percentile`` (75th) percentile of that industry's LQs *and* >= 1;
    * its size is above the ``size_percentile`` (25th) percentile; and
    * (if ``firms`` is given) its firm count is above the same percentile.

    The size and firm conditions keep tiny regions with a high LQ from a single plant out.

    Returns a boolean DataFrame of the same shape.
    """
    df = _frame(size)
    x = df.to_numpy()
    lq = location_quotient(df, base).to_numpy()
    present = x > 0
    masked = np.where(present, lq, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # industries present nowhere: all-NaN column
        lq_cut = np.nanpercentile(masked, lq_percentile, axis=0)
        size_cut = np.nanpercentile(np.where(present, x, np.nan), size_percentile, axis=0)
    ok = present & (lq >= lq_cut[None, :]) & (lq >= 1.0) & (x > size_cut[None, :])
    if firms is not None:
        fdf = _frame(firms)
        if isinstance(firms, pd.DataFrame):
            fdf = fdf.reindex(index=df.index, columns=df.columns, fill_value=0)
        fx = fdf.to_numpy()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            firm_cut = np.nanpercentile(np.where(present, fx, np.nan), size_percentile, axis=0)
        ok &= fx > firm_cut[None, :]
    return pd.DataFrame(ok, index=df.index, columns=df.columns)
