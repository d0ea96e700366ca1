"""Composite evaluation of regions: normalisation, entropy weights, TOPSIS, weighted sums.

Regions are ranked the way national and provincial evaluations rank them (innovation-driven cities,
industrial development): a region × indicator value frame (index = region code, columns = indicator
keys of an :class:`~chainatlas.analysis.evaluation_system.IndicatorSystem`, NaN = missing) becomes
scores and ranks, with the weights used, each indicator's contribution and an explicit report of
what was missing and how it was handled. Pure functions: no I/O, no printing.

Formulas
--------
Min-max normalisation (direction-aware), for region i and indicator j::

    higher is better:  x'_ij = (x_ij - min_j) / (max_j - min_j)
    lower is better:   x'_ij = (max_j - x_ij) / (max_j - min_j)

A constant column carries no information and is set to 1 for every region.

Z-score normalisation: ``z_ij = (x_ij - mean_j) / sd_j`` (population sd, ddof = 0), negated for
"lower is better"; a constant column becomes 0.

Entropy weights (Shannon 1948, as used for indicator weighting e.g. Zeleny 1982; the common
Chinese "熵权法"), always on min-max normalised values because shares must be non-negative::

    p_ij = x'_ij / Σ_i x'_ij
    e_j  = -(1 / ln n) Σ_i p_ij ln p_ij      (0 · ln 0 = 0)
    d_j  = 1 - e_j
    w_j  = d_j / Σ_j d_j

TOPSIS (Hwang & Yoon 1981, *Multiple Attribute Decision Making*), on the normalised matrix (so every
column is already "higher is better")::

    v_ij = w_j x'_ij
    A+_j = max_i v_ij,   A-_j = min_i v_ij
    D+_i = sqrt(Σ_j (v_ij - A+_j)²),   D-_i = sqrt(Σ_j (v_ij - A-_j)²)
    C_i  = D-_i / (D+_i + D-_i)          (C = 0.5 when D+ = D- = 0, i.e. all regions equal)

Weighted sum: ``S_i = Σ_j w_j x'_ij``.

Contributions: for every method the contribution of indicator j to region i is the weighted
normalised value ``w_j x'_ij``. For the weighted sum these add up to the score; for TOPSIS they are
the coordinates from which the distances are taken (the closeness is not additive), and
``EvaluationResult.d_plus`` / ``d_minus`` hold the distances.

Methods: ``entropy-topsis`` (default: entropy weights, TOPSIS score), ``entropy`` (entropy weights,
weighted sum), ``topsis`` (equal weights, TOPSIS), ``weighted-sum`` (expert weights, weighted sum),
``expert-topsis`` (expert weights, TOPSIS). Passing ``weights=`` overrides the weighting step of any
method (sensitivity analysis uses this).

Missing values are never treated as zero. Policies: ``auto`` (default: drop indicators missing for
more than half of the regions, then drop regions still missing any), ``drop-region``,
``drop-indicator``, ``fill-min`` (fill with the worst observed value of that indicator). Every drop
and fill is listed in :class:`MissingReport`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from chainatlas.analysis.evaluation_system import (
    Dimension,
    IndicatorSystem,
    SystemIndicator,
    load_system,
    system_from_dict,
)
from chainatlas.errors import DataError

__all__ = [
    "METHODS",
    "NORMALISATIONS",
    "MISSING_POLICIES",
    "Dimension",
    "IndicatorSystem",
    "SystemIndicator",
    "MissingReport",
    "EvaluationResult",
    "SensitivityResult",
    "load_system",
    "system_from_dict",
    "normalise",
    "entropy_weights",
    "topsis",
    "weighted_sum",
    "evaluate",
    "rank_change",
    "sensitivity",
]

METHODS = ("entropy-topsis", "entropy", "topsis", "weighted-sum", "expert-topsis")
NORMALISATIONS = ("minmax", "zscore")
MISSING_POLICIES = ("auto", "drop-region", "drop-indicator", "fill-min")

_WEIGHTING = {
    "entropy-topsis": "entropy",
    "entropy": "entropy",
    "topsis": "equal",
    "weighted-sum": "expert",
    "expert-topsis": "expert",
}
_SCORING = {
    "entropy-topsis": "topsis",
    "entropy": "sum",
    "topsis": "topsis",
    "weighted-sum": "sum",
    "expert-topsis": "topsis",
}
_RANK_DECIMALS = 12  # scores equal to 12 decimals are ties (float noise must not break ties)


# --------------------------------------------------------------------------- numerical core


def _minmax(x: np.ndarray, lower: np.ndarray) -> np.ndarray:
    lo, hi = x.min(axis=0), x.max(axis=0)
    span = hi - lo
    const = span <= 1e-12 * np.maximum(1.0, np.abs(hi))
    safe = np.where(const, 1.0, span)
    out = np.where(lower, (hi - x) / safe, (x - lo) / safe)
    return np.where(const, 1.0, out)


def _zscore(x: np.ndarray, lower: np.ndarray) -> np.ndarray:
    sd = x.std(axis=0)
    const = sd <= 1e-12 * np.maximum(1.0, np.abs(x).max(axis=0))
    z = (x - x.mean(axis=0)) / np.where(const, 1.0, sd)
    z = np.where(lower, -z, z)
    return np.where(const, 0.0, z)


def _entropy(xn: np.ndarray) -> np.ndarray:
    n, m = xn.shape
    if n < 2:
        return np.full(m, 1.0 / m)
    col = xn.sum(axis=0)
    p = xn / np.where(col == 0, 1.0, col)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = -plogp.sum(axis=0) / math.log(n)
    e = np.where(col == 0, 1.0, e)
    d = np.clip(1.0 - e, 0.0, None)
    if d.sum() <= 0:
        return np.full(m, 1.0 / m)
    return d / d.sum()


def _topsis(xn: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    v = xn * w
    d_plus = np.sqrt(((v - v.max(axis=0)) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - v.min(axis=0)) ** 2).sum(axis=1))
    total = d_plus + d_minus
    c = np.where(total > 0, d_minus / np.where(total > 0, total, 1.0), 0.5)
    return c, d_plus, d_minus


def _ranks(scores: np.ndarray) -> np.ndarray:
    """1 = best; ties share the smallest rank ("min" method)."""
    return pd.Series(np.round(scores, _RANK_DECIMALS)).rank(ascending=False, method="min").to_numpy(int)


@dataclass
class _Core:
    normalised: np.ndarray
    weights: np.ndarray
    scores: np.ndarray
    d_plus: np.ndarray | None
    d_minus: np.ndarray | None


def _compute(
    x: np.ndarray,
    lower: np.ndarray,
    weighting: str,
    scoring: str,
    normalisation: str,
    fixed: np.ndarray | None,
) -> _Core:
    mm = _minmax(x, lower)
    xn = mm if normalisation == "minmax" else _zscore(x, lower)
    if fixed is not None:
        w = fixed
    elif weighting == "entropy":
        w = _entropy(mm)
    else:  # equal (expert weights always arrive as `fixed`)
        w = np.full(x.shape[1], 1.0 / x.shape[1])
    if scoring == "topsis":
        c, dp, dm = _topsis(xn, w)
        return _Core(xn, w, c, dp, dm)
    return _Core(xn, w, xn @ w, None, None)


# --------------------------------------------------------------------------- public building blocks


def _lower_mask(columns: Sequence[str], directions: Mapping[str, str] | None) -> np.ndarray:
    directions = directions or {}
    bad = {k: v for k, v in directions.items() if v not in ("higher", "lower")}
    if bad:
        raise DataError(f"direction must be higher or lower: {bad}")
    return np.array([directions.get(c, "higher") == "lower" for c in columns])


def normalise(
    values: pd.DataFrame, directions: Mapping[str, str] | None = None, method: str = "minmax"
) -> pd.DataFrame:
    """Min-max or z-score normalise each column, flipping "lower is better" columns.

    Parameters
    ----------
    values : region × indicator frame without missing values.
    directions : indicator → ``higher`` / ``lower`` (default higher).
    method : ``minmax`` or ``zscore``.

    Examples
    --------
    >>> df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, 2.0, 3.0]}, index=["x", "y", "z"])
    >>> normalise(df, {"b": "lower"})["b"].tolist()
    [1.0, 0.5, 0.0]
    """
    _check_choice("normalisation", method, NORMALISATIONS)
    x = _as_matrix(values)
    lower = _lower_mask(list(values.columns), directions)
    out = _minmax(x, lower) if method == "minmax" else _zscore(x, lower)
    return pd.DataFrame(out, index=values.index, columns=values.columns)


def entropy_weights(values: pd.DataFrame, directions: Mapping[str, str] | None = None) -> pd.Series:
    """Entropy weights of the columns of a complete region × indicator frame (see module docstring).

    Examples
    --------
    >>> df = pd.DataFrame({"a": [10.0, 20.0, 30.0], "b": [5.0, 5.0, 15.0]})
    >>> w = entropy_weights(df)
    >>> round(float(w["b"]), 6), round(float(w.sum()), 6)
    (0.703918, 1.0)
    """
    x = _as_matrix(values)
    w = _entropy(_minmax(x, _lower_mask(list(values.columns), directions)))
    return pd.Series(w, index=values.columns, name="weight")


def topsis(
    values: pd.DataFrame,
    weights: Mapping[str, float] | pd.Series | None = None,
    directions: Mapping[str, str] | None = None,
    normalisation: str = "minmax",
) -> pd.Series:
    """TOPSIS closeness C_i in [0, 1] (1 = at the ideal point); equal weights when none are given."""
    _check_choice("normalisation", normalisation, NORMALISATIONS)
    cols = list(values.columns)
    x = _as_matrix(values)
    w = _weight_vector(weights, cols) if weights is not None else np.full(len(cols), 1.0 / len(cols))
    core = _compute(x, _lower_mask(cols, directions), "equal", "topsis", normalisation, w)
    return pd.Series(core.scores, index=values.index, name="closeness")


def weighted_sum(
    values: pd.DataFrame,
    weights: Mapping[str, float] | pd.Series,
    directions: Mapping[str, str] | None = None,
    normalisation: str = "minmax",
) -> pd.Series:
    """Σ_j w_j x'_ij on the normalised matrix (weights renormalised to sum 1)."""
    _check_choice("normalisation", normalisation, NORMALISATIONS)
    cols = list(values.columns)
    core = _compute(
        _as_matrix(values), _lower_mask(cols, directions), "equal", "sum", normalisation,
        _weight_vector(weights, cols),
    )
    return pd.Series(core.scores, index=values.index, name="score")


