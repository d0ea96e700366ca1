"""Composite evaluation: hand-worked entropy weights and TOPSIS, directions, missing values,
z-score vs min-max, sensitivity and the shipped indicator systems."""

from __future__ import annotations

import csv
import json
import math
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from chainatlas.analysis.evaluation import (
    entropy_weights,
    evaluate,
    normalise,
    rank_change,
    sensitivity,
    system_from_dict,
    topsis,
)
from chainatlas.errors import DataError

DATA = Path(__file__).resolve().parents[2] / "src" / "chainatlas" / "reference" / "data"


def make_system(spec: dict[str, str], weights: dict[str, float] | None = None, sid: str = "t"):
    return system_from_dict(
        {
            "id": sid,
            "name_zh": "测试",
            "name_en": "test",
            "dimensions": [{"id": "d", "name_zh": "维度", "name_en": "dimension"}],
            "indicators": [
                {"id": k, "dimension": "d", "direction": v}
                | ({"weight": weights[k]} if weights else {})
                for k, v in spec.items()
            ],
        }
    )


# --------------------------------------------------------------------------- hand-worked example

HAND = pd.DataFrame(
    {"a": [10.0, 20.0, 30.0], "b": [5.0, 5.0, 15.0], "c": [1.0, 3.0, 2.0]},
    index=["R1", "R2", "R3"],
)
HAND_SYSTEM = make_system({"a": "higher", "b": "higher", "c": "lower"})


def test_entropy_topsis_hand_worked():
    """3 regions × 3 indicators; c is "lower is better".

    Min-max normalisation::

        a = 10, 20, 30  -> x' = 0, 1/2, 1
        b =  5,  5, 15  -> x' = 0, 0,   1
        c =  1,  3,  2  -> x' = (3-1)/2, (3-3)/2, (3-2)/2 = 1, 0, 1/2   (flipped)

    Entropy (n = 3, ln 0 terms are 0)::

        a: p = 0, 1/3, 2/3   e_a = -(1/ln3)[(1/3)ln(1/3) + (2/3)ln(2/3)]
                                 = 1 - 2 ln2 / (3 ln3) = 1 - k,  k = 0.4206198...
        c: p = 2/3, 0, 1/3   e_c = 1 - k (same shares)
        b: p = 0, 0, 1       e_b = 0
        d = (k, 1, k), Σd = 1 + 2k = 1.8412397
        w_a = w_c = k / (1 + 2k) = 0.2284438,  w_b = 1 / (1 + 2k) = 0.5431123

    TOPSIS, v = w x'; A+ = (w_a, w_b, w_a), A- = (0, 0, 0)::

        R1: v = (0, 0, w_a)       D+ = sqrt(w_a² + w_b²)           = 0.5892008  D- = w_a = 0.2284438
        R2: v = (w_a/2, 0, 0)     D+ = sqrt(w_a²/4 + w_b² + w_a²)  = 0.6001702  D- = w_a/2 = 0.1142219
        R3: v = (w_a, w_b, w_a/2) D+ = w_a/2 = 0.1142219           D- = sqrt(w_a² + w_b² + w_a²/4) = 0.6001702
        C1 = 0.2284438 / 0.8176446 = 0.2793926
        C2 = 0.1142219 / 0.7143921 = 0.1598869
        C3 = 0.6001702 / 0.7143921 = 0.8401131      ranks: R3 1, R1 2, R2 3
    """
    k = 2 * math.log(2) / (3 * math.log(3))
    wa, wb = k / (1 + 2 * k), 1 / (1 + 2 * k)
    w = entropy_weights(HAND, HAND_SYSTEM.directions)
    assert w["a"] == pytest.approx(wa, abs=1e-9)
    assert w["b"] == pytest.approx(wb, abs=1e-9)
    assert w["c"] == pytest.approx(wa, abs=1e-9)
    assert (round(wa, 7), round(wb, 7)) == (0.2284438, 0.5431123)

    c1 = wa / (math.sqrt(wa**2 + wb**2) + wa)
    c2 = (wa / 2) / (math.sqrt(wa**2 / 4 + wb**2 + wa**2) + wa / 2)
    c3 = math.sqrt(wa**2 + wb**2 + wa**2 / 4) / (wa / 2 + math.sqrt(wa**2 + wb**2 + wa**2 / 4))
    res = evaluate(HAND, HAND_SYSTEM)  # default entropy-topsis, minmax
    assert res.scores["R1"] == pytest.approx(c1, abs=1e-9)
    assert res.scores["R2"] == pytest.approx(c2, abs=1e-9)
    assert res.scores["R3"] == pytest.approx(c3, abs=1e-9)
    assert [round(res.scores[r], 7) for r in ("R1", "R2", "R3")] == [0.2793926, 0.1598869, 0.8401131]
    assert res.ranks.to_dict() == {"R1": 2, "R2": 3, "R3": 1}
    assert res.d_plus["R3"] == pytest.approx(wa / 2, abs=1e-12)
    # contributions are the weighted normalised values
    assert res.contributions.loc["R1"].tolist() == pytest.approx([0.0, 0.0, wa], abs=1e-12)
    assert res.weights.sum() == pytest.approx(1.0)
    # the stand-alone TOPSIS gives the same closeness with the same weights
    alone = topsis(HAND, w, HAND_SYSTEM.directions)
    assert alone.tolist() == pytest.approx(res.scores.tolist(), abs=1e-12)


