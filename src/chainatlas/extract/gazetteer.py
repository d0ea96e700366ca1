"""What the extractor recognises, built from the atlas's own tables: region names, node names and
aliases, indicator ids, plausibility ranges and national figures.

Why from the atlas: a fact is only useful if it lands on a region code, node id and indicator the
atlas knows, so the names it can find are exactly the names the atlas answers to (滨州 / 滨州市 /
Binzhou; 电解铝 / 原铝 / primary aluminium). The caller (the facade) hands in frames; nothing here
touches the store.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

LEVEL_DEPTH = {"country": 0, "province": 1, "prefecture": 2, "county": 3}
NATION = "100000"

# English spellings a reader meets besides the atlas's names: spelling variants and plain plurals.
# Kept to renderings an industry reader would use; mistranslations are not guessed at.
EXTRA_EN_NODE_NAMES: dict[str, tuple[str, ...]] = {
    "aluminium.primary": ("primary aluminium", "electrolytic aluminium", "aluminium ingot"),
    "aluminium.alumina": ("alumina",),
    "copper.cathode": ("refined copper", "copper cathode", "electrolytic copper", "cathode copper"),
    "copper.foil-battery": ("lithium battery copper foil", "battery copper foil", "lithium copper foil"),
    "photovoltaics.polysilicon": ("polysilicon", "polycrystalline silicon"),
    "photovoltaics.wafer": ("silicon wafer", "wafer"),
    "photovoltaics.cell": ("solar cell", "PV cell", "cell"),
    "photovoltaics.module": ("PV module", "solar module", "solar panel", "module"),
    "photovoltaics.glass": ("PV glass", "solar glass"),
    "photovoltaics.inverter": ("inverter",),
    "lithium-battery.lithium-carbonate": ("lithium carbonate",),
    "lithium-battery.lithium-hydroxide": ("lithium hydroxide",),
    "lithium-battery.separator": ("separator",),
    "lithium-battery.electrolyte": ("electrolyte",),
}


@dataclass(frozen=True)
class RegionName:
    code: str
    level: str
    parent: str


@dataclass
class Gazetteer:
    """Names → ids, plus the checks' reference figures; build with :meth:`from_frames`."""

    regions: dict[str, RegionName]  # code → record
    region_names_zh: dict[str, list[str]]  # name → codes
    region_names_en: dict[str, list[str]]
    node_names_zh: dict[str, list[str]]  # name → node ids
    node_names_en: dict[str, list[str]]
    node_units: dict[str, str]
    indicators: set[str]
    plausibility: pd.DataFrame  # node_id, indicator, min, max, unit
    national: dict[tuple[str, str, int], tuple[float, str]] = field(default_factory=dict)
    # compiled matchers, filled in __post_init__
    _en_region_re: re.Pattern | None = None
    _en_node_re: re.Pattern | None = None

    def __post_init__(self) -> None:
        self._zh_region_find = LiteralFinder(self.region_names_zh)
        self._zh_node_find = LiteralFinder(self.node_names_zh)
        self._en_region_re = _alternation(self.region_names_en, english=True, ignore_case=False)
        self._en_node_re = _alternation(self.node_names_en, english=True)
        # spelling-insensitive keys (aluminum / aluminium, plurals) → the name as the atlas spells it
        self._en_keys = {id(d): {_en_key(n): n for n in d} for d in (self.region_names_en, self.node_names_en)}

    # ------------------------------------------------------------------ building
    @classmethod
    def from_frames(cls, regions: pd.DataFrame, nodes: pd.DataFrame, indicators: pd.DataFrame | None = None,
                    plausibility: pd.DataFrame | None = None, observations: pd.DataFrame | None = None) -> Gazetteer:
        """Build from the atlas tables (frames as ``Atlas.table(kind)`` returns them)."""
        recs: dict[str, RegionName] = {}
        zh: dict[str, list[str]] = {}
        en: dict[str, list[str]] = {}
        for r in regions.itertuples(index=False):
            code, level = str(r.code), str(r.level)
            recs[code] = RegionName(code, level, str(r.parent or ""))
            names_zh = {str(r.name_zh)}
            short = str(r.short_zh or "")
            # short forms of counties (东区, 城区…) collide with ordinary words; provinces and
            # prefectures are the places reports name by short form
            if short and len(short) >= 2 and level in ("province", "prefecture", "country"):
                names_zh.add(short)
            for n in names_zh:
                if n and n != "nan":
                    zh.setdefault(n, []).append(code)
            name_en = str(r.name_en or "")
            if level in ("country", "province", "prefecture") and len(name_en) >= 4:
                for n in {name_en, re.sub(r" (City|Prefecture|League|Autonomous Prefecture)$", "", name_en)}:
                    en.setdefault(n, []).append(code)
        zh.pop("全国", None)  # 全国 is handled as the nation with its share-of-national sense in mind
        node_zh: dict[str, list[str]] = {}
        node_en: dict[str, list[str]] = {}
        units: dict[str, str] = {}
        for n in nodes.itertuples(index=False):
            nid = str(n.id)
            units[nid] = str(n.unit)
            aliases = [a for a in str(n.aliases or "").split("|") if a and a != "nan"]
            for name in [str(n.name_zh), *aliases]:
                target = node_zh if re.search(r"[\u4e00-\u9fff]", name) else node_en
                if target is node_en and (len(name) < 3 or not re.search(r"[A-Za-z]", name)):
                    continue  # PE, PP, IC: too short to find safely in running English
                target.setdefault(name, [])
                if nid not in target[name]:
                    target[name].append(nid)
            for name in [str(n.name_en), *EXTRA_EN_NODE_NAMES.get(nid, ())]:
                node_en.setdefault(name, [])
                if nid not in node_en[name]:
                    node_en[name].append(nid)
        inds = set(indicators["id"]) if indicators is not None else set()
        plaus = plausibility if plausibility is not None else pd.DataFrame(
            columns=["node_id", "indicator", "min", "max", "unit"])
        national: dict[tuple[str, str, int], tuple[float, str]] = {}
        if observations is not None and len(observations):
            nat = observations[(observations["subject_kind"] == "region") & (observations["subject_id"] == NATION)]
            for o in nat.itertuples(index=False):
                if o.node_id and pd.notna(o.year):
                    national[(str(o.node_id), str(o.indicator), int(o.year))] = (float(o.value), str(o.unit))
        return cls(recs, zh, en, node_zh, node_en, units, inds, plaus.reset_index(drop=True), national)

    # ------------------------------------------------------------------ finding
    def find_regions(self, text: str, english: bool) -> list[tuple[int, int, str]]:
        """(start, end, code) of every region name in ``text``; ambiguous names are resolved later."""
        if not english:
            return [(s, e, code) for s, e, name in self._zh_region_find.find(text)
                    for code in self.region_names_zh[name]]
        out: list[tuple[int, int, str]] = []
        if self._en_region_re is None or not re.search(r"[A-Z]", text):
            return out
        for m in self._en_region_re.finditer(text):
            name = self._canonical(m.group(0), self.region_names_en, english)
            for code in self.region_names_en.get(name, []):
                out.append((m.start(), m.end(), code))
        return out

    def find_nodes(self, text: str, english: bool) -> list[tuple[int, int, list[str]]]:
        """(start, end, candidate node ids) of every node name in ``text`` (longest names first)."""
        if not english:
            return [(s, e, self.node_names_zh[name]) for s, e, name in self._zh_node_find.find(text)]
        pattern = self._en_node_re
        names = self.node_names_en
        if pattern is None:
            return []
        return [(m.start(), m.end(), names[self._canonical(m.group(0), names, english)])
                for m in pattern.finditer(text)]

    def _canonical(self, found: str, names: dict[str, list[str]], english: bool) -> str:
        if found in names or not english:
            return found
        return self._en_keys[id(names)].get(_en_key(found), found)

    def depth(self, code: str) -> int:
        rec = self.regions.get(code)
        return LEVEL_DEPTH.get(rec.level, 9) if rec else 9

    def ancestor(self, code: str, level: str) -> str | None:
        """The region of ``level`` that contains ``code`` (itself when it is of that level)."""
        seen = 0
        while code and code in self.regions and seen < 6:
            if self.regions[code].level == level:
                return code
            code = self.regions[code].parent
            seen += 1
        return None