# --------------------------------------------------------------------------- missing values


@dataclass
class MissingReport:
    """What was missing and what was done about it.

    ``dropped_indicators``: indicator → regions that lacked it; ``dropped_regions``: region →
    indicators it lacked; ``filled``: (region, indicator, value used) for ``fill-min``.
    """

    policy: str
    dropped_indicators: dict[str, list[str]] = field(default_factory=dict)
    dropped_regions: dict[str, list[str]] = field(default_factory=dict)
    filled: list[tuple[str, str, float]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.dropped_indicators or self.dropped_regions or self.filled)

    def to_dict(self) -> dict:
        return {
            "policy": self.policy,
            "dropped_indicators": {k: list(v) for k, v in self.dropped_indicators.items()},
            "dropped_regions": {k: list(v) for k, v in self.dropped_regions.items()},
            "filled": [{"region": r, "indicator": i, "value": v} for r, i, v in self.filled],
        }

    def __str__(self) -> str:
        if self.empty:
            return f"missing values ({self.policy}): none"
        parts = []
        for ind, regs in self.dropped_indicators.items():
            parts.append(f"indicator {ind} dropped (missing for {len(regs)}: {', '.join(regs)})")
        for reg, inds in self.dropped_regions.items():
            parts.append(f"region {reg} dropped (missing {', '.join(inds)})")
        if self.filled:
            parts.append(f"{len(self.filled)} value(s) filled with the worst observed")
        return f"missing values ({self.policy}): " + "; ".join(parts)


