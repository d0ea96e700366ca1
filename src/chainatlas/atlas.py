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
from chainatlas.analysis.lookup import Candidate, resolve
from chainatlas.analysis.settings import DiagnosisSettings
from chainatlas.errors import ChainAtlasError, DataError, UnknownChain, UnknownEnterprise, UnknownNode, UnknownRegion
from chainatlas.model.entities import LOAD_ORDER, SPECS, resolve_kind
from chainatlas.results import Result, jsonable
from chainatlas.store import exporter
from chainatlas.store.db import Store, default_path
from chainatlas.store.importer import Batch, ImportReport, apply_mapping, import_batches
from chainatlas.store.readers import read_table

LEVEL_PRIORITY = {"country": 0, "province": 1, "prefecture": 2, "county": 3}


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
                     "_enterprise_candidates", "members", "region_levels", "_facts_cache"):
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
        if where:
            keep = np.ones(len(raw), dtype=bool)
            for column, value in where.items():
                if column not in raw.columns:
                    raise DataError(f"{path}: --where names column {column!r}, which the file does not have")
                keep &= (raw[column] == value).to_numpy()
            rows = list(np.flatnonzero(keep) + 1)
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
        out, stack = [], [code]
        while stack:
            cur = stack.pop()
            out.append(cur)
            stack.extend(children.get(cur, []))
        return out

    def parents(self, code: str) -> list[dict]:
        regions = self.tables["regions"].set_index("code")
        out = []
        parent = regions.loc[code, "parent"]
        while parent and parent in regions.index:
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

    def _firms_with_ancestors(self) -> pd.DataFrame:
        firms = self.tables["enterprises"]
        return firms.merge(self.region_levels, left_on="region", right_on="code", how="left").drop(columns="code")

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
        prod = self.tables["production"]
        prod = prod[prod["node_id"].isin(ids)].merge(
            firms.rename(columns={"id": "enterprise_id", "source_id": "firm_source_id", "note": "firm_note"}),
            on="enterprise_id", how="left")
        obs = self.tables["observations"]
        node_unit = dict(zip(view.nodes["id"], view.nodes["unit"], strict=True))
        stats = obs[(obs["subject_kind"] == "region") & (obs["indicator"] == "output") & obs["node_id"].isin(ids)]
        stats = stats[stats["unit"] == stats["node_id"].map(node_unit)]  # only figures in the node's unit
        levels = dict(zip(self.tables["regions"]["code"], self.tables["regions"]["level"], strict=True))
        stats = stats.rename(columns={"subject_id": "region"}).assign(level=lambda d: d["region"].map(levels))
        facts = prepare_chain(view.chain, view.nodes, view.links, prod, stats, firms, year)
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
        codes = [self.resolve_region(r) for r in regions] if regions else top_regions(facts, level, n)
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
        from chainatlas.report.html import render_region_report
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
        html = render_region_report(d, comparison.to_dict(), sources, region_names, version=__version__)
        if out is not None:
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            Path(out).write_text(html, encoding="utf-8")
        if xlsx is not None:
            write_report_xlsx(xlsx, d, comparison.to_dict(), sources)
        return html

    def sources_for(self, ids: list[str]) -> pd.DataFrame:
        """The source records behind a list of source ids (for a report's sources section)."""
        src = self.tables["sources"]
        return src[src["id"].isin(ids)].reset_index(drop=True)

    # ---------------------------------------------------------------- checks
    def check(self) -> CheckReport:
        """Validate the loaded atlas (see :mod:`chainatlas.analysis.checks`)."""
        return check_atlas(self.tables)


__all__ = ["Atlas", "ChainView", "RegionView", "Table", "open_atlas", "SPECS"]
