"""Export entity tables (CSV, Parquet, XLSX, JSON) and chain graphs (GraphML, node-link JSON).

Exports are deterministic (rows ordered by key, fixed column order, typed by the entity spec), so
export → import into an empty store → export again gives identical files.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import networkx as nx
import pandas as pd

from chainatlas.errors import DataError
from chainatlas.model.entities import LOAD_ORDER
from chainatlas.model.values import is_missing
from chainatlas.store.db import Store
from chainatlas.store.excel import excel_writer
from chainatlas.store.queries import table

EXPORT_FORMATS = ("csv", "parquet", "xlsx", "json")


def typed_frame(store: Store, kind: str) -> pd.DataFrame:
    """A table with pandas dtypes that follow the spec (nullable ints stay ints)."""
    return table(store, kind)


def records(df: pd.DataFrame) -> list[dict]:
    """JSON-safe records: NaN/NA become None, numpy scalars become Python ones."""
    out = []
    for rec in df.to_dict(orient="records"):
        clean = {}
        for key, value in rec.items():
            if value is pd.NA or value is None or (isinstance(value, float) and math.isnan(value)):
                clean[key] = None
            elif hasattr(value, "item"):
                clean[key] = value.item()
            else:
                clean[key] = value
        out.append(clean)
    return out


def write_frame(df: pd.DataFrame, path: Path, fmt: str, sheet: str = "data") -> None:
    """Write a frame in one of the export formats."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        df.to_csv(path, index=False, lineterminator="\n")
    elif fmt == "parquet":
        df.to_parquet(path, index=False)
    elif fmt == "xlsx":
        with excel_writer(path) as writer:  # text cells stay text (no formula injection)
            df.to_excel(writer, index=False, sheet_name=sheet[:31])
    elif fmt == "json":
        path.write_text(json.dumps(records(df), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    else:
        raise DataError(f"unknown export format {fmt!r}; one of {', '.join(EXPORT_FORMATS)}")


def export_kind(store: Store, kind: str, path: str | Path, fmt: str | None = None) -> Path:
    """Export one entity table to a file; the format follows the suffix unless given."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    write_frame(typed_frame(store, kind), path, fmt, sheet=kind)
    return path


def export_all(store: Store, directory: str | Path, fmt: str = "csv",
               kinds: list[str] | None = None) -> list[Path]:
    """Export every (or the given) entity table to ``directory/<kind>.<fmt>``."""
    directory = Path(directory)
    written = []
    for kind in kinds or LOAD_ORDER:
        written.append(export_kind(store, kind, directory / f"{kind}.{fmt}", fmt))
    return written


def write_graph(graph: nx.DiGraph, path: str | Path, fmt: str | None = None) -> Path:
    """Write a chain graph as GraphML or networkx node-link JSON."""
    path = Path(path)
    fmt = (fmt or ("graphml" if path.suffix.lower() == ".graphml" else "json")).lower()
    clean = nx.DiGraph()
    for node, data in graph.nodes(data=True):
        clean.add_node(node, **{k: v for k, v in data.items() if v is not None and not is_missing(v)})
    for a, b, data in graph.edges(data=True):
        clean.add_edge(a, b, **{k: v for k, v in data.items() if v is not None and not is_missing(v)})
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "graphml":
        nx.write_graphml(clean, path)
    elif fmt in ("json", "node-link"):
        data = nx.node_link_data(clean, edges="links")
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    else:
        raise DataError(f"unknown graph format {fmt!r}; graphml or json")
    return path
