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
from chainatlas.analysis import lists as briefing_lists
from chainatlas.analysis.briefing import BriefingLists, PlanProgress, PointMap, Series
from chainatlas.analysis.checks import CheckReport, check_atlas
from chainatlas.analysis.diagnosis import (
    LEVELS,
    ChainFacts,
    Comparison,
    Diagnosis,
    NationalRun,
    compare,
    diagnose,
    diagnose_all,
    prepare_chain,
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
from chainatlas.analysis.lists import ListRules
from chainatlas.analysis.lookup import Candidate, resolve
from chainatlas.analysis.opportunities import Opportunities, score_candidates
from chainatlas.analysis.peers import check_compare, leaders
from chainatlas.analysis.peers import peers as peers_rule
from chainatlas.analysis.settings import DiagnosisSettings
from chainatlas.analysis.targets import TargetList
from chainatlas.errors import ChainAtlasError, DataError, UnknownChain, UnknownEnterprise, UnknownNode, UnknownRegion
from chainatlas.model.entities import LOAD_ORDER, SPECS, resolve_kind
from chainatlas.results import Result, jsonable
from chainatlas.store import corrections, exporter
from chainatlas.store.db import Store, default_path
from chainatlas.store.importer import Batch, ImportReport, apply_mapping, import_batches
from chainatlas.store.readers import read_table

LEVEL_PRIORITY = {"country": 0, "province": 1, "prefecture": 2, "county": 3}
STATUS_ORDER = {"strong": 0, "present": 1, "weak": 2, "missing": 3, "unknown": 4}


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
                     "_enterprise_candidates", "members", "region_levels", "firms_with_ancestors", "firm_groups", "_facts_cache", "_diagnosis_cache", "_graph_cache", "_capped", "_target_inputs", "_presence_cache",
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
        corrections.reapply(self.store)  # users' corrections outlive a reload of the shipped records
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
        extra: list[Batch] = []
        if spec.kind == "observations":  # facts files carry their document as source_* columns
            from chainatlas.store.embedded_sources import EMBEDDED, embedded_sources

            found = embedded_sources(frame, str(path), set(self.store.keys("sources")), rows)
            extra = [found] if found is not None else []
            frame = frame[[c for c in frame.columns if c not in EMBEDDED]]
        ignored = [c for c in frame.columns if c not in spec.columns]
        batch = Batch(spec.kind, str(path), frame[[c for c in frame.columns if c in spec.columns]], rows)
        report = import_batches(self.store, [*extra, batch], dry_run=dry_run,
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
        records = self.tables["regions"].to_dict(orient="records")
        by_code = {r["code"]: r for r in records}
        out = []
        for r in records:
            en = r["name_en"] or ""
            en_short = en.replace(" District", "").replace(" County", "").replace(" Prefecture", "")
            names = (r["name_zh"], r.get("short_zh") or "", en, en_short)
            within, cur = [], by_code.get(r.get("parent") or "")
            while cur is not None and cur["code"] not in within and len(within) < 8:
                within.append(cur["code"])
                cur = by_code.get(cur.get("parent") or "")
            # the province in the label tells apart regions of one name (朝阳区 in 北京市 or in 吉林省)
            province = next((by_code[c] for c in within if by_code[c]["level"] == "province"), None)
            where = f" ({province['name_zh']} {province['name_en']})" if province else ""
            out.append(Candidate(r["code"], names, f"{r['name_zh']} {en} {r['code']}{where}",
                                 LEVEL_PRIORITY.get(r["level"], 9), within=tuple(within)))
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
            raise error(str(query), match.suggestions, ambiguous=bool(match.ambiguous))
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
        """firm id → group key (``group_id`` record, stock code, parent code in the note, ``<id>-<place>``)."""
        from chainatlas.analysis.targets import group_keys

        return group_keys(self.tables["enterprises"])

    def chain_facts(self, chain: str, year: int | None = None) -> ChainFacts:
        """The facts of one chain and year that every regional diagnosis reuses (cached)."""
        cid = self.resolve_chain(chain)
        key = (cid, year)
        cache = self.__dict__.setdefault("_facts_cache", {})
        if key in cache:
            return cache[key]
        view = self.chain(cid)
        ids = list(view.nodes["id"])
        nodes = view.nodes.copy()
        cn = self.tables["chain_nodes"]
        if "external_input" in cn.columns:  # a node entering this chain from another one
            ext = cn[(cn["chain_id"] == cid)].set_index("node_id")["external_input"]
            nodes["external_input"] = nodes["id"].map(ext).fillna(False).astype(bool)
        firms = self._firms_with_ancestors()
        firms, prod = self.with_registry_firms(firms, self.tables["production"])
        prod = prod[prod["node_id"].isin(ids)].merge(
            firms.rename(columns={"id": "enterprise_id", "source_id": "firm_source_id", "note": "firm_note"}),
            on="enterprise_id", how="left")
        obs = self.tables["observations"]
        obs = obs[obs["subject_kind"] == "region"]
        node_unit = dict(zip(view.nodes["id"], view.nodes["unit"], strict=True))
        levels = dict(zip(self.tables["regions"]["code"], self.tables["regions"]["level"], strict=True))
        stats = obs[(obs["indicator"] == "output") & obs["node_id"].isin(ids)]
        stats = stats[stats["unit"] == stats["node_id"].map(node_unit)]  # only figures in the node's unit
        stats = stats.rename(columns={"subject_id": "region"}).assign(level=lambda d: d["region"].map(levels))
        shares = obs[obs["indicator"].isin(["output_share_national", "capacity_share_national"])
                     & obs["node_id"].isin(ids) & (obs["unit"] == "%")]
        shares = shares.rename(columns={"subject_id": "region"}).assign(level=lambda d: d["region"].map(levels))
        facts = prepare_chain(view.chain, nodes, view.links, prod, stats, firms, year, shares,
                              baselines=self.baselines(), regions=self.tables["regions"])
        cache[key] = facts
        return facts

    def baselines(self) -> pd.DataFrame:
        """Regional and national economy sizes (industrial value added, GDP, resident population) in base units."""
        from chainatlas.analysis.diagnosis import BASELINE_INDICATORS
        from chainatlas.model.units import to_base

        obs = self.tables["observations"]
        b = obs[(obs["subject_kind"] == "region") & obs["indicator"].isin(BASELINE_INDICATORS)
                & (obs["node_id"].fillna("") == "")]
        b = b.rename(columns={"subject_id": "region"})[["region", "indicator", "year", "value", "unit", "source_id"]]
        factors = {u: to_base(1.0, u)[0] for u in b["unit"].dropna().unique()}
        return b.assign(value=b["value"] * b["unit"].map(factors)).reset_index(drop=True)

    def _settings(self, settings: dict[str, object] | DiagnosisSettings | None) -> DiagnosisSettings:
        return settings if isinstance(settings, DiagnosisSettings) else DiagnosisSettings().with_overrides(settings)

    def diagnose(self, region: str, chain: str, year: int | None = None,
                 settings: dict[str, object] | DiagnosisSettings | None = None) -> Diagnosis:
        """Which links of ``chain`` the region has, how strong, on what evidence, how much value stays.

        ``settings`` overrides thresholds by name (see :mod:`chainatlas.analysis.settings`). Memoised
        per region, chain, year and settings.
        """
        code = self.resolve_region(region)
        cid = self.resolve_chain(chain)
        s = self._settings(settings)
        key = (code, cid, year, s.key())
        cache = self.__dict__.setdefault("_diagnosis_cache", {})
        if key not in cache:
            cache[key] = diagnose(self.chain_facts(cid, year), self.region_record(code), s)
        return cache[key]

    def compare(self, chain: str, regions: list[str] | None = None, year: int | None = None,
                level: str = "prefecture", n: int | None = None,
                settings: dict[str, object] | None = None) -> Comparison:
        """Headline diagnosis figures for up to ``compare_cap`` regions; default: the chain's leaders of ``level``."""
        codes = [self.resolve_region(r) for r in regions] if regions else self.leaders(chain, level, n, year)
        codes = check_compare(codes)
        return compare([self.diagnose(c, chain, year, settings) for c in codes])

    def value_ladder(self, path: list[str]) -> pd.DataFrame:
        """Value per unit of the path's first node along any path of nodes (see ``analysis.diagnosis``)."""
        ids = [self.resolve_node(p) for p in path]
        nodes = self.tables["nodes"].set_index("id", drop=False)
        return value_ladder(ids, nodes, self.tables["links"])

    def report(self, region: str, chain: str, out: str | Path | None = None, xlsx: str | Path | None = None,
               year: int | None = None, peers: list[str] | None = None,
               settings: dict[str, object] | None = None, whatif: list[str] | None = None) -> str:
        """Render the region report (self-contained HTML); write it to ``out`` and tables to ``xlsx``.

        ``whatif`` (``["aluminium.foil-battery=50000t"]``) adds that scenario's before → after.
        """
        from chainatlas import __version__
        from chainatlas.report import charts
        from chainatlas.report.html import render_opportunities_section, render_region_report
        from chainatlas.report.xlsx import write_report_xlsx

        diagnosis = self.diagnose(region, chain, year, settings)
        code = diagnosis.region["code"]
        peer_codes = [self.resolve_region(p) for p in peers] if peers else None
        if peer_codes is None or code not in peer_codes:
            peer_codes = self.peers(code, chain, year) if peer_codes is None else peers_rule(code, peer_codes)
        comparison = self.compare(chain, peer_codes, year, settings=settings)
        d = diagnosis.to_dict()
        sources = jsonable(self.sources_for(d["sources"]))
        regions = self.tables["regions"]
        region_names = dict(zip(regions["code"], regions["name_zh"], strict=True))
        opps = self.opportunities(code, chain, year=year, settings=settings)
        target_lists = self.targets(code, opps, n=10, top=3)
        ids = set(d["sources"]) | {self.io_table()[1]["source_id"]}
        for tl in target_lists:
            if len(tl.targets):
                ids.update(tl.targets["source_id"].dropna())
        sources = jsonable(self.sources_for(sorted(ids)))
        section = render_opportunities_section(opps.to_dict(), [t.to_dict() for t in target_lists])
        io_section = self._io_report_section(code, chain, year, settings, whatif)
        brief_html, brief_charts, brief_sheets = self._briefing_section(code, chain, year, settings)
        html = render_region_report(d, comparison.to_dict(), sources, region_names,
                                    extra_sections=[section, brief_html, io_section],
                                    extra_charts={"quadrant": charts.quadrant(opps.to_dict()), **brief_charts},
                                    version=__version__)
        if out is not None:
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            Path(out).write_text(html, encoding="utf-8")
        if xlsx is not None:
            extra = {"opportunities": opps.candidates, **brief_sheets}
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
        rec = self.region_record(code)
        for cid in chain_ids:
            for node_id, st, nat_value in self._link_rows(code, rec["level"], cid, year, settings):
                prev = status.get(node_id)
                if prev is None or STATUS_ORDER[st] < STATUS_ORDER[prev]:
                    status[node_id] = st
                chain_of.setdefault(node_id, cid)
                national_value[node_id] = nat_value
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
        graphs = self.__dict__.setdefault("_graph_cache", {})
        key = frozenset(members)
        if key not in graphs:
            graphs[key] = chain_graph.build_graph(self.tables["nodes"], self.tables["links"], members)
        g = graphs[key]
        nodes = self.tables["nodes"].set_index("id", drop=False)
        rec = self.region_record(code)
        return score_candidates(region={k: rec[k] for k in ("code", "name_zh", "name_en", "level")},
                                chain_ids=chain_ids, nodes=nodes, graph=g, status=status, density=density,
                                province_present=province_present, node_hhi=node_hhi,
                                national_value=national_value, chain_of=chain_of, weights=weights,
                                capped=self.capped_nodes())

    def capped_nodes(self) -> dict[str, str]:
        """Nodes whose national capacity is capped: a national ``capacity`` observation with comparator ``<=``."""
        if "_capped" in self.__dict__:
            return self.__dict__["_capped"]
        self.__dict__["_capped"] = self._read_caps()
        return self.__dict__["_capped"]

    def _read_caps(self) -> dict[str, str]:
        obs = self.tables["observations"]
        if "comparator" not in obs.columns:
            return {}
        caps = obs[(obs["subject_kind"] == "region") & (obs["subject_id"] == "100000")
                   & (obs["indicator"] == "capacity") & obs["comparator"].isin(["<=", "<"])]
        return {r["node_id"]: f"national capacity capped at {r['value']:,.0f} {r['unit']} ({int(r['year'])}, "
                f"{r['source_id']})" for r in caps.to_dict(orient="records")}

    @cached_property
    def _target_inputs(self) -> dict:
        """What every target list reuses, computed once per atlas: latest production per firm × node,
        distinct firm × node pairs and firms with group key and the provinces their group is in."""
        prod = self.tables["production"]
        latest = prod.sort_values("year", kind="stable").drop_duplicates(["enterprise_id", "node_id"], keep="last")
        firms = self._firms_with_ancestors().copy()
        firms["group"] = firms["id"].map(self.firm_groups)
        firms["group_provinces"] = firms["group"].map(firms.groupby("group")["province"].nunique())
        return {"latest": latest, "made": prod[["enterprise_id", "node_id"]].drop_duplicates(), "firms": firms,
                "nodes": self.tables["nodes"].set_index("id")}

    def targets(self, region: str, node: str | Opportunities, n: int = 20, top: int = 5,
                weights: dict[str, float] | None = None) -> TargetList | list[TargetList]:
        """Firms outside the region to attract for a link (or for the top links of an opportunity list)."""
        from chainatlas.analysis.settings import limit
        from chainatlas.analysis.targets import rank_targets, target_candidates

        if isinstance(node, Opportunities):
            picks = node.candidates[node.candidates["action"] != "watch"].head(top)["node_id"]
            return [self.targets(region, nid, n=n, weights=weights) for nid in picks]
        if n < 1:
            raise ChainAtlasError(f"n must be at least 1, not {n}")
        code = self.resolve_region(region)
        nid = self.resolve_node(node)
        inputs = self._target_inputs
        nodes = inputs["nodes"]
        node_rec = {"id": nid, **{k: nodes.loc[nid, k] for k in ("name_zh", "name_en", "unit", "stage")}}
        rec = self.region_record(code)
        region_rec = {k: rec[k] for k in ("code", "name_zh", "name_en", "level")}
        latest = inputs["latest"]
        makers = latest[latest["node_id"] == nid]
        substitute = False
        if makers.empty:
            _, proximity = self.relatedness("prefecture")
            if nid in proximity.index:
                near = proximity.loc[nid].drop(nid, errors="ignore")
                near = near[near > 0].sort_values(ascending=False).head(limit("substitute_count"))
                makers = latest[latest["node_id"].isin(near.index)]
                substitute = True
        province = self.region_levels.set_index("code").loc[code, "province"]
        candidates = target_candidates(
            makers=makers, firms=inputs["firms"], made=inputs["made"], links=self.tables["links"], nodes=nodes,
            regions=self.tables["regions"], inside=set(self.descendants(code)), province=province,
            home={"lon": rec.get("lon"), "lat": rec.get("lat")}, substitute=substitute)
        return rank_targets(region=region_rec, node=node_rec, candidates=candidates, n=n, weights=weights)

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

    # --- corrections ---
    def correct(self, path: str | Path, *, fmt: str | None = None, sheet: str | None = None,
                dry_run: bool = False) -> ImportReport:
        """Apply a corrections file (see DATA.md, "Corrections"): all rows or none, kept across reloads."""
        raw = read_table(path, fmt, sheet)
        report = corrections.apply(self.store, raw, str(path), dry_run=dry_run)
        self._forget()
        return report

    def corrections_of(self, kind: str, key: str) -> pd.DataFrame:
        """Corrections applied to one record (``key`` as in a corrections file), oldest first."""
        spec = resolve_kind(kind)
        return self.store.frame("SELECT * FROM corrections WHERE target_kind = ? AND target_key = ? ORDER BY date",
                                [spec.kind, key])

    # --- input-output and what-if ---
    def io_table(self, table: str | int | None = None):
        """A shipped national input-output table (by id or year; default: the manifest's default) and its record."""
        from chainatlas.analysis.io import table_from_frame
        from chainatlas.reference.io_tables import io_frame, io_manifest

        manifest = io_manifest()
        if table is None:
            rec = manifest[manifest["default"]].iloc[0]
        elif str(table) in set(manifest["id"]):
            rec = manifest[manifest["id"] == str(table)].iloc[0]
        elif str(table).isdigit() and int(table) in set(manifest["year"]):
            rec = manifest[manifest["year"] == int(table)].iloc[0]
        else:
            raise ChainAtlasError(f"no input-output table {table!r}; shipped: "
                                  + ", ".join(f"{i} ({y})" for i, y in zip(manifest["id"], manifest["year"], strict=True)))
        cache = self.__dict__.setdefault("_io_cache", {})
        if rec["id"] not in cache:
            cache[rec["id"]] = table_from_frame(io_frame(rec["id"]), rec["id"], int(rec["year"]))
        meta = {"id": rec["id"], "year": int(rec["year"]), "source_id": rec["source_id"], "note": rec["note"]}
        return cache[rec["id"]], meta

    def region_shape(self, code: str, table):
        """The region's size and sector mix for regionalisation, from GDP / industrial value added / population."""
        from chainatlas.analysis.io import pick_baseline, region_shape

        obs = self.tables["observations"]
        rows = obs[(obs["subject_kind"] == "region") & obs["subject_id"].isin([code, "100000"])
                   & (obs["node_id"].fillna("") == "")]
        gdp_nation = {table.year: float(table.value_added.sum() / 1e4)}  # the table's value added is GDP (亿元)
        gdp = pick_baseline(rows, "gdp", code, table.year, "亿元", gdp_nation)
        iva = pick_baseline(rows, "industrial_value_added", code, table.year, "亿元")
        pop = pick_baseline(rows, "population_resident", code, table.year)
        return region_shape(table, code, gdp, iva, pop)

    def io(self, region: str | None = None, table: str | int | None = None, method: str = "aflq",
           delta: float = 0.15, forward: str = "ghosh", chain: str | None = None):
        """Multipliers, linkages, extraction and key sectors, national or regionalised (see ``analysis.io``).

        ``region`` regionalises the national table with ``method`` (slq, cilq, flq, aflq) and ``delta``;
        every multiplier carries its band over δ 0.05–0.3. ``chain`` adds its nodes with their sectors.
        """
        from chainatlas.analysis.io import analyse, map_nodes, node_table
        from chainatlas.reference.io_tables import node_sectors

        tab, meta = self.io_table(table)
        code = self.resolve_region(region) if region is not None else "100000"
        rec = self.region_record(code)
        try:
            shape = self.region_shape(code, tab)
            result = analyse(tab, shape, {k: rec[k] for k in ("code", "name_zh", "name_en", "level")},
                             method=method, delta=delta, forward=forward, table_meta=meta)
        except ValueError as exc:
            raise ChainAtlasError(str(exc)) from None
        if chain is not None:
            cid = self.resolve_chain(chain)
            mapping, missing = map_nodes(tab, node_sectors())
            nodes = self.tables["nodes"][self.tables["nodes"]["id"].isin(self.members.get(cid, []))]
            result.nodes = node_table(result, mapping, nodes)
            if missing and any(m in set(nodes["id"]) for m in missing):
                result.warnings.append(f"table {tab.id} has no sector for nodes "
                                       + ", ".join(m for m in missing if m in set(nodes["id"])))
        return result

    def _io_report_section(self, code: str, chain: str, year: int | None, settings: dict[str, object] | None,
                           whatif: list[str] | None) -> str:
        """The region report's input-output section (and the what-if, when one is asked for)."""
        from chainatlas.report.io_section import render_io_section

        scenario = self.whatif(code, chain, add=whatif, year=year, settings=settings).to_dict() if whatif else None
        return render_io_section(self.io(code, chain=chain).to_dict(), scenario)

    def _diagnose_on(self, tables: dict[str, pd.DataFrame], code: str, chain: str, year: int | None,
                     settings: dict[str, object] | None):
        """The one seam between scenarios and the diagnosis: diagnose ``code`` on a set of entity frames.

        A scenario hands in the store's frames with plants added or removed; a throw-away facade over
        the same store answers from them, so the store is never written and the diagnosis rules are
        whatever ``Atlas.diagnose`` applies. Re-point this method when the diagnosis entry changes.
        """
        if tables is self.tables:
            return self.diagnose(code, chain, year, settings)
        view = Atlas(self.store)
        view.__dict__["tables"] = tables
        # what does not depend on firms or production is shared with this facade (regions, names, members)
        for name in ("region_levels", "members", "_region_candidates", "_chain_candidates", "_node_candidates"):
            if name in self.__dict__:
                view.__dict__[name] = self.__dict__[name]
        return view.diagnose(code, chain, year, settings)

    def whatif(self, region: str, chain: str, scenario=None, add: list[str] | None = None,
               remove: list[str] | None = None, year: int | None = None, table: str | int | None = None,
               method: str = "aflq", delta: float = 0.15, settings: dict[str, object] | None = None,
               local_sourcing: float | None = None, unit_value: float | None = None,
               plant_region: str | None = None, plant_year: int | None = None, as_capacity: bool = False):
        """Before → after of a scenario (plants added or removed) for a region's chain, store untouched.

        ``scenario``: a :class:`~chainatlas.analysis.scenario.Scenario`, a dict, or a TOML/JSON file;
        ``add``: ``["aluminium.foil-battery=50000t"]``; ``remove``: ``["enterprise-id[:node]"]``.
        ``local_sourcing``, ``unit_value``, ``plant_region`` (a region inside ``region``; default: itself),
        ``plant_year`` and ``as_capacity`` (the quantities are capacities, not output) apply to ``add``.
        """
        import json
        import tomllib

        from chainatlas.analysis import scenario as sc
        from chainatlas.reference.io_tables import node_sectors

        code = self.resolve_region(region)
        cid = self.resolve_chain(chain)
        if isinstance(scenario, (str, Path)):
            path = Path(scenario)
            if not path.exists():
                raise ChainAtlasError(f"scenario file {path} does not exist")
            text = path.read_text(encoding="utf-8")
            try:
                doc = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
            except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
                raise ChainAtlasError(f"scenario file {path}: not valid {path.suffix.lstrip('.').upper()}: {exc}") from None
            scenario = sc.scenario_from_dict(doc, str(path))
        elif isinstance(scenario, dict):
            scenario = sc.scenario_from_dict(scenario)
        changes = list(scenario.changes) if scenario is not None else []
        for flag in add or []:
            c = sc.change_from_flag(flag, "add")
            extra = {"capacity": c.output, "output": None} if as_capacity else {}
            changes.append(sc.Change(**{**c.__dict__, "local_sourcing": local_sourcing, "unit_value": unit_value,
                                        "region": plant_region, "year": plant_year, **extra}))
        changes += [sc.change_from_flag(flag, "remove") for flag in remove or []]
        name = scenario.name if scenario is not None else ("; ".join([*(f"+{a}" for a in add or []),
                                                                       *(f"−{r}" for r in remove or [])]) or "empty")

        before = self._diagnose_on(self.tables, code, cid, year, settings)
        nodes = self.tables["nodes"].set_index("id", drop=False)
        national = before.nodes.set_index("node_id")
        warnings: list[str] = []
        resolved = []
        for c in changes:
            if c.action == "add":
                nid = self.resolve_node(c.node_id)
                where = self.resolve_region(c.region) if c.region else code
                c = sc.resolve_change(c, nodes.loc[nid].to_dict(), where, before.year)
                if nid not in national.index:
                    warnings.append(f"{nid} is not a node of chain {cid}: it changes no status here")
                elif (not pd.isna(national.loc[nid, "national_quantity"])
                      and not str(national.loc[nid, "national_basis"]).startswith("atlas firms")):
                    # an official national figure (statistic or the one behind an official share) bounds it
                    c, note = sc.bound_by_market(c, national.loc[nid, "national_quantity"])
                    if note:
                        warnings.append(note)
                else:
                    warnings.append(f"{nid}: no official national output, so the plant is not bounded by the market")
            else:
                c = sc.Change(**{**c.__dict__, "enterprise_id": self.resolve_enterprise(c.enterprise_id),
                                 "node_id": self.resolve_node(c.node_id) if c.node_id else None})
            resolved.append(c)
        names = {n: (nodes.loc[n, "name_zh"], nodes.loc[n, "name_en"]) for n in {c.node_id for c in resolved if c.node_id}}
        ent, prod = sc.overlay(self.tables["enterprises"], self.tables["production"], resolved, names)
        after = self._diagnose_on({**self.tables, "enterprises": ent, "production": prod}, code, cid, year, settings)
        diagnosis = sc.compare_diagnoses(before.to_dict(), after.to_dict())

        analysis = self.io(code, table, method, delta)
        tab, _ = self.io_table(table)
        from chainatlas.analysis.io import map_nodes, technical_coefficients

        mapping, _ = map_nodes(tab, node_sectors())
        sectors_of = mapping.groupby("node_id")["code"].apply(list).to_dict()
        inside = set(self.descendants(code))
        plants, change_rows = [], []
        for c in resolved:
            rec = {k: v for k, v in c.__dict__.items()}
            rec["quantity"] = c.quantity
            change_rows.append(rec)
            if c.action == "add":
                qty, uv, nid = c.quantity, c.unit_value, c.node_id
                if c.region not in inside:
                    warnings.append(f"{nid}: the plant is outside {code}; no input-output impact for this region")
                    continue
            else:
                firm_region = self.tables["enterprises"].set_index("id").loc[c.enterprise_id, "region"]
                if firm_region not in inside:
                    warnings.append(f"{c.enterprise_id}: the plant is outside {code}; no input-output impact here")
                    continue
                rows = self.tables["production"]
                prod_rows = rows[(rows["enterprise_id"] == c.enterprise_id)
                                 & ((rows["node_id"] == c.node_id) if c.node_id else True)]
                if prod_rows.empty:
                    continue
                latest = prod_rows.sort_values("year").groupby("node_id").tail(1)
                for r in latest.to_dict(orient="records"):
                    q = r["output"] if not pd.isna(r["output"]) else r["capacity"]
                    node = nodes.loc[r["node_id"]]
                    if pd.isna(q) or pd.isna(node["unit_value"]):
                        warnings.append(f"removed {c.enterprise_id} {r['node_id']}: no quantity or unit value, "
                                        "no input-output impact")
                        continue
                    plants += [{"sector": s, "node_id": r["node_id"], "amount": -q * node["unit_value"] / 1e4
                                / len(sectors_of.get(r["node_id"], [1])), "local_sourcing": None}
                               for s in sectors_of.get(r["node_id"], [])]
                continue
            if uv is None or qty is None:
                warnings.append(f"{nid}: no unit value or quantity, so no input-output impact")
                continue
            secs = sectors_of.get(nid, [])
            if not secs:
                warnings.append(f"{nid}: no input-output sector declared in node_sectors.csv")
                continue
            node_uv = nodes.loc[nid, "unit_value"]
            if c.unit_value is not None and not pd.isna(node_uv) and abs(c.unit_value - float(node_uv)) > 1e-9:
                warnings.append(f"{nid}: the input-output impact values the plant at {c.unit_value:,.0f} yuan/"
                                f"{c.quantity_unit}; the diagnosis values every plant at the node's {float(node_uv):,.0f}")
            uv_year = nodes.loc[nid, "unit_value_year"]
            if not pd.isna(uv_year) and int(uv_year) != tab.year:
                warnings.append(f"{nid}: unit value of {int(uv_year)} applied to the {tab.year} table "
                                "(fixed prices, not deflated)")
            plants += [{"sector": s, "node_id": nid, "amount": qty * uv / 1e4 / len(secs),
                        "local_sourcing": c.local_sourcing} for s in secs]
        impact = None
        if plants:
            impact = sc.io_impact(analysis.solved, analysis.band, technical_coefficients(tab.Z, tab.x),
                                  {k: i for i, k in enumerate(tab.codes)}, plants, tab.x)
            warnings += impact.pop("notes")
        io_meta = {"table": analysis.table, "method": method, "delta": delta, "delta_band": list(analysis.band),
                   "basis": analysis.basis, "warnings": analysis.warnings,
                   "sectors": [analysis.sector(p["sector"]) for p in (impact or {}).get("plants", [])]}
        region_rec = {k: self.region_record(code)[k] for k in ("code", "name_zh", "name_en", "level")}
        sources = sorted(set(before.sources) | set(analysis.sources))
        return sc.WhatIf(region=region_rec, chain=before.chain, scenario={"name": name, "changes": len(resolved)},
                         changes=change_rows, diagnosis=diagnosis, impact=impact, io=io_meta,
                         warnings=list(dict.fromkeys(warnings)), sources=sources)

    # --- briefing lists ---
    def _node_makers(self) -> pd.Series:
        """node id → number of firm groups in the atlas making it (domestic makers, plants of one group once)."""
        prod = self.tables["production"][["enterprise_id", "node_id"]].drop_duplicates()
        return prod.assign(group=prod["enterprise_id"].map(self.firm_groups)).groupby("node_id")["group"].nunique()

    def _import_dependence(self, ids: list[str]) -> pd.DataFrame:
        """Import-dependence observations about nodes (subject a node, or the nation with a node)."""
        obs = self.tables["observations"]
        obs = obs[(obs["indicator"] == "import_dependence") & (obs["unit"] == "%")]
        node_id = np.where(obs["subject_kind"] == "node", obs["subject_id"], obs["node_id"])
        obs = obs.assign(node_id=node_id)
        obs = obs[obs["node_id"].isin(ids) & ((obs["subject_kind"] == "node") | (obs["subject_id"] == "100000"))]
        return obs[["node_id", "value", "year", "source_id"]].reset_index(drop=True)

    def lists(self, region: str, chain: str, year: int | None = None, rules: ListRules | None = None,
              settings: dict[str, object] | None = None) -> BriefingLists:
        """The five briefing lists (重点企业, 招商目标, 短板/卡脖子, 合作伙伴, 创新平台) of a region's chain."""
        rules = rules or ListRules()
        d = self.diagnose(region, chain, year, settings)
        code = d.region["code"]
        nodes = d.nodes[["node_id", "name_zh", "name_en", "stage", "status"]]
        leading = briefing_lists.leading_firms(d.firms, nodes, rules)
        region_zh = dict(zip(self.tables["regions"]["code"], self.tables["regions"]["name_zh"], strict=True))
        leading.insert(9, "region_name_zh", leading["region"].map(region_zh))
        choke = briefing_lists.chokepoints(nodes, self._node_makers(), self._import_dependence(list(nodes["node_id"])),
                                           rules)
        level = self._level_of(code)
        counts = self.presence_counts(level)
        inside = set(self.descendants(code)) | {p["code"] for p in self.parents(code)}
        lacking = list(choke.loc[choke["shortfall"], "node_id"])
        names = dict(zip(nodes["node_id"], nodes["name_zh"], strict=True))
        rec = self.region_record(code)
        partner_rows = briefing_lists.partners(rec, lacking, counts, self.tables["regions"], exclude=inside,
                                               node_names=names, rules=rules)
        opps = self.opportunities(code, chain, year=year, settings=settings)
        rows = []
        for tl in self.targets(code, opps, n=5, top=3):
            if len(tl.targets):
                rows.append(tl.targets.assign(node_id=tl.node["id"], node_name_zh=tl.node["name_zh"],
                                              node_name_en=tl.node["name_en"]))
        target_cols = ["node_id", "node_name_zh", "node_name_en", "rank", "id", "name_zh", "name_en", "region",
                       "region_name_zh", "made_name_zh", "quantity", "quantity_unit", "year", "distance_km",
                       "reason_zh", "reason_en", "source_id"]
        targets = pd.concat(rows, ignore_index=True).reindex(columns=target_cols) if rows \
            else pd.DataFrame(columns=target_cols)
        order = [code] + [p["code"] for p in self.parents(code)][::-1]
        regions = self.tables["regions"]
        region_names = dict(zip(regions["code"], regions["name_zh"], strict=True))
        obs = self.tables["observations"]
        obs = obs[obs["subject_kind"] == "region"]
        innov = briefing_lists.innovation(obs, order, self.tables["indicators"], region_names)
        sources = sorted({s for f in (leading, targets, innov) for s in f["source_id"].dropna()}
                         | set(choke["import_source"].dropna()))
        return BriefingLists({k: rec[k] for k in ("code", "name_zh", "name_en", "level")},
                             {k: d.chain[k] for k in ("id", "name_zh", "name_en")}, leading, targets, choke,
                             partner_rows, innov, rules.describe(), sources)

    def plan_targets(self, region: str) -> pd.DataFrame:
        """Plan targets of a region and the regions below it: the ``plan_targets`` kind, plus observations
        of ``*_target`` indicators (how older atlases recorded them)."""
        code = self.resolve_region(region)
        inside = set(self.descendants(code))
        t = self.tables["plan_targets"]
        t = t[t["region"].isin(inside)].copy()
        obs = self.tables["observations"]
        legacy = obs[(obs["subject_kind"] == "region") & obs["subject_id"].isin(inside)
                     & obs["indicator"].str.endswith("_target")]
        measured = {"capacity_target": "capacity"}  # a target whose actual figure is another indicator
        legacy = pd.DataFrame({
            "region": legacy["subject_id"], "park": "", "indicator": legacy["indicator"].map(
                lambda i: measured.get(i, i)), "node_id": legacy["node_id"].fillna(""), "target": legacy["value"],
            "unit": legacy["unit"], "comparator": legacy["comparator"].fillna("").replace("", ">="),
            "target_year": legacy["year"], "source_id": legacy["source_id"], "note": legacy["note"]})
        return pd.concat([t, legacy], ignore_index=True) if len(t) else legacy.reset_index(drop=True)

    def plan_progress(self, region: str, as_of: int | None = None) -> PlanProgress:
        """Plan targets against the latest actual figure of the same region, indicator and node."""
        from chainatlas.analysis.plans import plan_progress

        code = self.resolve_region(region)
        targets = self.plan_targets(code)
        obs = self.tables["observations"]
        obs = obs[(obs["subject_kind"] == "region") & obs["subject_id"].isin(set(targets["region"]))
                  & ~obs["indicator"].str.endswith("_target")]
        actuals = obs.rename(columns={"subject_id": "region"})[
            ["region", "indicator", "node_id", "value", "unit", "year", "source_id", "comparator"]]
        ind = self.tables["indicators"]
        regions = self.tables["regions"]
        rows = plan_progress(targets, actuals, dict(zip(ind["id"], ind["name_zh"], strict=True)),
                             dict(zip(regions["code"], regions["name_zh"], strict=True)), as_of=as_of)
        rec = self.region_record(code)
        sources = sorted(set(rows["target_source"].dropna()) | set(rows["actual_source"].dropna()))
        return PlanProgress({k: rec[k] for k in ("code", "name_zh", "name_en", "level")}, rows, sources)

    def series(self, region: str, indicator: str, node: str | None = None) -> Series:
        """One indicator (of a node, if given) over the years: the region beside the nation, with growth."""
        from chainatlas.analysis.series import series

        code = self.resolve_region(region)
        nid = self.resolve_node(node) if node else ""
        ind = self.tables["indicators"].set_index("id")
        if indicator not in ind.index:
            raise ChainAtlasError(f"unknown indicator {indicator!r}; see the indicators table")
        obs = self.tables["observations"]
        obs = obs[(obs["subject_kind"] == "region") & (obs["indicator"] == indicator)
                  & (obs["node_id"].fillna("") == nid)]
        reg, nat = obs[obs["subject_id"] == code], obs[obs["subject_id"] == "100000"]
        unit = None
        if nid:
            unit = self.tables["nodes"].set_index("id").loc[nid, "unit"] if indicator in ("output", "capacity") \
                else None
        rows = series(reg, nat if code != "100000" else nat.iloc[0:0], unit)
        rec = self.region_record(code)
        node_rec = None
        if nid:
            n = self.tables["nodes"].set_index("id").loc[nid]
            node_rec = {"id": nid, "name_zh": n["name_zh"], "name_en": n["name_en"]}
        return Series({k: rec[k] for k in ("code", "name_zh", "name_en")},
                      {"id": indicator, "name_zh": ind.loc[indicator, "name_zh"], "name_en": ind.loc[indicator, "name_en"]},
                      node_rec, rows)

    def series_for(self, region: str, chain: str | None = None, min_years: int = 2) -> list[Series]:
        """Every figure of the region (and its chain's nodes, nationally) observed in ``min_years`` years or more."""
        code = self.resolve_region(region)
        ids = set(self.members.get(self.resolve_chain(chain), [])) if chain else set()
        obs = self.tables["observations"]
        obs = obs[(obs["subject_kind"] == "region") & obs["subject_id"].isin([code, "100000"])
                  & ~obs["indicator"].str.endswith("_target")]
        obs = obs.assign(node_id=obs["node_id"].fillna(""))
        obs = obs[(obs["node_id"] == "") & (obs["subject_id"] == code) | obs["node_id"].isin(ids)]
        years = obs.groupby(["indicator", "node_id"])["year"].nunique()
        keys = sorted(k for k, n in years.items() if n >= min_years)
        return [self.series(code, i, n or None) for i, n in keys]

    def points(self, region: str, chain: str) -> PointMap:
        """Regions making the chain's nodes, with firm counts, at their coordinates (for a point map).

        Firms are placed at their region's point (the atlas records a firm's region, not its address).
        """
        code = self.resolve_region(region)
        cid = self.resolve_chain(chain)
        level = self._level_of(code)
        ids = self.members.get(cid, [])
        firms = self._firms_with_ancestors()
        prod = self.tables["production"]
        made = prod[prod["node_id"].isin(ids)][["enterprise_id", "node_id"]].drop_duplicates()
        joined = made.merge(firms[["id", "name_zh", level]], left_on="enterprise_id", right_on="id").dropna(
            subset=[level])
        agg = joined.groupby(level).agg(firms=("enterprise_id", "nunique"), nodes=("node_id", "nunique"),
                                        firm_names=("name_zh", lambda s: "、".join(sorted(set(s))[:8])))
        regions = self.tables["regions"].set_index("code")
        agg = agg.join(regions[["name_zh", "name_en", "lon", "lat"]], how="left").reset_index().rename(
            columns={level: "code"})
        agg["focus"] = agg["code"] == code
        agg = agg.dropna(subset=["lon", "lat"]).sort_values("firms", ascending=False).reset_index(drop=True)
        rec = self.region_record(code)
        chain_rec = self.tables["chains"].set_index("id").loc[cid]
        return PointMap({k: rec[k] for k in ("code", "name_zh", "name_en", "level", "lon", "lat")},
                        {"id": cid, "name_zh": chain_rec["name_zh"], "name_en": chain_rec["name_en"]},
                        agg[["code", "name_zh", "name_en", "lon", "lat", "firms", "nodes", "firm_names", "focus"]])

    def _briefing_section(self, region: str, chain: str, year: int | None,
                          settings: dict[str, object] | None) -> tuple[str, dict, dict[str, pd.DataFrame]]:
        """The report's lists / plan / series / point-map section, its charts, and its Excel sheets."""
        from chainatlas.analysis.briefing import LIST_TITLES
        from chainatlas.report.briefing_section import render_briefing_section

        lists = self.lists(region, chain, year=year, settings=settings)
        plan = self.plan_progress(region)
        series = self.series_for(region, chain)
        html, specs = render_briefing_section(lists.to_dict(), plan.to_dict(), [s.to_dict() for s in series],
                                              self.points(region, chain).to_dict())
        sheets = {LIST_TITLES[k][0]: f for k, f in lists.frames().items()}
        sheets["规划目标与进展"] = plan.rows
        return html, specs, sheets

    def brief(self, region: str, chain: str, out: str | Path, year: int | None = None,
              settings: dict[str, object] | None = None) -> Path:
        """Write the Chinese briefing document (``.docx``, or ``.pdf`` through LibreOffice) for a region's chain."""
        from chainatlas.report.brief import write_brief

        return write_brief(self, region, chain, out, year=year, settings=settings)

    # --- diagnosis: national runs, leaders and peers ---
    def _link_rows(self, code: str, level: str, chain: str, year: int | None,
                   settings: dict[str, object] | DiagnosisSettings | None) -> list[tuple[str, str, float]]:
        """(node, status, national output value in yuan) of one region, read from the level's link table
        (the same rows a full diagnosis reads, without building the whole result)."""
        from chainatlas.analysis.diagnosis import link_table

        if level not in LEVELS:
            d = self.diagnose(code, chain, year, settings)
            return list(zip(d.nodes["node_id"], d.nodes["status"], d.nodes["national_output_value"], strict=True))
        facts = self.chain_facts(chain, year)
        t = link_table(facts, level, self._settings(settings))
        rows = t[t["region"] == code]
        if rows.empty:
            d = self.diagnose(code, chain, year, settings)
            return list(zip(d.nodes["node_id"], d.nodes["status"], d.nodes["national_output_value"], strict=True))
        node_codes = rows["node_id"].cat.codes.to_numpy()
        nodes = np.asarray(t["node_id"].cat.categories, dtype=object)[node_codes]
        status = np.asarray(t["status"].cat.categories, dtype=object)[rows["status"].cat.codes.to_numpy()]
        value = rows["national_quantity"].to_numpy(dtype=float) * \
            facts.nodes["unit_value"].astype(float).to_numpy()[node_codes]
        return list(zip(nodes, status, value, strict=True))

    def _level(self, level: str) -> str:
        if level not in LEVELS:
            raise ChainAtlasError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
        return level

    def diagnose_all(self, chain: str, level: str = "prefecture", year: int | None = None,
                     settings: dict[str, object] | DiagnosisSettings | None = None) -> NationalRun:
        """Every region of ``level`` diagnosed for ``chain`` in one vectorised pass (same numbers as ``diagnose``)."""
        regions = self.tables["regions"]
        names = regions.loc[regions["level"] == self._level(level), ["code", "name_zh", "name_en"]]
        return diagnose_all(self.chain_facts(chain, year), level, self._settings(settings), names)

    def leaders(self, chain: str, level: str = "prefecture", n: int | None = None, year: int | None = None,
                settings: dict[str, object] | DiagnosisSettings | None = None) -> list[str]:
        """The chain's leading regions of ``level`` nationally (see :mod:`chainatlas.analysis.peers`)."""
        return leaders(self.chain_facts(chain, year), self._level(level), n, self._settings(settings))

    def peers(self, region: str, chain: str, year: int | None = None, n: int | None = None) -> list[str]:
        """The region followed by the chain's leaders of its level: the default comparison set."""
        code = self.resolve_region(region)
        return peers_rule(code, self.leaders(chain, self._level_of(code), year=year), n)

    # --- fact extraction ---
    def extraction_gazetteer(self):
        """The names the fact extractor recognises: this atlas's regions, nodes, indicators, ranges."""
        from chainatlas.extract.gazetteer import Gazetteer

        t = self.tables
        return Gazetteer.from_frames(t["regions"], t["nodes"], t["indicators"], t["plausibility"], t["observations"])

    def extract(self, files: list[str | Path], *, date: str | None = None, source: dict | None = None):
        """Candidate facts read from documents, checked and compared with the store; writes nothing.

        ``source`` gives ``id``, ``title``, ``publisher``, ``date``, ``url``, ``kind`` for the
        documents (else each document is its own source, named from the file); ``date`` anchors
        去年 / last year when the document does not say its date.
        """
        from chainatlas.extract.pipeline import extract_documents
        from chainatlas.extract.readers import read_document

        documents = [read_document(f) for f in files]
        return extract_documents(documents, self.extraction_gazetteer(), indicators=self.tables["indicators"],
                                 observations=self.tables["observations"], date=date, source=source)


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

    # --- web pages ---
    def names(self, kind: str) -> dict[str, dict]:
        """id (code for regions) → its names, for labelling: ``name_zh``, ``name_en``, and for regions
        ``level`` and ``parent``, for enterprises ``region``. ``kind``: regions, chains, nodes,
        indicators or enterprises."""
        extra = {"regions": ["level", "parent"], "enterprises": ["region"]}
        if kind not in ("regions", "chains", "nodes", "indicators", "enterprises"):
            raise ChainAtlasError(f"names are kept for regions, chains, nodes, indicators and enterprises, not {kind!r}")
        frame = self.tables[kind]
        key = "code" if kind == "regions" else "id"
        cols = ["name_zh", "name_en", *extra.get(kind, [])]
        return {k: dict(zip(cols, v, strict=True))
                for k, *v in zip(frame[key], *(frame[c] for c in cols), strict=True)}

    def node_chains(self) -> dict[str, list[str]]:
        """node id → the chains it belongs to (sorted), e.g. copper cathode → copper, and any chain it feeds."""
        out: dict[str, list[str]] = {}
        for cid, ids in sorted(self.members.items()):
            for nid in ids:
                out.setdefault(nid, []).append(cid)
        return out

    def firm_counts(self, level: str = "province", chain: str | None = None) -> dict[str, int]:
        """Distinct atlas firms per region of ``level`` (making any node of ``chain`` when given)."""
        self._level(level)
        if chain:
            made = self.chain_facts(chain).firms
            counts = made.groupby(level)["enterprise_id"].nunique()
        else:
            counts = self.firms_with_ancestors.groupby(level)["id"].nunique()
        return {str(k): int(v) for k, v in counts.items() if k}

    def node_leaders(self, chain: str, n: int = 3, year: int | None = None) -> dict[str, dict]:
        """Per node of ``chain``: national firm count, the ``n`` leading provinces and prefectures (by
        quantity, then firms, with sources) and the ``n`` leading firms (see :mod:`chainatlas.analysis.overview`)."""
        from chainatlas.analysis.overview import node_leaders

        return node_leaders(self.chain_facts(chain, year), self.names("regions"), n)

    def node_page(self, chain: str, node: str, n: int = 10):
        """One link of a chain: record, inputs and outputs, the chains holding it, the ``n`` leading
        provinces and prefectures, and every firm making it (a :class:`~chainatlas.analysis.overview.NodeOverview`)."""
        import difflib

        from chainatlas.analysis.overview import node_firms, node_overview

        cid = self.resolve_chain(chain)
        nid = self.resolve_node(node)
        members = self.members.get(cid, [])
        if nid not in members:
            raise UnknownNode(f"{nid} (in chain {cid})", difflib.get_close_matches(nid, members, n=3))
        view = self.chain(cid)
        facts = self.chain_facts(cid)
        return node_overview(view.chain, view.nodes, view.links, nid, self.node_chains().get(nid, []),
                             self.node_leaders(cid, n).get(nid, {}), node_firms(facts, nid))

    def map_view(self, chain: str | None = None, measure: str = "firms"):
        """Every province's value of ``measure`` (firms; with a chain also coverage or output value in
        亿元) on the tile grid (a :class:`~chainatlas.analysis.overview.MapView`)."""
        from chainatlas.analysis.diagnosis import region_values
        from chainatlas.analysis.overview import MAP_MEASURES, MapView, province_values

        if measure not in MAP_MEASURES:
            raise ChainAtlasError(f"measure must be one of {', '.join(MAP_MEASURES)}, not {measure!r}")
        cid = self.resolve_chain(chain) if chain else None
        if measure != "firms" and not cid:
            raise ChainAtlasError(f"measure {measure!r} needs a chain (?chain=aluminium)")
        codes = [c for c, r in self.names("regions").items() if r["level"] == "province"]
        if measure == "firms":
            values = province_values(codes, measure, firms=self.firm_counts("province", cid))
        else:  # every province in one vectorised pass: the same figures as comparing them
            run = self.diagnose_all(cid, "province").regions.set_index("region")
            worth = region_values(self.chain_facts(cid), "province")
            rows = [{"region": c, "coverage": jsonable(run["coverage"].get(c)),
                     "output_value": jsonable(worth.get(c))} for c in codes]
            values = province_values(codes, measure, compared=rows)
        chain_rec = None
        if cid:
            record = self.chain(cid).chain
            chain_rec = {k: record[k] for k in ("id", "name_zh", "name_en")}
        return MapView(chain_rec, measure, MAP_MEASURES[measure][0], values)

    def firm_regions(self) -> dict[str, str]:
        """firm id → the code of the region it is located in."""
        firms = self.tables["enterprises"]
        return dict(zip(firms["id"], firms["region"], strict=True))

    def source_records(self) -> pd.DataFrame:
        """Every source record (id, title, publisher, date, address…)."""
        return self.tables["sources"].copy()

    def node_records(self, ids: list[str]) -> pd.DataFrame:
        """The node records (names, stage, unit, unit value and its source…) of the given node ids."""
        nodes = self.tables["nodes"]
        return nodes[nodes["id"].isin(ids)].reset_index(drop=True)

    def warm(self, chains: bool = False) -> Atlas:
        """Compute now what every question reuses (tables, names, firm ancestry; with ``chains`` each
        chain's facts), so a server's first visitors do not wait for it and threads never race to fill it."""
        listed = self.chains().rows["id"]
        self.firm_counts()
        self.names("regions")
        if chains:
            for cid in listed:
                self.chain_facts(cid)
        return self

__all__ = ["Atlas", "ChainView", "RegionView", "Table", "open_atlas", "SPECS"]
