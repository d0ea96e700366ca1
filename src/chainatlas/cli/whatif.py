"""``chainatlas whatif``: a scenario's before → after for a region's chain, with its input-output impact."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainatlas.cli.common import atlas, console, emit_json, handled, parse_pairs


@handled
def whatif(region: Annotated[str, typer.Argument(help="Region code or name (滨州, Binzhou, 371600).")],
           chain: Annotated[str, typer.Option("--chain", "-c", help="Chain id or name (aluminium, 铝…).")],
           add: Annotated[list[str] | None, typer.Option("--add", help="NODE=QUANTITY: a new plant, e.g. "
                                                        "aluminium.foil-battery=50000t (repeatable).")] = None,
           remove: Annotated[list[str] | None, typer.Option("--remove", help="ENTERPRISE[:NODE]: a plant taken "
                                                           "out (repeatable).")] = None,
           scenario: Annotated[Path | None, typer.Option("--scenario", help="A TOML or JSON scenario file.")] = None,
           local_sourcing: Annotated[float | None, typer.Option("--local-sourcing", help="Share (0–1) of the new "
                                                               "plants' inputs bought in the region.")] = None,
           unit_value: Annotated[float | None, typer.Option("--unit-value", help="Yuan per node unit for the "
                                                           "new plants (default: the node's).")] = None,
           plant_region: Annotated[str | None, typer.Option("--plant-region", help="Where the new plants are "
                                                           "(a county of the region; default: the region).")] = None,
           plant_year: Annotated[int | None, typer.Option("--plant-year", help="Year the new plants produce "
                                                         "(default: the diagnosis year).")] = None,
           capacity: Annotated[bool, typer.Option("--capacity", help="The --add quantities are capacities "
                                                  "(taken as produced at capacity).")] = False,
           year: Annotated[int | None, typer.Option("--year", help="Diagnosis year (default: latest).")] = None,
           table: Annotated[str | None, typer.Option("--table", help="IO table id or year (default 2020).")] = None,
           delta: Annotated[float, typer.Option("--delta", help="AFLQ/FLQ δ.")] = 0.15,
           method: Annotated[str, typer.Option("--method", help="slq, cilq, flq or aflq.")] = "aflq",
           set_: Annotated[list[str] | None, typer.Option("--set", help="Override a diagnosis setting.")] = None,
           json: Annotated[bool, typer.Option("--json", help="Print the result's to_dict() as JSON.")] = False,
           ) -> None:
    """What if a plant were attracted (or lost)? Statuses, coverage, value kept, rank and IO impact."""
    if local_sourcing is not None and not 0 <= local_sourcing <= 1:
        raise typer.BadParameter("--local-sourcing is a share between 0 and 1")
    result = atlas().whatif(region, chain, scenario=scenario, add=add, remove=remove, year=year, table=table,
                            method=method.lower(), delta=delta, settings=parse_pairs(set_, "--set"),
                            local_sourcing=local_sourcing, unit_value=unit_value, plant_region=plant_region,
                            plant_year=plant_year, as_capacity=capacity)
    if json:
        emit_json(result.to_dict())
        return
    console.print(repr(result), markup=False)
