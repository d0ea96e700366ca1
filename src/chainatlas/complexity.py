"""Drop-in replacement for the Growth Lab ``ecomplexity`` package.

Change ``from ecomplexity import ecomplexity, proximity`` to
``from chainatlas.complexity import ecomplexity, proximity``: same long input frame, same
``cols_input`` dict (``time``, ``loc``, ``prod``, ``val``), same argument names and output columns
(``diversity, ubiquity, mcp, eci, pci, density, coi, cog, rca`` and ``rpop`` when used).

Differences, all deliberate:

* regions with zero diversity and products with zero ubiquity are masked (NaN only for them);
  the reference turns the whole year into NaN;
* ``presence_test="both"`` means RCA *or* RPOP passes (the reference adds them and can return 2);
* nothing is printed and the log-supermodularity check is not run (``verbose``,
  ``check_logsupermodularity`` and ``report_logsupermodularity`` are accepted and ignored);
* ``knn`` density is not supported (the reference's implementation ignores the proximity
  weights); ``variant=`` selects other conventions (Stata, OEC);
* from :data:`COMPACT_MIN_ROWS` output rows (county tables: 2,850 x 20,000 is 57 million rows) the
  frame is *compact* unless ``compact=False``: location and product labels are categorical, an
  integer time column takes the narrowest integer type, the nine measures are float32 (``mcp``,
  ``diversity`` and ``ubiquity`` exactly, the others to about 7 significant digits, computed in
  float64 and rounded once) and the input values stay float64. The reference's float64 frame
  needs ~7 GB at that size, the compact one under 4 GB.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from chainatlas.analysis.complexity import ComplexityResult, compute_complexity
from chainatlas.analysis.complexity import proximity as _proximity_matrix
from chainatlas.analysis.complexity.matrix import presence as _presence
from chainatlas.analysis.complexity.variants import GROWTHLAB_PY, Variant, get_variant

__all__ = ["ecomplexity", "proximity"]

_OUT = ["diversity", "ubiquity", "mcp", "eci", "pci", "density", "coi", "cog", "rca"]

#: From this many output rows (locations x products x years) ``compact=None`` returns the compact
#: frame: ~20 bytes a row instead of ~125 (ten float64 columns and two string label columns).
COMPACT_MIN_ROWS = 20_000_000

#: A compact run hands a year to the engine as a sparse matrix when at most this share of its
#: cells is non-zero (a dense copy of a county table is 456 MB before RCA and presence copy it).
SPARSE_MAX_FILL = 0.25


@dataclass
class _Year:
    """One year of the input as a dense location x product matrix.

    ``grid`` is True when the year's rows *are* that matrix in row-major order (sorted unique
    locations, each with every product in sorted order): the output can then reuse the input's
    label columns instead of rebuilding 10^6 labels.
    """

    time: object
    values: np.ndarray
    locs: pd.Index
    prods: pd.Index
    complete: bool  # every location and product of the year kept (none had an all-zero total)
    grid: bool = False


@dataclass
class _Long:
    """The input's (time, loc, prod, val) columns, validated once for all years.

    Labels are factorised to integer codes once (not per year, and never by string comparison
    in ``duplicated``/``pivot``), duplicates are found on one integer key, and NaN values are 0.
    """

    data: pd.DataFrame
    cols: dict
    val: np.ndarray
    time_codes: np.ndarray | None = None
    times: pd.Index | None = None
    loc_codes: np.ndarray | None = None
    locs: pd.Index | None = None
    prod_codes: np.ndarray | None = None
    prods: pd.Index | None = None
    keep: np.ndarray | None = None  # rows kept after dropping duplicates (None: all)

    @classmethod
    def read(cls, data: pd.DataFrame, cols_input: dict, val_errors_flag: str) -> _Long:
        missing = [k for k in ("time", "loc", "prod", "val") if k not in cols_input]
        if missing:
            raise ValueError(f"cols_input lacks key(s) {missing}; it needs 'time', 'loc', 'prod' and 'val'")
        cols = {k: cols_input[k] for k in ("time", "loc", "prod", "val")}
        raw = data[cols["val"]]
        num = raw if pd.api.types.is_numeric_dtype(raw) else pd.to_numeric(raw, errors=val_errors_flag)
        val = num.to_numpy(dtype=float, na_value=np.nan)
        if np.isnan(val).any():
            val = np.nan_to_num(val, nan=0.0)
        return cls(data, cols, val)

    def column(self, key: str) -> pd.Series:
        return self.data[self.cols[key]]

    def single_grid(self) -> _Year | None:
        """The whole input as one year in grid order, or None if it is not.

        Checked with comparisons of the label columns against *shifted slices of themselves*
        (zero-copy), never by building 10^6 expected labels: locations are constant within each
        run of ``n_p`` rows, products repeat with period ``n_p``, and the first run / the run
        heads are strictly increasing (sorted, unique, no missing label).
        """
        n = len(self.data)
        time, loc, prod = self.column("time"), self.column("loc"), self.column("prod")
        if n == 0 or time.hasnans or not _equal(time.array, time.array[0]).all():
            return None
        same_loc = np.append(_equal(loc.array[1:], loc.array[:-1]), False)
        n_p = int(same_loc.argmin()) + 1  # first change of location
        n_l = n // n_p
        if n_l * n_p != n or not same_loc.reshape(n_l, n_p)[:, :-1].all():
            return None
        locs, prods = pd.Index(loc.iloc[::n_p]), pd.Index(prod.iloc[:n_p])
        for labels in (locs, prods):
            if labels.hasnans or not (labels.is_monotonic_increasing and labels.is_unique):
                return None
        if not _equal(prod.array[n_p:], prod.array[:-n_p]).all():
            return None
        return _drop_empty(_Year(time.iloc[0], self.val.reshape(n_l, n_p), locs, prods, True, grid=True))

    def factorise(self) -> None:
        """Integer codes for every label column and the duplicate rows (first one kept)."""
        self.time_codes, times = pd.factorize(self.column("time"))  # in order of appearance
        self.loc_codes, locs = pd.factorize(self.column("loc"), sort=True)
        self.prod_codes, prods = pd.factorize(self.column("prod"), sort=True)
        self.times, self.locs, self.prods = pd.Index(times), pd.Index(locs), pd.Index(prods)
        valid = (self.time_codes >= 0) & (self.loc_codes >= 0) & (self.prod_codes >= 0)
        key = (self.time_codes * len(locs) + self.loc_codes) * len(prods) + self.prod_codes
        size = len(times) * len(locs) * len(prods)
        if size <= 4 * len(key) + 10**6:
            dup = np.bincount(key[valid], minlength=size).max(initial=0) > 1
        else:
            dup = np.unique(key[valid]).size < valid.sum()
        if dup:
            keep = np.zeros(len(key), dtype=bool)
            keep[np.flatnonzero(valid)[np.unique(key[valid], return_index=True)[1]]] = True
            self.keep = keep
        elif not valid.all():
            self.keep = valid

    def size(self) -> int:
        """Cells of the location x product x time grid (an upper bound on output rows)."""
        if self.time_codes is None:
            self.factorise()
        assert self.times is not None and self.locs is not None and self.prods is not None
        return len(self.times) * len(self.locs) * len(self.prods)

    def years(self, sparse: bool = False) -> list[_Year]:
        """One :class:`_Year` per time value, in order of appearance (``sparse``: a year whose
        cells are at most :data:`SPARSE_MAX_FILL` non-zero is held as a sparse matrix)."""
        if self.time_codes is None:
            self.factorise()
        assert self.times is not None and self.locs is not None and self.prods is not None
        out = []
        for t_code, t in enumerate(self.times):
            rows = self.time_codes == t_code
            if self.keep is not None:
                rows &= self.keep
            lc, pc, v = self.loc_codes[rows], self.prod_codes[rows], self.val[rows]
            l_used, l_idx = _used_codes(lc, len(self.locs))
            p_used, p_idx = _used_codes(pc, len(self.prods))
            shape = (l_used.size, p_used.size)
            if sparse and np.count_nonzero(v) <= SPARSE_MAX_FILL * shape[0] * shape[1]:
                x = sp.csr_array((v, (l_idx, p_idx)), shape=shape)  # rows are unique: no summing
            else:
                x = np.zeros(shape[0] * shape[1])
                x[l_idx * p_used.size + p_idx] = v
                x = x.reshape(shape)
            year = _Year(t, x, self.locs[l_used], self.prods[p_used], True)
            out.append(_drop_empty(year))
        return out


def _used_codes(codes: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The codes that occur (sorted) and each row's position among them, like ``np.unique``.

    Codes are dense integers below ``n``, so a bincount and a cumulative sum replace the sort
    ``np.unique`` does; with one year every code occurs and the codes are their own positions.
    """
    seen = np.bincount(codes, minlength=n) > 0
    if seen.all():
        return np.arange(n), codes
    position = np.cumsum(seen) - 1
    return np.flatnonzero(seen), position[codes]


