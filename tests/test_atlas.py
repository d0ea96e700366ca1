"""The facade: it resolves names, reads only what a question needs and gives the same numbers as
the same rules applied by hand to the whole tables."""

from __future__ import annotations

import pandas as pd
import pytest

from chainatlas import open_atlas
from chainatlas.analysis import regions as walks
from chainatlas.analysis.diagnosis import diagnose
from chainatlas.atlas import LEVEL_PRIORITY, ChainView, Evaluation, RegionView, Table
from chainatlas.errors import UnknownRegion
from chainatlas.results import ChainView as ChainViewHome
from chainatlas.store import queries


@pytest.fixture()
def fresh(fixture_db):
    """A facade with nothing read yet (each test sees what its own questions read)."""
    with open_atlas(fixture_db, read_only=True) as atlas:
        yield atlas


def test_result_classes_live_in_results_and_stay_importable_from_the_facade():
    assert ChainView is ChainViewHome
    assert {c.__module__ for c in (ChainView, RegionView, Table, Evaluation)} == {"chainatlas.results"}
    assert LEVEL_PRIORITY == walks.LEVEL_PRIORITY


def test_one_regions_questions_read_no_whole_firm_table(fresh):
    assert fresh.resolve_region("Binzhou") == "371600"
    view = fresh.region("滨州")
    d = fresh.diagnose("滨州", "alu")
    assert "tables" not in fresh.__dict__
    assert set(fresh.__dict__.get("_whole_cache", {})) <= {"regions", "chains", "nodes", "links", "chain_nodes",
                                                           "sources"}
    assert view.region["code"] == "371600" and d.region["code"] == "371600"


def test_region_view_equals_the_pandas_reading_of_the_whole_tables(fresh):
    view = fresh.region("371600")
    t = queries.tables(fresh.store)
    inside = set(walks.descendants(t["regions"], "371600"))
    firms = t["enterprises"][t["enterprises"]["region"].isin(inside)].reset_index(drop=True)
    pd.testing.assert_frame_equal(view.enterprises, firms)
    made = t["production"][t["production"]["enterprise_id"].isin(firms["id"])]
    served = made.merge(t["chain_nodes"], on="node_id").groupby("chain_id")["enterprise_id"].nunique()
    assert dict(zip(view.chains["chain_id"], view.chains["firms"], strict=True)) == served.to_dict()
    obs = t["observations"]
    assert len(view.observations) == int(((obs["subject_kind"] == "region") & (obs["subject_id"] == "371600")).sum())
    assert view.children == int((t["regions"]["parent"] == "371600").sum())
    assert [p["code"] for p in view.parents] == ["100000", "370000"]


def test_chain_facts_from_queries_equal_facts_from_whole_tables(fresh):
    """The facade's SQL-filtered rows give the same diagnosis as every row of every table."""
    t = queries.tables(fresh.store)
    levels = walks.region_levels(t["regions"])
    rows = {"production": t["production"], "enterprises": t["enterprises"],
            "firm_regions": t["enterprises"][["id", "region"]], "observations": t["observations"]}
    cid = fresh.resolve_chain("alu")
    by_hand = fresh._chain_facts_of(cid, None, rows)
    assert levels.equals(fresh.region_levels)
    region = fresh.region_record("371600")
    s = fresh._settings(None)
    assert fresh.mark_verified(diagnose(by_hand, region, s)).to_dict() == fresh.diagnose("371600", cid).to_dict()


def test_descendants_and_parents_walk_the_stored_hierarchy(fresh):
    assert set(fresh.descendants("370000")) == set(queries.descendants(fresh.store, "370000"))
    assert [p["code"] for p in fresh.parents("371681")] == list(queries.ancestors(fresh.store, "371681")["code"])
    assert set(fresh.enterprises_in("370000")["region"]) <= set(fresh.descendants("370000"))


def test_search_and_resolution_errors(fresh):
    hits = fresh.search("滨州").to_frame()
    assert hits.iloc[0].to_dict() == {"kind": "region", "id": "371600", "label": hits.iloc[0]["label"],
                                      "match": "exact"}
    with pytest.raises(UnknownRegion):
        fresh.resolve_region("Atlantis")


def test_activity_matrix_for_a_chain_reads_only_its_makers(fresh):
    cid = fresh.resolve_chain("alu")
    m = fresh.activity_matrix("province", "firms", chain=cid)
    t = queries.tables(fresh.store)
    ids = set(fresh.members[cid])
    made = t["production"][t["production"]["node_id"].isin(ids)]
    firms = walks.with_levels(t["enterprises"], fresh.region_levels)
    joined = made.merge(firms, left_on="enterprise_id", right_on="id").dropna(subset=["province"])
    assert m.sum().sum() == joined.drop_duplicates(["enterprise_id", "node_id"]).shape[0]
    assert "tables" not in fresh.__dict__
