"""``chainatlas chain node`` and ``chainatlas map``: the dashboard's node and map pages as commands.

Their ``--json`` is byte for byte the pages' ``.json`` twins (``/chains/C/nodes/N.json``,
``/map.json?chain=C&measure=M``): both print the facade's ``node_page`` / ``map_view`` ``to_dict()``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from chainatlas.cli.common import atlas, console, emit_json, frame_table, handled

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result's to_dict() as JSON.")]


@handled
def node(chain: Annotated[str, typer.Argument(help="Chain id or name (aluminium, 铝…).")],
         node: Annotated[str, typer.Argument(help="Node id or name (aluminium.primary, 电解铝…).")],
         n: Annotated[int, typer.Option("--n", help="Leading provinces and prefectures to list.")] = 10,
         json: JsonOpt = False) -> None:
    """One link of a chain: its inputs and outputs, the chains holding it, who leads, every firm making it."""
    page = atlas().node_page(chain, node, n)
    if json:
        emit_json(page.to_dict())
        return
    rec = page.node
    console.print(f"[bold]{rec['name_zh']} {rec['name_en']}[/] ({rec['id']}) in {page.chain['name_zh']} "
                  f"{page.chain['name_en']}; chains: {', '.join(page.chains)}")
    console.print("inputs: " + (", ".join(f"{i['name_zh']} {i['name_en']}" for i in page.inputs) or "—"))
    console.print("outputs: " + (", ".join(f"{o['name_zh']} {o['name_en']}" for o in page.outputs) or "—"))
    for level in ("province", "prefecture"):
        leading = ", ".join(f"{r['name_zh']} ({r['firms']} firms)" for r in page.leaders[level]) or "—"
        console.print(f"leading {level}s: {leading}")
    console.print(frame_table(page.firms[["name_zh", "name_en", "region", "year", "capacity", "output",
                                          "quantity_unit", "source_id"]], title="firms"))


@handled
def region_map(chain: Annotated[str | None, typer.Option("--chain", help="Count or measure this chain only.")] = None,
               measure: Annotated[str, typer.Option("--measure", help="firms, coverage or output_value "
                                                    "(the last two need --chain).")] = "firms",
               json: JsonOpt = False) -> None:
    """Every province's firms, link coverage or output value (亿元), as the dashboard's map shades them."""
    view = atlas().map_view(chain, measure)
    if json:
        emit_json(view.to_dict())
        return
    console.print(repr(view))


def register(app: typer.Typer, chain_app: typer.Typer) -> None:
    chain_app.command("node")(node)
    app.command("map")(region_map)
