"""The region report: one self-contained HTML file (every script and style embedded, nothing fetched).

The report reads only the results' ``to_dict()`` output, so it shows exactly the numbers that
``chainatlas diagnose --json`` prints.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import jinja2
from markupsafe import Markup

from chainatlas.analysis.verification import LEGEND, MARK
from chainatlas.model.values import is_missing
from chainatlas.report import chainmap, charts
from chainatlas.report.embed import script_json
from chainatlas.results import jsonable


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """plotly.js as shipped inside the ``plotly`` Python package (no CDN)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def plotly_version() -> str:
    import plotly

    return plotly.__version__


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.files("chainatlas.report") / "templates")),
        autoescape=jinja2.select_autoescape(["html", "j2"]), undefined=jinja2.ChainableUndefined,
    )
    env.globals.update(pct=pct, num=num, yi=yi, share=share, bound=bound, evidence_labels=charts.EVIDENCE_LABELS,
                       mark=unverified_mark, verified_label=verified_label, verified_legend=LEGEND)
    return env




def pct(v: object, digits: int = 1) -> str:
    return "" if is_missing(v) else f"{float(v) * 100:.{digits}f}%"  # type: ignore[arg-type]


def bound(comparator: object) -> str:
    """The sign a bounded figure is shown with: "≥ " for a lower bound such as 超过, "≈ " for 约; "" if exact."""
    if is_missing(comparator):
        return ""
    return {">=": "≥ ", ">": "> ", "<=": "≤ ", "<": "< ", "~": "≈ "}.get(str(comparator or "="), "")


def share(v: object, comparator: object = "=") -> str:
    """A share with its bound kept: "≥ 50.0%" for a lower bound such as 一半以上."""
    if is_missing(v):
        return ""
    return bound(comparator) + pct(v)


def num(v: object, digits: int = 2) -> str:
    if is_missing(v):
        return ""
    v = float(v)  # type: ignore[arg-type]
    return f"{v:,.{digits}f}"


def yi(v: object) -> str:
    """Yuan → 亿元 (100 million yuan), the unit Chinese reports use for output values."""
    return "" if is_missing(v) else f"{float(v) / 1e8:,.2f}"  # type: ignore[arg-type]


def unverified_mark(flag: object) -> Markup:
    """The † after a figure whose sources are not all verified; nothing for a verified figure or no figure."""
    if isinstance(flag, jinja2.Undefined) or is_missing(flag) or flag:
        return Markup("")
    return Markup('<sup class="unverified" style="color:#b35806;font-weight:700" '
                  'title="来源未核实 source not verified">{}</sup>').format(MARK)


def verified_label(flag: object) -> str:
    """A source's ``verified`` flag in words: checked, not checked, or cited as found."""
    if flag is True:
        return "已核实 verified"
    if flag is False:
        return f"{MARK} 未核实 not verified"
    return f"{MARK} 未复核 cited as found, not re-checked"


def render_region_report(diagnosis: dict, comparison: dict, sources: list[dict], region_names: dict[str, str],
                         extra_sections: list[str] | None = None, extra_charts: dict | None = None,
                         version: str = "") -> str:
    """Render the report from result dicts (``Diagnosis.to_dict()``, ``Comparison.to_dict()``)."""
    import pandas as pd

    d = jsonable(diagnosis)
    nodes = pd.DataFrame(d["nodes"])
    firms = pd.DataFrame(d["firms"])
    layers = d["layers"]
    links = pd.DataFrame(d["links"]) if d["links"] else pd.DataFrame(columns=["source_node", "target_node"])
    chain_map = chainmap.map_svg(layers, nodes, links, firms if len(firms) else None)
    chart_specs = {
        "sankey": charts.sankey(d),
        "ladder": charts.ladder_bars(d["value_paths"]),
        "top": charts.top_heaviness_bars(d["top_heaviness"]),
        "coverage": charts.coverage_bars(d["stages"]),
        "peers": charts.peer_bars(comparison, d["region"]["code"]),
        **(extra_charts or {}),
    }
    names = {n["node_id"]: f"{n['name_zh']} {n['name_en']}" for n in d["nodes"]}
    firms_by_node = []
    for n in d["nodes"]:
        rows = [f for f in d["firms"] if f["node_id"] == n["node_id"]]
        if rows:
            firms_by_node.append((n["node_id"], rows))
    counts = {s: sum(1 for n in d["nodes"] if n["status"] == s) for s in charts.STATUS_LABELS}
    template = _env().get_template("region_report.html.j2")
    return template.render(
        d=d, peers=jsonable(comparison), sources=sources, counts=counts, chain_map=chain_map, names=names,
        firms_by_node=firms_by_node, region_names=region_names, status_labels=charts.STATUS_LABELS,
        status_colours=charts.STATUS_COLOURS, stage_labels=charts.STAGE_LABELS,
        charts={k: v is not None for k, v in chart_specs.items()},
        charts_json=script_json({k: v for k, v in chart_specs.items() if v is not None}),
        plotly_js=plotly_js().replace("</script", "<\\/script"), extra_sections=extra_sections or [],
        version=version, plotly_version=plotly_version(),
    )


def render_opportunities_section(opportunities: dict, target_lists: list[dict]) -> str:
    """The report section with the opportunity table, quadrant placeholder and target lists."""
    template = _env().get_template("opportunities_section.html.j2")
    return template.render(o=jsonable(opportunities), target_lists=jsonable(target_lists))
