"""CLI for registry exports: ``classify`` (file → assignments file), ``import registry`` (store them)
and ``assignments`` (review the doubtful ones). Thin: every step is an :class:`~chainatlas.Atlas` method.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainatlas.cli.common import atlas, console, emit_json, frame_table, handled, parse_pairs, spinner

MapOpt = Annotated[list[str] | None, typer.Option("--map", help="FIELD=COLUMN: read a registry field "
                                                  "(name, credit_code, address, industry, scope, capital, "
                                                  "founded, status, products) from COLUMN.")]
VocabOpt = Annotated[list[Path] | None, typer.Option("--vocabulary", help="Extra vocabulary file(s), same "
                                                     "shape as reference/data/vocabulary/<chain>.toml.")]


@handled
def classify(file: Annotated[Path, typer.Argument(help="Registry export: CSV (UTF-8 or GBK/GB18030), XLSX or Parquet.")],
             out: Annotated[Path, typer.Option("--out", "-o", help="Assignments CSV to write.")],
             engine: Annotated[str, typer.Option("--engine", help="local or spark.")] = "local",
             workers: Annotated[int, typer.Option("--workers", help="Local engine: processes to use.")] = 1,
             map_: MapOpt = None, vocabulary: VocabOpt = None,
             json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False) -> None:
    """Put a registry export's firms onto chain nodes (企业挂链): one row per firm × node with evidence."""
    with spinner(f"classifying {file}…", disable=json):
        summary = atlas().classify_registry(file, out, engine=engine, mapping=parse_pairs(map_, "--map"),
                                            vocabulary=vocabulary or (), workers=workers)
    if json:
        emit_json(summary.to_dict())
        return
    console.print(repr(summary), markup=False)
    console.print(f"wrote {out}")


def import_registry_file(file: Path, map_: list[str] | None, skip_invalid: bool, dry_run: bool,
                         json: bool) -> None:
    """``chainatlas import registry FILE``: classify and store, all-or-nothing unless --skip-invalid."""
    a = atlas(write=True)
    with spinner(f"classifying and importing {file}…", disable=json):
        report = a.import_registry(file, mapping=parse_pairs(map_, "--map"), skip_invalid=skip_invalid,
                                   dry_run=dry_run)
    if json:
        emit_json(report.to_dict())
    else:
        console.print(repr(report), markup=False)


@handled
def assignments(region: Annotated[str | None, typer.Option("--region", "-r", help="Region name or code.")] = None,
                node: Annotated[str | None, typer.Option("--node", "-n", help="Node name or id.")] = None,
                below: Annotated[float, typer.Option("--below", help="List assignments scoring below this.")] = 0.6,
                accept: Annotated[list[str] | None, typer.Option("--accept", help="FIRM_ID=NODE: keep as a producer.")] = None,
                reject: Annotated[list[str] | None, typer.Option("--reject", help="FIRM_ID=NODE: never count it.")] = None,
                note: Annotated[str, typer.Option("--note", help="Why (kept with the review).")] = "",
                json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False) -> None:
    """Review registry assignments: list doubtful ones, or accept/reject them (kept across re-imports)."""
    if accept or reject:
        a = atlas(write=True)
        for decision, pairs in (("accept", accept), ("reject", reject)):
            for firm, nd in parse_pairs(pairs, f"--{decision}").items():
                a.review_assignment(firm, nd, decision, note)
                console.print(f"{decision}ed {firm} → {nd}")
        return
    table = atlas().registry_doubtful(region, node, below)
    if json:
        emit_json(table.to_dict())
    else:
        console.print(frame_table(table.rows, table.title))


def register(app: typer.Typer) -> None:
    app.command("classify")(classify)
    app.command("assignments")(assignments)