def _equal(a: object, b: object) -> np.ndarray:
    """Elementwise ``a == b`` as a plain bool array, missing labels comparing unequal."""
    eq = a == b
    if hasattr(eq, "to_numpy"):
        return eq.to_numpy(dtype=bool, na_value=False)
    return np.asarray(eq, dtype=bool)


def _drop_empty(year: _Year) -> _Year:
    """Drop locations and products whose values are all zero (as the reference does)."""
    x = year.values
    keep_r = np.asarray(x.sum(axis=1)).ravel() != 0
    keep_p = np.asarray(x.sum(axis=0)).ravel() != 0
    if keep_r.all() and keep_p.all():
        return year
    kept = x[keep_r][:, keep_p] if sp.issparse(x) else x[np.ix_(keep_r, keep_p)]
    return _Year(year.time, kept, year.locs[keep_r], year.prods[keep_p], False)



def _grid_front(long: _Long) -> dict[str, pd.Series]:
    """The label and value columns of a year given as a full grid: the input's own columns, not copies."""
    front = {k: long.column(k).reset_index(drop=True) for k in ("loc", "prod")}
    val = long.column("val")
    front["val"] = val.reset_index(drop=True) if val.dtype == np.float64 and not val.hasnans else long.val
    front["time"] = long.column("time").reset_index(drop=True)
    return front

