"""Domain types, entity specifications and units (no I/O)."""

from chainatlas.model.entities import SPECS, Chain, Enterprise, Node, Region, Stage
from chainatlas.model.units import compatible, convert, parse_unit

__all__ = ["SPECS", "Chain", "Enterprise", "Node", "Region", "Stage", "compatible", "convert", "parse_unit"]
