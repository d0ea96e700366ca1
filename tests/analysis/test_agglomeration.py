r"""Agglomeration indices on a table worked on paper.

::

            i1  i2  i3  i4   total   a_r
    r1   [  10   0   5   5 ]   20    1/4
    r2   [  10  10   0   0 ]   20    1/4
    r3   [   0  10   5  25 ]   40    1/2
    total   20  20  10  30     80
    shares 1/4 1/4 1/8 3/8

* LQ(r1,i1) = (10/20)/(20/80) = 2; LQ(r1,i3) = (5/20)/(10/80) = 2; LQ(r1,i4) = (5/20)/(30/80) = 2/3;
  LQ(r3,i4) = (25/40)/(3/8) = 5/3.
* Hoover(i1) = 1/2 (|1/2-1/4| + |1/2-1/4| + |0-1/2|) = 1/2.
* Herfindahl: industry i1 = (1/2)^2 + (1/2)^2 = 1/2; region r1 = 1/4 + 1/16 + 1/16 = 3/8.
* Krugman(r1): vs total |1/2-1/4| + |0-1/4| + |1/4-1/8| + |1/4-3/8| = 3/4; vs the rest (10,20,5,25)/60:
  1/3 + 1/3 + 1/6 + 1/6 = 1.
* Theil(i1) = 1/2 ln 2 + 1/2 ln 2 = ln 2.
* Gini(i1): sort by LQ: r3 (a 1/2, s 0), r1 (1/4, 1/2), r2 (1/4, 1/2); cumulative A = 0, 1/2, 3/4, 1 and
  S = 0, 0, 1/2, 1: 1 - [1/2 (0) + 1/4 (1/2) + 1/4 (3/2)] = 1/2.
* EGK coagglomeration: 1 - sum a^2 = 1 - (1/16 + 1/16 + 1/4) = 5/8.  (i1, i2): (1/4)(-1/4) + (1/4)(1/4)
  + (-1/2)(0) = 0.  (i1, i4): s4 - a = (1/6 - 1/4, -1/4, 5/6 - 1/2) -> -1/48 - 1/16 - 1/6 = -1/4, /(5/8) = -2/5.
* Ellison-Glaeser for i1 with firms r1: 10, r2: 5 + 5: H = 1/4 + 1/16 + 1/16 = 3/8, G = 1/16 + 1/16 + 1/4
  = 3/8, gamma = (3/8 - 5/8 * 3/8) / (5/8 * 5/8) = 9/25.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chainatlas.analysis.agglomeration import (
    coagglomeration,
    ellison_glaeser,
    herfindahl,
    hoover,
    krugman_specialisation,
    location_quotient,
    locational_gini,
    strong_clusters,
    theil,
)

E = pd.DataFrame(
    [[10, 0, 5, 5], [10, 10, 0, 0], [0, 10, 5, 25]],
    index=["r1", "r2", "r3"],
    columns=["i1", "i2", "i3", "i4"],
    dtype=float,
)


def test_location_quotient() -> None:
    lq = location_quotient(E)
    assert lq.shape == E.shape and list(lq.index) == ["r1", "r2", "r3"]
    assert lq.loc["r1", "i1"] == pytest.approx(2)
    assert lq.loc["r1", "i3"] == pytest.approx(2)
    assert lq.loc["r1", "i4"] == pytest.approx(2 / 3)
    assert lq.loc["r3", "i4"] == pytest.approx(5 / 3)
    # Against a national base with shares (1/2, 1/4, 1/8, 1/8): LQ(r1, i4) = (1/4)/(1/8) = 2.
    nat = location_quotient(E, base=pd.Series({"i1": 40, "i2": 20, "i3": 10, "i4": 10}))
    assert nat.loc["r1", "i4"] == pytest.approx(2)
    assert nat.loc["r1", "i1"] == pytest.approx(1)


def test_hoover_herfindahl_krugman_theil_gini() -> None:
    assert hoover(E)["i1"] == pytest.approx(0.5)
    assert herfindahl(E, axis="industry")["i1"] == pytest.approx(0.5)
    assert herfindahl(E, axis="region")["r1"] == pytest.approx(3 / 8)
    assert krugman_specialisation(E, base="total")["r1"] == pytest.approx(3 / 4)
    assert krugman_specialisation(E)["r1"] == pytest.approx(1.0)
    assert theil(E)["i1"] == pytest.approx(np.log(2))
    assert locational_gini(E)["i1"] == pytest.approx(0.5)
    with pytest.raises(ValueError):
        herfindahl(E, axis="nope")


def test_even_industry_has_zero_concentration() -> None:
    """An industry distributed exactly like total activity scores 0 on every index."""
    x = E.copy()
    x["even"] = [5.0, 5.0, 10.0]
    assert hoover(x)["even"] == pytest.approx(0, abs=1e-12)
    assert theil(x)["even"] == pytest.approx(0, abs=1e-12)
    assert locational_gini(x)["even"] == pytest.approx(0, abs=1e-12)


def test_coagglomeration() -> None:
    g = coagglomeration(E)
    assert g.loc["i1", "i2"] == pytest.approx(0)
    assert g.loc["i1", "i4"] == pytest.approx(-2 / 5)
    np.testing.assert_allclose(g.to_numpy(), g.to_numpy().T)


def test_ellison_glaeser() -> None:
    firms = pd.DataFrame(
        {
            "region": ["r1", "r2", "r2", "r2", "r3", "r1", "r3", "r1", "r3"],
            "industry": ["i1", "i1", "i1", "i2", "i2", "i3", "i3", "i4", "i4"],
            "employment": [10, 5, 5, 10, 10, 5, 5, 5, 25],
        }
    )
    res = ellison_glaeser(firms, region_totals=E.sum(axis=1))
    assert res.loc["i1", "H"] == pytest.approx(3 / 8)
    assert res.loc["i1", "G"] == pytest.approx(3 / 8)
    assert res.loc["i1", "gamma"] == pytest.approx(9 / 25)
    assert res.loc["i1", "firms"] == 3
    # Same totals derived from the firms themselves (they sum to the table above).
    assert ellison_glaeser(firms).loc["i1", "gamma"] == pytest.approx(9 / 25)
    single = pd.concat([firms, pd.DataFrame({"region": ["r1"], "industry": ["solo"], "employment": [3]})])
    assert np.isnan(ellison_glaeser(single).loc["solo", "gamma"])


def test_strong_clusters() -> None:
    """Industry c across 8 regions: LQs of the present regions, 75th percentile cut, size and firm cuts."""
    size = pd.DataFrame(
        {
            "c": [50, 40, 30, 20, 10, 5, 1, 0],
            "other": [50, 60, 70, 80, 90, 95, 99, 100],
        },
        index=list("abcdefgh"),
        dtype=float,
    )
    firms = pd.DataFrame({"c": [1, 8, 6, 4, 3, 2, 1, 0], "other": [9] * 8}, index=list("abcdefgh"))
    flags = strong_clusters(size, firms)
    lq = location_quotient(size)["c"]
    cut = np.percentile(lq[size["c"] > 0], 75)
    expected = (lq >= cut) & (lq >= 1) & (size["c"] > np.percentile(size["c"][size["c"] > 0], 25))
    expected &= firms["c"] > np.percentile(firms["c"][size["c"] > 0], 25)
    assert flags["c"].tolist() == expected.tolist()
    assert flags["c"].tolist() == [False, True, False, False, False, False, False, False]
    assert not flags.loc["h", "c"]


def test_negative_values_are_rejected() -> None:
    bad = E.copy()
    bad.loc["r2", "i3"] = -1
    with pytest.raises(ValueError, match="region 'r2', industry 'i3'"):
        location_quotient(bad)
