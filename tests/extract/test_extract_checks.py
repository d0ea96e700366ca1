"""Plausibility (with the likely intended unit), magnitude and duplicate checks."""

import pandas as pd

from chainatlas.extract import extract_facts
from chainatlas.extract.checks import check_facts, mark_duplicates


def test_a_6_mm_copper_foil_is_flagged_with_the_unit_that_fits(gaz):
    facts = extract_facts("The battery copper foil made in Tongling is only 6 mm thick.", gaz, date="2024-01-01")
    check_facts(facts, gaz)
    assert [(f.node, f.indicator, f.value, f.unit) for f in facts] == [("copper.foil-battery", "thickness", 0.006, "m")]
    assert "6 mm outside 3–12 µm; 6 µm fits" in facts[0].checks[0]


def test_a_6_micron_foil_passes(gaz):
    facts = extract_facts("锂电铜箔厚度仅6微米。", gaz, date="2024-01-01")
    check_facts(facts, gaz)
    assert [(f.indicator, f.checks) for f in facts] == [("thickness", [])]


def test_a_region_above_the_national_figure_of_the_same_text(gaz):
    text = "2023年全国电解铝产量4159万吨。山东电解铝产量5000万吨。"
    facts = check_facts(extract_facts(text, gaz), gaz)
    assert facts[0].checks == []
    assert facts[1].region == "370000" and "above the national output" in facts[1].checks[0]


def test_a_region_above_the_national_figure_in_the_atlas(fixture_atlas):
    gaz = fixture_atlas.extraction_gazetteer()
    facts = check_facts(extract_facts("2023年滨州电解铝产量500万吨。", gaz), gaz)  # fixture nation: 400万吨
    assert any("above the national output of 2023 in the atlas" in c for c in facts[0].checks)


def test_a_unit_that_does_not_measure_the_node(gaz):
    facts = check_facts(extract_facts("上半年全国硅片产量105GW。", gaz, date="2021-07-22"), gaz)
    assert any("does not measure photovoltaics.wafer" in c for c in facts[0].checks)


def test_duplicates_and_conflicts_with_stored_observations(gaz):
    facts = extract_facts("2023年山东电解铝产量980万吨。2023年内蒙古电解铝产量600万吨。", gaz)
    stored = pd.DataFrame([
        {"subject_kind": "region", "subject_id": "370000", "node_id": "aluminium.primary", "indicator": "output",
         "year": 2023, "value": 9.8e6, "unit": "t", "source_id": "nbs"},
        {"subject_kind": "region", "subject_id": "150000", "node_id": "aluminium.primary", "indicator": "output",
         "year": 2023, "value": 6.2e6, "unit": "t", "source_id": "nbs"},
    ])
    mark_duplicates(facts, stored)
    assert facts[0].checks == ["duplicate: the atlas already has 9.8e+06 t (source nbs)"]
    assert facts[1].checks[0].startswith("conflict: the atlas has 6.2e+06 t")
