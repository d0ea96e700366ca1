"""The ``Atlas`` facade: the one door every face (CLI, reports, web, notebooks) goes through.

Why one door: a number on a web page, in a report and in ``chainatlas diagnose --json`` comes from the
same method, so it is the same number. The facade wires the store to the pure analysis functions;
it holds no business rules of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from chainatlas.analysis import graph as chain_graph
from chainatlas.analysis.checks import CheckReport, check_atlas
from chainatlas.analysis.diagnosis import (
    ChainFacts,
    Comparison,
    Diagnosis,
    compare,
    diagnose,
    prepare_chain,
    top_regions,
    value_ladder,
)
from chainatlas.analysis.evaluation import (
    EvaluationResult,
    IndicatorSystem,
    SensitivityResult,
    evaluate,
    sensitivity,
    system_from_dict,
)
from chainatlas.analysis.lookup import Candidate, resolve
from chainatlas.analysis.opportunities import Opportunities, TargetList, haversine_km, rank_targets, score_candidates
from chainatlas.analysis.settings import DiagnosisSettings
from chainatlas.errors import ChainAtlasError, DataError, UnknownChain, UnknownEnterprise, UnknownNode, UnknownRegion
from chainatlas.model.entities import LOAD_ORDER, SPECS, resolve_kind
from chainatlas.results import Result, jsonable
from chainatlas.store import exporter
from chainatlas.store.db import Store, default_path
from chainatlas.store.importer import Batch, ImportReport, apply_mapping, import_batches
from chainatlas.store.readers import read_table

LEVEL_PRIORITY = {"country": 0, "province": 1, "prefecture": 2, "county": 3}
STATUS_ORDER = {"strong": 0, "present": 1, "weak": 2, "missing": 3}


def _merge_plant_groups(group: pd.Series) -> pd.Series:
    """Plants named ``<firm id>-<place>`` (chalco-baotou) belong to that firm's group (chalco)."""
    ids = set(group.index)
    out = group.copy()
    for fid in group.index:
        parts = fid.split("-")
        for k in range(len(parts) - 1, 0, -1):
            parent = "-".join(parts[:k])
            if parent in ids:
                out[fid] = group[parent]
                break
    return out


def _group_key(firm: pd.Series) -> str:
    """A firm's group: its stock code, else a parent stock code named in its note, else itself."""
    import re

    if isinstance(firm.get("stock_code"), str) and firm["stock_code"]:
        return f"code:{firm['stock_code']}"
    note = firm.get("note") if isinstance(firm.get("note"), str) else ""
    found = re.search(r"(?<!\d)(\d{6})(?!\d)", note)
    return f"code:{found.group(1)}" if found else f"id:{firm.name}"


def open_atlas(path: str | Path | None = None, *, read_only: bool = False, seed: bool = True) -> Atlas:
    """Open (creating on first use) the atlas store at ``path`` or the default location.

    A store that does not exist yet is created and, unless ``seed=False``, loaded with the embedded
    reference atlas, so a first ``open_atlas()`` is immediately useful.
    """
    path = Path(path) if path is not None else default_path()
    if not path.exists():
        store = Store(path)
        atlas = Atlas(store)
        if seed:
            atlas.load_reference()
        if read_only:
            store.close()
            return Atlas(Store(path, read_only=True))
        return atlas
    return Atlas(Store(path, read_only=read_only))


@dataclass
class Table(Result):
    """A titled table result (lists of chains, search hits…)."""

    title: str
    rows: pd.DataFrame

    def to_dict(self) -> dict:
        return {"title": self.title, "rows": jsonable(self.rows)}

    def to_frame(self) -> pd.DataFrame:
        return self.rows

    def __repr__(self) -> str:
        return f"{self.title} ({len(self.rows)} rows)\n{self.rows.to_string(index=False, max_rows=40)}"


@dataclass
class ChainView(Result):
    """A chain: its nodes by layer (upstream → downstream), links and main paths."""

    chain: dict
    nodes: pd.DataFrame
    links: pd.DataFrame
    layers: list[dict]
    shared: dict[str, list[str]]

    def to_dict(self) -> dict:
        return {
            "chain": jsonable(self.chain),
            "layers": self.layers,
            "nodes": jsonable(self.nodes),
            "links": jsonable(self.links),
            "shared_nodes": self.shared,
        }

    def to_frame(self) -> pd.DataFrame:
        return self.nodes

    def __repr__(self) -> str:
        lines = [f"{self.chain['name_zh']} {self.chain['name_en']} ({self.chain['id']}): {len(self.nodes)} nodes"]
        names = dict(zip(self.nodes["id"], self.nodes["name_zh"] + " " + self.nodes["name_en"], strict=True))
        for layer in self.layers:
            lines.append(f"  [{layer['stage']} {layer['depth']}] " + "; ".join(names[n] for n in layer["nodes"]))
        return "\n".join(lines)


@dataclass
class RegionView(Result):
    """A region: identity, parents, firms, chains present and indicators with sources."""

    region: dict
    parents: list[dict]
    children: int
    enterprises: pd.DataFrame
    chains: pd.DataFrame
    observations: pd.DataFrame

    def to_dict(self) -> dict:
        return {
            "region": jsonable(self.region),
            "parents": jsonable(self.parents),
            "children": self.children,
            "chains": jsonable(self.chains),
            "enterprises": jsonable(self.enterprises),
            "observations": jsonable(self.observations),
        }

    def to_frame(self) -> pd.DataFrame:
        return self.enterprises

    def __repr__(self) -> str:
        r = self.region
        path = " / ".join(p["name_zh"] for p in self.parents)
        return (f"{r['name_zh']} {r['name_en']} ({r['code']}, {r['level']}{', in ' + path if path else ''}): "
                f"{len(self.enterprises)} firms, {len(self.chains)} chains, {len(self.observations)} indicators")


