"""CLI commands of the briefing pack: ``brief`` (Word/PDF), ``lists``, ``plan`` and ``series``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainatlas.cli.common import atlas, console, emit_json, frame_table, handled, parse_pairs, spinner

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result's to_dict() as JSON.")]
YearOpt = Annotated[int | None, typer.Option("--year", help="Figures up to this year (default: latest).")]
SettingOpt = Annotated[list[str] | None, typer.Option("--set", help="NAME=VALUE: override a diagnosis threshold.")]

TERMINAL_COLUMNS = {  # what fits a terminal; --json and the briefing have every column
    "leading": ["node_name_zh", "rank", "name_zh", "region_name_zh", "basis", "quantity", "quantity_unit"],
    "targets": ["node_name_zh", "rank", "name_zh", "region_name_zh", "distance_km"],
    "chokepoints": ["name_zh", "status", "shortfall", "domestic_makers", "import_dependence", "chokepoint"],
    "partners": ["name_zh", "links_zh", "links_covered", "distance_km"],
    "innovation": ["region_name_zh", "indicator_name_zh", "value", "unit", "year"],
}


def register(app: typer.Typer) -> None:
    """Add the briefing commands to the main CLI."""

    @app.command()
    @handled
    def brief(region: Annotated[str, typer.Argument(help="Region code or name.")],
              chain: Annotated[str, typer.Option("--chain", "-c", help="Chain id or name.")],
              out: Annotated[Path | None, typer.Option("--out", help=".docx or .pdf (default: 地区产业链简报.docx).")]
              = None, year: YearOpt = None, set_: SettingOpt = None) -> None:
        """Write the Chinese briefing (产业链简报): Word, or PDF through LibreOffice."""
        a = atlas()
        code = a.resolve_region(region)
        cid = a.resolve_chain(chain)
        if out is None:
            rec = a.region_record(code)
            name = a.table("chains").set_index("id").loc[cid, "name_zh"]
            out = Path(f"{rec['name_zh']}{name}简报.docx")
        with spinner("diagnosing, drawing figures and writing the briefing…"):
            path = a.brief(code, cid, out, year=year, settings=parse_pairs(set_, "--set"))
        console.print(f"wrote {path}")

    @app.command("lists")
    @handled
    def lists_(region: Annotated[str, typer.Argument(help="Region code or name.")],
               chain: Annotated[str, typer.Option("--chain", "-c", help="Chain id or name.")],
               year: YearOpt = None, json: JsonOpt = False) -> None:
        """The five lists (清单): leading firms, targets, chokepoints, partners, innovation platforms."""
        result = atlas().lists(region, chain, year=year)
        if json:
            emit_json(result.to_dict())
            return
        from chainatlas.report.labels import short

        console.print(repr(result), markup=False)
        for key, (zh, en) in result.to_dict()["titles"].items():
            frame = result.frames()[key].reindex(columns=TERMINAL_COLUMNS[key])
            frame.columns = [short(c) for c in frame.columns]
            console.print(frame_table(frame, f"{zh} {en}", max_rows=20))

    @app.command()
    @handled
    def plan(region: Annotated[str, typer.Argument(help="Region code or name.")],
             as_of: Annotated[int | None, typer.Option("--as-of", help="Judge targets as of this year.")] = None,
             json: JsonOpt = False) -> None:
        """Plan targets (规划目标) of a region and its parts against the latest actual figures."""
        result = atlas().plan_progress(region, as_of=as_of)
        if json:
            emit_json(result.to_dict())
            return
        console.print(repr(result), markup=False)

    @app.command()
    @handled
    def series(region: Annotated[str, typer.Argument(help="Region code or name.")],
               indicator: Annotated[str | None, typer.Option("--indicator", "-i", help="Indicator id.")] = None,
               node: Annotated[str | None, typer.Option("--node", "-n", help="Node id or name.")] = None,
               chain: Annotated[str | None, typer.Option("--chain", "-c", help="Every series of this chain.")] = None,
               json: JsonOpt = False) -> None:
        """A figure over the years (时间序列): the region beside the nation, with growth."""
        a = atlas()
        found = [a.series(region, indicator, node)] if indicator else a.series_for(region, chain)
        if json:
            emit_json([s.to_dict() for s in found])
            return
        for s in found:
            console.print(repr(s), markup=False)
