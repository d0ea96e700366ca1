"""Diagnosis rules on the hand-made fixture atlas (tests/fixtures/atlas), worked by hand.

National output 2023 (万吨, official): alumina 800, primary 400, rod 100, cable 20, furniture 10, foil 50.
Unit values (yuan/t): alumina 3,000, primary 19,000, rod 19,500, cable 24,000, furniture 99,000, foil 26,000.
Baselines (share of the national economy): Binzhou GDP 90,000 / 1,000,000 = 9 %; Liaocheng GDP 25 %;
Baotou industrial value added 60,000 / 400,000 = 15 % (ahead of its GDP); Tongling none.

Binzhou (firms: alumina 100, primary 60, rod 20, cable 5 万吨; official share of primary 2022 "≥ 14 %"):
  strong cut max(1.5 × 9 %, 2 %) = 13.5 %, weak cut 4.5 %
  alumina 100/800 = 12.5 % (firm output sum / official national) → present
  primary ≥ 14 % (official share, used ahead of the computed 15 %) → strong (a lower bound can prove strong)
  rod 20 %, cable 25 % → strong; bauxite, foil, furniture, wheels: no local firm, atlas knows < 20 makers → unknown
Liaocheng (25 %: strong cut 37.5 %, weak cut 12.5 %): alumina official 60/800 = 7.5 %, ranked 2nd of
  prefectures on an official figure → present (not weak); primary firms 40/400 = 10 % → weak
Baotou (15 %: strong 22.5 %, weak 7.5 %): primary official 100/400 = 25 % → strong; rod official 10 % → present.
  Top-heaviness on official output value: region (100×19,000)/(100×19,000 + 10×19,500) = 0.9069,
  nation 7,600/9,550 = 0.7958; 0.111 > 0.10 → top-heavy.
"""

import math

import pandas as pd
import pytest

from chainatlas.analysis.diagnosis import _statuses
from chainatlas.analysis.settings import SETTINGS, DiagnosisSettings
from chainatlas.errors import ChainAtlasError


def status(d):
    return dict(zip(d.nodes["node_id"], d.nodes["status"], strict=True))


def col(d, name):
    return d.nodes.set_index("node_id")[name]


def test_binzhou_statuses_shares_and_evidence(fixture_atlas):
    d = fixture_atlas.diagnose("滨州", "铝")
    assert status(d) == {
        "alu.bauxite": "unknown", "alu.alumina": "present", "alu.primary": "strong", "alu.rod": "strong",
        "alu.cable": "strong", "alu.foil": "unknown", "alu.furniture": "unknown", "alu.wheel": "unknown",
    }
    assert d.baseline["indicator"] == "gdp" and d.baseline["share"] == pytest.approx(0.09)
    share, ev = col(d, "national_share"), col(d, "evidence")
    assert share["alu.alumina"] == pytest.approx(0.125) and ev["alu.alumina"] == "firm output sum"
    assert share["alu.primary"] == pytest.approx(0.14) and ev["alu.primary"] == "official share"
    assert col(d, "share_comparator")["alu.primary"] == ">=" and col(d, "share_year")["alu.primary"] == 2022
    assert "≥ 14.0%" in col(d, "rule")["alu.primary"]
    assert col(d, "national_basis")["alu.alumina"] == "statistics (year of the firm figures)"
    assert col(d, "national_sources")["alu.alumina"] == ["fx-stat"]
    assert ev["alu.bauxite"] == "none"
    assert d.years_used == [2022, 2023]


def test_floor_rank_and_weak_on_economy_baseline(fixture_atlas):
    d = fixture_atlas.diagnose("聊城", "alu")
    assert col(d, "evidence")["alu.alumina"] == "official statistic"
    assert col(d, "national_share")["alu.alumina"] == pytest.approx(0.075)
    assert col(d, "rank")["alu.alumina"] == 2
    assert status(d)["alu.alumina"] == "present" and "never below present" in col(d, "rule")["alu.alumina"]
    assert status(d)["alu.primary"] == "weak"  # 10 % < 0.5 × 25 %, on firm figures (no floor)
    assert d.baseline["year"] == 2023  # the 2022 GDP has no national figure of its year


