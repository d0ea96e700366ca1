import networkx as nx
import pytest

from chainatlas.analysis import graph
from chainatlas.errors import DataError, UnknownNode


@pytest.fixture()
def alu():
    g = nx.DiGraph()
    stages = {"bauxite": "upstream", "alumina": "upstream", "primary": "midstream", "rod": "midstream",
              "cable": "downstream", "furniture": "downstream"}
    for n, s in stages.items():
        g.add_node(n, stage=s)
    g.add_edges_from([("bauxite", "alumina"), ("alumina", "primary"), ("primary", "rod"), ("rod", "cable"),
                      ("primary", "furniture"), ("primary", "cable")])
    return g


def test_closures(alu):
    assert graph.upstream(alu, "cable") == {"bauxite", "alumina", "primary", "rod"}
    assert graph.downstream(alu, "alumina") == {"primary", "rod", "cable", "furniture"}
    with pytest.raises(UnknownNode):
        graph.upstream(alu, "steel")


def test_paths_shortest_first(alu):
    assert graph.paths(alu, "primary", "cable") == [["primary", "cable"], ["primary", "rod", "cable"]]


def test_layers_follow_stage_then_depth(alu):
    cols = [(c["stage"], c["nodes"]) for c in graph.layers(alu)]
    assert cols == [("upstream", ["bauxite"]), ("upstream", ["alumina"]), ("midstream", ["primary"]),
                    ("midstream", ["rod"]), ("downstream", ["furniture"]), ("downstream", ["cable"])]


def test_cycle_is_named(alu):
    alu.add_edge("cable", "alumina")
    with pytest.raises(DataError, match="cycle: .*alumina → primary"):
        graph.check_acyclic(alu)


def test_shared_nodes():
    assert graph.shared_nodes({"copper": ["cathode", "foil"], "battery": ["foil", "cell"]}) == {"foil": ["battery", "copper"]}
