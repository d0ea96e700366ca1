"""Regional baselines (GDP, industrial value added, resident population) and official output by
province in the shipped atlas: completeness, sums against the national figure, and published
figures copied by hand from the cited releases."""

from __future__ import annotations

import csv
import warnings

import pandas as pd
import pytest

from conftest import shared_external

NATION = "100000"
BASELINE_YEAR = 2020
BASELINES = ("gdp", "industrial_value_added", "secondary_value_added", "population_resident")
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}  # no prefecture level under them
SERVICEMEN_2020 = 2_000_000  # counted in the national census total, in no province (公报第二号)
# Provincial GDP is compiled by the provinces, the national figure by NBS; since the 2019
# unified regional accounting the two differ by about 1 % (2020: the provinces add to 99.6 %).
# 3 % leaves room for later revisions of either side while a missing or doubled province
# (the smallest besides Tibet and Qinghai is above 0.3 %, and completeness is tested below)
# or a figure in the wrong unit (10^4 off) still fails.
GDP_SUM_TOLERANCE = 0.03
# Provinces and nation in one output series come from the same NBS table; a sum above the
# national figure by more than rounding (1 %) means a double count or a wrong unit.
OUTPUT_SUM_TOLERANCE = 0.01
# A city's communiqué prints its preliminary GDP months before the provincial yearbook, and the
# province reconciles its cities afterwards (2020: cities of a province add to 97-104 % of it
# where all are known). 5 % above the province is the most that reconciliation explains; a city
# in the wrong unit (万元 for 亿元) or booked to the wrong province is far beyond it.
PREFECTURE_GDP_TOLERANCE = 0.05


@pytest.fixture()
def obs(shipped) -> pd.DataFrame:
    return shipped.table("observations")


@pytest.fixture()
def regions(shipped) -> pd.DataFrame:
    return shipped.table("regions")


def codes(regions: pd.DataFrame, level: str) -> set[str]:
    return set(regions.loc[regions.level == level, "code"])


def mainland_provinces(regions: pd.DataFrame) -> set[str]:
    return {c for c in codes(regions, "province") if c < "700000"}


def no_node(obs: pd.DataFrame) -> pd.Series:
    return obs.node_id.isna() | (obs.node_id == "")


def baseline(obs: pd.DataFrame, indicator: str, year: int = BASELINE_YEAR) -> pd.Series:
    rows = obs[(obs.subject_kind == "region") & (obs.indicator == indicator) & (obs.year == year)
               & no_node(obs)]
    assert not rows.subject_id.duplicated().any(), f"{indicator} {year}: a region has two figures"
    return rows.set_index("subject_id")["value"]


def test_every_province_and_the_nation_have_gdp_and_population_of_2020(obs, regions):
    wanted = mainland_provinces(regions) | {NATION}
    assert len(wanted) == 32
    for indicator in ("gdp", "population_resident"):
        missing = wanted - set(baseline(obs, indicator).index)
        assert not missing, f"{indicator} {BASELINE_YEAR} missing for {sorted(missing)}"


def test_every_prefecture_has_a_2020_population(obs, regions):
    prefectures = codes(regions, "prefecture")
    assert len(prefectures) == 333
    missing = prefectures - set(baseline(obs, "population_resident").index)
    assert not missing, f"no 2020 resident population for {sorted(missing)}"


def test_baseline_coverage_is_reported_and_one_year_per_region(obs, regions):
    """Each region's baselines are of one year; what is not yet sourced is reported, not invented."""
    rows = obs[(obs.subject_kind == "region") & obs.indicator.isin(BASELINES) & no_node(obs)]
    years = rows[rows.source_id.str.startswith("bl-")].groupby("subject_id")["year"].nunique()
    assert (years == 1).all(), f"baselines of several years: {sorted(years[years > 1].index)}"
    report = []
    for level, members in (("province", mainland_provinces(regions)), ("prefecture", codes(regions, "prefecture"))):
        for indicator in BASELINES:
            have = len(members & set(baseline(obs, indicator).index))
            report.append(f"{level} {indicator} {BASELINE_YEAR}: {have}/{len(members)}")
    warnings.warn("baseline coverage — " + "; ".join(report), stacklevel=1)


def test_provincial_gdp_adds_up_to_the_national_figure(obs, regions):
    gdp = baseline(obs, "gdp")
    provinces = gdp[gdp.index.isin(mainland_provinces(regions))]
    ratio = provinces.sum() / gdp[NATION]
    assert abs(ratio - 1) <= GDP_SUM_TOLERANCE, f"provinces add to {ratio:.2%} of national GDP"


def test_provincial_populations_add_up_to_the_nation_less_servicemen(obs, regions):
    pop = baseline(obs, "population_resident") * 10_000  # 万人 -> persons
    provinces = pop[pop.index.isin(mainland_provinces(regions))]
    assert provinces.sum() + SERVICEMEN_2020 == pytest.approx(pop[NATION], abs=1)