@dataclass
class Evaluation(Result):
    """An evaluation with the observations (and sources) behind it and, optionally, a sensitivity table."""

    result: EvaluationResult
    sensitivity: SensitivityResult | None
    observations: pd.DataFrame
    names: dict[str, dict]
    system: IndicatorSystem

    def to_dict(self) -> dict:
        out = self.result.to_dict()
        for item in out["regions"]:
            item.update(self.names.get(item["region"], {}))
        out["system_name"] = {"zh": self.system.name_zh, "en": self.system.name_en}
        out["observations"] = jsonable(self.observations)
        out["sensitivity"] = self.sensitivity.to_dict() if self.sensitivity is not None else None
        return jsonable(out)

    def to_frame(self) -> pd.DataFrame:
        frame = self.result.to_frame()
        names = pd.DataFrame.from_dict(self.names, orient="index")
        return names.join(frame, how="right")

    def __repr__(self) -> str:
        lines = [f"Evaluation {self.system.name_zh} {self.system.name_en} ({self.result.method}, {self.result.year})"]
        for code, row in self.result.to_frame().iterrows():
            name = self.names.get(code, {})
            change = ""
            if self.result.rank_change is not None and not pd.isna(row.get("rank_change")):
                change = f" ({int(row['rank_change']):+d})"
            lines.append(f"  {int(row['rank']):>3}{change} {name.get('name_zh', '')} {name.get('name_en', '')} "
                         f"({code}) score {row['score']:.3f}")
        if not self.result.missing.empty:
            lines.append(f"  missing: {self.result.missing}")
        if self.sensitivity is not None:
            lines.append(repr(self.sensitivity))
        return "\n".join(lines)


