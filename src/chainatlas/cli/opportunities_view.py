"""File output of every region's opportunities (``chainatlas opportunities --all``); presentation only."""

from __future__ import annotations

from pathlib import Path

from chainatlas.analysis.opportunities import RegionalOpportunities
from chainatlas.errors import ChainAtlasError
from chainatlas.results import dumps


def write_regional_opportunities(result: RegionalOpportunities, out: Path) -> None:
    """JSON (regions, weights, component meanings and candidates) or Parquet (the candidate table with
    the region's names)."""
    suffix = out.suffix.lower()
    if suffix == ".json":
        out.write_text(dumps(result.to_dict()), encoding="utf-8")
    elif suffix == ".parquet":
        names = result.regions[["code", "name_zh", "name_en"]].rename(
            columns={"code": "region", "name_zh": "region_name_zh", "name_en": "region_name_en"})
        table = result.candidates.merge(names, on="region", how="left")
        cols = ["region", "region_name_zh", "region_name_en"]
        table[cols + [c for c in table.columns if c not in cols]].to_parquet(out, index=False)
    else:
        raise ChainAtlasError(f"--out must end in .json or .parquet, not {out.name!r}")