def test_prefecture_populations_never_exceed_their_province_and_mostly_match(obs, regions):
    pop = baseline(obs, "population_resident") * 10_000
    prefectures = regions[regions.level == "prefecture"].set_index("code")["parent"]
    sums = pop[pop.index.isin(prefectures.index)].groupby(prefectures).sum()
    exact = 0
    for province, total in sums.items():
        assert total <= pop[province] + 1, f"{province}: prefectures add to more than the province"
        exact += abs(total - pop[province]) <= 1
    # Census units outside any prefecture (Hubei's and Henan's province-administered cities,
    # Hainan's counties, Xinjiang's corps cities...) leave a few provinces short; most match to
    # the person, which cross-checks the NBS provincial totals against 2,300 local bulletins.
    assert len(sums) == 27 and exact >= 20, f"only {exact} of {len(sums)} provinces match"


def test_prefecture_gdp_fits_inside_its_province(obs, regions):
    """Prefectures with a 2020 GDP never add to more than their province (within reconciliation),
    each is a plausible part of it, and its per-head GDP against the census is in a sane range."""
    gdp = baseline(obs, "gdp")
    pop = baseline(obs, "population_resident")
    parents = regions[regions.level == "prefecture"].set_index("code")["parent"]
    cities = gdp[gdp.index.isin(parents.index)]
    assert len(cities) >= 22, f"only {len(cities)} prefectures have a 2020 GDP"
    for province, total in cities.groupby(parents).sum().items():
        assert total <= gdp[province] * (1 + PREFECTURE_GDP_TOLERANCE), (
            f"{province}: its prefectures add to {total:.1f} 亿元, above the province's {gdp[province]:.1f}")
    for code, value in cities.items():
        assert value < gdp[parents[code]], f"{code}: GDP {value} not below its province's"
        per_head = value * 1e8 / (pop[code] * 1e4)  # 亿元 / 万人 -> 元 per person
        # 2020: the poorest prefectures ~15,000 元, the richest ~300,000 元 per head; a value outside
        # 5,000-500,000 means a unit slip (万元 vs 亿元) or a figure of another region.
        assert 5_000 < per_head < 500_000, f"{code}: {per_head:,.0f} 元 per head"


def test_every_baseline_and_province_output_source_names_publisher_and_date(obs, shipped):
    """Each figure's source says who published it and when, so a reader can find the release."""
    sources = shipped.table("sources").set_index("id")
    used = obs[obs.source_id.str.startswith(("bl-", "po-"))].source_id.unique()
    assert len(used) >= 14
    for source_id in used:
        row = sources.loc[source_id]
        for field in ("title", "publisher", "date", "url", "note"):
            assert isinstance(row[field], str) and row[field].strip(), f"{source_id}: no {field}"
        assert row["date"][:4].isdigit() and int(row["date"][:4]) >= 2020, f"{source_id}: date {row['date']}"


def region_node_figures(obs: pd.DataFrame, indicator: str) -> pd.DataFrame:
    return obs[(obs.subject_kind == "region") & (obs.indicator == indicator) & ~no_node(obs)]


def test_no_province_outputs_more_than_the_nation(obs, regions):
    output = region_node_figures(obs, "output")
    nation = output[output.subject_id == NATION].set_index(["node_id", "year"])["value"]
    provinces = output[output.subject_id.isin(mainland_provinces(regions))]
    compared = 0
    for (node, year), group in provinces.groupby(["node_id", "year"]):
        if (node, year) not in nation.index:
            continue
        compared += 1
        total = nation[(node, year)]
        assert group.value.max() <= total, f"{node} {year}: a province above the nation"
        assert group.value.sum() <= total * (1 + OUTPUT_SUM_TOLERANCE), f"{node} {year}: provinces add to more"
    assert compared >= 6


def test_province_shares_of_a_node_add_to_at_most_100(obs, regions):
    for indicator in ("output_share_national", "capacity_share_national"):
        shares = region_node_figures(obs, indicator)
        shares = shares[shares.subject_id.isin(mainland_provinces(regions))]
        for (node, year), group in shares.groupby(["node_id", "year"]):
            assert group.value.sum() <= 100 + 1, f"{indicator} {node} {year}: {group.value.sum()} %"


def value_of(obs, subject, indicator, year, node=None) -> float:
    rows = obs[(obs.subject_id == subject) & (obs.indicator == indicator) & (obs.year == year)]
    rows = rows[no_node(rows)] if node is None else rows[rows.node_id == node]
    assert len(rows) == 1, f"{subject} {indicator} {year} {node}: {len(rows)} rows"
    return float(rows.value.iloc[0])


