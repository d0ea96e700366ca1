"""Where the default store lives (kept free of heavy imports so the CLI starts fast)."""

from __future__ import annotations

import os
from pathlib import Path


def default_path() -> Path:
    """The store used when no path is given: ``<user data dir>/chainatlas/atlas.duckdb``."""
    import platformdirs

    return Path(platformdirs.user_data_dir("chainatlas", appauthor=False)) / "atlas.duckdb"


def store_path(db: str | os.PathLike | None) -> Path:
    """The store a command uses: ``--db`` / ``CHAINATLAS_DB`` when given, else the default."""
    return Path(db) if db else default_path()
