"""Terminal output of a diagnosis and file output of a national run (presentation only)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from chainatlas.analysis.diagnosis import Diagnosis, NationalRun
from chainatlas.cli.common import frame_table
from chainatlas.errors import ChainAtlasError
from chainatlas.results import dumps


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.1%}"


def print_diagnosis(d: Diagnosis, console: Console) -> None:
    """The status lines, the stage table, top-heaviness and value scenarios, each with its basis."""
    console.print(repr(d), markup=False)
    stages = d.stages.drop(columns=["value_links"]).rename(columns={"value_coverage": "value_cov"})
    console.print(frame_table(stages, "stage coverage (value coverage: national output value in yuan)"))
    top = d.top_heaviness
    if top.get("top_heavy") is None:
        console.print(f"top-heaviness: {top.get('reason')}", markup=False)
    else:
        console.print(f"top-heaviness ({top['measure']}): upstream & primary {_pct(top['region_raw_share'])} "
                      f"vs nation {_pct(top['national_raw_share'])} — "
                      + ("top-heavy" if top["top_heavy"] else f"not top-heavy (margin {top['margin']:.0%})")
                      + (f"; {top['caveat']}" if top.get("caveat") else ""), markup=False)
    for vp in d.value_paths:
        cap = vp["capture"]
        if not cap.get("base_node"):
            continue
        for sc in cap.get("scenarios", []):
            if sc.get("value") is None:
                console.print(f"  {' → '.join(vp['path'])}: +{sc['steps']} to {sc['node_id']}: {sc['reason']}",
                              markup=False)
            else:
                console.print(f"  {' → '.join(vp['path'])}: +{sc['steps']} to {sc['node_id']}: "
                              f"+{sc['gain_over_today'] / 1e8:,.1f} 亿元 on {sc['converted_base']:,.0f} "
                              f"{cap['base_unit']} of {cap['base_node']} (bound: {sc['bound']})", markup=False)


def write_national_run(run: NationalRun, out: Path) -> None:
    """The region × link table of a national run as JSON (with the summary) or Parquet (the table)."""
    suffix = out.suffix.lower()
    if suffix == ".json":
        out.write_text(dumps(run.to_dict()), encoding="utf-8")
    elif suffix == ".parquet":
        run.links.merge(run.regions[["region", "name_zh", "name_en"]], on="region", how="left").to_parquet(
            out, index=False)
    else:
        raise ChainAtlasError(f"--out must end in .json or .parquet, not {out.name!r}")
