"""Export → import into an empty store → export again gives identical files."""

import json

import networkx as nx
import pandas as pd
import pytest

from chainatlas import open_atlas
from chainatlas.model.entities import LOAD_ORDER


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet", "xlsx"])
def test_round_trip_is_identical(fixture_atlas, tmp_path, fmt):
    first = tmp_path / "first"
    fixture_atlas.export(first, fmt)
    empty = open_atlas(tmp_path / "empty.duckdb", seed=False)
    for kind in LOAD_ORDER:  # import in dependency order, one file per kind
        empty.import_file(kind, first / f"{kind}.{fmt}")
    second = tmp_path / "second"
    empty.export(second, fmt)
    assert empty.counts() == fixture_atlas.counts()
    for kind in LOAD_ORDER:
        a, b = first / f"{kind}.{fmt}", second / f"{kind}.{fmt}"
        if fmt in ("csv", "json"):
            assert a.read_bytes() == b.read_bytes(), kind
        elif fmt == "parquet":
            pd.testing.assert_frame_equal(pd.read_parquet(a), pd.read_parquet(b))
            assert a.read_bytes() == b.read_bytes(), kind
        else:  # xlsx zips carry timestamps, so compare the cells
            pd.testing.assert_frame_equal(pd.read_excel(a), pd.read_excel(b))
    empty.close()


def test_chain_graph_exports(fixture_atlas, tmp_path):
    graphml = fixture_atlas.export_graph("alu", tmp_path / "alu.graphml")
    g = nx.read_graphml(graphml)
    assert g.has_edge("alu.alumina", "alu.primary")
    assert g.nodes["alu.primary"]["name_zh"] == "电解铝"
    nodelink = fixture_atlas.export_graph("alu", tmp_path / "alu.json")
    data = json.loads(nodelink.read_text(encoding="utf-8"))
    h = nx.node_link_graph(data, edges="links")
    assert set(h.edges) == set(g.edges) and len(h) == 8
