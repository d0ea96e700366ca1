"""The shipped atlas books figures where they are produced and uses current division codes.

Each test pins one finding of the atlas audit, so a later edit that brings the error back fails.
"""

import pandas as pd
import pytest

from chainatlas.reference import data_dir
from conftest import shared_external

QUANTITY = ["capacity", "output", "revenue"]


def _with_figures(shipped) -> pd.DataFrame:
    prod = shipped.table("production")
    return prod[prod[QUANTITY].notna().any(axis=1)]


@pytest.mark.parametrize("firm", [
    "catl", "byd", "hongtuo-industrial", "china-hongqiao", "xinfa-group", "hunan-yuneng", "nio", "xpeng",
    "yunnan-copper", "zijin-mining", "sunstone", "gotion", "boe", "jiangxi-copper", "tongwei", "longi",
])
def test_group_wide_figures_are_not_booked_to_the_head_office(shipped, firm):
    """Group totals (CATL's 389 GWh, BYD's 3 M cars, Hongtuo's 6.46 Mt…) stay in notes, off any region."""
    booked = _with_figures(shipped)
    assert firm not in set(booked["enterprise_id"])
    notes = shipped.table("production").query("enterprise_id == @firm")["note"].fillna("")
    assert len(notes) > 0


def test_group_records_carry_no_figures(shipped):
    firms = shipped.table("enterprises")
    groups = set(firms["group_id"].dropna()) - {""}
    assert {"catl", "byd", "weiqiao-pioneering", "chalco", "boe", "tongling-nonferrous"} <= groups
    assert groups <= set(firms["id"])
    assert not groups & set(_with_figures(shipped)["enterprise_id"])
    # a group record is not itself a member of another group (one hop finds the top)
    assert firms.set_index("id").loc[sorted(groups), "group_id"].fillna("").eq("").all()


def test_zouping_weiqiao_hongqiao_firms_are_one_group(shipped):
    firms = shipped.table("enterprises").set_index("id")
    members = ["china-hongqiao", "hongqiao-new-material", "weiqiao-aluminium-power", "hongtuo-industrial",
               "hongchuang-holding", "yunnan-hongtai", "hongao-lightweight"]
    assert (firms.loc[members, "group_id"] == "weiqiao-pioneering").all()
    assert firms.loc["yunnan-hongtai", "region"].startswith("53")  # the Yunnan plant stays in Yunnan


def test_tongling_has_a_battery_copper_foil_plant(shipped):
    firms = shipped.table("enterprises").set_index("id")
    plant = firms.loc["tongguan-copper-foil-tongling"]
    assert plant["region"].startswith("3407") and plant["group_id"] == "tongling-nonferrous"
    assert len(shipped.table("sources").query("id == @plant.source_id")) == 1
    prod = shipped.table("production").query("enterprise_id == 'tongguan-copper-foil-tongling'")
    assert set(prod["node_id"]) == {"copper.foil-battery"}
    assert "340700" in set(shipped.enterprises_in("340700")["region"].str[:4] + "00")


P4 = {"acetron": "350112", "beiyuan": "610881", "catl-brunp-hunan": "430182", "chalco-guangxi": "451082",
      "chiping-xinfa-huayu": "371503", "first-applied": "330112", "lubao-coking": "140406",
      "shuanghuan": "331083", "tfme": "320613", "tianji-coal-chemical": "140406", "tianqi": "510981",
      "times-huaxin": "430212", "tongguang-cable": "320614", "wanma": "330112", "xinfa-group": "371503"}


def test_audit_p4_firms_use_current_county_codes(shipped):
    firms = shipped.table("enterprises").set_index("id")["region"]
    assert {k: firms[k] for k in P4} == P4


def test_audit_r1_to_r5_divisions(shipped):
    regions = shipped.table("regions").set_index("code")
    nagqu = regions[regions["parent"] == "540600"]
    assert len(nagqu) >= 11 and not regions.index.str.startswith("5424").any()  # R1
    assert regions.loc["370116", "name_zh"] == "莱芜区" and regions.loc["370117", "name_zh"] == "钢城区"  # R2
    assert "371202" not in regions.index and "371203" not in regions.index
    assert regions.loc["130682", "parent"] == "130600" and regions.loc["130181", "parent"] == "130100"  # R3
    assert "139001" not in regions.index and "139002" not in regions.index
    assert regions.loc["130502", "name_zh"] == "襄都区" and regions.loc["130503", "name_zh"] == "信都区"  # R4
    changzhi_districts = set(regions[(regions["parent"] == "140400") & regions["name_zh"].str.endswith("区")].index)
    assert changzhi_districts == {"140403", "140404", "140405", "140406"}  # R5


def test_audit_r6_no_division_borrows_its_parents_point(shipped):
    regions = shipped.table("regions").set_index("code")
    for code in ("371681", "540600", "130682", "130181"):
        parent = regions.loc[regions.loc[code, "parent"]]
        own = regions.loc[code, ["lon", "lat"]]
        assert own.isna().all() or tuple(own) != tuple(parent[["lon", "lat"]]), code


def test_no_obsolete_region_code_is_used_anywhere():
    root = data_dir()
    changes = pd.read_csv(root / "region_changes.csv", dtype=str, keep_default_na=False)
    regions = pd.read_csv(root / "regions.csv", dtype=str, keep_default_na=False)
    old = set(changes["old_code"])
    assert not old & set(regions["code"])
    assert set(changes.loc[changes["new_code"] != "", "new_code"]) <= set(regions["code"])
    used = set()
    for path in (root / "enterprises").glob("*.csv"):
        used |= set(pd.read_csv(path, dtype=str, keep_default_na=False)["region"])
    for path in (root / "observations").glob("*.csv"):
        obs = pd.read_csv(path, dtype=str, keep_default_na=False)
        used |= set(obs.loc[obs["subject_kind"] == "region", "subject_id"])
    assert not used & old
    assert used <= set(regions["code"])


