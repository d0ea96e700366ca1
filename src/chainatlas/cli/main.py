"""The ``chainatlas`` command line: a thin face over :class:`chainatlas.Atlas`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainatlas.cli.classify import import_registry_file
from chainatlas.cli.classify import register as register_registry_commands
from chainatlas.cli.common import (
    STATE,
    atlas,
    console,
    emit_json,
    emit_run,
    emit_table_result,
    frame_table,
    handled,
    parse_list,
    parse_numbers,
    parse_pairs,
    spinner,
)
from chainatlas.cli.correct import correct
from chainatlas.model.entities import YEAR_RANGE
from chainatlas.paths import default_path

app = typer.Typer(help="Regional industrial-chain analysis: chains, regions, firms, diagnosis, reports.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
chain_app = typer.Typer(help="Look at one chain.", no_args_is_help=True)
region_app = typer.Typer(help="Look at one region.", no_args_is_help=True)
app.add_typer(chain_app, name="chain")
app.add_typer(region_app, name="region")
app.command("correct")(correct)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result's to_dict() as JSON.")]


@app.callback()
def main(db: Annotated[Path | None, typer.Option("--db", help="Atlas store file (default: user data dir).",
                                                  envvar="CHAINATLAS_DB")] = None) -> None:
    STATE["db"] = db


@app.command()
@handled
def init(force: Annotated[bool, typer.Option("--force", help="Rebuild the store from scratch.")] = False,
         empty: Annotated[bool, typer.Option("--empty", help="Create an empty store (no reference atlas).")] = False,
         ) -> None:
    """Create the store and load the embedded reference atlas."""
    from chainatlas.atlas import open_atlas

    path = Path(STATE["db"]) if STATE["db"] else default_path()
    if path.exists():
        if not force:
            console.print(f"{path} exists; use --force to rebuild it")
            raise typer.Exit(0)
        path.unlink()
        Path(str(path) + ".wal").unlink(missing_ok=True)
    with spinner("loading the reference atlas…"):
        a = open_atlas(path, seed=not empty)
    counts = a.counts()
    a.close()
    console.print(f"created {path}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


@app.command("import")
@handled
def import_(kind: Annotated[str, typer.Argument(help="regions, sources, chains, nodes, chain_nodes, links, "
                                                      "enterprises, production, indicators, observations…")],
            file: Annotated[Path, typer.Argument(help="CSV, XLSX, JSON / JSON Lines or Parquet file.")],
            map_: Annotated[list[str] | None, typer.Option("--map", help="FIELD=COLUMN: read FIELD from COLUMN.")] = None,
            set_: Annotated[list[str] | None, typer.Option("--set", help="FIELD=VALUE: the same value for every row.")] = None,
            fmt: Annotated[str | None, typer.Option("--format", help="csv, xlsx, json, parquet (default: by suffix).")] = None,
            sheet: Annotated[str | None, typer.Option("--sheet", help="XLSX sheet name.")] = None,
            where: Annotated[list[str] | None, typer.Option("--where", help="COLUMN=VALUE: import only matching rows.")] = None,
            skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help="Leave out rows with problems (listed) "
                                                       "instead of refusing the whole file.")] = False,
            dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate and report; write nothing.")] = False,
            json: JsonOpt = False) -> None:
    """Import a file (all-or-nothing; records with an existing id are replaced)."""
    if kind.strip().lower() == "registry":  # a registry export: classified onto nodes, then stored
        return import_registry_file(file, map_, skip_invalid, dry_run, json)
    a = atlas(write=True)
    with spinner(f"validating and importing {file}…", disable=json):
        report = a.import_file(kind, file, mapping=parse_pairs(map_, "--map"), constants=parse_pairs(set_, "--set"),
                               fmt=fmt, sheet=sheet, dry_run=dry_run, where=parse_pairs(where, "--where"),
                               on_error="skip" if skip_invalid else "refuse")
    if json:
        emit_json(report.to_dict())
        return
    verb = "would add" if dry_run else "added"
    if not report.added:
        console.print(f"{file}: no records to import")
    for k in report.added:
        console.print(f"{k}: {verb} {report.added[k]}, {'would update' if dry_run else 'updated'} {report.updated[k]}")
    if report.skipped:
        console.print(f"[yellow]skipped {len(report.skipped)} problem(s):[/]")
        for problem in report.skipped[:20]:
            console.print(f"  - {problem}")
    for k, cols in report.ignored_columns.items():
        console.print(f"[yellow]ignored columns for {k}:[/] {', '.join(cols)}")


@app.command()
@handled
def export(out: Annotated[Path, typer.Argument(help="Folder for tables, or a file for --graph.")],
           fmt: Annotated[str, typer.Option("--format", help="csv, parquet, xlsx, json; graphml or json for --graph.")] = "csv",
           kind: Annotated[list[str] | None, typer.Option("--kind", help="Only these entity kinds.")] = None,
           graph: Annotated[str | None, typer.Option("--graph", help="Export this chain's graph instead ('all' for every node).")] = None,
           ) -> None:
    """Export tables (one file per kind) or a chain graph (GraphML / node-link JSON)."""
    a = atlas()
    if graph:
        path = a.export_graph(None if graph == "all" else graph, out, fmt if fmt != "csv" else None)
        console.print(f"wrote {path}")
        return
    for path in a.export(out, fmt, kind):
        console.print(f"wrote {path}")


@app.command()
@handled
def chains(json: JsonOpt = False) -> None:
    """List the chains with node counts per stage."""
    result = atlas().chains()
    if json:
        emit_json(result.to_dict())
    else:
        console.print(frame_table(result.rows, "chains"))


@chain_app.command("show")
@handled
def chain_show(chain: Annotated[str, typer.Argument(help="Chain id or name (copper, 铝, 光伏…).")],
               json: JsonOpt = False) -> None:
    """Show a chain laid out upstream → downstream."""
    view = atlas().chain(chain)
    if json:
        emit_json(view.to_dict())
        return
    from rich.columns import Columns
    from rich.panel import Panel

    names = dict(zip(view.nodes["id"], view.nodes["name_zh"] + "\n[dim]" + view.nodes["name_en"] + "[/]",
                     strict=True))
    panels = [Panel("\n".join(names[n] for n in layer["nodes"]), title=f"{layer['stage']} {layer['depth'] + 1}",
                    expand=False) for layer in view.layers]
    c = view.chain
    console.print(f"[bold]{c['name_zh']} {c['name_en']}[/] ({c['id']}): {len(view.nodes)} nodes, {len(view.links)} links")
    console.print(Columns(panels))
    if view.shared:
        console.print("shared with other chains: " + "; ".join(f"{n} ({', '.join(cs)})" for n, cs in view.shared.items()))


@region_app.command("show")
@handled
def region_show(region: Annotated[str, typer.Argument(help="Region code or name (滨州, Binzhou, 371600).")],
                json: JsonOpt = False) -> None:
    """Show a region: where it is, its firms, chains and indicators with sources."""
    view = atlas().region(region)
    if json:
        emit_json(view.to_dict())
        return
    console.print(repr(view), markup=False)
    if len(view.chains):
        console.print(frame_table(view.chains, "chains present"))
    if len(view.enterprises):
        console.print(frame_table(view.enterprises[["id", "name_zh", "name_en", "region", "listed", "stock_code"]],
                                  "firms"))
    if len(view.observations):
        obs = view.observations[["indicator", "node_id", "year", "value", "unit", "source_title", "source_date"]]
        console.print(frame_table(obs, "indicators"))


@app.command()
@handled
def search(text: Annotated[str, typer.Argument(help="Chinese, English, code or id.")], json: JsonOpt = False) -> None:
    """Find regions, chains, nodes and firms by name (either language) or code."""
    result = atlas().search(text)
    if json:
        emit_json(result.to_dict())
    else:
        console.print(frame_table(result.rows, result.title))


@app.command()
@handled
def check(json: JsonOpt = False) -> None:
    """Validate the loaded atlas: cycles, names, units, sources, plausibility, regions."""
    report = atlas().check()
    if json:
        emit_json(report.to_dict())
    else:
        if report.findings:
            console.print(frame_table(report.to_frame(), "findings", max_rows=200))
        console.print(("[green]ok[/]" if report.ok else "[red]FAILED[/]") +
                      f": {len(report.errors)} errors, {len(report.findings) - len(report.errors)} warnings; "
                      + ", ".join(f"{v} {k}" for k, v in report.counts.items()))
    if not report.ok:
        raise typer.Exit(1)


SettingOpt = Annotated[list[str] | None, typer.Option("--set", help="NAME=VALUE: override a diagnosis threshold.")]
YearOpt = Annotated[int | None, typer.Option("--year", min=YEAR_RANGE[0], max=YEAR_RANGE[1],
                                            help="Figures up to this year (default: latest).")]


@app.command()
@handled
def diagnose(region: Annotated[str | None, typer.Argument(help="Region code or name (滨州, Binzhou, 371600).")] = None,
             chain: Annotated[str | None, typer.Option("--chain", "-c", help="Chain id or name (aluminium, 铝…).")]
             = None,
             year: YearOpt = None, set_: SettingOpt = None, json: JsonOpt = False,
             all_: Annotated[bool, typer.Option("--all", help="Every region of --level at once.")] = False,
             level: Annotated[str, typer.Option("--level", help="Level for --all.")] = "prefecture",
             out: Annotated[Path | None, typer.Option("--out", help="With --all: write the region × link table "
                                                      "(.json or .parquet).")] = None) -> None:
    """Which links of a chain a region has, how strong, on what evidence, what is missing, how much value stays."""
    from chainatlas.cli.diagnosis_view import print_diagnosis, write_national_run

    if chain is None:
        raise typer.BadParameter("--chain is required", param_hint="--chain")
    if all_:
        emit_run(atlas().diagnose_all(chain, level, year, parse_numbers(set_, "--set")), out, write_national_run, json)
        return
    if region is None:
        raise typer.BadParameter("name a region, or use --all", param_hint="REGION")
    result = atlas().diagnose(region, chain, year, parse_numbers(set_, "--set"))
    if json:
        emit_json(result.to_dict())
        return
    print_diagnosis(result, console)


@app.command()
@handled
def compare(chain: Annotated[str, typer.Option("--chain", "-c", help="Chain id or name.")],
            regions: Annotated[str | None, typer.Option("--regions", help="Comma-separated regions (≤ 10); "
                                                        "default: the chain's top regions.")] = None,
            level: Annotated[str, typer.Option("--level", help="Level of the default peers.")] = "prefecture",
            year: YearOpt = None, json: JsonOpt = False) -> None:
    """The same diagnosis figures for up to 10 regions side by side."""
    names = parse_list(regions, "--regions")
    result = atlas().compare(chain, names, year, level=level)
    if json:
        emit_json(result.to_dict())
    else:
        console.print(frame_table(result.rows, f"{result.chain['name_zh']} {result.chain['name_en']}"))


@app.command()
@handled
def report(region: Annotated[str, typer.Argument(help="Region code or name.")],
           chain: Annotated[str, typer.Option("--chain", "-c", help="Chain id or name.")],
           out: Annotated[Path | None, typer.Option("--out", help="HTML file (default: REGION-CHAIN.html).")] = None,
           xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Also write the tables to this Excel file.")] = None,
           peers: Annotated[str | None, typer.Option("--peers", help="Comma-separated peer regions.")] = None,
           year: YearOpt = None, set_: SettingOpt = None,
           whatif: Annotated[list[str] | None, typer.Option("--whatif", help="NODE=QUANTITY: add this scenario's "
                                                           "before → after (repeatable).")] = None) -> None:
    """Write the region report: one self-contained HTML file that works offline."""
    a = atlas()
    code = a.resolve_region(region)
    cid = a.resolve_chain(chain)
    out = out or Path(f"{code}-{cid}.html")
    with spinner("diagnosing…") as bar:
        peer_list = parse_list(peers, "--peers")
        bar.say("diagnosing, comparing peers and rendering…")
        a.report(code, cid, out=out, xlsx=xlsx, year=year, peers=peer_list, settings=parse_numbers(set_, "--set"),
                 whatif=whatif)
    console.print(f"wrote {out}" + (f" and {xlsx}" if xlsx else ""))


@app.command()
@handled
def serve(host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
          port: Annotated[int, typer.Option("--port", help="Port.")] = 8000,
          token: Annotated[str | None, typer.Option("--token", envvar="CHAINATLAS_TOKEN",
                                                    help="Enable write endpoints, guarded by this token.")] = None,
          get: Annotated[str | None, typer.Option("--get", help="Render one path (page or .json) to stdout "
                                                  "without starting a server.")] = None) -> None:
    """The local web dashboard (read-only unless started with --token)."""
    from chainatlas.web.app import create_app, render_get

    db = Path(STATE["db"]) if STATE["db"] else default_path()
    if not db.exists():
        from chainatlas.atlas import open_atlas

        open_atlas(db).close()  # first use: create and load the reference atlas
    if get is not None:
        status, _content_type, body = render_get(create_app(db, token=token), get)
        import sys

        sys.stdout.write(body if isinstance(body, str) else body.decode("utf-8", "replace"))
        if status >= 400:
            raise typer.Exit(1)
        return
    import uvicorn

    console.print(f"chainatlas dashboard on http://{host}:{port}/ (store {db}; "
                  f"{'writes enabled with token' if token else 'read-only'})")
    uvicorn.run(create_app(db, token=token, host=host, warm=True), host=host, port=port, log_level="warning")


@app.command("evaluate")
@handled
def evaluate_(system: Annotated[str, typer.Option("--system", help="innovation, industrial, or a system TOML file.")],
              within: Annotated[str | None, typer.Option("--within", help="Rank the regions directly under this "
                                                         "one (山西 → its cities).")] = None,
              regions: Annotated[str | None, typer.Option("--regions", help="Comma-separated regions instead.")] = None,
              year: YearOpt = None,
              method: Annotated[str, typer.Option("--method", help="entropy-topsis, entropy, topsis, weighted-sum, "
                                                  "expert-topsis.")] = "entropy-topsis",
              focus: Annotated[str | None, typer.Option("--region", help="Also show what would move this "
                                                        "region's rank (sensitivity).")] = None,
              xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Write ranks, weights, sensitivity and "
                                                        "sources to Excel.")] = None,
              json: JsonOpt = False) -> None:
    """Rank regions under an indicator system (entropy weights, TOPSIS…), with sources."""
    names = parse_list(regions, "--regions")
    result = atlas().evaluate(system, names, within, year, method=method, focus=focus)
    if xlsx is not None:

        from chainatlas.store.excel import excel_writer

        with excel_writer(xlsx) as writer:
            result.to_frame().to_excel(writer, sheet_name="ranks")
            result.result.weights_frame().to_excel(writer, sheet_name="weights")
            if result.sensitivity is not None:
                result.sensitivity.to_frame().to_excel(writer, sheet_name="sensitivity")
            result.observations.to_excel(writer, sheet_name="sources", index=False)
    if json:
        emit_json(result.to_dict())
        return
    console.print(repr(result), markup=False)
    obs = result.observations
    if len(obs):
        console.print(frame_table(obs[["subject_id", "key", "year", "value", "unit", "source_title", "source_date"]],
                                  "figures used (with sources)", max_rows=80))
    if xlsx is not None:
        console.print(f"wrote {xlsx}")


def _weights(text: str | None) -> dict[str, float] | None:
    if not text:
        return None
    return parse_numbers([p for p in text.split(",") if p], "--weights")


@app.command()
@handled
def opportunities(region: Annotated[str | None, typer.Argument(help="Region code or name.")] = None,
                  chain: Annotated[str | None, typer.Option("--chain", "-c", help="Chain (default: all chains).")] = None,
                  weights: Annotated[str | None, typer.Option("--weights", help="e.g. value_uplift=0.5,market=0.1")] = None,
                  year: YearOpt = None, set_: SettingOpt = None, json: JsonOpt = False,
                  all_: Annotated[bool, typer.Option("--all", help="Every region of --level at once (needs --chain).")]
                  = False,
                  level: Annotated[str, typer.Option("--level", help="Level for --all.")] = "prefecture",
                  out: Annotated[Path | None, typer.Option("--out", help="With --all: write the region × candidate "
                                                           "table (.json or .parquet).")] = None) -> None:
    """Links to strengthen (强链), supplement (补链) or extend (延链), ranked with the reasons shown."""
    if all_:
        from chainatlas.cli.opportunities_view import write_regional_opportunities

        if chain is None:
            raise typer.BadParameter("--all needs --chain", param_hint="--chain")
        every = atlas().opportunities_all(chain, level, _weights(weights), year, parse_numbers(set_, "--set"))
        emit_run(every, out, write_regional_opportunities, json)
        return
    if region is None:
        raise typer.BadParameter("name a region, or use --all with --chain", param_hint="REGION")
    result = atlas().opportunities(region, chain, _weights(weights), year, parse_numbers(set_, "--set"))
    if json:
        emit_json(result.to_dict())
        return
    console.print(repr(result), markup=False)
    cols = ["rank", "node_id", "action", "score", "value_uplift", "density", "input_coverage", "market", "openness"]
    console.print(frame_table(result.candidates[cols], "score components (0-1)", max_rows=30))


@app.command()
@handled
def targets(region: Annotated[str, typer.Argument(help="Region code or name.")],
            node: Annotated[str | None, typer.Option("--node", help="The link to attract firms for "
                                                     "(default: the top links of `opportunities`).")] = None,
            chain: Annotated[str | None, typer.Option("--chain", "-c", help="Chain for the default links.")] = None,
            n: Annotated[int, typer.Option("--n", help="Firms per link.")] = 20,
            top: Annotated[int, typer.Option("--top", help="How many top links without --node.")] = 5,
            xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Write the hand-out: one sheet per link.")] = None,
            json: JsonOpt = False) -> None:
    """Whom to attract: firms elsewhere that make the link, ranked, with plain-language reasons."""
    from chainatlas.report.xlsx import write_targets_xlsx

    a = atlas()
    if node:
        lists = [a.targets(region, node, n=n)]
    else:
        lists = a.targets(region, a.opportunities(region, chain), n=n, top=top)
    if xlsx is not None:
        write_targets_xlsx(xlsx, lists, a.table("sources"))
    if json:
        emit_json(lists[0].to_dict() if node else [t.to_dict() for t in lists])
        return
    for tl in lists:
        console.print(repr(tl), markup=False)
    if xlsx is not None:
        console.print(f"wrote {xlsx}")


@app.command()
@handled
def complexity(level: Annotated[str, typer.Option("--level", help="province, prefecture or county.")] = "prefecture",
               measure: Annotated[str, typer.Option("--measure", help="firms, output (valued) or revenue.")] = "firms",
               variant: Annotated[str, typer.Option("--variant", help="growthlab-py, growthlab-stata or oec.")]
               = "growthlab-py",
               chain: Annotated[str | None, typer.Option("--chain", "-c", help="Only this chain's nodes.")] = None,
               year: YearOpt = None,
               csv: Annotated[Path | None, typer.Option("--csv", help="Write the long table (region × node).")] = None,
               json: JsonOpt = False) -> None:
    """Economic complexity (ECI/PCI), relatedness density, COI and COG of regions × chain nodes."""
    try:
        result = atlas().complexity(level, measure, variant, chain, year)
    except ValueError as exc:  # unknown variant
        raise typer.BadParameter(str(exc)) from exc
    if emit_table_result(result, csv, json):
        return
    console.print(repr(result), markup=False)
    regions = result.regions_frame().sort_values("eci", ascending=False).head(20)
    console.print(frame_table(regions.reset_index(), "regions by ECI"))


from chainatlas.cli import io as _io_cli  # noqa: E402  (input-output and what-if)
from chainatlas.cli import whatif as _whatif_cli  # noqa: E402

app.add_typer(_io_cli.app, name="io")
app.command("whatif")(_whatif_cli.whatif)
from chainatlas.cli.brief import register as _register_brief  # noqa: E402

_register_brief(app)
from chainatlas.cli.extract import extract as _extract  # noqa: E402  (a command in its own module)

app.command("extract")(_extract)
register_registry_commands(app)
from chainatlas.cli.browse import register as _register_browse  # noqa: E402  (chain node, map)

_register_browse(app, chain_app)
