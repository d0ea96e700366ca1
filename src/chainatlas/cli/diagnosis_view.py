"""Terminal output of a diagnosis and file output of a national run (presentation only)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from chainatlas.analysis.diagnosis import Diagnosis, NationalRun
from chainatlas.analysis.verification import LEGEND_EN, MARK
from chainatlas.cli.common import frame_table
from chainatlas.errors import ChainAtlasError
from chainatlas.results import dumps


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.1%}"


_FIGURES = (("quantity", "quantity_verified", "local quantity", "quantity_sources"),
            ("national_quantity", "national_verified", "national quantity", "national_sources"),
            ("national_share", "share_verified", "national share", None),
            ("unit_value", "unit_value_verified", "unit value", "unit_value_source"))


def unverified_lines(d: Diagnosis) -> list[str]:
    """One line per figure of the diagnosis whose sources are not all verified (marked †)."""
    lines: list[str] = []
    if d.baseline and d.baseline.get("verified") is False:
        lines.append(f"  {MARK} baseline {d.baseline['indicator']} ({d.baseline['year']}): {d.baseline['source']}")
    nodes = d.nodes
    if "quantity_verified" not in nodes.columns:
        return lines
    for rec in nodes.to_dict(orient="records"):
        for value_col, flag_col, label, src_col in _FIGURES:
            if rec.get(flag_col) is False:
                if src_col is None:
                    srcs = sorted(set(rec["quantity_sources"]) | set(rec["national_sources"]))
                else:
                    srcs = rec[src_col] if isinstance(rec[src_col], list) else [rec[src_col]]
                value = rec[value_col]
                if value_col == "national_share":
                    shown = f"{value:.1%}"
                elif value_col == "unit_value":
                    shown = f"{value:,.2f} {rec['unit_value_unit'] or ''}".rstrip()
                else:
                    sign = {">=": "≥ ", ">": "> ", "<=": "≤ ", "<": "< ", "~": "≈ "}.get(
                        str(rec.get({"quantity": "quantity_comparator"}.get(value_col, "national_comparator")) or "="), "")
                    shown = f"{sign}{value:,.0f} {rec['quantity_unit'] or ''}".rstrip()
                lines.append(f"  {MARK} {rec['name_zh']} {rec['name_en']}: {label} {shown} — "
                             f"{', '.join(str(x) for x in srcs if x) or 'no source'}")
    if "verified" in d.firms.columns:
        firms = d.firms[d.firms["verified"].eq(False)]
        if len(firms):
            lines.append(f"  {MARK} {len(firms)} firm row(s) on unverified sources: "
                         + ", ".join(sorted(set(firms["source_id"].dropna().astype(str)))))
    return lines


def print_diagnosis(d: Diagnosis, console: Console) -> None:
    """The status lines, the stage table, top-heaviness and value scenarios, each with its basis."""
    console.print(repr(d), markup=False)
    marked = unverified_lines(d)
    if marked:
        console.print(f"figures on unverified sources ({MARK}):\n" + "\n".join(marked) + f"\n  {LEGEND_EN}",
                      markup=False)
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
