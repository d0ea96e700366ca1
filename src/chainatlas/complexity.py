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
  weights); ``variant=`` selects other conventions (Stata, OEC).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from chainatlas.analysis.complexity import compute_complexity
from chainatlas.analysis.complexity import proximity as _proximity_matrix
from chainatlas.analysis.complexity.matrix import presence as _presence
from chainatlas.analysis.complexity.variants import GROWTHLAB_PY, Variant, get_variant

__all__ = ["ecomplexity", "proximity"]

_OUT = ["diversity", "ubiquity", "mcp", "eci", "pci", "density", "coi", "cog", "rca"]


def _standard(data: pd.DataFrame, cols_input: dict, val_errors_flag: str) -> pd.DataFrame:
    missing = [k for k in ("time", "loc", "prod", "val") if k not in cols_input]
    if missing:
        raise ValueError(f"cols_input lacks key(s) {missing}; it needs 'time', 'loc', 'prod' and 'val'")
    inv = {v: k for k, v in cols_input.items()}
    df = data.rename(columns=inv)[["time", "loc", "prod", "val"]].copy()
    df["val"] = pd.to_numeric(df["val"], errors=val_errors_flag).fillna(0)
    return df[~df.duplicated(["time", "loc", "prod"])]


def _wide_year(df: pd.DataFrame, t: object) -> pd.DataFrame:
    """Rectangular loc x prod values for one year, without all-zero locations and products."""
    d = df[df["time"] == t]
    loc_codes, locs = pd.factorize(d["loc"], sort=True)
    prod_codes, prods = pd.factorize(d["prod"], sort=True)
    x = np.zeros((len(locs), len(prods)))
    np.add.at(x, (loc_codes, prod_codes), d["val"].to_numpy(dtype=float))
    keep_r = x.sum(axis=1) != 0
    keep_p = x.sum(axis=0) != 0
    if keep_r.all() and keep_p.all():
        return pd.DataFrame(x, index=locs, columns=prods)
    return pd.DataFrame(x[np.ix_(keep_r, keep_p)], index=locs[keep_r], columns=prods[keep_p])


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
) -> pd.DataFrame:
    """Complexity measures for a long (time, location, product, value) frame, reference-compatible.

    Parameters are those of ``ecomplexity.ecomplexity``; ``variant`` is the one addition.

    Returns
    -------
    DataFrame with the input columns (renamed back via ``cols_input``) plus ``diversity,
    ubiquity, mcp, eci, pci, density, coi, cog, rca`` (and ``rpop``), one row per location x
    product x time, outer-joined with the input as the reference does.
    """
    if knn is not None:
        raise NotImplementedError("knn density is not supported; use the full proximity (knn=None)")
    var = get_variant(variant)
    df = _standard(data, cols_input, val_errors_flag)
    ext = _edgelist_matrix(proximity_edgelist) if proximity_edgelist is not None else None
    outs = []
    complete = True  # every location and product of the input kept (none had an all-zero total)
    for t in df["time"].unique():
        wide = _wide_year(df, t)
        d = df[df["time"] == t]
        complete &= len(wide.index) == d["loc"].nunique() and len(wide.columns) == d["prod"].nunique()
        res = compute_complexity(
            wide,
            variant=var,
            presence=presence_test,  # type: ignore[arg-type]
            threshold=rca_mcp_threshold,
            rpop_threshold=rpop_mcp_threshold,
            population=_pop_for(pop, t),
            proximity=ext,
            asymmetric=asymmetric,
            continuous=continuous,
        )
        long = res.to_frame(loc="loc", prod="prod")
        front = pd.DataFrame(
            {"loc": long["loc"], "prod": long["prod"], "val": wide.to_numpy().ravel(), "time": t}
        )
        cols = _OUT + (["rpop"] if "rpop" in long else [])
        outs.append(pd.concat([front, long[cols]], axis=1))
    out = pd.concat(outs, ignore_index=True).rename(columns=cols_input)
    if complete and _merge_is_identity(data, df, cols_input):
        return out
    return out.merge(data, how="outer", on=list(cols_input.values()))


def _merge_is_identity(data: pd.DataFrame, df: pd.DataFrame, cols_input: dict) -> bool:
    """True when the reference's final outer merge with the input would add no row or column.

    Given that no location or product was dropped, that holds when the input has only the four
    named columns and no missing, duplicate or non-numeric values: every input row is then a cell
    of the output grid with the same value.  Skipping the merge saves seconds on large frames.
    """
    if len(data.columns) != 4 or len(df) != len(data):
        return False
    val = data[cols_input["val"]]
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
    df = _standard(data, cols_input, val_errors_flag)
    outs = []
    for t in df["time"].unique():
        wide = _wide_year(df, t)
        pop_t = _pop_for(pop, t)
        pop_arr = None if pop_t is None else pop_t.reindex(wide.index).to_numpy(dtype=float)
        m, rca_m, rpop_m = _presence(
            wide.to_numpy(),
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
        prods = wide.columns.to_numpy()
        n = prods.size
        outs.append(
            pd.DataFrame(
                {"time": t, "prod1": np.repeat(prods, n), "prod2": np.tile(prods, n), "proximity": phi.ravel()}
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