def test_baotou_baseline_priority_and_top_heaviness(fixture_atlas):
    d = fixture_atlas.diagnose("Baotou", "alu")
    assert d.baseline["indicator"] == "industrial_value_added" and d.baseline["share"] == pytest.approx(0.15)
    assert status(d)["alu.primary"] == "strong" and status(d)["alu.rod"] == "present"
    top = d.top_heaviness
    assert top["measure"] == "official output value"
    assert top["region_raw_share"] == pytest.approx(1_900_000 / 2_095_000)
    assert top["national_raw_share"] == pytest.approx(7_600 / 9_550)
    assert top["top_heavy"] is True


def test_top_heaviness_unknown_with_reason(fixture_atlas):
    top = fixture_atlas.diagnose("滨州", "alu").top_heaviness
    assert top["top_heavy"] is None and top["measure"] is None
    assert top["reason"].startswith("unknown") and "need 20" in top["reason"]


def test_year_matching(fixture_atlas):
    d = fixture_atlas.diagnose("滨州", "alu", year=2100)
    assert d.year == 2023
    early = fixture_atlas.diagnose("滨州", "alu", year=2022)
    # as of 2022 only the official share is known: 2022 figure, 2022 baseline absent → absolute cut-offs
    assert col(early, "national_share")["alu.primary"] == pytest.approx(0.14)
    assert status(early)["alu.primary"] == "strong" and early.baseline == {}
    assert set(status(fixture_atlas.diagnose("滨州", "alu", year=2000)).values()) == {"unknown"}


def test_missing_needs_enough_known_makers(fixture_atlas):
    d = fixture_atlas.diagnose("滨州", "alu", settings={"min_national_firms": 1})
    assert status(d)["alu.foil"] == "missing"  # one maker known nationally, none here
    assert status(d)["alu.wheel"] == "unknown"  # nobody known to make wheels: absence says nothing


def test_stage_coverage_in_yuan(fixture_atlas):
    stages = fixture_atlas.diagnose("滨州", "alu").stages.set_index("stage")
    assert stages.loc["upstream", "coverage"] == pytest.approx(1 / 2)
    assert stages.loc["midstream", "coverage"] == pytest.approx(2 / 3)
    # national output value (yuan) of links present / of links with a value: upstream alumina only
    assert stages.loc["upstream", "value_coverage"] == pytest.approx(1.0)
    # downstream: cable 20万t × 24,000 of cable + furniture 10万t × 99,000
    assert stages.loc["downstream", "value_coverage"] == pytest.approx(4.8 / (4.8 + 9.9))


def test_value_ladder_and_bounded_scenarios(fixture_atlas):
    d = fixture_atlas.diagnose("滨州", "alu")
    first = d.value_paths[0]
    assert first["path"] == ["alu.primary", "alu.rod", "alu.cable"]
    assert list(first["ladder"]["uplift_over_start"]) == [0, 500, 5000]
    capture = first["capture"]
    today = 600_000 * 19_000 + 200_000 * 500 + 50_000 * 4_500
    assert capture["today_value"] == pytest.approx(today)
    # 30 % of 600,000 t = 180,000 t, below the national rod output of 1,000,000 t
    one, two = capture["scenarios"]
    assert one["converted_base"] == pytest.approx(180_000) and one["bound"].startswith("scenario_share")
    assert one["gain_over_today"] == pytest.approx(180_000 * 500)
    assert two["gain_over_today"] == pytest.approx(180_000 * 5_000)
    tight = fixture_atlas.diagnose("滨州", "alu", settings={"scenario_share": 1})
    assert tight.value_paths[0]["capture"]["scenarios"][0]["converted_base"] == pytest.approx(600_000)