def _year_frame(res: ComplexityResult, year: _Year, long: _Long, names: dict) -> pd.DataFrame:
    """The reference's long output for one year, built column by column without copies.

    Matrices are raveled (views), per-region and per-product vectors repeated or tiled, and the
    label columns reused from the input when the year is a grid (else taken from the labels).
    ``copy=False`` keeps pandas from consolidating a dozen 10^6-row columns into one block.
    """
    n_l, n_p = year.values.shape
    n = n_l * n_p
    if year.grid:
        front = _grid_front(long)
    else:
        front = {
            "loc": year.locs.take(np.repeat(np.arange(n_l), n_p)),
            "prod": year.prods.take(np.tile(np.arange(n_p), n_l)),
            "val": year.values.ravel(),
            "time": year.time,  # a scalar, broadcast by pandas with its own dtype
        }
    cols: dict = {names[k]: v for k, v in front.items()}
    cols["diversity"] = np.repeat(res.diversity.to_numpy(), n_p)
    cols["ubiquity"] = np.tile(res.ubiquity.to_numpy(), n_l)
    cols["mcp"] = res.mcp.ravel()
    cols["eci"] = np.repeat(res.eci.to_numpy(), n_p)
    cols["pci"] = np.tile(res.pci.to_numpy(), n_l)
    cols["density"] = res.density.ravel()
    cols["coi"] = np.repeat(res.coi.to_numpy(), n_p)
    cols["cog"] = res.cog.ravel()
    cols["rca"] = np.asarray(res.rca).ravel()
    if res.rpop is not None:
        cols["rpop"] = np.asarray(res.rpop).ravel()
    return pd.DataFrame(cols, index=pd.RangeIndex(n), copy=False)


def _narrow_int(n: int) -> type:
    """The narrowest signed integer type holding 0..n (codes of a categorical, a year)."""
    for t in (np.int8, np.int16, np.int32):
        if n <= np.iinfo(t).max:
            return t
    return np.int64


def _flat32(m: object, n_p: int) -> np.ndarray:
    """A region x product matrix (dense in any memory order, or sparse) as one float32 row-major column."""
    if sp.issparse(m):
        coo = sp.coo_array(m)
        out = np.zeros(m.shape[0] * n_p, dtype=np.float32)
        out[coo.row.astype(np.int64) * n_p + coo.col] = coo.data
        return out
    return np.asarray(m).astype(np.float32, order="C").ravel()


def _labels(year_labels: pd.Index, every: pd.Index | None, codes: np.ndarray) -> pd.Categorical:
    """Categorical labels over every year's labels (so years concatenate without turning to objects)."""
    categories = every if every is not None else year_labels
    at = categories.get_indexer(year_labels)
    return pd.Categorical.from_codes(at.astype(_narrow_int(len(categories)))[codes], categories=categories)


