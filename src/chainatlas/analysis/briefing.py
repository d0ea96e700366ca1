"""Typed results for the briefing pack: the five lists, plan progress, series and the point map.

Why a result type: the CLI's ``--json``, the web page's JSON twin, the Excel sheets, the HTML report
and the Word/PDF briefing all read ``to_dict()``/frames of the same object, so they show one set of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from chainatlas.results import Result, jsonable

LIST_TITLES = {
    "leading": ("重点企业清单", "Leading local firms"),
    "targets": ("招商目标清单", "Investment targets"),
    "chokepoints": ("短板与卡脖子环节清单", "Shortfalls and chokepoints"),
    "partners": ("合作伙伴清单", "Partner regions"),
    "innovation": ("创新平台清单", "Innovation platforms and R&D"),
}


@dataclass
class BriefingLists(Result):
    """The five lists (清单) of one region and chain, with the rules that made them."""

    region: dict
    chain: dict
    leading: pd.DataFrame
    targets: pd.DataFrame
    chokepoints: pd.DataFrame
    partners: pd.DataFrame
    innovation: pd.DataFrame
    rules: list[dict]
    sources: list[str] = field(default_factory=list)

    def frames(self) -> dict[str, pd.DataFrame]:
        return {k: getattr(self, k) for k in LIST_TITLES}

    def to_dict(self) -> dict:
        return jsonable({"region": self.region, "chain": self.chain, "titles": LIST_TITLES, **self.frames(),
                         "rules": self.rules, "sources": self.sources})

    def to_frame(self) -> pd.DataFrame:
        return self.chokepoints

    def __repr__(self) -> str:
        r, c = self.region, self.chain
        lines = [f"Lists: {r['name_zh']} {r['name_en']} × {c['name_zh']} {c['name_en']}"]
        for k, (zh, en) in LIST_TITLES.items():
            lines.append(f"  {zh} {en}: {len(getattr(self, k))} row(s)")
        return "\n".join(lines)


@dataclass
class PlanProgress(Result):
    """Plan targets of a region (and the regions below it) against the latest actual figures."""

    region: dict
    rows: pd.DataFrame
    sources: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return jsonable({"region": self.region, "rows": self.rows, "sources": self.sources})

    def to_frame(self) -> pd.DataFrame:
        return self.rows

    def __repr__(self) -> str:
        lines = [f"Plan targets: {self.region['name_zh']} {self.region['name_en']} ({len(self.rows)})"]
        for r in self.rows.to_dict(orient="records"):
            actual = "—" if pd.isna(r["actual"]) else f"{r['actual']:g} ({r['actual_year']})"
            lines.append(f"  {r['region_name_zh']} {r['park']} {r['indicator_name_zh']}: {r['comparator']}"
                         f"{r['target']:g} {r['unit']} by {r['target_year']}; actual {actual}; {r['status']}")
        return "\n".join(lines)


@dataclass
class Series(Result):
    """One figure over the years for a region and the nation."""

    region: dict
    indicator: dict
    node: dict | None
    rows: pd.DataFrame

    @property
    def title_zh(self) -> str:
        node = f"{self.node['name_zh']}" if self.node else ""
        return f"{self.region['name_zh']}{node}{self.indicator['name_zh']}"

    def to_dict(self) -> dict:
        return jsonable({"region": self.region, "indicator": self.indicator, "node": self.node,
                         "title_zh": self.title_zh, "rows": self.rows})

    def to_frame(self) -> pd.DataFrame:
        return self.rows

    def __repr__(self) -> str:
        return f"Series {self.title_zh}: {len(self.rows)} year(s)\n" + self.rows.to_string(index=False)


@dataclass
class PointMap(Result):
    """Regions and firm counts as points at their coordinates (no boundary file needed)."""

    region: dict
    chain: dict
    points: pd.DataFrame

    def to_dict(self) -> dict:
        return jsonable({"region": self.region, "chain": self.chain, "points": self.points})

    def to_frame(self) -> pd.DataFrame:
        return self.points