def test_published_figures(obs):
    # 中国统计年鉴2021 表3-9: 广东 2020 地区生产总值 110760.94 亿元; 山西 17651.93 亿元.
    assert value_of(obs, "440000", "gdp", 2020) == pytest.approx(110760.94)
    assert value_of(obs, "140000", "gdp", 2020) == pytest.approx(17651.93)
    # 第七次全国人口普查公报（第三号）: 山东 101527453 人; 西藏 3648100 人.
    assert value_of(obs, "370000", "population_resident", 2020) == pytest.approx(10152.7453)
    assert value_of(obs, "540000", "population_resident", 2020) == pytest.approx(364.81)
    # 第七次全国人口普查公报（第二号）: 全国 1411778724 人.
    assert value_of(obs, NATION, "population_resident", 2020) == pytest.approx(141177.8724)
    # NBS 2020 raw coal (po-coal-2020): 山西 10.63亿吨, stored in t.
    assert value_of(obs, "140000", "output", 2020, "coal-chemicals.raw-coal") == pytest.approx(10.63e8)
    # NBS 2021 ICs (po-ic-2021-nbs): 江苏 1186.1亿块, 全国 3594.3亿块, stored in pcs.
    assert value_of(obs, "320000", "output", 2021, "ic-materials.ic") == pytest.approx(1186.1e8)
    assert value_of(obs, NATION, "output", 2021, "ic-materials.ic") == pytest.approx(3594.3e8)
    # CPIA via cfenews 2022-05-24 (po-polysilicon-2021-cpia): 新疆 55 % of 2021 output.
    assert value_of(obs, "650000", "output_share_national", 2021, "photovoltaics.polysilicon") == 55
    # NBS 2020 via Yuen Seng 2021-01-29 (po-alumina-2020-nbs): 氧化铝 约7313万吨, 山东 约2800万吨; stored in t.
    assert value_of(obs, NATION, "output", 2020, "aluminium.alumina") == pytest.approx(7313e4)
    assert value_of(obs, "370000", "output", 2020, "aluminium.alumina") == pytest.approx(2800e4)


def test_published_prefecture_gdp():
    """City communiqués, copied by hand; the three industries printed beside each total add to it."""
    # (total, primary, secondary, tertiary) in 亿元, as printed for 2020:
    published = {
        "140100": (4153.25, 32.24, 1504.19, 2616.82),  # 太原市统计局 release (two reprints agree)
        "140500": (1425.7, 56.5, 762.9, 606.3),      # 晋城市统计局 公报 2021-03-25
        "140600": (1100.5, 64.1, 440.4, 596.0),      # 朔州市统计局 via 山西经济日报 2021-02-07
        "150200": (2787.4, 105.2, 1153.0, 1529.2),   # 包头市统计局 公报 2021-04-06
        "150600": (3533.7, 135.7, 2005.5, 1392.5),   # 鄂尔多斯 via China Daily 2021-03-05 (bn yuan x 10)
        "152900": (304.8, 17.7, 173.6, 113.5),       # 阿拉善盟统计局 公报 2021-03-09
        "370100": (10140.9, 361.7, 3530.7, 6248.6),  # 济南市统计局 公报 2021-04-02
        "320200": (12370.48, 128.10, 5751.19, 6491.19),  # 无锡市统计局 公报 2021-02-24
        "320400": (7805.3, 164.3, 3616.2, 4024.9),   # 常州市统计局 figures, two reprints agree
        "320500": (20170.5, 196.4, 9385.6, 10588.5),  # 苏州市统计局 figures, reprinted by 排行时报
        "330200": (12408.7, 338.4, 5693.9, 6376.4),  # 宁波市统计局 公报 2021-02-24 (and 宁波日报 2021-01-27)
        "330400": (5509.52, 124.18, 2861.09, 2524.25),  # 嘉兴 统一初步核算
        "360300": (963.60, 76.26, 420.31, 467.04),   # 萍乡市统计局 公报 2021-04-07
        "360700": (3645.20, 414.64, 1389.19, 1841.37),  # 赣州市统计局 公报
    }
    for code, (total, *industries) in published.items():
        assert sum(industries) == pytest.approx(total, abs=0.15), code