def _compact_frame(res: ComplexityResult, year: _Year, long: _Long, names: dict) -> pd.DataFrame:
    """:func:`_year_frame` in the compact dtypes (see the module docstring), consuming ``res``.

    The region x product matrices are converted first and dropped from ``res`` at once, so the
    engine's buffers (density and COG share one 0.9 GB array at county scale) are freed before the
    repeated per-region and per-product columns are built.
    """
    n_l, n_p = year.values.shape
    n = n_l * n_p
    cols: dict = {}
    flat = {}
    for key in ("mcp", "density", "cog", "rca", "rpop"):
        m = getattr(res, key)
        setattr(res, key, None)  # the last reference: freed once converted
        if m is not None:
            flat[key] = _flat32(m, n_p)
        del m
    if year.grid:
        front = _grid_front(long)
    else:
        rows = np.arange(n_l, dtype=_narrow_int(n_l))
        front = {"loc": _labels(year.locs, long.locs, np.repeat(rows, n_p)),
                 "prod": _labels(year.prods, long.prods, np.tile(np.arange(n_p, dtype=_narrow_int(n_p)), n_l))}
        if sp.issparse(year.values):
            coo = sp.coo_array(year.values)
            val = np.zeros(n)
            val[coo.row.astype(np.int64) * n_p + coo.col] = coo.data
            front["val"] = val
        else:
            front["val"] = year.values.ravel()
        t = year.time
        if isinstance(t, int | np.integer) and not isinstance(t, bool | np.bool_) and int(t) >= 0:
            front["time"] = np.full(n, t, dtype=_narrow_int(int(t)))
        else:
            front["time"] = t
    cols.update({names[k]: v for k, v in front.items()})
    f32 = np.float32
    cols["diversity"] = np.repeat(res.diversity.to_numpy(dtype=f32), n_p)
    cols["ubiquity"] = np.tile(res.ubiquity.to_numpy(dtype=f32), n_l)
    cols["mcp"] = flat["mcp"]
    cols["eci"] = np.repeat(res.eci.to_numpy(dtype=f32), n_p)
    cols["pci"] = np.tile(res.pci.to_numpy(dtype=f32), n_l)
    cols["density"] = flat["density"]
    cols["coi"] = np.repeat(res.coi.to_numpy(dtype=f32), n_p)
    cols["cog"] = flat["cog"]
    cols["rca"] = flat["rca"]
    if "rpop" in flat:
        cols["rpop"] = flat["rpop"]
    return pd.DataFrame(cols, index=pd.RangeIndex(n), copy=False)


def _pop_for(pop: pd.DataFrame | None, t: object) -> pd.Series | None:
    if pop is None:
        return None
    p = pop[pop.iloc[:, 0] == t]
    return pd.Series(p.iloc[:, 2].to_numpy(dtype=float), index=p.iloc[:, 1].to_numpy())


def _edgelist_matrix(edges: pd.DataFrame) -> pd.DataFrame:
    if set(edges["prod1"].unique()) != set(edges["prod2"].unique()):
        raise ValueError("proximity_edgelist: the sets of products in prod1 and prod2 differ")
    return edges.pivot(index="prod1", columns="prod2", values="proximity")


