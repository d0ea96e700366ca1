"""``chainatlas io …``: input-output multipliers and linkages, national or for a region."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainatlas.cli.common import atlas, console, emit_table_result, frame_table, handled

app = typer.Typer(help="Input-output multipliers and linkages (NBS national tables, regionalised by LQ).",
                  no_args_is_help=True)



def _display(frame):
    """A narrow view: each multiplier with its δ band in one cell."""
    import pandas as pd

    def band(k: str) -> pd.Series:
        return [f"{m:.3f} [{lo:.3f}–{hi:.3f}]" for m, lo, hi in
                zip(frame[f"{k}_multiplier"], frame[f"{k}_multiplier_low"], frame[f"{k}_multiplier_high"], strict=True)]

    return pd.DataFrame({"code": frame["code"], "sector": frame["name_zh"], "output ×": band("output"),
                         "value added": band("value_added"), "compensation": band("compensation"),
                         "BL": frame["backward_linkage"].round(2), "FL": frame["forward_linkage"].round(2),
                         "class": frame["key_class"]})


@app.command()
@handled
def multipliers(region: Annotated[str | None, typer.Option("--region", "-r", help="Region to regionalise for "
                                                           "(default: the nation).")] = None,
                delta: Annotated[float, typer.Option("--delta", help="FLQ/AFLQ δ (0 ≤ δ < 1).")] = 0.15,
                method: Annotated[str, typer.Option("--method", help="slq, cilq, flq or aflq.")] = "aflq",
                year: Annotated[int | None, typer.Option("--year", help="Table year: 2020 (default), 2018, 2017.")]
                = None,
                forward: Annotated[str, typer.Option("--forward", help="ghosh (default) or leontief row sums.")]
                = "ghosh",
                chain: Annotated[str | None, typer.Option("--chain", "-c", help="Also show this chain's nodes "
                                                          "with their sectors.")] = None,
                top: Annotated[int, typer.Option("--top", help="Sectors to print (by output multiplier).")] = 25,
                csv: Annotated[Path | None, typer.Option("--csv", help="Write every sector's figures.")] = None,
                json: Annotated[bool, typer.Option("--json", help="Print the result's to_dict() as JSON.")] = False,
                ) -> None:
    """Output, value-added and compensation multipliers (with their δ band), linkages and key sectors."""
    result = atlas().io(region, year, method.lower(), delta, forward, chain)
    if emit_table_result(result, csv, json):
        return
    console.print(repr(result).split("\n  top sectors")[0], markup=False)
    frame = _display(result.sectors.sort_values("output_multiplier", ascending=False).head(top))
    console.print(frame_table(frame, f"top {top} sectors by output multiplier (low/high: δ 0.05–0.3)"))
    console.print(f"key sectors (both linkages > 1): {result.totals['key_sectors']} of {len(result.sectors)}; "
                  f"source: {result.table.get('source_id')}")
