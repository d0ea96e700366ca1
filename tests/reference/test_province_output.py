"""Official output by province (``observations/province_output.csv``): every row sourced, units that
parse, provinces that never add up to more than the nation for the same node, year and unit, and
published figures copied by hand from the cited releases."""

from __future__ import annotations

import csv
import warnings

import pandas as pd
import pytest

from chainatlas.model.units import parse_unit
from chainatlas.reference.loader import data_dir

NATION = "100000"
# Provinces and nation of one series come from one table, or (NEVs) the nation from CAAM and the
# provinces from their own bureaus; 1 % covers rounding, a doubled province or a 10^4 slip does not.
SUM_TOLERANCE = 0.01


def csv_rows(name: str) -> list[dict]:
    with (data_dir() / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return csv_rows("observations/province_output.csv")


@pytest.fixture()
def obs(shipped) -> pd.DataFrame:
    return shipped.table("observations")


def provinces(shipped) -> set[str]:
    regions = shipped.table("regions")
    return {c for c in regions.loc[regions.level == "province", "code"] if c < "700000"}


def test_every_row_has_a_source_naming_publisher_date_address_and_what_it_says(rows, shipped):
    sources = shipped.table("sources").set_index("id")
    own = {r["id"] for r in csv_rows("sources/province_output.csv")}
    for row in rows:
        sid = row["source_id"]
        assert sid in sources.index, f"{row['subject_id']} {row['node_id']} {row['year']}: no source {sid}"
        assert sid in own, f"{sid}: province output cites a source kept elsewhere"
        for field in ("title", "publisher", "date", "url", "note"):
            value = sources.loc[sid, field]
            assert isinstance(value, str) and value.strip(), f"{sid}: no {field}"
        assert row["note"].strip(), f"{sid}: the row does not say what was read"


def test_units_parse_and_years_are_recent(rows):
    for row in rows:
        parse_unit(row["unit"])  # raises on an unknown unit
        assert 2020 <= int(row["year"]) <= 2024, row
        assert row["comparator"] in ("", "=", ">=", ">", "<=", "<", "~"), row


def test_no_province_and_no_sum_of_provinces_above_the_nation(obs, shipped):
    """Whole atlas (output.csv and province_output.csv together), per node, year and stored unit."""
    output = obs[(obs.subject_kind == "region") & (obs.indicator == "output") & obs.node_id.notna()
                 & (obs.node_id != "")]
    exact = output[output.comparator.fillna("").isin(["", "="])]
    nation = exact[exact.subject_id == NATION].set_index(["node_id", "year", "unit"])["value"]
    prov = output[output.subject_id.isin(provinces(shipped))]
    compared = 0
    for (node, year, unit), group in prov.groupby(["node_id", "year", "unit"]):
        if (node, year, unit) not in nation.index:
            continue
        compared += 1
        total = nation[(node, year, unit)]
        assert group.value.max() <= total, f"{node} {year}: a province above the nation"
        assert group.value.sum() <= total * (1 + SUM_TOLERANCE), (
            f"{node} {year}: provinces add to {group.value.sum():g} {unit}, the nation {total:g}")
    assert compared >= 8


def test_shares_of_a_node_add_to_at_most_100(obs, shipped):
    shares = obs[(obs.indicator == "output_share_national") & obs.subject_id.isin(provinces(shipped))]
    for (node, year), group in shares.groupby(["node_id", "year"]):
        assert group.value.sum() <= 101, f"{node} {year}: {group.value.sum()} %"


def value_of(obs, subject, node, year, indicator="output") -> tuple[float, str]:
    hit = obs[(obs.subject_id == subject) & (obs.node_id == node) & (obs.year == year)
              & (obs.indicator == indicator)]
    assert len(hit) == 1, f"{subject} {node} {year}: {len(hit)} rows"
    return float(hit.value.iloc[0]), hit.unit.iloc[0]


def test_published_figures(obs):
    # 2023 Guangdong communiqué (po-gd-bulletin-2023): 新能源汽车253.18万辆, 集成电路685.74亿块.
    assert value_of(obs, "440000", "nev.vehicle", 2023) == (pytest.approx(2_531_800), "vehicles")
    assert value_of(obs, "440000", "ic-materials.ic", 2023) == (pytest.approx(685.74e8), "pcs")
    # Shaanxi industry department (po-sn-nev-2023): 105.2万辆; Anhui communiqué (po-ah-bulletin-2023): 86.8万辆.
    assert value_of(obs, "610000", "nev.vehicle", 2023)[0] == pytest.approx(1_052_000)
    assert value_of(obs, "340000", "nev.vehicle", 2023)[0] == pytest.approx(868_000)
    # MIIT / CAAM (po-nev-2022-miit, po-nev-2023-miit): 705.8 and 958.7万辆.
    assert value_of(obs, NATION, "nev.vehicle", 2022)[0] == pytest.approx(7_058_000)
    assert value_of(obs, NATION, "nev.vehicle", 2023)[0] == pytest.approx(9_587_000)
    # Sichuan statistics bureau 2022 (po-sc-industry-2022): 多晶硅16015.0万千克 = 160,150 t.
    assert value_of(obs, "510000", "photovoltaics.polysilicon", 2022) == (pytest.approx(160_150), "t")
    # the LCD count stays in pieces: the node counts m², and pieces never convert to area
    assert value_of(obs, "510000", "display.lcd-panel", 2022) == (pytest.approx(59557.8), "万片")
    # NBS via Asian Metal (po-coke-2022-nbs): coke 473.44 million tonnes in 2022.
    assert value_of(obs, NATION, "coal-chemicals.coke", 2022)[0] == pytest.approx(473.44e6)
    # Zhejiang industry department (po-zj-nev-2023): 占全国比重6.5%.
    assert value_of(obs, "330000", "nev.vehicle", 2023, "output_share_national")[0] == pytest.approx(6.5)


def test_the_all_nev_aggregate_carries_no_value_and_no_links(shipped):
    """nev.vehicle sums three other nodes; a unit value or a link would count the same cars twice."""
    nodes = shipped.table("nodes").set_index("id")
    assert pd.isna(nodes.loc["nev.vehicle", "unit_value"])
    links = shipped.table("links")
    assert not ((links.source_node == "nev.vehicle") | (links.target_node == "nev.vehicle")).any()


def test_guangdong_nev_share_is_the_official_statistic_over_the_national_one(shipped):
    n = shipped.diagnose("广东", "nev", year=2023).nodes.set_index("node_id")
    assert n.loc["nev.vehicle", "national_share"] == pytest.approx(253.18 / 958.7)
    assert n.loc["nev.vehicle", "evidence"] == "official statistic"


def test_coverage_is_reported(rows):
    table: dict[tuple[str, str], set[str]] = {}
    for row in rows:
        if row["subject_id"] != NATION:
            table.setdefault((row["node_id"], row["year"]), set()).add(row["subject_id"])
    report = [f"{node} {year}: {len(regions)}" for (node, year), regions in sorted(table.items())]
    warnings.warn("province output coverage — " + "; ".join(report), stacklevel=1)
    assert table