def test_county_level_set_is_the_current_nbs_list():
    root = shared_external("Administrative-divisions-of-China")
    areas = pd.read_csv(root / "areas.csv", dtype=str)
    # xxxx7x are NBS-only development zones; 441900-style rows are prefecture cities without counties
    official = {c: n for c, n in zip(areas["code"], areas["name"], strict=True) if c[4] != "7" and c[4:] != "00"}
    ours = pd.read_csv(data_dir() / "regions.csv", dtype=str, keep_default_na=False)
    mainland = ours[(ours["level"] == "county") & ~ours["code"].str[:2].isin(["71", "81", "82"])]
    assert dict(zip(mainland["code"], mainland["name_zh"], strict=True)) == official


def test_audit_p5_p6_listing_and_links(shipped):
    firms = shipped.table("enterprises").set_index("id")
    assert firms.loc["jiangnan-new-material", "stock_code"] == "603124"
    made = shipped.table("production").groupby("enterprise_id")["node_id"].apply(set)
    assert made["kedali"] == {"lithium-battery.structural-parts"}
    assert "display.glass-substrate" not in made["triumph-tech"]
    assert made["thinkon"] == {"ic-materials.etch-silicon-parts"}
    assert "ic-materials.ic" not in made["starpower"]
    assert made["jiangnan-new-material"] == {"copper.plating-ball"}


def test_audit_o1_o2_observation_years(shipped):
    obs = shipped.table("observations")
    changzhi = obs[obs["source_id"] == "rg-changzhi-2022-eval"]
    assert len(changzhi) == 8 and set(changzhi["year"]) == {2022}
    binzhou = obs[obs["source_id"] == "rg-binzhou-al-deep-processing"]
    assert len(binzhou) == 3 and set(binzhou["year"]) == {2018}


def test_audit_u1_u3_unit_values_on_one_basis(shipped):
    nodes = shipped.table("nodes").set_index("id")
    assert nodes[["unit_value"]].loc[["nev.commercial", "display.smartphone", "lithium-battery.cell"]].isna().all().all()
    pack = nodes.loc["lithium-battery.pack"]
    assert pack["unit_value_source"] == "ft-ar-catl"
    assert pack["unit_value"] == pytest.approx(2852.53e8 / 321e6, rel=1e-3)  # 亿元 over GWh → yuan/kWh


def test_audit_x1_every_plausibility_rule_names_a_defined_indicator(shipped):
    rules = shipped.table("plausibility")
    assert set(rules["indicator"]) <= set(shipped.table("indicators")["id"])


def test_no_region_adds_up_to_more_than_the_nation(shipped):
    """Whole atlas: for every node and year with a national figure, no region's firms or figure exceed it.

    All firms together bound any one region's firms, so checking the nation's total of firm figures
    covers every province, prefecture and county at once.
    """
    from chainatlas.model import magnitude

    obs, prod = shipped.table("observations"), shipped.table("production")
    caps = magnitude.national_caps(obs)
    assert len(caps) > 20
    assert magnitude.firm_totals_above_national(prod, caps).empty
    assert magnitude.firm_figures_above_national(prod, caps) == []
    assert magnitude.region_figures_above_national(obs, caps) == []
    # and directly, region by region, for every region with a figure of its own
    regional = obs[(obs["subject_kind"] == "region") & (obs["subject_id"] != "100000") & (obs["node_id"] != "")]
    merged = regional.merge(caps, on=["node_id", "indicator", "year"], suffixes=("", "_nat"))
    merged = merged[merged["unit"] == merged["unit_nat"]]
    assert len(merged) > 20 and (merged["value"] <= merged["value_nat"] * 1.005).all()


def test_unverified_figures_are_marked_and_reported(shipped):
    sources = shipped.table("sources").set_index("id")
    for sid in ("rg-changzhi-2022-eval", "rg-binzhou-al-deep-processing", "rg-anhui-2023-industry"):
        assert sources.loc[sid, "verified"] == False  # noqa: E712
    report = shipped.check()
    warned = {f.subject for f in report.findings if f.rule == "unverified"}
    assert {"rg-changzhi-2022-eval", "rg-anhui-2023-industry"} <= warned
    assert report.ok  # a warning, not an error: the figure is shown, flagged


def test_a_figure_its_note_calls_approximate_or_a_bound_is_stored_with_that_comparator():
    """"about 66 GW", "约100万吨", "超过940GWh" are not exact figures: the comparator says so (≈, ≥, >),
    so a diagnosis shows "≈ 66 GW" and a lower bound never caps or is capped as if exact."""
    import csv
    import re
    from importlib import resources

    words = re.compile(r"\babout\b|approximately|\bnearly\b|约|more than|超过", re.IGNORECASE)
    # exact figures whose note uses such a word of *another* figure
    exact = {("province_output.csv", "340000", "nev.vehicle", "2022"): "52.7 is as published; 'about 54.1' is a derived cross-check"}
    root = resources.files("chainatlas.reference") / "data" / "observations"
    slips = []
    for path in sorted(p for p in root.iterdir() if p.name.endswith(".csv")):
        with path.open(encoding="utf-8") as handle:
            for row_no, row in enumerate(csv.DictReader(handle), start=1):
                key = (path.name, row["subject_id"], row["node_id"], row["year"])
                if words.search(row.get("note") or "") and (row.get("comparator") or "=") == "=" and key not in exact:
                    slips.append(f"{path.name} row {row_no}: {row['subject_id']} {row['node_id']} {row['indicator']} "
                                 f"{row['year']} — {row['note'][:60]}")
    assert not slips, "\n".join(slips)