def test_shipped_secondary_value_added_is_the_printed_split(obs):
    """Where a city prints its three-industry split, the atlas ships its secondary industry under its
    own indicator (never as industrial value added), from the same source as its GDP."""
    published = {  # code: (GDP, secondary) as printed, 亿元
        "330200": (12408.7, 5693.9), "320200": (12370.48, 5751.19), "360700": (3645.20, 1389.19),
        "150600": (3533.7, 2005.5), "140500": (1425.7, 762.9),
    }
    rows = obs[(obs.subject_kind == "region") & no_node(obs) & (obs.year == BASELINE_YEAR)]
    for code, (gdp, secondary) in published.items():
        assert value_of(obs, code, "gdp", 2020) == pytest.approx(gdp)
        assert value_of(obs, code, "secondary_value_added", 2020) == pytest.approx(secondary)
        sources = rows[(rows.subject_id == code) & rows.indicator.isin(["gdp", "secondary_value_added"])].source_id
        assert sources.nunique() == 1, f"{code}: GDP and secondary industry from different releases"
    # NBS 2020 (bl-nbs-gdp-2020): secondary industry 384,255.3 亿元 of GDP 1,015,986.2 亿元.
    assert value_of(obs, NATION, "secondary_value_added", 2020) == pytest.approx(384255.3)


def test_secondary_value_added_is_a_sane_part_of_gdp(obs, regions):
    """Every region's secondary industry lies inside its GDP (in 2020 from about a fifth of GDP in service
    cities to two thirds in mining and smelting ones): above 10 % and below 80 % of the same region's GDP,
    so a figure in the wrong unit or copied from the total fails; and the cities' secondary industries never
    add to more than the nation's."""
    gdp = baseline(obs, "gdp")
    secondary = baseline(obs, "secondary_value_added")
    assert NATION in secondary.index and len(secondary) >= 15, f"only {len(secondary)} regions"
    for code, value in secondary.items():
        assert 0.10 < value / gdp[code] < 0.80, f"{code}: secondary {value} of GDP {gdp[code]}"
    prefectures = codes(regions, "prefecture")
    assert secondary[secondary.index.isin(prefectures)].sum() < secondary[NATION]


def test_every_compilation_source_records_its_cross_check(shipped):
    """A figure read in a third-party compilation (not the bureau's own release) is kept only when its
    source note says how it was checked or that it is a single source to be replaced."""
    sources = shipped.table("sources").set_index("id")
    compilations = [i for i in sources.index if i.startswith("bl-") and "compilation" in i]
    assert len(compilations) >= 5
    for source_id in compilations:
        note = sources.loc[source_id, "note"]
        assert "compilation" in note and ("cross-check" in note or "single source" in note), source_id


def test_shipped_prefecture_gdp_equals_the_communiques(obs):
    # 晋城市2020年统计公报: 全年全市生产总值1425.7亿元; 济南市: 10140.9亿元; 包头市: 2787.4亿元.
    assert value_of(obs, "140500", "gdp", 2020) == pytest.approx(1425.7)
    assert value_of(obs, "370100", "gdp", 2020) == pytest.approx(10140.9)
    assert value_of(obs, "150200", "gdp", 2020) == pytest.approx(2787.4)
    assert value_of(obs, "140100", "gdp", 2020) == pytest.approx(4153.25)
    # China Daily 2021-03-05: Ordos 353.37 billion yuan = 3533.7 亿元.
    assert value_of(obs, "150600", "gdp", 2020) == pytest.approx(3533.7)
    # (code, GDP 2020 亿元, source id): press reports of the bureaus' releases and compilations.
    for code, gdp, source_id in [
        ("440300", 27670.24, "bl-shenzhen-release-2020"),      # 香港商报网 and 中新社, 2021-02-02
        ("610100", 10020.39, "bl-xian-release-2020"),          # 陕西日报 2021-01-21, 中证网 2021-01-22
        ("330200", 12408.7, "bl-ningbo-bulletin-2020"),        # 宁波 公报 2021-02-24
        ("340700", 1003.7, "bl-tongling-compilation-2020"),    # 排行时报 2022-08-02
        ("361100", 2624.3, "bl-shangrao-compilation-2020"),    # 魔方网 2023-05-19
        ("140400", 1711.6, "bl-changzhi-compilation-2020"),    # compilation table, 2020 row
        ("360700", 3645.20, "bl-ganzhou-bulletin-2020"),       # 赣州 公报 (the compilation says 3645.2)
    ]:
        rows = obs[(obs.subject_id == code) & (obs.indicator == "gdp") & (obs.year == 2020)]
        assert list(rows.source_id) == [source_id], code
        assert float(rows.value.iloc[0]) == pytest.approx(gdp), code


def test_prefecture_populations_match_the_census_table(obs):
    """An independent read of the raw census file agrees with what the atlas ships."""
    path = shared_external("census") / "census_city_2010-2020_v1.csv"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        census = {r["city_code"]: int(r["popu_2020"]) for r in csv.DictReader(fh) if r["popu_2020"]}
    rows = obs[(obs.source_id == "bl-census-city-2020") & (obs.indicator == "population_resident")]
    shipped = rows.set_index("subject_id")["value"]
    assert len(shipped) == 333
    for code, value in shipped.items():
        assert value * 10_000 == pytest.approx(census[code], abs=0.5), code