def _handle_missing(
    frame: pd.DataFrame, directions: Mapping[str, str], policy: str
) -> tuple[pd.DataFrame, MissingReport]:
    report = MissingReport(policy)
    df = frame.copy()

    def missing_regions(col: str) -> list[str]:
        return [str(r) for r in df.index[df[col].isna()]]

    def drop_indicators(cols: list[str]) -> None:
        nonlocal df
        for c in cols:
            report.dropped_indicators[c] = missing_regions(c)
        df = df.drop(columns=cols)

    def drop_regions() -> None:
        nonlocal df
        bad = df.index[df.isna().any(axis=1)]
        for r in bad:
            report.dropped_regions[str(r)] = [c for c in df.columns if pd.isna(df.at[r, c])]
        df = df.drop(index=bad)

    all_missing = [c for c in df.columns if df[c].isna().all()]
    if all_missing:
        drop_indicators(all_missing)
    if policy == "auto":
        n = len(df.index)
        drop_indicators([c for c in df.columns if df[c].isna().sum() > n / 2])
        drop_regions()
    elif policy == "drop-region":
        drop_regions()
    elif policy == "drop-indicator":
        drop_indicators([c for c in df.columns if df[c].isna().any()])
    elif policy == "fill-min":
        for c in df.columns:
            miss = df.index[df[c].isna()]
            if len(miss):
                worst = df[c].max() if directions.get(c) == "lower" else df[c].min()
                for r in miss:
                    report.filled.append((str(r), c, float(worst)))
                df.loc[miss, c] = worst
    if df.shape[1] == 0:
        raise DataError(f"no indicator left after handling missing values; {report}")
    if df.shape[0] == 0:
        raise DataError(f"no region left after handling missing values; {report}")
    return df, report


