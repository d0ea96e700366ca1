"""The store's query surface: every filtered read equals the same filter applied in pandas to the
whole table (same rows, same order, same dtypes), on the fixture atlas and on the shipped one."""

from __future__ import annotations

import pandas as pd
import pytest

from chainatlas.analysis import regions as walks
from chainatlas.model.entities import LOAD_ORDER
from chainatlas.store import queries


def whole(atlas, kind: str) -> pd.DataFrame:
    return queries.table(atlas.store, kind)


def same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True))


@pytest.fixture(params=["fixture", "shipped"])
def atlas(request, fixture_atlas, shipped_db):
    if request.param == "fixture":
        yield fixture_atlas
        return
    from chainatlas import open_atlas

    with open_atlas(shipped_db, read_only=True) as a:
        yield a


def test_whole_table_is_the_exported_table(atlas):
    from chainatlas.store.exporter import typed_frame

    for kind in LOAD_ORDER:
        same(queries.table(atlas.store, kind), typed_frame(atlas.store, kind))
    assert queries.counts(atlas.store) == {k: len(whole(atlas, k)) for k in LOAD_ORDER}


def test_descendants_and_ancestors_match_the_pandas_walks(atlas):
    regions = queries.regions(atlas.store)
    for code in ["100000", "370000", "371600", "371681", "150000"]:
        assert set(queries.descendants(atlas.store, code)) == set(walks.descendants(regions, code)), code
        assert queries.descendants(atlas.store, code)[0] == code
        up = queries.ancestors(atlas.store, code)
        assert list(up["code"]) == [r["code"] for r in walks.ancestors(regions, code)], code
        assert queries.child_count(atlas.store, code) == walks.child_count(regions, code)
    assert list(queries.ancestors(atlas.store, "371681")["code"]) == ["100000", "370000", "371600"]


def test_firm_reads_match_pandas(atlas):
    firms, prod = whole(atlas, "enterprises"), whole(atlas, "production")
    inside = walks.descendants(queries.regions(atlas.store), "371600")
    same(queries.enterprises_in(atlas.store, inside), firms[firms["region"].isin(inside)])
    some = list(firms["id"].iloc[:3]) + ["no-such-firm"]
    same(queries.enterprises_by_id(atlas.store, some), firms[firms["id"].isin(some)])
    nodes = sorted(prod["node_id"].unique())[:4]
    same(queries.makers_of(atlas.store, nodes), firms[firms["id"].isin(prod.loc[prod["node_id"].isin(nodes),
                                                                                 "enterprise_id"])])
    same(queries.firm_regions(atlas.store), firms[["id", "region"]])
    same(queries.production(atlas.store, nodes=nodes), prod[prod["node_id"].isin(nodes)])
    same(queries.production(atlas.store, enterprises=some), prod[prod["enterprise_id"].isin(some)])
    same(queries.production(atlas.store, nodes=nodes, enterprises=some),
         prod[prod["node_id"].isin(nodes) & prod["enterprise_id"].isin(some)])
    same(queries.production_in(atlas.store, inside),
         prod[prod["enterprise_id"].isin(firms.loc[firms["region"].isin(inside), "id"])])
    assert len(queries.enterprises_in(atlas.store, [])) == 0


def test_observation_filters_match_pandas(atlas):
    obs = whole(atlas, "observations")
    region = obs[obs["subject_kind"] == "region"]
    same(queries.observations(atlas.store, "region"), region)
    codes = ["371600", "100000"]
    same(queries.observations(atlas.store, "region", codes), region[region["subject_id"].isin(codes)])
    inds = ["output", "gdp", "output_share_national"]
    same(queries.observations(atlas.store, "region", codes, inds),
         region[region["subject_id"].isin(codes) & region["indicator"].isin(inds)])
    nodes = sorted(obs["node_id"].dropna().unique())[:3]
    same(queries.observations(atlas.store, nodes=nodes), obs[obs["node_id"].isin(nodes)])
    same(queries.observations(atlas.store, "region", codes, without_node=True),
         region[region["subject_id"].isin(codes) & (region["node_id"].fillna("") == "")])
    src = whole(atlas, "sources")
    ids = list(src["id"].iloc[:5])
    same(queries.sources(atlas.store, ids), src[src["id"].isin(ids)])


def test_chain_reads_match_pandas(atlas):
    cn, links = whole(atlas, "chain_nodes"), whole(atlas, "links")
    members = queries.chain_members(atlas.store)
    assert members == {c: sorted(g["node_id"]) for c, g in cn.groupby("chain_id")}
    cid = sorted(members)[0]
    assert queries.chain_members(atlas.store, cid) == {cid: members[cid]}
    ids = members[cid]
    same(queries.links_among(atlas.store, ids),
         links[links["source_node"].isin(ids) & links["target_node"].isin(ids)])


def test_a_parent_cycle_in_user_data_ends(writable_fixture):
    """Two regions naming each other as parent: every walk stops (SQL and pandas alike)."""
    atlas = writable_fixture
    atlas.store.con.execute("INSERT INTO regions (code, name_zh, name_en, level, parent) VALUES "
                            "('990100', '甲', 'A', 'prefecture', '990200'), "
                            "('990200', '乙', 'B', 'prefecture', '990100')")
    assert set(queries.descendants(atlas.store, "990100")) == {"990100", "990200"}
    assert list(queries.ancestors(atlas.store, "990100")["code"]) == ["990200"]
    regions = queries.regions(atlas.store)
    assert set(walks.descendants(regions, "990100")) == {"990100", "990200"}
    assert [r["code"] for r in walks.ancestors(regions, "990100")] == ["990200"]
