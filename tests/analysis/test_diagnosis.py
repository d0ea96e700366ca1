"""Diagnosis rules on the hand-made fixture atlas (tests/fixtures/atlas), worked by hand.

National output (万吨, fixture statistics): alumina 800, primary 400, rod 100, cable 20, furniture 10,
foil 50. Unit values (yuan/t): alumina 3,000, primary 19,000, rod 19,500, cable 24,000, furniture
99,000, foil 26,000.

Binzhou (371600, with Zouping 371681 below it): alumina 100, primary 60, rod 20, cable 5 (万吨).
  shares: alumina 12.5 %, primary 15 %, rod 20 %, cable 25 %
  overall share = (3.0 + 11.4 + 3.9 + 1.2) / (24 + 76 + 19.5 + 4.8) bn = 19.5 / 124.3 = 15.688 %
  strong from max(1.5 × 15.688 %, 2 %) = 23.53 %  → cable strong; weak below 7.84 % → none weak
Baotou (150200): primary 100, rod 10 → overall = (19 + 1.95) / (76 + 19.5) = 21.94 %;
  rod 10 % < 0.5 × 21.94 % = 10.97 % → weak; primary 25 % < 32.9 % → present
"""

import math

import pytest

from chainatlas.analysis.diagnosis import classify
from chainatlas.analysis.settings import SETTINGS, DiagnosisSettings
from chainatlas.errors import ChainAtlasError


def status(d):
    return dict(zip(d.nodes["node_id"], d.nodes["status"], strict=True))


def test_binzhou_statuses_and_shares(fixture_atlas):
    d = fixture_atlas.diagnose("滨州", "铝")
    assert status(d) == {
        "alu.bauxite": "missing", "alu.alumina": "present", "alu.primary": "present", "alu.rod": "present",
        "alu.cable": "strong", "alu.foil": "missing", "alu.furniture": "missing", "alu.wheel": "missing",
    }
    assert d.overall_share == pytest.approx(19.5 / 124.3)
    nodes = d.nodes.set_index("node_id")
    assert nodes.loc["alu.primary", "national_share"] == pytest.approx(0.15)
    assert nodes.loc["alu.primary", "quantity"] == 600_000 and nodes.loc["alu.primary", "quantity_unit"] == "t"
    assert nodes.loc["alu.primary", "national_basis"] == "statistics"
    assert nodes.loc["alu.primary", "national_sources"] == ["fx-stat"]
    # primary: Baotou 100 > Binzhou 60 > Liaocheng 40
    assert (nodes.loc["alu.primary", "rank"], nodes.loc["alu.primary", "regions_ranked"]) == (2, 3)
    assert nodes.loc["alu.primary", "firms"] == 1


def test_weak_link_and_top_heavy_region(fixture_atlas):
    d = fixture_atlas.diagnose("Baotou", "alu")
    assert status(d)["alu.rod"] == "weak" and status(d)["alu.primary"] == "present"
    assert d.overall_share == pytest.approx(20.95 / 95.5)
    assert d.top_heaviness["region_raw_share"] == pytest.approx(19 / 20.95)
    assert d.top_heaviness["national_raw_share"] == pytest.approx(76 / 95.5)  # 0.907 vs 0.796: > 0.10
    assert d.top_heaviness["top_heavy"] is True


def test_year_is_the_data_year_and_ranks_are_integers(fixture_atlas):
    d = fixture_atlas.diagnose("滨州", "alu", year=2100)
    assert d.year == 2023
    assert d.nodes.set_index("node_id").loc["alu.primary", "rank"] == 2
    assert isinstance(d.to_dict()["nodes"][2]["rank"], int | None)
    early = fixture_atlas.diagnose("滨州", "alu", year=2000)
    assert set(status(early).values()) == {"missing"}  # nothing was known by then


def test_top_heaviness_against_nation(fixture_atlas):
    """Both shares over the links Binzhou has figures for: alumina, primary (raw), rod, cable."""
    top = fixture_atlas.diagnose("滨州", "alu").top_heaviness
    assert top["compared_links"] == ["alu.alumina", "alu.primary", "alu.rod", "alu.cable"]
    assert top["region_raw_share"] == pytest.approx(14.4 / 19.5)
    assert top["national_raw_share"] == pytest.approx(100 / 124.3)
    assert top["top_heavy"] is False