def test_entropy_weighted_sum_and_expert_methods():
    res = evaluate(HAND, HAND_SYSTEM, method="entropy")
    k = 2 * math.log(2) / (3 * math.log(3))
    wa, wb = k / (1 + 2 * k), 1 / (1 + 2 * k)
    # R1 = w_c·1, R2 = w_a·½, R3 = w_a + w_b + w_c·½
    assert res.scores.tolist() == pytest.approx([wa, wa / 2, wa + wb + wa / 2], abs=1e-12)
    assert res.contributions.sum(axis=1).tolist() == pytest.approx(res.scores.tolist())

    with pytest.raises(DataError, match="no expert weight"):
        evaluate(HAND, HAND_SYSTEM, method="weighted-sum")
    expert = make_system({"a": "higher", "b": "higher", "c": "lower"}, {"a": 2, "b": 1, "c": 1})
    ws = evaluate(HAND, expert, method="weighted-sum")
    assert ws.weights.to_dict() == pytest.approx({"a": 0.5, "b": 0.25, "c": 0.25})
    assert ws.scores.tolist() == pytest.approx([0.25, 0.25, 0.5 + 0.25 + 0.125])
    assert ws.ranks.to_dict() == {"R1": 2, "R2": 2, "R3": 1}  # ties share the smallest rank
    et = evaluate(HAND, expert, method="expert-topsis")
    assert et.weighting == "expert" and et.ranks["R3"] == 1
    eq = evaluate(HAND, HAND_SYSTEM, method="topsis")
    assert eq.weights.tolist() == pytest.approx([1 / 3] * 3)


def test_lower_is_better_flips_ranking():
    values = pd.DataFrame({"cost": [1.0, 2.0, 4.0]}, index=["A", "B", "C"])
    low = evaluate(values, make_system({"cost": "lower"}), method="entropy")
    high = evaluate(values, make_system({"cost": "higher"}), method="entropy")
    assert low.ranks.to_dict() == {"A": 1, "B": 2, "C": 3}
    assert high.ranks.to_dict() == {"A": 3, "B": 2, "C": 1}
    assert normalise(values, {"cost": "lower"})["cost"].tolist() == pytest.approx([1.0, 2 / 3, 0.0])
    # in a mixed system the flipped indicator pulls the other way
    mixed = pd.DataFrame({"out": [10.0, 10.5, 11.0], "cost": [1.0, 5.0, 9.0]}, index=["A", "B", "C"])
    good = evaluate(mixed, make_system({"out": "higher", "cost": "lower"}, {"out": 1, "cost": 1}),
                    method="weighted-sum")
    bad = evaluate(mixed, make_system({"out": "higher", "cost": "higher"}, {"out": 1, "cost": 1}),
                   method="weighted-sum")
    assert good.ranks["A"] == 1 and bad.ranks["C"] == 1


