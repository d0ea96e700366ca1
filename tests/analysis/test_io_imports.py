"""Proportional import removal checked against NBS's 42-sector tables that split domestic and imported flows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chainatlas.analysis.io import input_multipliers, leontief_inverse, output_multipliers, ratios
from chainatlas.analysis.io import technical_coefficients as tc
from conftest import shared_external


@pytest.mark.external
@pytest.mark.parametrize("year", [2017, 2018, 2020])
def test_proportional_removal_against_split_table(year):
    folder = shared_external("ionet")
    d = pd.read_csv(folder / f"china_{year}_42.csv", dtype={"Code": str})
    secs = [c for c in d.columns if c.isdigit()]
    dom = d[d["Origin"] == "Domestic"].set_index("Code")
    imp = d[d["Origin"] == "Imports"].set_index("Code")
    tva = d[d["Origin"] == "TOT"].set_index("Code").loc["TVA", secs].to_numpy(float)
    cols = ["TC", "FU201", "FU202", "EX"]
    Zd, Zm = dom.loc[secs, secs].to_numpy(float), imp.loc[secs, secs].to_numpy(float)
    Fd, Fm = dom.loc[secs, cols].to_numpy(float), imp.loc[secs, cols].to_numpy(float)
    x = dom.loc[secs, "GO"].to_numpy(float)
    # the competitive table NBS publishes at 153 sectors, rebuilt at 42: flows summed, imports in one column
    Z, F = Zd + Zm, Fd + Fm
    imports = Zm.sum(axis=1) + Fm.sum(axis=1)
    absorption = Z.sum(axis=1) + F.sum(axis=1) - F[:, 3]
    m = np.clip(imports / absorption, 0, 1)
    Zp = Z * (1 - m)[:, None]
    Ld, Lp = leontief_inverse(tc(Zd, x)), leontief_inverse(tc(Zp, x))
    od, op = output_multipliers(Ld), output_multipliers(Lp)
    rel = np.abs(op - od) / od
    # measured: mean 2.1–2.3 %, worst sector 11.9–12.5 % (2017, 2018, 2020)
    assert rel.mean() < 0.03
    assert rel.max() < 0.15
    v = ratios(tva, x)
    assert np.abs(input_multipliers(v, Lp) - input_multipliers(v, Ld)).mean() < 0.02
    # the total of domestic intermediate flows is within 1 % of the published one
    assert Zp.sum() == pytest.approx(Zd.sum(), rel=0.01)