def ecomplexity(
    data: pd.DataFrame,
    cols_input: dict,
    presence_test: str = "rca",
    val_errors_flag: str = "coerce",
    rca_mcp_threshold: float = 1,
    rpop_mcp_threshold: float = 1,
    pop: pd.DataFrame | None = None,
    continuous: bool = False,
    proximity_edgelist: pd.DataFrame | None = None,
    asymmetric: bool = False,
    knn: int | None = None,
    check_logsupermodularity: bool | int = True,
    report_logsupermodularity: bool = False,
    verbose: bool = True,
    *,
    variant: Variant | str = GROWTHLAB_PY,
    compact: bool | None = None,
) -> pd.DataFrame:
    """Complexity measures for a long (time, location, product, value) frame, reference-compatible.

    Parameters are those of ``ecomplexity.ecomplexity``; ``variant`` and ``compact`` are the
    additions. ``compact``: categorical labels and float32 measures (see the module docstring);
    None (default) chooses it from :data:`COMPACT_MIN_ROWS` output rows.

    Returns
    -------
    DataFrame with the input columns (renamed back via ``cols_input``) plus ``diversity,
    ubiquity, mcp, eci, pci, density, coi, cog, rca`` (and ``rpop``), one row per location x
    product x time, outer-joined with the input as the reference does.
    """
    if knn is not None:
        raise NotImplementedError("knn density is not supported; use the full proximity (knn=None)")
    var = get_variant(variant)
    long = _Long.read(data, cols_input, val_errors_flag)
    ext = _edgelist_matrix(proximity_edgelist) if proximity_edgelist is not None else None
    grid = long.single_grid()
    if compact is None:
        compact = (len(data) if grid is not None else long.size()) >= COMPACT_MIN_ROWS
    years = [grid] if grid is not None else long.years(sparse=compact)
    outs = []
    for year in years:
        res = compute_complexity(
            year.values,
            regions=year.locs,
            products=year.prods,
            variant=var,
            presence=presence_test,  # type: ignore[arg-type]
            threshold=rca_mcp_threshold,
            rpop_threshold=rpop_mcp_threshold,
            population=_pop_for(pop, year.time),
            proximity=ext,
            asymmetric=asymmetric,
            continuous=continuous,
        )
        outs.append(_compact_frame(res, year, long, long.cols) if compact else _year_frame(res, year, long, long.cols))
        del res
    if not outs:
        raise ValueError("no (time, location, product) rows to compute complexity for")
    out = outs[0] if len(outs) == 1 else pd.concat(outs, ignore_index=True)
    if all(y.complete for y in years) and _merge_is_identity(data, long):
        return out
    return out.merge(data, how="outer", on=list(long.cols.values()))


def _merge_is_identity(data: pd.DataFrame, long: _Long) -> bool:
    """True when the reference's final outer merge with the input would add no row or column.

    Given that no location or product was dropped, that holds when the input has only the four
    named columns and no missing, duplicate or non-numeric values: every input row is then a cell
    of the output grid with the same value.  Skipping the merge saves seconds on large frames.
    """
    if len(data.columns) != 4 or long.keep is not None:
        return False
    val = long.column("val")
    return bool(pd.api.types.is_numeric_dtype(val) and not val.isna().any())


def proximity(
    data: pd.DataFrame,
    cols_input: dict,
    presence_test: str = "rca",
    val_errors_flag: str = "coerce",
    rca_mcp_threshold: float = 1,
    rpop_mcp_threshold: float = 1,
    pop: pd.DataFrame | None = None,
    continuous: bool = False,
    asymmetric: bool = False,
    *,
    variant: Variant | str = GROWTHLAB_PY,
) -> pd.DataFrame:
    """Product proximity for every product pair and year, as ``ecomplexity.proximity``.

    Returns columns ``<time>, <prod>_1, <prod>_2, proximity``.
    """
    from chainatlas.analysis.complexity import continuous_proximity

    var = get_variant(variant)
    long = _Long.read(data, cols_input, val_errors_flag)
    grid = long.single_grid()
    outs = []
    for year in [grid] if grid is not None else long.years():
        pop_t = _pop_for(pop, year.time)
        pop_arr = None if pop_t is None else pop_t.reindex(year.locs).to_numpy(dtype=float)
        m, rca_m, rpop_m = _presence(
            year.values,
            test=presence_test,  # type: ignore[arg-type]
            threshold=rca_mcp_threshold,
            rpop_threshold=rpop_mcp_threshold,
            population=pop_arr,
            strict=var.strict,
        )
        if continuous:
            base = rpop_m if presence_test == "rpop" else rca_m
            phi = continuous_proximity(base, diagonal=var.proximity_diagonal)
        else:
            phi = _proximity_matrix(m, asymmetric=asymmetric, diagonal=var.proximity_diagonal)
        prods = year.prods.to_numpy()
        n = prods.size
        outs.append(
            pd.DataFrame(
                {"time": year.time, "prod1": np.repeat(prods, n), "prod2": np.tile(prods, n), "proximity": phi.ravel()}
            )
        )
    out = pd.concat(outs, ignore_index=True)[["time", "prod1", "prod2", "proximity"]]
    return out.rename(
        columns={
            "prod1": cols_input["prod"] + "_1",
            "prod2": cols_input["prod"] + "_2",
            "time": cols_input["time"],
        }
    )