def test_zscore_versus_minmax():
    """a = 0, 1, 2, 10; b = 5, 0, 4, 4 (both higher is better), equal weights, weighted sum.

    Min-max: P = 0 + 1 = 1.0, Q = 0.1 + 0 = 0.1, R = 0.2 + 0.8 = 1.0, S = 1 + 0.8 = 1.8
             -> S 1, P and R tie at 2, Q 4.
    Z-score (population sd): a mean 3.25, sd sqrt(62.75/4) = 3.960745; b mean 3.25,
             sd sqrt(14.75/4) = 1.920286.
             P = -3.25/3.960745 + 1.75/1.920286 = -0.820553 + 0.911322 = 0.090769
             R = -1.25/3.960745 + 0.75/1.920286 = -0.315597 + 0.390567 = 0.074970
             -> z-score separates P from R (the outlier a = 10 weighs less).
    """
    df = pd.DataFrame({"a": [0.0, 1.0, 2.0, 10.0], "b": [5.0, 0.0, 4.0, 4.0]}, index=list("PQRS"))
    system = make_system({"a": "higher", "b": "higher"}, {"a": 1, "b": 1})
    mm = evaluate(df, system, method="weighted-sum")
    zs = evaluate(df, system, method="weighted-sum", normalisation="zscore")
    assert mm.ranks.to_dict() == {"P": 2, "Q": 4, "R": 2, "S": 1}
    assert zs.ranks.to_dict() == {"P": 2, "Q": 4, "R": 3, "S": 1}
    assert zs.scores["P"] == pytest.approx(0.5 * 0.090769, abs=1e-6)
    assert zs.scores["R"] == pytest.approx(0.5 * 0.074970, abs=1e-6)
    z = normalise(df, None, "zscore")
    assert z.mean().tolist() == pytest.approx([0, 0], abs=1e-12)
    assert z.std(ddof=0).tolist() == pytest.approx([1, 1])
    assert normalise(df, {"a": "lower"}, "zscore")["a"].tolist() == pytest.approx((-z["a"]).tolist())


# --------------------------------------------------------------------------- missing values

MISSING = pd.DataFrame(
    {
        "a": [1.0, 2.0, 3.0, 4.0],
        "b": [4.0, 3.0, 2.0, np.nan],
        "c": [np.nan, np.nan, np.nan, 1.0],
    },
    index=["R1", "R2", "R3", "R4"],
)
MISSING_SYSTEM = make_system({"a": "higher", "b": "lower", "c": "higher", "never": "higher"})


def test_missing_auto_reports_drops():
    res = evaluate(MISSING, MISSING_SYSTEM)
    rep = res.missing
    assert rep.policy == "auto"
    assert rep.dropped_indicators == {"never": ["R1", "R2", "R3", "R4"], "c": ["R1", "R2", "R3"]}
    assert rep.dropped_regions == {"R4": ["b"]}
    assert list(res.ranks.index) == ["R1", "R2", "R3"]
    assert list(res.weights.index) == ["a", "b"]
    assert "R4" in str(rep) and "c" in str(rep)
    json.dumps(res.to_dict(), allow_nan=False)
    assert res.to_dict()["missing"]["dropped_regions"] == {"R4": ["b"]}


