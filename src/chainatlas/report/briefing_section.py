"""The report's briefing section: the five lists, plan targets against actual figures, time series, point map.

Same rows as the Word briefing, the web lists page and ``chainatlas lists --json`` (one facade call each).
"""

from __future__ import annotations

from chainatlas.analysis.briefing import LIST_TITLES
from chainatlas.analysis.verification import MARK
from chainatlas.report.briefcharts import points_chart, series_chart
from chainatlas.report.labels import short
from chainatlas.results import jsonable

LIST_COLUMNS = {
    "leading": ["node_name_zh", "rank", "name_zh", "region_name_zh", "basis", "quantity", "quantity_unit", "year",
                "source_id"],
    "targets": ["node_name_zh", "rank", "name_zh", "region_name_zh", "distance_km", "reason_zh", "source_id"],
    "chokepoints": ["name_zh", "status", "shortfall", "domestic_makers", "import_dependence", "chokepoint", "reason"],
    "partners": ["name_zh", "links_zh", "links_covered", "firms", "distance_km"],
    "innovation": ["region_name_zh", "indicator_name_zh", "value", "unit", "year", "source_id"],
}
PLAN_COLUMNS = ["region_name_zh", "park", "indicator_name_zh", "comparator", "target", "unit", "target_year",
                "actual", "actual_year", "progress", "status", "target_source"]
SERIES_COLUMNS = ["year", "region_value", "region_growth", "national_value", "national_growth", "share", "unit"]


SOURCE_FIELDS = ("source_id", "target_source", "actual_source")


def _table(records: list[dict], columns: list[str], verified: frozenset[str] | None = None) -> dict:
    """Rows of ``columns``; with ``verified``, a source cell not among them carries the † mark."""
    def cell(r: dict, c: str) -> object:
        v = r.get(c)
        if verified is not None and c in SOURCE_FIELDS and isinstance(v, str) and v and v not in verified:
            return f"{v} {MARK}"
        return v

    return {"head": [short(c) for c in columns], "fields": columns,
            "rows": [[cell(r, c) for c in columns] for r in records]}


def render_briefing_section(lists: dict, plan: dict, series: list[dict], points: dict,
                            verified: frozenset[str] | None = None) -> tuple[str, dict]:
    """The section's HTML and its chart specs (keys ``points`` and ``series0``…).

    ``verified``: ids of verified sources; rows citing any other source are marked †.
    """
    from chainatlas.report.html import _env

    lists, plan, series, points = jsonable(lists), jsonable(plan), jsonable(series), jsonable(points)
    charts = {"points": points_chart(points)}
    charts.update({f"series{i}": series_chart(s) for i, s in enumerate(series)})
    html = _env().get_template("briefing_section.html.j2").render(
        titles=LIST_TITLES, tables={k: _table(lists[k], LIST_COLUMNS[k], verified) for k in LIST_TITLES},
        rules=lists["rules"], plan=_table(plan["rows"], PLAN_COLUMNS, verified), series=series,
        series_tables=[_table(s["rows"], SERIES_COLUMNS) for s in series], has_points=charts["points"] is not None)
    return html, charts