def choose_node(candidates: list[str], chain_votes: Counter) -> str | None:
    """One node among same-named candidates (逆变器 is a PV inverter and an EV motor controller):
    the one whose chain the document talks about most; None when that does not decide."""
    if len(candidates) == 1:
        return candidates[0]
    scored = sorted(candidates, key=lambda n: -chain_votes.get(n.split(".", 1)[0], 0))
    best = chain_votes.get(scored[0].split(".", 1)[0], 0)
    second = chain_votes.get(scored[1].split(".", 1)[0], 0)
    return scored[0] if best > second else None


def _en_key(text: str) -> str:
    t = text.lower().replace("’", "'").replace("aluminum", "aluminium")
    t = re.sub(r"[\s\-]+", " ", t)
    return t[:-1] if t.endswith("s") and not t.endswith("ss") else t


def _alternation(names: dict[str, list[str]], english: bool = False, ignore_case: bool = True) -> re.Pattern | None:
    """One regex matching any of ``names``, longest first (电解铝 before 铝)."""
    if not names:
        return None
    parts = []
    for name in sorted(names, key=len, reverse=True):
        if english:
            tokens = [re.escape(t).replace("'", "['’]") for t in re.split(r"[\s\-]+", name) if t]
            p = r"[\s\-]+".join(tokens)
            p = re.sub("(?i)aluminium", "alumini?um", p)
            if name[-1].isalpha():
                p += "(?:e?s)?"
            parts.append(p)
        else:
            parts.append(re.escape(name))
    body = "|".join(parts)
    if english:
        return re.compile(rf"(?<![A-Za-z])(?:{body})(?![A-Za-z])", re.IGNORECASE if ignore_case else 0)
    return re.compile(body)