def test_missing_other_policies():
    # c is missing for R1-R3 and b for R4: dropping regions leaves none, and the error says so
    with pytest.raises(DataError, match="no region left.*R4"):
        evaluate(MISSING, MISSING_SYSTEM, missing="drop-region")
    dr = evaluate(MISSING.drop(columns="c"), MISSING_SYSTEM, missing="drop-region")
    assert dr.missing.dropped_indicators == {"c": ["R1", "R2", "R3", "R4"], "never": ["R1", "R2", "R3", "R4"]}
    assert dr.missing.dropped_regions == {"R4": ["b"]}
    di = evaluate(MISSING, MISSING_SYSTEM, missing="drop-indicator")
    assert list(di.weights.index) == ["a"] and set(di.missing.dropped_indicators) == {"never", "b", "c"}
    fm = evaluate(MISSING, MISSING_SYSTEM, missing="fill-min")
    filled = {(r, i): v for r, i, v in fm.missing.filled}
    assert filled[("R4", "b")] == 4.0  # b is "lower is better": the worst observed is the largest
    assert filled[("R1", "c")] == 1.0
    assert fm.values.loc["R4", "b"] == 4.0
    assert not fm.values.isna().any().any()


def test_missing_never_silently_zero():
    df = pd.DataFrame({"a": [1.0, 2.0, np.nan]}, index=["X", "Y", "Z"])
    res = evaluate(df, make_system({"a": "higher"}))
    assert "Z" not in res.ranks.index and res.missing.dropped_regions == {"Z": ["a"]}
    with pytest.raises(DataError, match="no region left"):
        evaluate(pd.DataFrame({"a": [np.nan, 1.0]}, index=["X", "Y"]).assign(b=[1.0, np.nan]),
                 make_system({"a": "higher", "b": "higher"}), missing="drop-region")


# --------------------------------------------------------------------------- rank change, output


def test_rank_change_and_output():
    sys_ = make_system({"a": "higher"})
    last = evaluate(pd.DataFrame({"a": [3.0, 2.0, 1.0]}, index=["X", "Y", "Z"]), sys_, year=2021)
    this = evaluate(pd.DataFrame({"a": [1.0, 2.0, 3.0, 0.5]}, index=["X", "Y", "Z", "N"]), sys_, year=2022)
    rc = rank_change(this, last)
    assert rc.loc["Z", "change"] == 2 and rc.loc["X", "change"] == -2 and pd.isna(rc.loc["N", "change"])
    this = this.with_rank_change(last)
    d = this.to_dict()
    json.dumps(d, allow_nan=False)
    by = {r["region"]: r for r in d["regions"]}
    assert by["Z"]["rank_change"] == 2 and by["N"]["rank_change"] is None
    assert [r["region"] for r in d["regions"]] == ["Z", "Y", "X", "N"]
    frame = this.to_frame()
    assert list(frame.columns[:3]) == ["rank", "score", "rank_change"]
    assert "Z" in repr(this) and "+2" in repr(this)


def test_bad_arguments_name_the_culprit():
    with pytest.raises(DataError, match="unknown method 'magic'"):
        evaluate(HAND, HAND_SYSTEM, method="magic")
    with pytest.raises(DataError, match="numeric"):
        evaluate(HAND.assign(a=["x", "y", "z"]), HAND_SYSTEM)
    with pytest.raises(DataError, match="direction"):
        system_from_dict({"id": "s", "name_zh": "s", "name_en": "s",
                          "indicators": [{"id": "a", "dimension": "d", "direction": "up"}]})


# --------------------------------------------------------------------------- sensitivity