def test_ladder_is_not_comparable_across_units_without_coefficient():
    from chainatlas.analysis.diagnosis import value_ladder

    nodes = pd.DataFrame({"name_zh": ["硅片", "电池"], "name_en": ["wafer", "cell"], "unit": ["pcs", "W"],
                          "unit_value": [2.0, 0.4], "unit_value_unit": ["yuan/pcs", "yuan/W"],
                          "unit_value_year": [2023, 2023], "unit_value_source": ["s", "s"]},
                         index=["w", "c"])
    links = pd.DataFrame({"source_node": ["w"], "target_node": ["c"], "coefficient": [math.nan], "source_id": [None]})
    ladder = value_ladder(["w", "c"], nodes, links)
    assert not ladder.loc[1, "comparable"] and math.isnan(ladder.loc[1, "uplift_over_start"])
    assert "not comparable" in ladder.loc[1, "note"]
    links["coefficient"] = 1 / 8.0  # 1/8 wafer per W
    ladder = value_ladder(["w", "c"], nodes, links)
    assert ladder.loc[1, "value_per_start_unit"] == pytest.approx(0.4 * 8)


def test_bounds_prove_one_direction_only():
    rows = pd.DataFrame({
        "national_share": [0.50, 0.005, 0.005, 0.50], "share_comparator": [">=", ">=", "<=", "<="],
        "baseline_share": [math.nan] * 4, "firms": [1] * 4, "quantity": [1.0] * 4, "national_firms": [0] * 4,
        "official": [True] * 4, "national_basis": ["official share"] * 4, "rank": [9.0] * 4,
        "lq_firms": [math.nan] * 4})
    status, _ = _statuses(rows, DiagnosisSettings())
    assert list(status) == ["strong", "present", "weak", "present"]


def test_shared_node_and_firm_rule(fixture_atlas):
    d = fixture_atlas.diagnose("铜陵", "锂电")
    s = status(d)
    assert s["alu.foil"] == "present"  # shared with the aluminium chain
    rule = col(d, "rule")["batt.cell"]
    assert s["batt.cell"] == "present" and "no strength claim" in rule and col(d, "evidence")["batt.cell"] == "firm count"
    assert col(d, "lq_firms")["batt.cell"] == pytest.approx(4.0)  # (1/2) / (1/8)
    many = {"min_national_firms": 1, "strong_min_firms": 1}
    assert status(fixture_atlas.diagnose("铜陵", "锂电", settings=many))["batt.cell"] == "strong"


def test_settings_are_declared_once(fixture_atlas):
    diag = [s for s in SETTINGS if s.group == "diagnosis"]
    assert {s.name for s in diag} == set(DiagnosisSettings.__dataclass_fields__)
    assert all(s.meaning and s.default == getattr(DiagnosisSettings(), s.name) for s in diag)
    with pytest.raises(ChainAtlasError, match="unknown diagnosis setting"):
        fixture_atlas.diagnose("滨州", "alu", settings={"nonsense": 1})


def test_diagnose_all_matches_single_diagnoses(fixture_atlas):
    for chain in ("alu", "batt"):
        run = fixture_atlas.diagnose_all(chain, "prefecture")
        assert set(run.regions["region"]) >= {"371600", "150200", "371500", "340700", "140400"}
        for code in run.regions["region"]:
            single = fixture_atlas.diagnose(code, chain).nodes.set_index("node_id")
            rows = run.links[run.links["region"] == code].set_index("node_id").loc[single.index]
            assert list(rows["status"]) == list(single["status"])
            assert list(rows["evidence"]) == list(single["evidence"])
            assert list(rows.index.astype(str)) == list(single.index)
            assert rows["national_share"].to_numpy() == pytest.approx(single["national_share"].to_numpy(), nan_ok=True)
            assert [None if math.isnan(v) else int(v) for v in rows["rank"]] == list(single["rank"])


def test_memoised_and_compare_with_declared_cap(fixture_atlas):
    assert fixture_atlas.diagnose("滨州", "alu") is fixture_atlas.diagnose("Binzhou", "铝")
    assert fixture_atlas.diagnose("滨州", "alu", settings={"strong_lq": 2}) is not fixture_atlas.diagnose("滨州", "alu")
    assert fixture_atlas.leaders("alu", "prefecture")[:2] == ["150200", "371600"]
    assert fixture_atlas.peers("滨州", "alu")[:3] == ["371600", "150200", "371500"]
    c = fixture_atlas.compare("alu")
    assert c.node_status.loc["alu.cable", "371600"] == "strong"
    regions = ["滨州", "包头", "聊城", "铜陵", "长治", "邹平", "山东", "安徽", "山西", "内蒙古", "中国"]
    with pytest.raises(ChainAtlasError, match="at most 10"):
        fixture_atlas.compare("alu", regions)
    assert len(fixture_atlas.compare("alu", ["滨州", "Binzhou", "371600"]).rows) == 1
    with pytest.raises(ChainAtlasError, match="level must be"):
        fixture_atlas.compare("alu", level="country")


