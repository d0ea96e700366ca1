"""``chainatlas extract``: facts from reports and news, for review before import."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainatlas.cli.common import atlas, console, emit_json, handled


@handled
def extract(files: Annotated[list[Path], typer.Argument(help="Text, HTML, DOCX or PDF files (Chinese or English).")],
            json: Annotated[bool, typer.Option("--json", help="Print every fact as JSON.")] = False,
            out: Annotated[Path | None, typer.Option("--out", help="Write the importable facts as an observations "
                                                     "CSV to review, then `chainatlas import observations`.")] = None,
            date: Annotated[str | None, typer.Option("--date", help="The documents' date (YYYY-MM-DD) for "
                                                     "去年 / last year when the file does not say.")] = None,
            source_id: Annotated[str | None, typer.Option("--source-id", help="Source id (default: doc-<file name>).")] = None,
            source_title: Annotated[str | None, typer.Option("--source-title", help="Source title (default: the document's).")] = None,
            source_publisher: Annotated[str | None, typer.Option("--source-publisher", help="Who published it.")] = None,
            source_date: Annotated[str | None, typer.Option("--source-date", help="Publication date (YYYY-MM-DD).")] = None,
            source_url: Annotated[str | None, typer.Option("--source-url", help="Where it was published.")] = None,
            source_kind: Annotated[str, typer.Option("--source-kind", help="government, statistics, news, "
                                                     "industry-association, company-report…")] = "news",
            ) -> None:
    """Read candidate facts (region, node, indicator, value, year, quoted span) from documents; writes no store."""
    source = {"id": source_id, "title": source_title, "publisher": source_publisher, "date": source_date,
              "url": source_url, "kind": source_kind}
    result = atlas().extract(list(files), date=date or source_date, source=source)
    if out is not None:
        n = result.write_csv(out)
        if not json:
            console.print(f"wrote {n} fact(s) to {out}: review, delete wrong rows, then "
                          f"`chainatlas import observations {out}`")
    if json:
        emit_json(result.to_dict())
        return
    console.print(repr(result), markup=False)
