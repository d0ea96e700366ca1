"""The page-fitting chain map: 35 nodes on one A4 landscape page, edges from their own inputs."""

import re

import networkx as nx
import pandas as pd
import pytest

from chainatlas.analysis import graph as chain_graph
from chainatlas.report import chainmap


def _chain(widths: list[int]) -> tuple[list[dict], pd.DataFrame, pd.DataFrame]:
    """A synthetic chain: layer i has widths[i] nodes, each fed by one or two nodes of the layer above."""
    stages = ["upstream", "midstream", "downstream"]
    names, rows, links = [], [], []
    for li, w in enumerate(widths):
        layer = [f"n{li}_{j}" for j in range(w)]
        for j, n in enumerate(layer):
            rows.append({"id": n, "name_zh": f"节点名称{li}{j}", "name_en": f"Node name {li}.{j}",
                         "stage": stages[min(li * 3 // len(widths), 2)]})
            if names:
                above = names[-1]
                links.append((above[j % len(above)], n))
                if j % 3 == 0 and len(above) > 1:
                    links.append((above[(j + 1) % len(above)], n))
        names.append(layer)
    nodes = pd.DataFrame(rows)
    links = pd.DataFrame(links, columns=["source_node", "target_node"]).drop_duplicates()
    g = chain_graph.build_graph(nodes, links)
    return chain_graph.layers(g), nodes.rename(columns={"id": "node_id"}), links


def test_35_nodes_fit_a4_landscape_with_readable_labels():
    layers, nodes, links = _chain([4, 6, 9, 10, 6])  # 35 nodes, a 10-wide layer wraps
    assert len(nodes) == 35
    lay = chainmap.layout(layers, links)
    x0, y0, x1, y1 = lay.bounds()
    assert 0 <= x0 and 0 <= y0 and x1 <= 842 and y1 <= 595  # inside the A4 landscape page (points)
    assert lay.font_zh >= chainmap.MIN_FONT
    assert len(lay.boxes) == 35
    boxes = list(lay.boxes.values())
    for i, a in enumerate(boxes):  # no two boxes overlap
        for b in boxes[i + 1:]:
            assert a.x + a.w <= b.x + 1e-6 or b.x + b.w <= a.x + 1e-6 or a.y + a.h <= b.y or b.y + b.h <= a.y


def test_every_edge_runs_from_its_own_input_to_its_own_output():
    layers, nodes, links = _chain([4, 6, 9, 10, 6])
    lay = chainmap.layout(layers, links)
    assert len(lay.edges) == len(links)
    for e in lay.edges:
        s, t = lay.boxes[e.source], lay.boxes[e.target]
        (sx, sy), (tx, ty) = e.points[0], e.points[-1]
        assert s.x - 1e-6 <= sx <= s.x + s.w + 1e-6 and s.y - 1e-6 <= sy <= s.y + s.h + 1e-6
        assert t.x - 1e-6 <= tx <= t.x + t.w + 1e-6 and t.y - 1e-6 <= ty <= t.y + t.h + 1e-6
    svg = chainmap.svg(lay, nodes)
    drawn = set(re.findall(r'data-from="([^"]+)" data-to="([^"]+)"', svg))
    assert drawn == set(links.itertuples(index=False, name=None))


def test_recycling_fed_node_sits_under_scrap_not_in_the_ore_path():
    nodes = pd.DataFrame({"id": ["ore", "scrap", "oxide", "metal", "recycled", "part"],
                          "name_zh": ["矿", "废料", "氧化物", "金属", "再生锭", "零件"],
                          "name_en": ["Ore", "Scrap", "Oxide", "Metal", "Recycled", "Part"],
                          "stage": ["upstream", "upstream", "upstream", "midstream", "midstream", "downstream"]})
    links = pd.DataFrame([("ore", "oxide"), ("oxide", "metal"), ("scrap", "recycled"), ("metal", "part"),
                          ("recycled", "part")], columns=["source_node", "target_node"])
    g = chain_graph.build_graph(nodes, links)
    assert nx.is_directed_acyclic_graph(g)
    lay = chainmap.layout(chain_graph.layers(g), links)
    centre = {n: b.x + b.w / 2 for n, b in lay.boxes.items()}
    assert abs(centre["recycled"] - centre["scrap"]) < abs(centre["recycled"] - centre["oxide"])
    # the oxide → metal edge does not pass through the recycled node's box
    oxide_metal = next(e for e in lay.edges if (e.source, e.target) == ("oxide", "metal"))
    r = lay.boxes["recycled"]
    xs = [p[0] for p in oxide_metal.points]
    assert max(xs) < r.x or min(xs) > r.x + r.w


def test_too_large_a_chain_is_refused_not_shrunk_unreadably():
    layers, nodes, links = _chain([8] * 30)
    with pytest.raises(ValueError, match="do not fit"):
        chainmap.layout(layers, links)


def test_every_shipped_chain_fits_one_page(shipped):
    for cid in shipped.tables["chains"]["id"]:
        view = shipped.chain(cid)
        lay = chainmap.layout(view.layers, view.links)
        x0, y0, x1, y1 = lay.bounds()
        assert x1 <= chainmap.A4_LANDSCAPE[0] and y1 <= chainmap.A4_LANDSCAPE[1], cid
        assert lay.font_zh >= chainmap.MIN_FONT and len(lay.boxes) == len(view.nodes), cid