def test_region_with_no_firms(fixture_atlas):
    d = fixture_atlas.diagnose("长治", "alu")
    assert set(status(d).values()) == {"unknown"}
    assert d.top_heaviness["top_heavy"] is None and d.agglomeration["hhi"] is None
    assert all(vp["capture"]["base_node"] is None for vp in d.value_paths)


def test_a_later_official_statistic_supersedes_an_older_share(writable_fixture, tmp_path):
    """Binzhou's 2022 share "≥ 14 %" stands until an official 2023 output of 48 万吨 (of 400) arrives: 12 %."""
    extra = tmp_path / "binzhou_2023.csv"
    extra.write_text("subject_kind,subject_id,node_id,indicator,year,value,unit,source_id,note,comparator\n"
                     "region,371600,alu.primary,output,2023,48,万吨,fx-stat,official 2023,\n", encoding="utf-8")
    writable_fixture.import_file("observations", extra)
    d = writable_fixture.diagnose("滨州", "alu")
    assert col(d, "evidence")["alu.primary"] == "official statistic"
    assert col(d, "national_share")["alu.primary"] == pytest.approx(0.12)
    assert col(d, "share_year")["alu.primary"] == 2023
    assert status(d)["alu.primary"] == "present"  # 12 % < 13.5 % strong cut, ≥ 4.5 % weak cut
    early = writable_fixture.diagnose("滨州", "alu", year=2022)  # as of 2022 the share is still the best figure
    assert col(early, "evidence")["alu.primary"] == "official share"
    assert col(early, "national_share")["alu.primary"] == pytest.approx(0.14)


def test_bounds_of_national_figures_and_derived_quantities_are_kept(writable_fixture, tmp_path):
    """A national 2024 primary output "超过 500 万吨" (≥) and Binzhou's 2024 share ≈ 20 % (2023: official 48).

    The share's own year gives the quantity: ≈ 20 % × ≥ 500 = ≈ 100 万吨 of 2024 — not 2023's 48 万吨
    beside 2024's national figure; the national figure keeps its "≥", an exact one of the same year wins.
    """
    extra = tmp_path / "bounds.csv"
    extra.write_text(
        "subject_kind,subject_id,node_id,indicator,year,value,unit,source_id,note,comparator\n"
        "region,100000,alu.primary,output,2024,500,万吨,fx-stat,more than 500,>=\n"
        "region,371600,alu.primary,output,2023,48,万吨,fx-stat,official 2023,\n"
        "region,371600,alu.primary,output_share_national,2024,20,%,fx-stat,about a fifth,~\n", encoding="utf-8")
    writable_fixture.import_file("observations", extra)
    d = writable_fixture.diagnose("滨州", "alu")
    n = d.nodes.set_index("node_id").loc["alu.primary"]
    assert n["evidence"] == "official share" and n["share_year"] == 2024
    assert n["quantity"] == pytest.approx(100 * 1e4) and n["quantity_unit"] == "t"  # 万吨 → t
    assert n["quantity_year"] == 2024 and n["quantity_comparator"] == "~"
    assert n["national_comparator"] == ">=" and n["national_year"] == 2024
    exact = tmp_path / "exact.csv"
    exact.write_text("subject_kind,subject_id,node_id,indicator,year,value,unit,source_id,note,comparator\n"
                     "region,100000,alu.primary,output,2024,520,万吨,fx-price,the full-year release,\n",
                     encoding="utf-8")
    writable_fixture.import_file("observations", exact)
    n = writable_fixture.diagnose("滨州", "alu").nodes.set_index("node_id").loc["alu.primary"]
    assert n["national_comparator"] == "=" and n["quantity"] == pytest.approx(104 * 1e4)
