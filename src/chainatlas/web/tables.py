"""Small read-only look-ups the pages need for navigation and display, memoised per store generation.

Each is one facade call (names, chains of a node, firm locations, firm counts, node leaders); this
module only shapes them for links and lists (provinces, a region's children, the first chain of a node).
"""

from __future__ import annotations

from chainatlas.atlas import Atlas
from chainatlas.web.reader import AtlasReader


def region_names(reader: AtlasReader) -> dict[str, dict]:
    """code → {name_zh, name_en, level, parent} for every region."""
    return reader.ask(Atlas.names, "regions")


def provinces(reader: AtlasReader) -> list[dict]:
    names = region_names(reader)
    return [{"code": c, "name_zh": r["name_zh"], "name_en": r["name_en"]}
            for c, r in names.items() if r["level"] == "province"]


def children(reader: AtlasReader, code: str) -> list[dict]:
    names = region_names(reader)
    return [{"code": c, "name_zh": r["name_zh"], "name_en": r["name_en"], "level": r["level"]}
            for c, r in names.items() if r["parent"] == code]


def chain_of_node(reader: AtlasReader) -> dict[str, str]:
    """node id → the first chain (alphabetically) it belongs to, for linking search hits."""
    return reader.memo(("chain_of_node", reader.generation),
                       lambda: {nid: cs[0] for nid, cs in reader.ask(Atlas.node_chains).items() if cs})
