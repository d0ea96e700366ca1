"""``chainatlas correct FILE``: apply a corrections file that outlives reloads of the reference atlas."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainatlas.cli.common import atlas, console, emit_json, handled


@handled
def correct(file: Annotated[Path, typer.Argument(help="CSV, XLSX, JSON or Parquet with columns target_kind, "
                                                      "target_key, field, value, author, date, reason[, source_id].")],
            fmt: Annotated[str | None, typer.Option("--format", help="csv, xlsx, json, parquet (default: by suffix).")] = None,
            sheet: Annotated[str | None, typer.Option("--sheet", help="XLSX sheet name.")] = None,
            dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate and report; write nothing.")] = False,
            json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False) -> None:
    """Correct fields of shipped or imported records (all rows or none); kept and re-applied after `init`."""
    a = atlas(write=True)
    report = a.correct(file, fmt=fmt, sheet=sheet, dry_run=dry_run)
    if json:
        emit_json(report.to_dict())
        return
    verb = "would apply" if dry_run else "applied"
    console.print(f"{file}: {verb} {report.added.get('corrections', 0) + report.updated.get('corrections', 0)} "
                  f"correction(s) to {sum(report.updated.get(k, 0) for k in report.updated if k not in ('corrections', 'sources'))} "
                  "record(s)")
    if not dry_run:
        console.print(f"kept in the store and in {a.path}.corrections.csv (re-applied after every reload)")
