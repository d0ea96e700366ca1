"""The economy baseline a link's share is judged against: which indicator, which year.

Hand-worked nation 2020: industrial value added 300, secondary industry 400, GDP 1,000, resident
population 1,400 (any units, one per indicator). Each region takes the first indicator of the declared
order (industrial value added > secondary industry > GDP > population) that has a figure of the same
year on both sides:

* X has all four → IVA 30 / 300 = 10 %;
* Y has secondary 20, GDP 40, population 70 → secondary 20 / 400 = 5 % (not GDP 4 %);
* Z has GDP 40, population 70 → GDP 4 %;
* W has population 70 only → 5 %;
* V has a 2019 secondary figure (no national secondary of 2019) and 2020 GDP 30 → GDP 3 %, because a
  share needs both sides of one year.
"""

import pandas as pd
import pytest

from chainatlas.analysis.diagnosis import BASELINE_INDICATORS, baseline_shares

ROWS = [
    ("100000", "industrial_value_added", 2020, 300.0), ("100000", "secondary_value_added", 2020, 400.0),
    ("100000", "gdp", 2020, 1000.0), ("100000", "population_resident", 2020, 1400.0),
    ("X", "industrial_value_added", 2020, 30.0), ("X", "secondary_value_added", 2020, 35.0),
    ("X", "gdp", 2020, 60.0), ("X", "population_resident", 2020, 70.0),
    ("Y", "secondary_value_added", 2020, 20.0), ("Y", "gdp", 2020, 40.0), ("Y", "population_resident", 2020, 70.0),
    ("Z", "gdp", 2020, 40.0), ("Z", "population_resident", 2020, 70.0),
    ("W", "population_resident", 2020, 70.0),
    ("V", "secondary_value_added", 2019, 10.0), ("V", "gdp", 2020, 30.0),
]
BASELINES = pd.DataFrame(ROWS, columns=["region", "indicator", "year", "value"]).assign(source_id="s")


def test_declared_order_puts_secondary_industry_between_iva_and_gdp():
    assert BASELINE_INDICATORS == ("industrial_value_added", "secondary_value_added", "gdp", "population_resident")


def test_each_region_takes_the_first_indicator_with_both_sides_of_one_year():
    shares = baseline_shares(BASELINES, 2023)
    expected = {"X": ("industrial_value_added", 0.10), "Y": ("secondary_value_added", 0.05),
                "Z": ("gdp", 0.04), "W": ("population_resident", 0.05), "V": ("gdp", 0.03)}
    for region, (indicator, share) in expected.items():
        assert shares.loc[region, "baseline_indicator"] == indicator, region
        assert shares.loc[region, "baseline_share"] == pytest.approx(share), region
        assert shares.loc[region, "baseline_year"] == 2020


def test_no_baseline_from_a_later_year_than_asked():
    assert baseline_shares(BASELINES, 2019).empty  # the only 2019 figure has no national side
