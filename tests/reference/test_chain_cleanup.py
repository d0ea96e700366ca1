"""The shipped chains have no duplicate products, flag inputs from other chains and charge inputs once."""

import pytest


def test_no_product_appears_twice_under_two_ids(shipped):
    nodes = shipped.table("nodes")
    by_name = nodes.groupby("name_zh")["id"].apply(list)
    assert not {n: ids for n, ids in by_name.items() if len(ids) > 1}
    assert (nodes["name_zh"] == "高纯铜").sum() == 1 and not nodes["name_zh"].str.contains("高纯铜（").any()
    assert nodes["name_zh"].str.contains("集成电路").sum() == 1
    connector = nodes.set_index("id").loc["copper.connector", "name_zh"]
    assert "引线框架" not in connector


def test_inputs_from_other_chains_are_flagged(shipped):
    members = shipped.table("chain_nodes")
    flagged = members[members["external_input"] == True]  # noqa: E712
    pairs = set(zip(flagged["chain_id"], flagged["node_id"], strict=True))
    assert {("ic-materials", "aluminium.primary"), ("ic-materials", "copper.cathode"),
            ("lithium-battery", "copper.foil-battery"), ("nev", "lithium-battery.pack")} <= pairs
    # a chain's own nodes (named "<chain>.<slug>") are never external to it
    assert not any(node.startswith(chain + ".") for chain, node in pairs)
    own = members[members["external_input"] != True]  # noqa: E712
    assert ("ic-materials", "copper.high-purity") in set(zip(own["chain_id"], own["node_id"], strict=True))


def test_methanol_is_charged_once_to_mto_olefins(shipped):
    links = shipped.table("links").set_index(["source_node", "target_node"])
    assert ("coal-chemicals.methanol", "coal-chemicals.ethylene") not in links.index
    assert ("coal-chemicals.methanol", "coal-chemicals.propylene") not in links.index
    assert links.loc[("coal-chemicals.methanol", "coal-chemicals.mto-olefins"), "coefficient"] == pytest.approx(2.96)
    for product in ("coal-chemicals.ethylene", "coal-chemicals.propylene"):
        assert ("coal-chemicals.mto-olefins", product) in links.index


def test_aluminium_chain_has_power_fluoride_and_scrap_to_billet(shipped):
    links = set(shipped.table("links")[["source_node", "target_node"]].itertuples(index=False, name=None))
    assert {("aluminium.captive-power", "aluminium.primary"), ("aluminium.fluoride", "aluminium.primary"),
            ("aluminium.scrap", "aluminium.billet")} <= links
    members = shipped.table("chain_nodes").query("chain_id == 'aluminium'")
    assert {"aluminium.captive-power", "aluminium.fluoride"} <= set(members["node_id"])


def test_coke_oven_gas_is_counted_in_cubic_metres(shipped):
    assert shipped.table("nodes").set_index("id").loc["coal-chemicals.coke-oven-gas", "unit"] == "m³"
