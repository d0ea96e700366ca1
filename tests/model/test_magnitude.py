"""Magnitude rules on small hand-made frames whose answers can be checked by eye."""

import pandas as pd

from chainatlas.model import magnitude as m

OBS_COLS = ["subject_kind", "subject_id", "node_id", "indicator", "year", "value", "unit", "comparator"]


def obs(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=OBS_COLS)


def test_region_above_national_same_year_only():
    frame = obs(("region", "100000", "al", "output", 2023, 100.0, "t", ""),
                ("region", "370000", "al", "output", 2023, 130.0, "t", ""),   # breach
                ("region", "370000", "al", "output", 2022, 130.0, "t", ""),   # no national for 2022
                ("region", "150000", "al", "output", 2023, 100.4, "t", "~"),  # within rounding
                ("region", "530000", "al", "output", 2023, 500.0, "t", "<="))  # an upper bound only
    breaches = m.region_figures_above_national(frame, m.national_caps(frame))
    assert [(b.row, b.field) for b in breaches] == [(1, "value")]
    assert "at most the national output of al in 2023 (100 t)" in breaches[0].expected


def test_a_lower_bound_national_figure_caps_nothing():
    frame = obs(("region", "100000", "al", "output", 2023, 100.0, "t", ">="),
                ("region", "370000", "al", "output", 2023, 130.0, "t", ""))
    assert m.region_figures_above_national(frame, m.national_caps(frame)) == []


def test_firm_and_firm_totals_above_national():
    caps = m.national_caps(obs(("region", "100000", "al", "output", 2023, 100.0, "t", "")))
    prod = pd.DataFrame({"node_id": ["al", "al", "al"], "year": [2023, 2023, 2023],
                         "capacity": [None, None, 500.0], "output": [1e9, 60.0, None],
                         "quantity_unit": ["t", "t", "t"]})
    [breach] = m.firm_figures_above_national(prod, caps)
    assert breach.row == 0 and breach.field == "output"
    totals = m.firm_totals_above_national(prod, caps)
    assert totals.to_dict(orient="records") == [
        {"node_id": "al", "year": 2023, "indicator": "output", "total": 1e9 + 60.0, "national": 100.0, "unit": "t"}]
    # capacity has no national figure to compare with: nothing said about the 500 t
    assert set(totals["indicator"]) == {"output"}


def test_share_above_one_hundred_percent():
    indicators = pd.DataFrame({"id": ["output_share_national"], "unit": ["%"], "min": [0.0], "max": [100.0]})
    frame = obs(("region", "371600", "al", "output_share_national", 2022, 130.0, "%", ""),
                ("region", "371600", "al", "output_share_national", 2021, 13.3, "%", ""))
    [breach] = m.outside_indicator_range(frame, indicators)
    assert breach.row == 0 and "within 0–100 %" in breach.expected


def test_six_millimetre_foil_is_implausible_and_unit_mismatch_is_named():
    ranges = pd.DataFrame({"node_id": ["cu.foil"], "indicator": ["thickness"], "min": [3.0], "max": [12.0],
                           "unit": ["µm"]})
    frame = obs(("node", "cu.foil", "", "thickness", 2024, 6.0, "mm", ""),
                ("node", "cu.foil", "", "thickness", 2023, 6.0, "µm", ""),
                ("region", "340700", "cu.foil", "thickness", 2023, 6.0, "t", ""))
    breaches = m.outside_plausible_range(frame, ranges)
    assert [(b.row, b.field) for b in breaches] == [(0, "value"), (2, "unit")]
    assert breaches[0].expected.startswith("3–12 µm")


def test_rule_naming_an_unknown_indicator():
    ranges = pd.DataFrame({"node_id": ["cu.foil", "pv.wafer"], "indicator": ["thickness", "thikness"],
                           "min": [3.0, 100.0], "max": [12.0, 200.0], "unit": ["µm", "µm"]})
    [breach] = m.unknown_indicators(ranges, {"thickness"})
    assert breach.row == 1 and breach.value == "thikness"