def reference_gazetteer() -> Gazetteer:
    """A gazetteer of the shipped reference atlas, read from its files without a store.

    For tests, benches and reading documents before any store exists; the CLI builds its gazetteer
    from the store through the facade, so a user's own regions and nodes count too.
    """
    from chainatlas.reference import reference_batches

    frames: dict[str, list[pd.DataFrame]] = {}
    for batch in reference_batches():
        frames.setdefault(batch.kind, []).append(batch.frame)
    tables = {k: pd.concat(v, ignore_index=True) for k, v in frames.items()}
    plaus = tables.get("plausibility")
    if plaus is not None:
        plaus = plaus.assign(min=pd.to_numeric(plaus["min"], errors="coerce"),
                             max=pd.to_numeric(plaus["max"], errors="coerce"))
    obs = tables.get("observations")
    if obs is not None:
        obs = obs.assign(value=pd.to_numeric(obs["value"], errors="coerce"),
                         year=pd.to_numeric(obs["year"], errors="coerce"))
    return Gazetteer.from_frames(tables["regions"], tables["nodes"], tables.get("indicators"), plaus, obs)


class LiteralFinder:
    """Leftmost-longest search for many literal names (3,000 region names) in short Chinese text.

    Why not one regex alternation: Python's engine tries the alternatives one by one at every
    position; a set lookup per position and name length is several times faster on report text.
    """

    def __init__(self, names: dict[str, list[str]] | set[str]):
        self.names = set(names)
        self.lengths: dict[str, list[int]] = {}
        for name in self.names:
            if name:
                self.lengths.setdefault(name[0], []).append(len(name))
        for first in self.lengths:
            self.lengths[first] = sorted(set(self.lengths[first]), reverse=True)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        out, i, n = [], 0, len(text)
        while i < n:
            for length in self.lengths.get(text[i], ()):
                piece = text[i:i + length]
                if piece in self.names:
                    out.append((i, i + length, piece))
                    i += length
                    break
            else:
                i += 1
        return out
