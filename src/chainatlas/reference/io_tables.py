"""The shipped national input-output tables and the chain node ↔ IO sector mapping (files only).

Why separate from the store: a table is a dense matrix read whole, never queried by row, and it is
the same for every user; reading the CSV once per process (cached) is faster than a store round
trip and keeps the store schema free of a matrix kind.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from chainatlas.errors import DataError
from chainatlas.reference.loader import data_dir


def io_dir(root: Path | None = None) -> Path:
    return (root or data_dir()) / "io"


@lru_cache(maxsize=4)
def io_manifest(root: Path | None = None) -> pd.DataFrame:
    """``tables.csv``: id, year, sectors, file, unit, default, source_id, note."""
    path = io_dir(root) / "tables.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for i, rec in enumerate(frame.to_dict(orient="records"), start=1):
        for col in ("id", "year", "file", "unit", "source_id"):
            if not rec.get(col):
                raise DataError(f"{path} row {i} field '{col}': empty")
    frame["year"] = frame["year"].astype(int)
    frame["default"] = frame["default"].str.lower() == "true"
    return frame


@lru_cache(maxsize=4)
def io_frame(table_id: str, root: Path | None = None) -> pd.DataFrame:
    """One table's rows as shipped (codes as strings)."""
    manifest = io_manifest(root).set_index("id")
    if table_id not in manifest.index:
        raise DataError(f"no input-output table {table_id!r}; shipped: {', '.join(manifest.index)}")
    path = io_dir(root) / manifest.loc[table_id, "file"]
    frame = pd.read_csv(path, dtype={"code": str, "name_zh": str, "name_en": str, "group": str})
    frame["group"] = frame["group"].fillna("")
    return frame


@lru_cache(maxsize=2)
def node_sectors(root: Path | None = None) -> pd.DataFrame:
    """``node_sectors.csv``: node_id, sector_code (2020 153-sector codes), sector_name_zh, note."""
    path = io_dir(root) / "node_sectors.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for i, rec in enumerate(frame.to_dict(orient="records"), start=1):
        for col in ("node_id", "sector_code", "sector_name_zh"):
            if not rec.get(col):
                raise DataError(f"{path} row {i} field '{col}': empty")
    dup = frame.duplicated(["node_id", "sector_code"])
    if dup.any():
        row = int(dup.to_numpy().nonzero()[0][0]) + 1
        raise DataError(f"{path} row {row}: node {frame.loc[row - 1, 'node_id']} and sector "
                        f"{frame.loc[row - 1, 'sector_code']} appear twice")
    return frame