class Atlas:
    """An open atlas store plus the questions one can ask of it."""

    def __init__(self, store: Store):
        self.store = store

    # ---------------------------------------------------------------- plumbing
    @property
    def path(self) -> Path:
        return self.store.path

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Atlas:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _forget(self) -> None:
        for name in ("tables", "_region_candidates", "_node_candidates", "_chain_candidates",
                     "_enterprise_candidates", "members", "region_levels", "firms_with_ancestors", "firm_groups", "_facts_cache", "_presence_cache",
                     "_relatedness_cache"):
            self.__dict__.pop(name, None)

    @cached_property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every entity table as a frame (read once; the reference atlas is small)."""
        return {kind: exporter.typed_frame(self.store, kind) for kind in LOAD_ORDER}

    def table(self, kind: str) -> pd.DataFrame:
        return self.tables[resolve_kind(kind).kind]

    def counts(self) -> dict[str, int]:
        return self.store.counts()

    # ---------------------------------------------------------------- loading
    def load_reference(self, root: Path | None = None) -> ImportReport:
        """Load the embedded reference atlas (all files in one transaction)."""
        from chainatlas.reference import reference_batches
        from chainatlas.reference.loader import data_dir

        report = import_batches(self.store, reference_batches(root))
        with self.store.transaction() as cur:
            self.store.set_meta(cur, "reference", str(root or data_dir()))
        self._forget()
        return report

    def import_file(self, kind: str, path: str | Path, *, mapping: dict[str, str] | None = None,
                    constants: dict[str, str] | None = None, fmt: str | None = None,
                    sheet: str | None = None, dry_run: bool = False, where: dict[str, str] | None = None,
                    on_error: str = "refuse") -> ImportReport:
        """Import one file of one entity kind; all-or-nothing; see :mod:`chainatlas.store.importer`.

        ``mapping`` is ``{field: column}``, ``constants`` ``{field: value}`` for every row, ``where``
        ``{column: value}`` keeps only matching rows (row numbers still refer to the file).
        """
        spec = resolve_kind(kind)
        raw = read_table(path, fmt, sheet)
        rows = None
        blank = (raw.astype(str).apply(lambda col: col.str.strip()) == "").all(axis=1) if len(raw.columns) else None
        if blank is not None and blank.any():  # blank lines: skipped, numbering kept
            rows = list(np.flatnonzero(~blank.to_numpy()) + 1)
            raw = raw[~blank.to_numpy()].reset_index(drop=True)
        if where:
            keep = np.ones(len(raw), dtype=bool)
            for column, value in where.items():
                if column not in raw.columns:
                    raise DataError(f"{path}: --where names column {column!r}, which the file does not have")
                keep &= (raw[column] == value).to_numpy()
            base = np.asarray(rows) if rows is not None else np.arange(1, len(keep) + 1)
            rows = list(base[keep])
            raw = raw[keep].reset_index(drop=True)
        frame = apply_mapping(raw, mapping, constants)
        ignored = [c for c in frame.columns if c not in spec.columns]
        batch = Batch(spec.kind, str(path), frame[[c for c in frame.columns if c in spec.columns]], rows)
        report = import_batches(self.store, [batch], dry_run=dry_run,
                                ignored={spec.kind: ignored} if ignored else None, on_error=on_error)
        self._forget()
        return report

    def import_frames(self, batches: list[Batch], dry_run: bool = False) -> ImportReport:
        """Import several already-read batches together (one transaction)."""
        report = import_batches(self.store, batches, dry_run=dry_run)
        self._forget()
        return report

    def export(self, directory: str | Path, fmt: str = "csv", kinds: list[str] | None = None) -> list[Path]:
        """Export entity tables to ``directory/<kind>.<fmt>``."""
        kinds = [resolve_kind(k).kind for k in kinds] if kinds else None
        return exporter.export_all(self.store, directory, fmt, kinds)

    def export_graph(self, chain: str | None, path: str | Path, fmt: str | None = None) -> Path:
        """Write a chain's graph (or the whole atlas's) as GraphML or node-link JSON."""
        return exporter.write_graph(self.graph(chain), path, fmt)

    # ---------------------------------------------------------------- lookup
    @cached_property
    def _region_candidates(self) -> list[Candidate]:
        out = []
        for r in self.tables["regions"].to_dict(orient="records"):
            en = r["name_en"] or ""
            en_short = en.replace(" District", "").replace(" County", "").replace(" Prefecture", "")
            names = (r["name_zh"], r.get("short_zh") or "", en, en_short)
            out.append(Candidate(r["code"], names, f"{r['name_zh']} {en} {r['code']}",
                                 LEVEL_PRIORITY.get(r["level"], 9)))
        return out

    @cached_property
    def _chain_candidates(self) -> list[Candidate]:
        out = []
        for c in self.tables["chains"].to_dict(orient="records"):
            aliases = tuple(a for a in (c["aliases"] or "").split("|") if a)
            out.append(Candidate(c["id"], (c["name_zh"], c["name_en"], *aliases),
                                 f"{c['name_zh']} {c['name_en']} ({c['id']})"))
        return out

    @cached_property
    def _node_candidates(self) -> list[Candidate]:
        out = []
        for n in self.tables["nodes"].to_dict(orient="records"):
            aliases = tuple(a for a in (n["aliases"] or "").split("|") if a)
            slug = n["id"].split(".", 1)[-1]
            out.append(Candidate(n["id"], (n["name_zh"], n["name_en"], slug, *aliases),
                                 f"{n['name_zh']} {n['name_en']} ({n['id']})"))
        return out

    @cached_property
    def _enterprise_candidates(self) -> list[Candidate]:
        out = []
        for e in self.tables["enterprises"].to_dict(orient="records"):
            names = (e["name_zh"], e["name_en"], e["stock_code"] or "", e["uscc"] or "")
            out.append(Candidate(e["id"], names, f"{e['name_zh']} {e['name_en']} ({e['id']})"))
        return out

    def _resolve(self, query: str, candidates: list[Candidate], error: type) -> str:
        match = resolve(str(query), candidates)
        if match.key is None:
            raise error(str(query), match.suggestions)
        return match.key

    def resolve_region(self, query: str) -> str:
        """The code of the region named by ``query`` (code, Chinese/English/short name)."""
        return self._resolve(query, self._region_candidates, UnknownRegion)

    def resolve_chain(self, query: str) -> str:
        return self._resolve(query, self._chain_candidates, UnknownChain)

    def resolve_node(self, query: str) -> str:
        return self._resolve(query, self._node_candidates, UnknownNode)

    def resolve_enterprise(self, query: str) -> str:
        return self._resolve(query, self._enterprise_candidates, UnknownEnterprise)

    def region_record(self, code: str) -> dict:
        regions = self.tables["regions"]
        return regions[regions["code"] == code].iloc[0].to_dict()

    # ---------------------------------------------------------------- chains
    @cached_property
    def members(self) -> dict[str, list[str]]:
        """chain id → node ids."""
        cn = self.tables["chain_nodes"]
        return {c: sorted(g["node_id"]) for c, g in cn.groupby("chain_id")}

    def graph(self, chain: str | None = None) -> nx.DiGraph:
        """The chain's graph (input → output), or every node's when ``chain`` is None."""
        members = None
        if chain is not None:
            members = self.members.get(self.resolve_chain(chain), [])
        return chain_graph.build_graph(self.tables["nodes"], self.tables["links"], members)

    def chains(self) -> Table:
        """Every chain with its node count per stage."""
        rows = []
        nodes = self.tables["nodes"].set_index("id")
        for c in self.tables["chains"].to_dict(orient="records"):
            ids = self.members.get(c["id"], [])
            stages = nodes.loc[[i for i in ids if i in nodes.index], "stage"].value_counts()
            rows.append({"id": c["id"], "name_zh": c["name_zh"], "name_en": c["name_en"], "nodes": len(ids),
                         "upstream": int(stages.get("upstream", 0)), "midstream": int(stages.get("midstream", 0)),
                         "downstream": int(stages.get("downstream", 0)),
                         "links": self.graph(c["id"]).number_of_edges()})
        return Table("chains", pd.DataFrame(rows, columns=["id", "name_zh", "name_en", "nodes", "upstream",
                                                           "midstream", "downstream", "links"]))

    def chain(self, chain: str) -> ChainView:
        """A chain's nodes laid out upstream → downstream, with links and nodes shared with other chains."""
        cid = self.resolve_chain(chain)
        record = self.tables["chains"].set_index("id").loc[cid].to_dict()
        record["id"] = cid
        record["main_paths"] = [p.split(">") for p in (record.get("main_paths") or "").split(";") if p]
        g = self.graph(cid)
        ids = self.members.get(cid, [])
        nodes = self.tables["nodes"][self.tables["nodes"]["id"].isin(ids)].reset_index(drop=True)
        links = self.tables["links"]
        links = links[links["source_node"].isin(ids) & links["target_node"].isin(ids)].reset_index(drop=True)
        shared = {n: cs for n, cs in chain_graph.shared_nodes(self.members).items() if n in ids}
        return ChainView(record, nodes, links, chain_graph.layers(g), shared)

    # ---------------------------------------------------------------- regions
    def descendants(self, code: str) -> list[str]:
        """The region and every region below it (province → prefectures → counties)."""
        regions = self.tables["regions"]
        children: dict[str, list[str]] = {}
        for c, p in zip(regions["code"], regions["parent"], strict=True):
            if p:
                children.setdefault(p, []).append(c)
        out, stack, seen = [], [code], set()
        while stack:
            cur = stack.pop()
            if cur in seen:  # a parent cycle in user data must not loop forever
                continue
            seen.add(cur)
            out.append(cur)
            stack.extend(children.get(cur, []))
        return out

    def parents(self, code: str) -> list[dict]:
        regions = self.tables["regions"].set_index("code")
        out, seen = [], {code}
        parent = regions.loc[code, "parent"]
        while parent and parent in regions.index and parent not in seen:
            seen.add(parent)
            rec = regions.loc[parent].to_dict()
            rec["code"] = parent
            out.append(rec)
            parent = rec["parent"]
        return out[::-1]

    def enterprises_in(self, code: str) -> pd.DataFrame:
        """Firms located in the region or any region below it."""
        inside = set(self.descendants(code))
        firms = self.tables["enterprises"]
        return firms[firms["region"].isin(inside)].reset_index(drop=True)

    def region(self, query: str) -> RegionView:
        """A region with its firms, the chains they serve and its indicators (with sources)."""
        code = self.resolve_region(query)
        rec = self.region_record(code)
        firms = self.enterprises_in(code)
        prod = self.tables["production"]
        made = prod[prod["enterprise_id"].isin(firms["id"])][["enterprise_id", "node_id"]].drop_duplicates()
        cn = self.tables["chain_nodes"]
        per_chain = made.merge(cn, on="node_id").groupby("chain_id").agg(
            firms=("enterprise_id", "nunique"), nodes=("node_id", "nunique")).reset_index()
        chains = per_chain.merge(self.tables["chains"][["id", "name_zh", "name_en"]], left_on="chain_id",
                                 right_on="id").drop(columns="id").sort_values("firms", ascending=False)
        obs = self.tables["observations"]
        obs = obs[(obs["subject_kind"] == "region") & (obs["subject_id"] == code)]
        obs = obs.merge(self.tables["sources"][["id", "title", "publisher", "date"]].rename(
            columns={"id": "source_id", "title": "source_title", "publisher": "source_publisher",
                     "date": "source_date"}), on="source_id", how="left")
        children = int((self.tables["regions"]["parent"] == code).sum())
        return RegionView(rec, self.parents(code), children, firms, chains.reset_index(drop=True),
                          obs.reset_index(drop=True))

    # ---------------------------------------------------------------- search
    def search(self, text: str, limit: int = 20) -> Table:
        """Regions, chains, nodes and firms whose names or codes contain ``text`` (either language)."""
        from chainatlas.analysis.lookup import normalise

        q = normalise(text)
        if not q:
            raise ChainAtlasError("search needs some text: a name in Chinese or English, a code or an id")
        rows = []
        groups = (("region", self._region_candidates), ("chain", self._chain_candidates),
                  ("node", self._node_candidates), ("enterprise", self._enterprise_candidates))
        for kind, candidates in groups:
            hits = []
            for c in candidates:
                names = [normalise(n) for n in c.names if n] + [normalise(c.key)]
                if any(q == n for n in names):
                    hits.append((0, c.priority, c))
                elif any(n.startswith(q) for n in names):
                    hits.append((1, c.priority, c))
                elif any(q in n for n in names):
                    hits.append((2, c.priority, c))
            hits.sort(key=lambda h: (h[0], h[1], h[2].key))
            rows.extend({"kind": kind, "id": c.key, "label": c.label, "match": ("exact", "prefix", "contains")[m]}
                        for m, _, c in hits[:limit])
        df = pd.DataFrame(rows, columns=["kind", "id", "label", "match"])
        if df.empty:
            from chainatlas.analysis.lookup import suggest

            all_c = [c for _, cs in groups for c in cs]
            df = pd.DataFrame([{"kind": "suggestion", "id": "", "label": s, "match": "near"}
                               for s in suggest(text, all_c)], columns=["kind", "id", "label", "match"])
        return Table(f"search {text!r}", df)

    # ---------------------------------------------------------------- diagnosis
    @cached_property
    def region_levels(self) -> pd.DataFrame:
        """For every region code, the codes of its province, prefecture and county (itself included)."""
        regions = self.tables["regions"]
        parent = dict(zip(regions["code"], regions["parent"], strict=True))
        level = dict(zip(regions["code"], regions["level"], strict=True))
        rows = []
        for code in regions["code"]:
            rec = {"code": code, "province": None, "prefecture": None, "county": None}
            cur, seen = code, 0
            while cur and seen < 6:
                lv = level.get(cur)
                if lv in ("province", "prefecture", "county"):
                    rec[lv] = cur
                cur = parent.get(cur)
                seen += 1
            rows.append(rec)
        return pd.DataFrame(rows)

    @cached_property
    def firms_with_ancestors(self) -> pd.DataFrame:
        """Every firm with the codes of its province, prefecture and county (read once)."""
        firms = self.tables["enterprises"]
        return firms.merge(self.region_levels, left_on="region", right_on="code", how="left").drop(columns="code")

    def _firms_with_ancestors(self) -> pd.DataFrame:
        return self.firms_with_ancestors

    @cached_property
    def firm_groups(self) -> pd.Series:
        """firm id → group key (stock code, parent code in the note, or ``<id>-<place>`` plants)."""
        return _merge_plant_groups(self.tables["enterprises"].set_index("id").apply(_group_key, axis=1))

    def chain_facts(self, chain: str, year: int | None = None) -> ChainFacts:
        """The facts of one chain and year that every regional diagnosis reuses (cached)."""
        cid = self.resolve_chain(chain)
        key = (cid, year)
        cache = self.__dict__.setdefault("_facts_cache", {})
        if key in cache:
            return cache[key]
        view = self.chain(cid)
        ids = list(view.nodes["id"])
        firms = self._firms_with_ancestors()
        firms, prod = self.with_registry_firms(firms, self.tables["production"])
        prod = prod[prod["node_id"].isin(ids)].merge(
            firms.rename(columns={"id": "enterprise_id", "source_id": "firm_source_id", "note": "firm_note"}),
            on="enterprise_id", how="left")
        obs = self.tables["observations"]
        node_unit = dict(zip(view.nodes["id"], view.nodes["unit"], strict=True))
        stats = obs[(obs["subject_kind"] == "region") & (obs["indicator"] == "output") & obs["node_id"].isin(ids)]
        stats = stats[stats["unit"] == stats["node_id"].map(node_unit)]  # only figures in the node's unit
        levels = dict(zip(self.tables["regions"]["code"], self.tables["regions"]["level"], strict=True))
        stats = stats.rename(columns={"subject_id": "region"}).assign(level=lambda d: d["region"].map(levels))
        shares = obs[(obs["subject_kind"] == "region") & (obs["indicator"] == "output_share_national")
                     & obs["node_id"].isin(ids) & (obs["unit"] == "%")]
        shares = shares.rename(columns={"subject_id": "region"}).assign(level=lambda d: d["region"].map(levels))
        facts = prepare_chain(view.chain, view.nodes, view.links, prod, stats, firms, year, shares)
        cache[key] = facts
        return facts

    def diagnose(self, region: str, chain: str, year: int | None = None,
                 settings: dict[str, object] | DiagnosisSettings | None = None) -> Diagnosis:
        """Which links of ``chain`` the region has, how strong, what is missing, how much value stays.

        ``settings`` overrides thresholds by name (see :mod:`chainatlas.analysis.settings`).
        """
        code = self.resolve_region(region)
        facts = self.chain_facts(chain, year)
        if not isinstance(settings, DiagnosisSettings):
            settings = DiagnosisSettings().with_overrides(settings)
        return diagnose(facts, self.region_record(code), settings)

    def compare(self, chain: str, regions: list[str] | None = None, year: int | None = None,
                level: str = "prefecture", n: int = 8,
                settings: dict[str, object] | None = None) -> Comparison:
        """Headline diagnosis figures for up to 10 regions; default: the chain's top regions of ``level``."""
        facts = self.chain_facts(chain, year)
        codes = list(dict.fromkeys(self.resolve_region(r) for r in regions)) if regions \
            else top_regions(facts, level, n)
        if len(codes) > 10:
            raise ChainAtlasError(f"compare takes at most 10 regions, got {len(codes)}")
        s = DiagnosisSettings().with_overrides(settings)
        return compare([diagnose(facts, self.region_record(c), s) for c in codes])

    def value_ladder(self, path: list[str]) -> pd.DataFrame:
        """Value per unit of the path's first node along any path of nodes (see ``analysis.diagnosis``)."""
        ids = [self.resolve_node(p) for p in path]
        nodes = self.tables["nodes"].set_index("id", drop=False)
        return value_ladder(ids, nodes, self.tables["links"])

    def report(self, region: str, chain: str, out: str | Path | None = None, xlsx: str | Path | None = None,
               year: int | None = None, peers: list[str] | None = None,
               settings: dict[str, object] | None = None) -> str:
        """Render the region report (self-contained HTML); write it to ``out`` and tables to ``xlsx``."""
        from chainatlas import __version__
        from chainatlas.report import charts
        from chainatlas.report.html import render_opportunities_section, render_region_report
        from chainatlas.report.xlsx import write_report_xlsx

        diagnosis = self.diagnose(region, chain, year, settings)
        code = diagnosis.region["code"]
        level = diagnosis.region["level"] if diagnosis.region["level"] in ("province", "prefecture", "county") \
            else "province"
        facts = self.chain_facts(chain, year)
        peer_codes = [self.resolve_region(p) for p in peers] if peers else top_regions(facts, level, 8)
        if code not in peer_codes:
            peer_codes = [code] + peer_codes[:9]
        comparison = self.compare(chain, peer_codes, year, settings=settings)
        d = diagnosis.to_dict()
        sources = jsonable(self.sources_for(d["sources"]))
        regions = self.tables["regions"]
        region_names = dict(zip(regions["code"], regions["name_zh"], strict=True))
        opps = self.opportunities(code, chain, year=year, settings=settings)
        target_lists = self.targets(code, opps, n=10, top=3)
        ids = set(d["sources"])
        for tl in target_lists:
            if len(tl.targets):
                ids.update(tl.targets["source_id"].dropna())
        sources = jsonable(self.sources_for(sorted(ids)))
        section = render_opportunities_section(opps.to_dict(), [t.to_dict() for t in target_lists])
        html = render_region_report(d, comparison.to_dict(), sources, region_names, extra_sections=[section],
                                    extra_charts={"quadrant": charts.quadrant(opps.to_dict())}, version=__version__)
        if out is not None:
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            Path(out).write_text(html, encoding="utf-8")
        if xlsx is not None:
            extra = {"opportunities": opps.candidates}
            for tl in target_lists:
                extra[f"targets {tl.node['id']}"] = tl.targets
            write_report_xlsx(xlsx, d, comparison.to_dict(), sources, extra=extra)
        return html

    def sources_for(self, ids: list[str]) -> pd.DataFrame:
        """The source records behind a list of source ids (for a report's sources section)."""
        src = self.tables["sources"]
        return src[src["id"].isin(ids)].reset_index(drop=True)

    # ---------------------------------------------------------------- opportunities and targets
    def _level_of(self, code: str) -> str:
        level = self.region_record(code)["level"]
        return level if level in ("province", "prefecture", "county") else "province"

    def presence_counts(self, level: str) -> pd.DataFrame:
        """Region (of ``level``) × node matrix of firm counts, over the whole atlas (cached)."""
        cache = self.__dict__.setdefault("_presence_cache", {})
        if level not in cache:
            firms = self._firms_with_ancestors()[["id", level]].dropna()
            made = self.tables["production"][["enterprise_id", "node_id"]].drop_duplicates()
            joined = made.merge(firms, left_on="enterprise_id", right_on="id")
            cache[level] = joined.pivot_table(index=level, columns="node_id", values="enterprise_id",
                                              aggfunc="nunique", fill_value=0)
        return cache[level]

    def relatedness(self, level: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Density (region × node) and proximity (node × node) from firm-count RCA presence (cached)."""
        from chainatlas.analysis.complexity import compute_complexity

        cache = self.__dict__.setdefault("_relatedness_cache", {})
        if level not in cache:
            counts = self.presence_counts(level)
            result = compute_complexity(counts.astype(float), presence="rca")
            density = pd.DataFrame(np.asarray(result.density), index=result.regions, columns=result.products)
            proximity = pd.DataFrame(np.asarray(result.proximity), index=result.products, columns=result.products)
            cache[level] = (density, proximity)
        return cache[level]

    def opportunities(self, region: str, chain: str | None = None, weights: dict[str, float] | None = None,
                      year: int | None = None, settings: dict[str, object] | None = None) -> Opportunities:
        """Links to strengthen, supplement or extend, ranked with their score components shown.

        Without ``chain`` every chain is considered (diversification across chains).
        """
        code = self.resolve_region(region)
        chain_ids = [self.resolve_chain(chain)] if chain else sorted(self.members)
        status: dict[str, str] = {}
        chain_of: dict[str, str] = {}
        national_value: dict[str, float] = {}
        for cid in chain_ids:
            d = self.diagnose(code, cid, year, settings)
            for rec in d.nodes.to_dict(orient="records"):
                prev = status.get(rec["node_id"])
                if prev is None or STATUS_ORDER[rec["status"]] < STATUS_ORDER[prev]:
                    status[rec["node_id"]] = rec["status"]
                chain_of.setdefault(rec["node_id"], cid)
                national_value[rec["node_id"]] = rec["national_output_value"]
        level = self._level_of(code)
        density_frame, _ = self.relatedness(level)
        density = density_frame.loc[code].to_dict() if code in density_frame.index else {}
        counts = self.presence_counts(level)
        shares = counts.div(counts.sum(axis=0).replace(0, np.nan), axis=1)
        node_hhi = (shares ** 2).sum(axis=0).to_dict()
        province = self.region_levels.set_index("code").loc[code, "province"]
        inside = set(self.descendants(code))
        firms = self._firms_with_ancestors()
        neighbours = firms[(firms["province"] == province) & ~firms["region"].isin(inside)]["id"]
        prod = self.tables["production"]
        province_present = set(prod.loc[prod["enterprise_id"].isin(neighbours), "node_id"])
        members = set(status)
        g = chain_graph.build_graph(self.tables["nodes"], self.tables["links"], members)
        nodes = self.tables["nodes"].set_index("id", drop=False)
        rec = self.region_record(code)
        return score_candidates(region={k: rec[k] for k in ("code", "name_zh", "name_en", "level")},
                                chain_ids=chain_ids, nodes=nodes, graph=g, status=status, density=density,
                                province_present=province_present, node_hhi=node_hhi,
                                national_value=national_value, chain_of=chain_of, weights=weights)

    def targets(self, region: str, node: str | Opportunities, n: int = 20, top: int = 5,
                weights: dict[str, float] | None = None) -> TargetList | list[TargetList]:
        """Firms outside the region to attract for a link (or for the top links of an opportunity list)."""
        if isinstance(node, Opportunities):
            picks = node.candidates[node.candidates["action"] != "watch"].head(top)["node_id"]
            return [self.targets(region, nid, n=n, weights=weights) for nid in picks]
        if n < 1:
            raise ChainAtlasError(f"n must be at least 1, not {n}")
        code = self.resolve_region(region)
        nid = self.resolve_node(node)
        nodes = self.tables["nodes"].set_index("id", drop=False)
        node_rec = {k: nodes.loc[nid, k] for k in ("id", "name_zh", "name_en", "unit", "stage")}
        rec = self.region_record(code)
        region_rec = {k: rec[k] for k in ("code", "name_zh", "name_en", "level")}
        inside = set(self.descendants(code))
        firms = self._firms_with_ancestors()
        prod = self.tables["production"]
        makers = prod[prod["node_id"] == nid]
        substitute = False
        if makers.empty:
            _, proximity = self.relatedness("prefecture")
            if nid in proximity.index:
                near = proximity.loc[nid].drop(nid, errors="ignore")
                near = near[near > 0].sort_values(ascending=False).head(3)
                makers = prod[prod["node_id"].isin(near.index)]
                substitute = True
        makers = makers.sort_values("year").groupby(["enterprise_id", "node_id"], as_index=False).tail(1)
        group = self.firm_groups
        local_groups = set(group[firms.loc[firms["region"].isin(inside), "id"]])
        # a firm already in the region, or a group with a plant there, is not a target
        makers = makers[~makers["enterprise_id"].map(group).isin(local_groups)]
        if makers.empty:
            return rank_targets(region=region_rec, node=node_rec, candidates=pd.DataFrame(), n=n, weights=weights)
        local_firms = firms.loc[firms["region"].isin(inside), "id"]
        local_nodes = set(prod.loc[prod["enterprise_id"].isin(local_firms), "node_id"])
        links = self.tables["links"]
        supplies = links[links["target_node"].isin(local_nodes)].groupby("source_node")["target_node"].apply(list)
        buys = links[links["source_node"].isin(local_nodes)].groupby("target_node")["source_node"].apply(list)
        made_by_firm = prod.groupby("enterprise_id")["node_id"].apply(set)
        provinces_of_group = firms.assign(group=firms["id"].map(group)).groupby("group")["province"].nunique()
        regions = self.tables["regions"].set_index("code")
        rows = []
        for m in makers.to_dict(orient="records"):
            f = firms[firms["id"] == m["enterprise_id"]].iloc[0]
            link_en, link_zh = [], []
            for x in sorted(made_by_firm.get(f["id"], set())):
                for t in supplies.get(x, []):
                    link_en.append(f"its {x} feeds local {t}")
                    link_zh.append(f"其{nodes.loc[x, 'name_zh']}供本地{nodes.loc[t, 'name_zh']}")
                for t in buys.get(x, []):
                    link_en.append(f"its {x} uses local {t}")
                    link_zh.append(f"其{nodes.loc[x, 'name_zh']}使用本地{nodes.loc[t, 'name_zh']}")
            fr = regions.loc[f["region"]] if f["region"] in regions.index else None
            distance = haversine_km(rec.get("lon"), rec.get("lat"), fr["lon"], fr["lat"]) if fr is not None else np.nan
            qty = m["output"] if not pd.isna(m["output"]) else m["capacity"]
            rows.append({
                "id": f["id"], "name_zh": f["name_zh"], "name_en": f["name_en"], "region": f["region"],
                "region_name_zh": fr["name_zh"] if fr is not None else "", "region_name_en": fr["name_en"] if fr is not None
                else "", "province": f["province"], "listed": bool(f["listed"]) if not pd.isna(f["listed"]) else False,
                "exchange": f["exchange"], "stock_code": f["stock_code"],
                "high_tech": bool(f["high_tech"]) if not pd.isna(f["high_tech"]) else False,
                "made_node": m["node_id"], "made_name_zh": nodes.loc[m["node_id"], "name_zh"],
                "made_name_en": nodes.loc[m["node_id"], "name_en"], "substitute": substitute,
                "quantity": qty, "quantity_unit": nodes.loc[m["node_id"], "unit"], "revenue": m["revenue"],
                "year": m["year"], "chain_link": "; ".join(link_en[:3]), "chain_link_zh": "；".join(link_zh[:3]),
                "provinces": int(provinces_of_group.get(group.get(f["id"]), 1)),
                "same_province": bool(f["province"] == self.region_levels.set_index("code").loc[code, "province"]),
                "distance_km": distance, "source_id": m["source_id"],
            })
        return rank_targets(region=region_rec, node=node_rec, candidates=pd.DataFrame(rows), n=n, weights=weights)

    def activity_matrix(self, level: str = "prefecture", measure: str = "firms", chain: str | None = None,
                        year: int | None = None) -> pd.DataFrame:
        """Region × node matrix for complexity work: firm counts, output value (yuan) or revenue (yuan).

        Output is valued at each node's unit value so nodes counted in different units add up;
        the latest figure at or before ``year`` is used per firm and node.
        """
        if level not in ("province", "prefecture", "county"):
            raise ChainAtlasError(f"level must be province, prefecture or county, not {level!r}")
        if measure not in ("firms", "output", "revenue"):
            raise ChainAtlasError(f"measure must be firms, output or revenue, not {measure!r}")
        prod = self.tables["production"]
        if chain is not None:
            prod = prod[prod["node_id"].isin(self.members.get(self.resolve_chain(chain), []))]
        if year is not None:
            prod = prod[prod["year"] <= year]
        prod = prod.sort_values("year").groupby(["enterprise_id", "node_id"], as_index=False).tail(1)
        firms = self._firms_with_ancestors()[["id", level]]
        joined = prod.merge(firms, left_on="enterprise_id", right_on="id").dropna(subset=[level])
        if measure == "firms":
            return joined.pivot_table(index=level, columns="node_id", values="enterprise_id", aggfunc="nunique",
                                      fill_value=0).astype(float)
        if measure == "output":
            uv = self.tables["nodes"].set_index("id")["unit_value"]
            qty = joined["output"].where(joined["output"].notna(), joined["capacity"])
            joined = joined.assign(value=qty * joined["node_id"].map(uv))
        else:
            joined = joined.assign(value=joined["revenue"])
        joined = joined.dropna(subset=["value"])
        return joined.pivot_table(index=level, columns="node_id", values="value", aggfunc="sum", fill_value=0.0)

    def complexity(self, level: str = "prefecture", measure: str = "firms", variant: str = "growthlab-py",
                   chain: str | None = None, year: int | None = None, threshold: float = 1.0):
        """Economic complexity and relatedness of regions × chain nodes (see ``analysis.complexity``)."""
        from chainatlas.analysis.complexity import compute_complexity

        matrix = self.activity_matrix(level, measure, chain, year)
        if matrix.empty:
            raise ChainAtlasError(f"no {measure} figures for {level} regions to compute complexity on")
        return compute_complexity(matrix, variant=variant, threshold=threshold)

    # ---------------------------------------------------------------- evaluation
    def systems(self) -> dict[str, IndicatorSystem]:
        """The shipped evaluation indicator systems (id → system)."""
        from chainatlas.reference import systems

        return {k: system_from_dict(v) for k, v in systems().items()}

    def _system(self, system: str | IndicatorSystem) -> IndicatorSystem:
        if isinstance(system, IndicatorSystem):
            return system
        path = Path(str(system))
        if path.suffix == ".toml" and path.exists():
            import tomllib

            return system_from_dict(tomllib.loads(path.read_text(encoding="utf-8")))
        shipped = self.systems()
        if system in shipped:
            return shipped[system]
        match = resolve(str(system), [Candidate(k, (v.name_zh, v.name_en), f"{v.name_zh} {v.name_en} ({k})")
                                      for k, v in shipped.items()])
        if match.key is None:
            raise ChainAtlasError(f"unknown indicator system {system!r}; shipped: {', '.join(shipped)}"
                                  + (f"; did you mean {', '.join(match.suggestions)}?" if match.suggestions else ""))
        return shipped[match.key]

    def _evaluation_regions(self, regions: list[str] | None, within: str | None) -> list[str]:
        table = self.tables["regions"]
        if regions:
            return [self.resolve_region(r) for r in regions]
        if within:
            parent = self.resolve_region(within)
            return list(table.loc[table["parent"] == parent, "code"])
        return list(table.loc[table["level"] == "province", "code"])

    def indicator_values(self, system: str | IndicatorSystem, regions: list[str], year: int | None = None
                         ) -> tuple[pd.DataFrame, pd.DataFrame, int | None]:
        """Region × indicator values for a system, the observations behind them, and the year used.

        Without ``year``, the year with the most figures for these regions is used. A node-bound
        indicator (``output_share_national@photovoltaics.glass``) reads observations about that node.
        """
        sys_ = self._system(system)
        obs = self.tables["observations"]
        obs = obs[(obs["subject_kind"] == "region") & obs["subject_id"].isin(regions)].copy()
        obs["key"] = np.where(obs["node_id"].fillna("") != "", obs["indicator"] + "@" + obs["node_id"].fillna(""),
                              obs["indicator"])
        obs = obs[obs["key"].isin(sys_.keys)]
        if year is None and len(obs):
            year = int(obs.groupby("year").size().sort_values(kind="stable").index[-1])
        used = obs[obs["year"] == year] if year is not None else obs.iloc[0:0]
        values = used.pivot_table(index="subject_id", columns="key", values="value", aggfunc="first")
        values = values.reindex(index=regions, columns=sys_.keys)
        provenance = used.merge(self.tables["sources"][["id", "title", "publisher", "date"]].rename(
            columns={"id": "source_id", "title": "source_title", "publisher": "source_publisher",
                     "date": "source_date"}), on="source_id", how="left")
        return values, provenance.reset_index(drop=True), year

    def evaluate(self, system: str | IndicatorSystem, regions: list[str] | None = None, within: str | None = None,
                 year: int | None = None, method: str = "entropy-topsis", normalisation: str = "minmax",
                 missing: str = "auto", focus: str | None = None) -> Evaluation:
        """Score and rank regions under an indicator system (see :mod:`chainatlas.analysis.evaluation`).

        ``within=PROVINCE`` ranks the province's prefectures; ``regions`` names them explicitly; the
        default is every province. With two years of figures the rank change is filled in.
        ``focus`` adds a sensitivity table for one region (what would move its rank).
        """
        sys_ = self._system(system)
        codes = self._evaluation_regions(regions, within)
        values, provenance, year = self.indicator_values(sys_, codes, year)
        result = evaluate(values, sys_, method=method, normalisation=normalisation, missing=missing, year=year)
        if year is not None:
            last, _, _ = self.indicator_values(sys_, codes, year - 1)
            if last.notna().any().any():
                try:
                    result = result.with_rank_change(
                        evaluate(last, sys_, method=method, normalisation=normalisation, missing=missing,
                                 year=year - 1))
                except ChainAtlasError:
                    pass  # last year's figures cannot be ranked on their own; no rank change then
        sens = None
        if focus is not None:
            sens = sensitivity(values, sys_, self.resolve_region(focus), method=method,
                               normalisation=normalisation, missing=missing)
        regions_table = self.tables["regions"].set_index("code")
        names = {c: {"name_zh": regions_table.loc[c, "name_zh"], "name_en": regions_table.loc[c, "name_en"]}
                 for c in codes if c in regions_table.index}
        return Evaluation(result, sens, provenance, names, sys_)

    # ---------------------------------------------------------------- checks
    def check(self) -> CheckReport:
        """Validate the loaded atlas (see :mod:`chainatlas.analysis.checks`)."""
        return check_atlas(self.tables)


    # --- registry ---
    # Registry exports (企业挂链): classify, import, count, review; registry producers join the
    # curated firms in diagnosis through with_registry_firms. Rules live in analysis.classify.
    def _has_registry(self) -> bool:
        tables = {r[0] for r in self.store.con.cursor().execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
        return {"registry_firms", "assignments", "assignment_reviews"} <= tables

    def classify_context(self, vocabulary: list[str | Path] | tuple = ()):
        """The vocabulary (shipped + the user's ``vocabulary`` files) and region resolver of this store."""
        from chainatlas.registry.context import build_context

        nodes = self.tables["nodes"].to_dict("records")
        regions = self.tables["regions"][["code", "name_zh", "short_zh", "level", "parent"]]
        return build_context(regions.astype(object).where(regions.notna(), "").to_dict("records"),
                             list(vocabulary), nodes)

    def classify_registry(self, path: str | Path, out: str | Path | None, *, engine: str = "local",
                          mapping: dict[str, str] | None = None, vocabulary: list[str | Path] | tuple = (),
                          workers: int = 1):
        """Classify a registry export onto chain nodes and write the assignments (nothing is stored)."""
        from chainatlas.registry.pipeline import classify_file

        return classify_file(path, out, self.classify_context(vocabulary), engine, mapping, workers=workers)

    def import_registry(self, path: str | Path, *, date: str | None = None, publisher: str = "user",
                        engine: str = "local", mapping: dict[str, str] | None = None, skip_invalid: bool = False,
                        dry_run: bool = False, vocabulary: list[str | Path] | tuple = ()):
        """Classify a registry export and store its firms and assignments (all-or-nothing)."""
        import datetime as dt

        from chainatlas.registry.pipeline import import_registry

        day = date or dt.date.fromtimestamp(Path(path).stat().st_mtime).isoformat()
        report = import_registry(self.store, path, self.classify_context(vocabulary), date=day,
                                 publisher=publisher, engine=engine, mapping=mapping,
                                 skip_invalid=skip_invalid, dry_run=dry_run)
        self._forget()
        return report

    def registry_counts(self, level: str = "prefecture", region: str | None = None, chain: str | None = None,
                        min_score: float | None = None) -> Table:
        """Registry producers (active, role producer, score ≥ min_score) per region × node."""
        from chainatlas.analysis.classify import MIN_SCORE
        from chainatlas.store.registry import registry_counts

        score = MIN_SCORE if min_score is None else min_score
        regions = [self.resolve_region(region)] if region else None
        nodes = list(self.chain(chain).nodes["id"]) if chain else None
        df = registry_counts(self.store, level, score, regions, nodes) if self._has_registry() else \
            pd.DataFrame(columns=["region", "node_id", "firms"])
        return Table(f"registry producers per {level} × node (score ≥ {score})", df)

    def registry_doubtful(self, region: str | None = None, node: str | None = None, below: float = 0.6) -> Table:
        """Assignments scoring below ``below``: the ones worth a look before they are trusted."""
        from chainatlas.store.registry import doubtful

        regions = [self.resolve_region(region)] if region else None
        nodes = [self.resolve_node(node)] if node else None
        df = doubtful(self.store, regions, nodes, below) if self._has_registry() else pd.DataFrame()
        return Table(f"assignments scoring below {below}", df)

    def review_assignment(self, firm: str, node: str, decision: str, note: str = "") -> None:
        """Keep a user's accept/reject of one assignment (it survives re-imports of the registry)."""
        import datetime as dt

        from chainatlas.store.registry import review

        if decision not in ("accept", "reject"):
            raise ChainAtlasError(f"decision must be accept or reject, not {decision!r}")
        review(self.store, firm, self.resolve_node(node), decision, note, dt.date.today().isoformat())
        self._forget()

    def with_registry_firms(self, firms: pd.DataFrame, production: pd.DataFrame,
                            min_score: float | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Curated firms and production plus registry producers in the same shapes.

        A registry firm already curated (same credit code, else same name) is left out, so no firm
        is counted twice; registry rows carry no quantities (they count as firms, never as output).
        """
        from chainatlas.analysis.classify import MIN_SCORE
        from chainatlas.store.registry import registry_producers

        if not self._has_registry():
            return firms, production
        found = registry_producers(self.store, MIN_SCORE if min_score is None else min_score)
        if found.empty:
            return firms, production
        dates = dict(zip(self.tables["sources"]["id"], self.tables["sources"]["date"], strict=True))
        ids = "registry:" + found["firm_id"]
        extra_firms = pd.DataFrame({
            "id": ids, "name_zh": found["name_zh"], "name_en": found["name_zh"], "region": found["region"],
            "uscc": found["credit_code"], "source_id": found["firm_source_id"], "note": "registry export",
            "province": found["province"], "prefecture": found["prefecture"], "county": found["county"],
        }).drop_duplicates("id")
        years = found["source_id"].map(lambda s: int(str(dates.get(s) or "0")[:4] or 0))
        extra_prod = pd.DataFrame({
            "enterprise_id": ids, "node_id": found["node_id"], "year": years.astype("Int64"),
            "capacity": np.nan, "output": np.nan, "revenue": np.nan, "source_id": found["source_id"],
            "note": "registry producer, score " + found["score"].round(2).astype(str),
        })
        return (pd.concat([firms, extra_firms], ignore_index=True),
                pd.concat([production, extra_prod], ignore_index=True))

__all__ = ["Atlas", "ChainView", "RegionView", "Table", "open_atlas", "SPECS"]
