"""Plan targets against actual figures (规划目标与实际进展).

Why pure: a plan target (a region or park, an indicator, a value, a comparator, a target year) and
the latest actual figure of the same indicator are both rows the facade reads; whether the target
is met is a rule stated here once, with units converted explicitly and never across quantities.
"""

from __future__ import annotations

import math

import pandas as pd

from chainatlas.errors import ChainAtlasError
from chainatlas.model.units import convert
from chainatlas.model.values import is_missing

COLUMNS = ["region", "region_name_zh", "park", "indicator", "indicator_name_zh", "node_id", "comparator", "target",
           "unit", "target_year", "target_source", "actual", "actual_comparator", "actual_year", "actual_source",
           "progress", "status", "note"]
STATUS_ZH = {"met": "已达成 met", "not met": "未达成 not met", "unknown": "无实际数 no actual figure",
             "open": "未到期 in progress"}



def _met(comparator: str, actual: float, target: float) -> bool:
    c = comparator or "="
    if c in (">=", ">"):
        return actual >= target if c == ">=" else actual > target
    if c in ("<=", "<"):
        return actual <= target if c == "<=" else actual < target
    return abs(actual - target) <= 0.05 * abs(target)  # "=" and "~": within 5 %


def plan_progress(targets: pd.DataFrame, actuals: pd.DataFrame, indicator_names: dict[str, str] | None = None,
                  region_names: dict[str, str] | None = None, as_of: int | None = None) -> pd.DataFrame:
    """Each target with the latest actual figure of the same region, indicator and node.

    ``targets``: ``region``, ``park``, ``indicator``, ``node_id``, ``target``, ``unit``, ``comparator``,
    ``target_year``, ``source_id``, ``note``. ``actuals``: ``region``, ``indicator``, ``node_id``,
    ``value``, ``unit``, ``year``, ``source_id``, ``comparator``. The actual is converted to the
    target's unit; one in another quantity (tonnes against yuan) is refused rather than compared.
    ``progress`` is actual ÷ target. Status: met / not met (the target year has passed, or the
    actual already meets it), open (not met yet, target year not reached) or unknown (no actual).
    A lower-bound actual (``>=``) below a ``>=`` target cannot show the target missed: unknown.
    """
    names = indicator_names or {}
    rnames = region_names or {}
    rows = []
    acts = actuals.copy() if actuals is not None else pd.DataFrame()
    if len(acts):
        acts["node_id"] = acts["node_id"].fillna("")
    for t in targets.to_dict(orient="records"):
        node = "" if is_missing(t.get("node_id"), blank_text=True) else t["node_id"]
        rec = {"region": t["region"], "region_name_zh": rnames.get(t["region"], t["region"]),
               "park": "" if is_missing(t.get("park"), blank_text=True) else t["park"], "indicator": t["indicator"],
               "indicator_name_zh": names.get(t["indicator"], t["indicator"]), "node_id": node,
               "comparator": t.get("comparator") or ">=", "target": float(t["target"]), "unit": t["unit"],
               "target_year": int(t["target_year"]), "target_source": t.get("source_id"),
               "actual": math.nan, "actual_comparator": "", "actual_year": None, "actual_source": None,
               "progress": math.nan, "status": "unknown", "note": "" if is_missing(t.get("note"), blank_text=True) else t["note"]}
        match = acts[(acts["region"] == t["region"]) & (acts["indicator"] == t["indicator"])
                     & (acts["node_id"] == node)] if len(acts) else acts
        if len(match):
            a = match.sort_values("year").iloc[-1]
            try:
                value = float(convert(float(a["value"]), str(a["unit"]), str(t["unit"])))
            except ChainAtlasError as exc:
                rec["note"] = (rec["note"] + "; " if rec["note"] else "") + f"actual not comparable: {exc}"
                value = math.nan
            if not math.isnan(value):
                ac = "" if is_missing(a.get("comparator"), blank_text=True) else str(a["comparator"])
                rec.update(actual=value, actual_comparator=ac, actual_year=int(a["year"]),
                           actual_source=a["source_id"], progress=value / rec["target"] if rec["target"] else math.nan)
                met = _met(rec["comparator"], value, rec["target"])
                due = as_of is None or as_of >= rec["target_year"] or int(a["year"]) >= rec["target_year"]
                if met:
                    rec["status"] = "met"
                elif ac in (">=", ">") and rec["comparator"] in (">=", ">"):
                    rec["status"] = "unknown"  # a lower bound below the target proves nothing
                else:
                    rec["status"] = "not met" if due else "open"
        rows.append(rec)
    return pd.DataFrame(rows, columns=COLUMNS)


# a legacy target whose actual figure is recorded under another indicator
MEASURED_AS = {"capacity_target": "capacity"}


def with_legacy_targets(targets: pd.DataFrame, observations: pd.DataFrame) -> pd.DataFrame:
    """Plan targets (the ``plan_targets`` kind) plus region observations of ``*_target`` indicators,
    the way older atlases recorded targets (a bare target is a floor: comparator ``>=``)."""
    legacy = observations[observations["indicator"].str.endswith("_target")]
    legacy = pd.DataFrame({
        "region": legacy["subject_id"], "park": "", "indicator": legacy["indicator"].map(
            lambda i: MEASURED_AS.get(i, i)), "node_id": legacy["node_id"].fillna(""), "target": legacy["value"],
        "unit": legacy["unit"], "comparator": legacy["comparator"].fillna("").replace("", ">="),
        "target_year": legacy["year"], "source_id": legacy["source_id"], "note": legacy["note"]})
    return pd.concat([targets, legacy], ignore_index=True) if len(targets) else legacy.reset_index(drop=True)