def test_sensitivity_weight_flip():
    """X leads on a, Y on b (min-max: X = (1, 0), Y = (0, 1), Z = (0, 0)); expert weights 0.48/0.52.

    Base: X = 0.48 < Y = 0.52, X is 2nd. w_a × 1.2 -> 0.576 vs 0.52 (renormalised 0.526 vs 0.474):
    X first. w_b × 0.8 -> 0.48 vs 0.416: X first. w_a × 0.8 or w_b × 1.2 keep X 2nd.
    Improving X's b from 0: X needs 0.48 + 0.52·b/10 > 0.52, i.e. b > 10·0.04/0.52 = 0.769.
    """
    df = pd.DataFrame({"a": [10.0, 0.0, 0.0], "b": [0.0, 10.0, 0.0]}, index=["X", "Y", "Z"])
    system = make_system({"a": "higher", "b": "higher"}, {"a": 0.48, "b": 0.52})
    s = sensitivity(df, system, "X", method="weighted-sum")
    assert s.base_rank == 2 and s.n_regions == 3
    assert s.weights.loc["a", "rank_weight_x1.2"] == 1
    assert s.weights.loc["a", "rank_weight_x0.8"] == 2
    assert s.weights.loc["b", "rank_weight_x0.8"] == 1
    assert s.weights.loc["b", "rank_weight_x1.2"] == 2
    assert s.improvements.loc["b", "needed_value"] == pytest.approx(10 * 0.04 / 0.52, abs=0.02)
    assert pd.isna(s.improvements.loc["b", "needed_pct"])  # no % of a zero value
    assert pd.isna(s.improvements.loc["a", "needed_value"])  # already the best at a
    json.dumps(s.to_dict(), allow_nan=False)
    assert "X" in repr(s)
    # Y is first already: nothing to gain
    top = sensitivity(df, system, "Y", method="weighted-sum")
    assert top.base_rank == 1 and top.improvements["needed_pct"].isna().all()


def test_sensitivity_best_single_improvement():
    """Equal weights, weighted sum; min-max with R1 = (100, 100) and R4 = (0, 0) fixing the ranges.

    R2 = (20, 50) -> 0.35; R3 = (58, 10) -> 0.34, 3rd.
    +10 % on a: (63.8 + 10)/200 = 0.369 > 0.35 -> 2nd; +10 % on b: (58 + 11)/200 = 0.345 -> still 3rd.
    Needed: a > 60 (+3.45 %), b > 12 (+20 %).
    """
    df = pd.DataFrame({"a": [100.0, 20.0, 58.0, 0.0], "b": [100.0, 50.0, 10.0, 0.0]},
                      index=["R1", "R2", "R3", "R4"])
    system = make_system({"a": "higher", "b": "higher"}, {"a": 1, "b": 1})
    s = sensitivity(df, system, "R3", method="weighted-sum")
    assert s.base_rank == 3
    assert s.best_indicator == "a"
    assert s.improvements.loc["a", "rank_after_step"] == 2
    assert s.improvements.loc["b", "rank_after_step"] == 3
    assert s.improvements.loc["a", "needed_pct"] == pytest.approx(100 * 2 / 58, abs=0.1)
    assert s.improvements.loc["b", "needed_pct"] == pytest.approx(20.0, abs=0.1)
    # the default entropy-topsis runs too and says why a dropped region cannot be analysed
    sensitivity(df, system, "R3")
    with pytest.raises(DataError, match="dropped"):
        sensitivity(MISSING, MISSING_SYSTEM, "R4")


# --------------------------------------------------------------------------- shipped systems


def test_shipped_systems_parse_and_reference_indicators():
    with open(DATA / "indicators" / "core.csv", encoding="utf-8", newline="") as fh:
        defined = {row["id"]: row for row in csv.DictReader(fh)}
    ids = set()
    for path in sorted((DATA / "systems").glob("*.toml")):
        system = system_from_dict(tomllib.loads(path.read_text(encoding="utf-8")))
        ids.add(system.id)
        dims = {d.id for d in system.dimensions}
        for ind in system.indicators:
            assert ind.id in defined, f"{path.name}: {ind.id} not in indicators/core.csv"
            assert ind.dimension in dims
            assert ind.direction == (defined[ind.id]["direction"] or "higher"), ind.id
        assert {i.dimension for i in system.indicators} == dims
    assert {"innovation", "industrial"} <= ids