def test_no_top_heavy_verdict_on_raw_links_only(writable_fixture, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("enterprise_id,node_id,year,capacity,output,quantity_unit,revenue,revenue_unit,source_id,note\n"
                    "fx-baotou-rod,alu.rod,2023,,,,,,fx-report,figure withdrawn\n", encoding="utf-8")
    writable_fixture.import_file("production", path)
    top = writable_fixture.diagnose("Baotou", "alu").top_heaviness
    assert top["top_heavy"] is None and "only upstream and primary" in top["reason"]


def test_stage_coverage(fixture_atlas):
    stages = fixture_atlas.diagnose("滨州", "alu").stages.set_index("stage")
    assert stages.loc["upstream", "coverage"] == pytest.approx(1 / 2)
    assert stages.loc["midstream", "coverage"] == pytest.approx(2 / 3)
    assert stages.loc["downstream", "coverage"] == pytest.approx(1 / 3)
    # value-weighted: unit values of present links / of all links with a value in the stage
    assert stages.loc["upstream", "value_coverage"] == pytest.approx(3000 / 3450)
    assert stages.loc["downstream", "value_coverage"] == pytest.approx(24000 / 123000)


def test_agglomeration(fixture_atlas):
    agg = fixture_atlas.diagnose("滨州", "alu").agglomeration
    shares = [14.4 / 19.5, 3.9 / 19.5, 1.2 / 19.5]
    assert agg["hhi"] == pytest.approx(sum(s * s for s in shares))
    assert agg["firms"] == 3
    assert agg["rank_by_value"] == 2 and agg["rank_by_firms"] == 1


def test_value_ladder_and_capture(fixture_atlas):
    d = fixture_atlas.diagnose("滨州", "alu")
    first = d.value_paths[0]
    assert first["path"] == ["alu.primary", "alu.rod", "alu.cable"]
    assert list(first["ladder"]["uplift_over_start"]) == [0, 500, 5000]
    capture = first["capture"]
    # today: 60万 t × 19,000 + 20万 t × 500 (rod step) + 5万 t × 4,500 (cable step)
    assert capture["today_value"] == pytest.approx(600_000 * 19_000 + 200_000 * 500 + 50_000 * 4_500)
    assert [s["value"] for s in capture["scenarios"]] == pytest.approx([600_000 * 19_500, 600_000 * 24_000])
    assert capture["captured_share"] == pytest.approx(11.725 / 14.4)


def test_node_without_unit_value(fixture_atlas):
    ladder = fixture_atlas.value_ladder(["alu.primary", "alu.wheel"])
    assert math.isnan(ladder.loc[1, "value_per_start_unit"])
    d = fixture_atlas.diagnose("滨州", "alu")
    assert math.isnan(d.nodes.set_index("node_id").loc["alu.wheel", "output_value"])


def test_region_with_no_firms(fixture_atlas):
    d = fixture_atlas.diagnose("长治", "alu")
    assert set(status(d).values()) == {"missing"}
    assert d.top_heaviness["top_heavy"] is None and d.agglomeration["hhi"] is None
    assert all(vp["capture"]["base_node"] is None for vp in d.value_paths)


def test_shared_node_and_firm_rule(fixture_atlas):
    d = fixture_atlas.diagnose("铜陵", "锂电")
    s = status(d)
    assert s["alu.foil"] == "present"  # shared with the aluminium chain
    nodes = d.nodes.set_index("node_id")
    # cells: no output figures anywhere → firm rule; LQ = (1/2) / (1/8) = 4 but only 1 firm
    assert nodes.loc["batt.cell", "lq_firms"] == pytest.approx(4.0)
    assert s["batt.cell"] == "present" and "firm LQ" in nodes.loc["batt.cell", "rule"]
    assert s["batt.pack"] == "missing"
    stronger = fixture_atlas.diagnose("铜陵", "锂电", settings={"strong_min_firms": 1})
    assert status(stronger)["batt.cell"] == "strong"


def test_settings_are_documented_and_overridable(fixture_atlas):
    assert {s.name for s in SETTINGS} == set(DiagnosisSettings.__dataclass_fields__)
    assert all(s.meaning and s.default == getattr(DiagnosisSettings(), s.name) for s in SETTINGS)
    d = fixture_atlas.diagnose("滨州", "alu", settings={"strong_share_ratio": 1.2})
    assert status(d)["alu.rod"] == "strong"  # 20 % ≥ 1.2 × 15.69 % = 18.8 %
    with pytest.raises(ChainAtlasError, match="unknown diagnosis setting"):
        fixture_atlas.diagnose("滨州", "alu", settings={"nonsense": 1})


def test_classify_absolute_rule_without_overall_share():
    s = DiagnosisSettings()
    assert classify(1, 5.0, 0.2, math.nan, None, s)[0] == "strong"
    assert classify(1, 5.0, 0.005, math.nan, None, s)[0] == "weak"


def test_compare_default_peers(fixture_atlas):
    c = fixture_atlas.compare("alu")
    assert list(c.rows["region"]) == ["150200", "371600", "371500", "340700"]
    assert c.node_status.loc["alu.cable", "371600"] == "strong"
    regions = ["滨州", "包头", "聊城", "铜陵", "长治", "邹平", "山东", "安徽", "山西", "内蒙古", "中国"]
    with pytest.raises(ChainAtlasError, match="at most 10"):
        fixture_atlas.compare("alu", regions)
    assert len(fixture_atlas.compare("alu", ["滨州", "Binzhou", "371600"]).rows) == 1  # the same region once
    with pytest.raises(ChainAtlasError, match="level must be"):
        fixture_atlas.compare("alu", level="country")
