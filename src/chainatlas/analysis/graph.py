"""Chain graph operations: closures, paths, layering, cycles, shared nodes.

Pure functions over :class:`networkx.DiGraph` objects whose edges run input → output. They never read
the store; :func:`build_graph` turns node and link frames into a graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx
import pandas as pd

from chainatlas.errors import DataError, UnknownNode

STAGES = ("upstream", "midstream", "downstream")


def build_graph(nodes: pd.DataFrame, links: pd.DataFrame, members: Iterable[str] | None = None) -> nx.DiGraph:
    """A directed graph (input → output) of the given nodes; links leaving the set are dropped.

    ``nodes`` needs an ``id`` column (other columns become node attributes); ``links`` needs
    ``source_node`` and ``target_node``.
    """
    keep = set(members) if members is not None else None
    graph = nx.DiGraph()
    for rec in nodes.to_dict(orient="records"):
        if keep is None or rec["id"] in keep:
            graph.add_node(rec["id"], **{k: v for k, v in rec.items() if k != "id"})
    if len(links):
        for rec in links.to_dict(orient="records"):
            a, b = rec["source_node"], rec["target_node"]
            if a in graph and b in graph:
                graph.add_edge(a, b, **{k: v for k, v in rec.items() if k not in ("source_node", "target_node")})
    return graph


def _require(graph: nx.DiGraph, node: str) -> None:
    if node not in graph:
        raise UnknownNode(node)


def upstream(graph: nx.DiGraph, node: str) -> set[str]:
    """Every node that feeds ``node`` directly or indirectly (its upstream closure).

    Examples
    --------
    >>> g = nx.DiGraph([("bauxite", "alumina"), ("alumina", "aluminium")])
    >>> sorted(upstream(g, "aluminium"))
    ['alumina', 'bauxite']
    """
    _require(graph, node)
    return nx.ancestors(graph, node)


def downstream(graph: nx.DiGraph, node: str) -> set[str]:
    """Every node that ``node`` feeds directly or indirectly (its downstream closure)."""
    _require(graph, node)
    return nx.descendants(graph, node)


def paths(graph: nx.DiGraph, source: str, target: str, cutoff: int | None = 12,
          limit: int = 100) -> list[list[str]]:
    """Simple paths from ``source`` to ``target`` (shortest first, at most ``limit``)."""
    _require(graph, source)
    _require(graph, target)
    found = []
    for path in nx.shortest_simple_paths(graph, source, target):
        if cutoff is not None and len(path) - 1 > cutoff:
            break
        found.append(path)
        if len(found) >= limit:
            break
    return found


def check_acyclic(graph: nx.DiGraph) -> None:
    """Raise :class:`DataError` naming a cycle if the graph has one.

    The linear-time acyclicity test runs first: ``find_cycle`` on an acyclic graph walks every edge
    from every start and dominated ``layers()`` on large graphs; it only runs to name a cycle.
    """
    if nx.is_directed_acyclic_graph(graph):
        return
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return
    names = [cycle[0][0]] + [edge[1] for edge in cycle]
    raise DataError("chain links contain a cycle: " + " → ".join(names))


def depth(graph: nx.DiGraph) -> dict[str, int]:
    """Longest-path depth of each node from the chain's raw inputs (sources have depth 0)."""
    check_acyclic(graph)
    out: dict[str, int] = {}
    for node in nx.topological_sort(graph):
        preds = list(graph.predecessors(node))
        out[node] = 1 + max(out[p] for p in preds) if preds else 0
    return out


def layers(graph: nx.DiGraph, *, stages: Mapping[str, object] | None = None,
           depths: Mapping[str, int] | None = None) -> list[dict]:
    """Columns for a layered upstream → downstream map.

    Nodes are grouped by stage (upstream, midstream, downstream) and, within a stage, by depth, so
    every column holds nodes of one stage and links mostly run left to right. Returns a list of
    ``{"stage", "depth", "nodes"}`` ordered left to right; nodes within a column are sorted by id.
    ``stages`` (node → stage) stands in for the nodes' ``stage`` attributes and ``depths`` for
    :func:`depth`, so a caller holding both needs no annotated copy of the graph.
    """
    d = depths if depths is not None else depth(graph)
    groups: dict[tuple[int, int], list[str]] = {}
    for node, data in graph.nodes(data=True):
        stage = (stages.get(node) if stages is not None else data.get("stage")) or "midstream"
        key = (STAGES.index(stage) if stage in STAGES else 1, d[node])
        groups.setdefault(key, []).append(node)
    # compress depths within each stage so columns are contiguous
    out = []
    for stage_index in range(len(STAGES)):
        depths = sorted(k[1] for k in groups if k[0] == stage_index)
        for level, dep in enumerate(depths):
            out.append({"stage": STAGES[stage_index], "depth": level, "nodes": sorted(groups[(stage_index, dep)])})
    return out


def shared_nodes(members: dict[str, Iterable[str]]) -> dict[str, list[str]]:
    """Nodes that belong to more than one chain: node → sorted chain ids."""
    where: dict[str, set[str]] = {}
    for chain, nodes in members.items():
        for node in nodes:
            where.setdefault(node, set()).add(chain)
    return {node: sorted(chains) for node, chains in sorted(where.items()) if len(chains) > 1}
