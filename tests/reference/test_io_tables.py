"""The shipped input-output tables and the node ↔ sector mapping are complete and consistent."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chainatlas.analysis.io import map_nodes, table_from_frame
from chainatlas.reference.io_tables import io_frame, io_manifest, node_sectors
from conftest import shared_external


@pytest.mark.parametrize(("table_id", "year", "n"), [("nbs-2020-153", 2020, 153), ("nbs-2018-153", 2018, 153),
                                                     ("nbs-2017-149", 2017, 149)])
def test_tables_balance(table_id, year, n):
    t = table_from_frame(io_frame(table_id), table_id, year)
    assert t.n == n and all(len(c) == 3 for c in t.codes)
    # column sums + value added = total input = gross output; rows balance with imports
    rows = io_frame(table_id).set_index("code")
    np.testing.assert_allclose(t.Z.sum(axis=0) + t.value_added, rows.loc["TI", list(t.codes)].to_numpy(float),
                               rtol=1e-6)
    np.testing.assert_allclose(t.Z.sum(axis=1) + t.final.sum(axis=1) - t.imports, t.x, rtol=1e-6)
    assert {g for g in t.groups} == {"industry", "other"}


def test_manifest_has_one_default_with_a_source(shipped):
    m = io_manifest()
    assert m["default"].sum() == 1 and m.loc[m["default"], "id"].iloc[0] == "nbs-2020-153"
    sources = set(shipped.tables["sources"]["id"])
    assert set(m["source_id"]) <= sources


def test_every_node_maps_to_a_sector(shipped):
    mapping = node_sectors()
    nodes = set(shipped.tables["nodes"]["id"])
    assert nodes <= set(mapping["node_id"]), sorted(nodes - set(mapping["node_id"]))[:5]
    assert set(mapping["node_id"]) <= nodes
    t = table_from_frame(io_frame("nbs-2020-153"), "nbs-2020-153", 2020)
    names = dict(zip(t.codes, t.names_zh, strict=True))
    for rec in mapping.to_dict(orient="records"):
        assert names[rec["sector_code"]] == rec["sector_name_zh"], rec
    # the 2018 table has the same classification; the 2017 one maps by sector name
    for table_id, year in (("nbs-2018-153", 2018), ("nbs-2017-149", 2017)):
        other = table_from_frame(io_frame(table_id), table_id, year)
        mapped, missing = map_nodes(other, mapping)
        assert not missing, (table_id, missing[:5])
        assert len(mapped) == len(mapping)


@pytest.mark.external
def test_converted_tables_equal_the_digitised_ones():
    folder = shared_external("ionet")
    raw = pd.read_csv(folder / "china_2020_153.csv", dtype={"Code": str}).set_index("Code")
    ours = io_frame("nbs-2020-153").set_index("code")
    sectors = [c for c in raw.columns if c.isdigit()]
    np.testing.assert_allclose(ours.loc[sectors, sectors].to_numpy(float), raw.loc[sectors, sectors].to_numpy(float),
                               atol=1e-4)
    np.testing.assert_allclose(ours.loc[sectors, "IM"].to_numpy(float), raw.loc[sectors, "IM"].to_numpy(float),
                               atol=1e-4)