# --------------------------------------------------------------------------- results


def _clean(value):
    """JSON-safe scalar: NaN/inf → None, numpy → python."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass
class EvaluationResult:
    """Scores and ranks of regions under one indicator system and method.

    ``scores`` / ``ranks`` are indexed by region code (ranks: 1 = best, ties share the smallest
    rank); ``weights`` by indicator key (sum 1); ``contributions`` is region × indicator
    (weighted normalised values ``w_j x'_ij``, see module docstring); ``normalised`` the normalised
    matrix; ``d_plus`` / ``d_minus`` the TOPSIS distances (None for weighted sums);
    ``rank_change`` (last year's rank − this year's, positive = moved up) when known.
    """

    system_id: str
    method: str
    normalisation: str
    weighting: str
    scores: pd.Series
    ranks: pd.Series
    weights: pd.Series
    contributions: pd.DataFrame
    normalised: pd.DataFrame
    values: pd.DataFrame
    missing: MissingReport
    directions: dict[str, str]
    dimensions: dict[str, str] = field(default_factory=dict)
    d_plus: pd.Series | None = None
    d_minus: pd.Series | None = None
    year: int | None = None
    rank_change: pd.Series | None = None

    @property
    def regions(self) -> list[str]:
        return list(self.ranks.sort_values(kind="stable").index)

    def rank_of(self, region: str) -> int:
        if region not in self.ranks.index:
            raise DataError(f"region {region!r} is not in this evaluation; {self.missing}")
        return int(self.ranks[region])

    def with_rank_change(self, last_year: EvaluationResult) -> EvaluationResult:
        """A copy with ``rank_change`` filled from last year's result (see :func:`rank_change`)."""
        return replace(self, rank_change=rank_change(self, last_year)["change"])

    def to_frame(self) -> pd.DataFrame:
        """One row per region, best first: rank, score, [rank_change], then each contribution."""
        df = pd.DataFrame({"rank": self.ranks, "score": self.scores})
        if self.rank_change is not None:
            df["rank_change"] = self.rank_change.reindex(df.index)
        df = df.join(self.contributions)
        df.index.name = "region"
        return df.sort_values(["rank", "score"], ascending=[True, False], kind="stable")

    def weights_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "weight": self.weights,
                "direction": pd.Series(self.directions),
                "dimension": pd.Series(self.dimensions),
            }
        ).reindex(self.weights.index)

    def to_dict(self) -> dict:
        """JSON-safe (no NaN): settings, weights, regions best first, missing report."""
        regions = []
        for region, row in self.to_frame().iterrows():
            item = {
                "region": str(region),
                "rank": int(row["rank"]),
                "score": _clean(float(row["score"])),
                "contributions": {k: _clean(float(self.contributions.at[region, k]))
                                  for k in self.contributions.columns},
                "values": {k: _clean(float(self.values.at[region, k])) for k in self.values.columns},
            }
            if self.rank_change is not None:
                item["rank_change"] = _clean(self.rank_change.get(region))
            if self.d_plus is not None and self.d_minus is not None:
                item["d_plus"] = _clean(float(self.d_plus[region]))
                item["d_minus"] = _clean(float(self.d_minus[region]))
            regions.append(item)
        return {
            "system": self.system_id,
            "method": self.method,
            "normalisation": self.normalisation,
            "weighting": self.weighting,
            "year": self.year,
            "contribution": "weighted normalised value w_j * x'_ij",
            "weights": {k: _clean(float(v)) for k, v in self.weights.items()},
            "directions": dict(self.directions),
            "regions": regions,
            "missing": self.missing.to_dict(),
        }

    def __repr__(self) -> str:
        head = (
            f"EvaluationResult(system={self.system_id!r}, method={self.method!r}, "
            f"normalisation={self.normalisation!r}, year={self.year}, regions={len(self.ranks)}, "
            f"indicators={len(self.weights)})"
        )
        lines = [head]
        for region in self.regions[:10]:
            change = ""
            if self.rank_change is not None and not pd.isna(self.rank_change.get(region, pd.NA)):
                change = f"  ({int(self.rank_change[region]):+d})"
            lines.append(f"  {int(self.ranks[region]):>3}  {region:<8} {self.scores[region]:.4f}{change}")
        if len(self.ranks) > 10:
            lines.append(f"  … {len(self.ranks) - 10} more")
        lines.append("  weights: " + ", ".join(f"{k}={v:.3f}" for k, v in self.weights.items()))
        if not self.missing.empty:
            lines.append(f"  {self.missing}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return self.to_frame().to_html(float_format=lambda v: f"{v:.4f}")


# --------------------------------------------------------------------------- evaluate


def _check_choice(name: str, value: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise DataError(f"unknown {name} {value!r}; expected one of {', '.join(choices)}")


def _as_matrix(values: pd.DataFrame) -> np.ndarray:
    try:
        x = values.to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"indicator values must be numeric: {exc}") from exc
    if np.isnan(x).any():
        bad = [(str(r), c) for r in values.index for c in values.columns if pd.isna(values.at[r, c])]
        raise DataError(f"missing values (use evaluate() to handle them): {bad[:10]}")
    if x.size == 0:
        raise DataError("no values to evaluate")
    return x


def _weight_vector(weights: Mapping[str, float] | pd.Series, cols: Sequence[str]) -> np.ndarray:
    missing = [c for c in cols if c not in weights]
    if missing:
        raise DataError(f"no weight given for: {', '.join(missing)}")
    w = np.array([float(weights[c]) for c in cols])
    if (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
        raise DataError(f"weights must be non-negative and sum > 0: {dict(zip(cols, w, strict=True))}")
    return w / w.sum()


def _prepare(
    values: pd.DataFrame, system: IndicatorSystem, missing: str
) -> tuple[pd.DataFrame, MissingReport]:
    _check_choice("missing-value policy", missing, MISSING_POLICIES)
    if not isinstance(values, pd.DataFrame):
        raise DataError("values must be a pandas DataFrame (index = region, columns = indicators)")
    if values.index.has_duplicates:
        dup = sorted({str(r) for r in values.index[values.index.duplicated()]})
        raise DataError(f"duplicate regions in values: {', '.join(dup)}")
    frame = values.reindex(columns=system.keys)
    try:
        frame = frame.apply(pd.to_numeric, errors="raise").astype(float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"indicator values must be numeric: {exc}") from exc
    frame.index = frame.index.map(str)
    if frame.shape[0] == 0:
        raise DataError(f"no regions to evaluate under system {system.id!r}")
    return _handle_missing(frame, system.directions, missing)


def _resolve_weights(
    system: IndicatorSystem, method: str, cols: list[str], weights: Mapping[str, float] | None
) -> tuple[str, np.ndarray | None]:
    if weights is not None:
        return "given", _weight_vector(weights, cols)
    if _WEIGHTING[method] == "expert":
        expert = system.expert_weights()
        return "expert", _weight_vector(expert, cols)
    return _WEIGHTING[method], None


def _result(
    system: IndicatorSystem,
    method: str,
    normalisation: str,
    weighting: str,
    frame: pd.DataFrame,
    core: _Core,
    report: MissingReport,
    year: int | None,
) -> EvaluationResult:
    idx, cols = frame.index, list(frame.columns)
    w = pd.Series(core.weights, index=cols, name="weight")
    normalised = pd.DataFrame(core.normalised, index=idx, columns=cols)
    return EvaluationResult(
        system_id=system.id,
        method=method,
        normalisation=normalisation,
        weighting=weighting,
        scores=pd.Series(core.scores, index=idx, name="score"),
        ranks=pd.Series(_ranks(core.scores), index=idx, name="rank"),
        weights=w,
        contributions=normalised * core.weights,
        normalised=normalised,
        values=frame,
        missing=report,
        directions={c: system.directions[c] for c in cols},
        dimensions={c: system.dimension_of(c) for c in cols},
        d_plus=None if core.d_plus is None else pd.Series(core.d_plus, index=idx, name="d_plus"),
        d_minus=None if core.d_minus is None else pd.Series(core.d_minus, index=idx, name="d_minus"),
        year=year,
    )


def evaluate(
    values: pd.DataFrame,
    system: IndicatorSystem,
    method: str = "entropy-topsis",
    normalisation: str = "minmax",
    missing: str = "auto",
    weights: Mapping[str, float] | None = None,
    year: int | None = None,
) -> EvaluationResult:
    """Score and rank regions under an indicator system.

    Parameters
    ----------
    values : region × indicator frame (index = region code, columns = the system's indicator keys,
        NaN = missing). Columns not in the system are ignored; system indicators absent from the
        frame count as missing for every region.
    system : the indicator system (directions, dimensions, expert weights).
    method : one of ``entropy-topsis`` (default), ``entropy``, ``topsis``, ``weighted-sum``,
        ``expert-topsis``.
    normalisation : ``minmax`` (default) or ``zscore``.
    missing : ``auto`` (default), ``drop-region``, ``drop-indicator`` or ``fill-min``.
    weights : indicator key → weight; replaces the method's weighting step (renormalised over the
        indicators that survive missing-value handling).
    year : the year the values refer to (carried into the result).

    Raises
    ------
    DataError
        Unknown method/normalisation/policy, non-numeric values, expert weights needed but absent,
        or nothing left after missing-value handling.

    Examples
    --------
    >>> sys_ = system_from_dict({"id": "t", "name_zh": "测", "name_en": "t",
    ...     "indicators": [{"id": "a", "dimension": "d"}, {"id": "b", "dimension": "d"}]})
    >>> df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3.0, 2.0, 9.0]}, index=["x", "y", "z"])
    >>> evaluate(df, sys_).ranks.to_dict()
    {'x': 3, 'y': 2, 'z': 1}
    """
    _check_choice("method", method, METHODS)
    _check_choice("normalisation", normalisation, NORMALISATIONS)
    frame, report = _prepare(values, system, missing)
    cols = list(frame.columns)
    weighting, fixed = _resolve_weights(system, method, cols, weights)
    lower = _lower_mask(cols, system.directions)
    core = _compute(frame.to_numpy(float), lower, _WEIGHTING[method], _SCORING[method], normalisation, fixed)
    return _result(system, method, normalisation, weighting, frame, core, report, year)


def rank_change(result_this_year: EvaluationResult, result_last_year: EvaluationResult) -> pd.DataFrame:
    """Rank change between two evaluations: ``change = rank_last - rank`` (positive = moved up).

    One row per region of this year's result; ``rank_last`` and ``change`` are <NA> for regions
    not ranked last year. Ranks are only comparable when both years rank the same set of regions
    under the same system and method; a region set that differs is not an error but is worth
    reading in the two results' ``missing`` reports.
    """
    this = result_this_year.ranks.astype("Int64")
    last = result_last_year.ranks.reindex(this.index).astype("Int64")
    return pd.DataFrame({"rank": this, "rank_last": last, "change": last - this})


# --------------------------------------------------------------------------- sensitivity


@dataclass
class SensitivityResult:
    """How a region's rank responds to weights and to improving single indicators.

    ``weights``: per indicator, its base weight and the region's rank with that weight × each
    factor (others renormalised). ``improvements``: per indicator, the region's value, its rank
    after a ``step`` improvement (e.g. +10 %), and the smallest improvement that raises the rank by
    one (``needed_pct``: % of the current value; ``needed_value``: the value to reach; None when no
    improvement within the search range does it, or the region is already first).
    ``best_indicator``: the indicator whose ``step`` improvement gains most ranks (None if none do).
    """

    region: str
    system_id: str
    method: str
    base_rank: int
    n_regions: int
    step: float
    weights: pd.DataFrame
    improvements: pd.DataFrame
    best_indicator: str | None
    missing: MissingReport

    def to_frame(self) -> pd.DataFrame:
        return self.weights.join(self.improvements.drop(columns=["rank_base"], errors="ignore"))

    def to_dict(self) -> dict:
        def rows(df: pd.DataFrame) -> list[dict]:
            out = []
            for key, row in df.iterrows():
                item = {"indicator": str(key)}
                item.update({str(k): _clean(v) for k, v in row.items()})
                out.append(item)
            return out

        return {
            "region": self.region,
            "system": self.system_id,
            "method": self.method,
            "base_rank": self.base_rank,
            "n_regions": self.n_regions,
            "step_pct": _clean(self.step * 100),
            "best_indicator": self.best_indicator,
            "weights": rows(self.weights),
            "improvements": rows(self.improvements),
            "missing": self.missing.to_dict(),
        }

    def __repr__(self) -> str:
        lines = [
            f"SensitivityResult(region={self.region!r}, system={self.system_id!r}, "
            f"method={self.method!r}, rank={self.base_rank}/{self.n_regions}, "
            f"best +{self.step:.0%} indicator={self.best_indicator!r})"
        ]
        for key, row in self.improvements.iterrows():
            need = row["needed_pct"]
            shown = "—" if need is None or pd.isna(need) else f"{need:.1f}%"
            lines.append(
                f"  {key:<32} +{self.step:.0%} → rank {row['rank_after_step']}; next rank needs {shown}"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return self.to_frame().to_html()


_PCT_GRID = (0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 25, 30, 40, 50, 60, 75, 100, 150, 200, 300, 500, 1000)


def sensitivity(
    values: pd.DataFrame,
    system: IndicatorSystem,
    region: str,
    method: str = "entropy-topsis",
    normalisation: str = "minmax",
    missing: str = "auto",
    weights: Mapping[str, float] | None = None,
    factors: Sequence[float] = (0.8, 1.2),
    step: float = 0.10,
    tolerance_pct: float = 0.05,
) -> SensitivityResult:
    """What moves a region's rank.

    (a) For each indicator, the region's rank when that indicator's weight is multiplied by each of
    ``factors`` (default 0.8 and 1.2) and all weights are renormalised to sum 1; the other weights
    keep their base values (entropy weights are computed once, on the base data).

    (b) For each indicator, the region's rank after improving only that indicator by ``step``
    (default +10 % of its value; −10 % for "lower is better"), and the smallest improvement that
    raises the rank by one place: searched over the values of better-placed regions and a grid of
    percentages (0.5 %–1000 %, at most 100 % for "lower"), then refined by bisection to
    ``tolerance_pct``. Here the whole procedure is re-run (entropy weights recomputed), as a
    published evaluation would. Missing-value handling is applied once, before any of this.

    The region must survive missing-value handling; otherwise :class:`DataError` says what it lacks.
    """
    _check_choice("method", method, METHODS)
    _check_choice("normalisation", normalisation, NORMALISATIONS)
    frame, report = _prepare(values, system, missing)
    region = str(region)
    if region not in frame.index:
        why = report.dropped_regions.get(region)
        if why:
            raise DataError(
                f"region {region} was dropped for missing {', '.join(why)}; try missing='fill-min'"
            )
        raise DataError(f"region {region} is not among the evaluated regions ({', '.join(frame.index)})")
    cols = list(frame.columns)
    lower = _lower_mask(cols, system.directions)
    weighting, fixed = _resolve_weights(system, method, cols, weights)
    scoring = _SCORING[method]
    x = frame.to_numpy(float)
    i = list(frame.index).index(region)

    def rank_with(mat: np.ndarray, w: np.ndarray | None) -> int:
        core = _compute(mat, lower, _WEIGHTING[method], scoring, normalisation, w)
        return int(_ranks(core.scores)[i])

    base = _compute(x, lower, _WEIGHTING[method], scoring, normalisation, fixed)
    base_rank = int(_ranks(base.scores)[i])

    wrows = {}
    for j, c in enumerate(cols):
        row: dict[str, object] = {"weight": float(base.weights[j]), "rank_base": base_rank}
        for f in factors:
            w = base.weights.copy()
            w[j] *= f
            row[f"rank_weight_x{f:g}"] = rank_with(x, w / w.sum())
        wrows[c] = row
    weight_table = pd.DataFrame.from_dict(wrows, orient="index")

    def improved(j: int, pct: float) -> np.ndarray:
        mat = x.copy()
        v = x[i, j]
        mat[i, j] = v * (1 - pct / 100) if lower[j] else v * (1 + pct / 100)
        return mat

    def improved_to(j: int, target: float) -> np.ndarray:
        mat = x.copy()
        mat[i, j] = target
        return mat

    irows = {}
    for j, c in enumerate(cols):
        v = float(x[i, j])
        after_step = rank_with(improved(j, step * 100), fixed) if v != 0 else base_rank
        needed_pct = needed_value = None
        if base_rank > 1:
            needed_pct, needed_value = _smallest_gain(
                j, v, bool(lower[j]), x[:, j], base_rank, rank_with, improved_to, fixed, tolerance_pct
            )
        irows[c] = {
            "value": v,
            "direction": system.directions[c],
            "rank_base": base_rank,
            "rank_after_step": after_step,
            "gain_after_step": base_rank - after_step,
            "needed_pct": needed_pct,
            "needed_value": needed_value,
        }
    imp = pd.DataFrame.from_dict(irows, orient="index")
    best = None
    if len(imp) and imp["gain_after_step"].max() > 0:
        best = str(imp["gain_after_step"].astype(int).idxmax())
    return SensitivityResult(
        region=region,
        system_id=system.id,
        method=method,
        base_rank=base_rank,
        n_regions=len(frame.index),
        step=step,
        weights=weight_table,
        improvements=imp,
        best_indicator=best,
        missing=report,
    )


def _smallest_gain(j, v, lower, column, base_rank, rank_with, improved_to, fixed, tol):
    """Smallest move of value ``v`` (in the better direction) that gives rank <= base_rank - 1."""
    better = (lambda t: t < v) if lower else (lambda t: t > v)
    targets = {float(t) for t in column if better(t)}
    # just past each better region's value too: reaching it exactly may only tie
    eps = lambda t: abs(t) * 1e-9 + 1e-12  # noqa: E731
    targets |= {t - eps(t) if lower else t + eps(t) for t in list(targets)}
    if v != 0:
        for p in _PCT_GRID:
            if lower and p > 100:
                continue
            targets.add(v * (1 - p / 100) if lower else v * (1 + p / 100))
    if lower:
        targets = {t for t in targets if t >= 0 or v < 0}
    ordered = sorted(targets, key=lambda t: abs(t - v))
    prev = v
    for t in ordered:
        if rank_with(improved_to(j, t), fixed) <= base_rank - 1:
            lo, hi = prev, t  # lo fails, hi succeeds: bisect assuming monotonicity in between
            step_tol = abs(v) * tol / 100 if v != 0 else abs(hi - lo) * 1e-3
            for _ in range(60):
                if abs(hi - lo) <= step_tol:
                    break
                mid = (lo + hi) / 2
                if rank_with(improved_to(j, mid), fixed) <= base_rank - 1:
                    hi = mid
                else:
                    lo = mid
            pct = abs(hi - v) / abs(v) * 100 if v != 0 else None
            return pct, float(hi)
        prev = t
    return None, None
