"""The ``Atlas`` facade: the one door every face (CLI, reports, web, notebooks) goes through.

Why one door: a number on a web page, in a report and in ``chainatlas diagnose --json`` comes from the
same method, so it is the same number. The facade resolves names, asks the store's query functions
(:mod:`chainatlas.store.queries`) for the rows a question needs, calls pure analysis functions and
wraps their results; it holds no business rules of its own.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from chainatlas.analysis import graph as chain_graph
from chainatlas.analysis import lists as briefing_lists
from chainatlas.analysis import lookup
from chainatlas.analysis import regions as region_walks
from chainatlas.analysis.briefing import BriefingLists, PlanProgress, PointMap, Series
from chainatlas.analysis.chain_frames import baseline_frame, chain_facts_from_frames
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
    value_ladder,
)
from chainatlas.analysis.evaluation import (
    IndicatorSystem,
    evaluate,
    sensitivity,
    system_from_dict,
)
from chainatlas.analysis.lists import ListRules
from chainatlas.analysis.lookup import Candidate, resolve
from chainatlas.analysis.opportunities import Opportunities, RegionalOpportunities, score_candidates
from chainatlas.analysis.peers import check_compare, leaders
from chainatlas.analysis.peers import peers as peers_rule
from chainatlas.analysis.settings import DiagnosisSettings
from chainatlas.analysis.targets import TargetList
from chainatlas.errors import ChainAtlasError, DataError, UnknownChain, UnknownEnterprise, UnknownNode, UnknownRegion
from chainatlas.model.entities import LOAD_ORDER, SPECS, resolve_kind
from chainatlas.results import ChainView, Evaluation, RegionView, Table, jsonable
from chainatlas.store import corrections, exporter, queries
from chainatlas.store.db import Store, default_path
from chainatlas.store.importer import Batch, ImportReport, apply_mapping, import_batches
from chainatlas.store.readers import read_table

LEVEL_PRIORITY = region_walks.LEVEL_PRIORITY  # kept importable from here; declared in analysis.regions
STATUS_ORDER = {"strong": 0, "present": 1, "weak": 2, "missing": 3, "unknown": 4}


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
        for name in ("tables", "_whole_cache", "regions_frame", "_region_candidates", "_node_candidates", "_chain_candidates",
                     "_enterprise_candidates", "members", "region_levels", "firms_with_ancestors", "firm_groups", "_facts_cache", "_diagnosis_cache", "_graph_cache", "_capped", "_target_inputs", "_presence_cache",
                     "_relatedness_cache", "_verified_cache", "_resolved_cache"):
            self.__dict__.pop(name, None)

    @cached_property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every entity table as a frame (read on first use; the facade's own questions ask the store's
        query functions for the rows they need instead)."""
        return {kind: self._whole(kind) for kind in LOAD_ORDER}

    def _whole(self, kind: str) -> pd.DataFrame:
        """One whole entity table, read once: small kinds (chains, nodes, links…) and national runs."""
        cache = self.__dict__.setdefault("_whole_cache", {})
        if kind not in cache:
            cache[kind] = self.__dict__["tables"][kind] if "tables" in self.__dict__ else queries.table(self.store, kind)
        return cache[kind]

    @cached_property
    def regions_frame(self) -> pd.DataFrame:
        """Every region (a few thousand light rows): names to resolve and the hierarchy to walk."""
        return self._whole("regions")

    def table(self, kind: str) -> pd.DataFrame:
        return self._whole(resolve_kind(kind).kind)

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
        return region_walks.region_candidates(self.regions_frame)

    @cached_property
    def _chain_candidates(self) -> list[Candidate]:
        return lookup.chain_candidates(self._whole("chains").to_dict(orient="records"))

    @cached_property
    def _node_candidates(self) -> list[Candidate]:
        return lookup.node_candidates(self._whole("nodes").to_dict(orient="records"))

    @cached_property
    def _enterprise_candidates(self) -> list[Candidate]:
        firms = queries.select(self.store, "enterprises", columns=["id", "name_zh", "name_en", "stock_code", "uscc"])
        return lookup.enterprise_candidates(firms.to_dict(orient="records"))

    def _resolve(self, query: str, candidates: list[Candidate], error: type) -> str:
        # a web page resolves the same few names dozens of times; each resolution scans every candidate
        cache = self.__dict__.setdefault("_resolved_cache", {})
        key = (error.__name__, str(query))
        if key in cache:
            return cache[key]
        match = resolve(str(query), candidates)
        if match.key is None:
            raise error(str(query), match.suggestions, ambiguous=bool(match.ambiguous))
        cache[key] = match.key
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
        regions = self.regions_frame
        return regions[regions["code"] == code].iloc[0].to_dict()

    # ---------------------------------------------------------------- chains
    @cached_property
    def members(self) -> dict[str, list[str]]:
        """chain id → node ids."""
        return queries.chain_members(self.store)

    def graph(self, chain: str | None = None) -> nx.DiGraph:
        """The chain's graph (input → output), or every node's when ``chain`` is None."""
        members = None
        if chain is not None:
            members = self.members.get(self.resolve_chain(chain), [])
        return chain_graph.build_graph(self._whole("nodes"), self._whole("links"), members)

    def chains(self) -> Table:
        """Every chain with its node count per stage."""
        rows = []
        nodes = self._whole("nodes").set_index("id")
        for c in self._whole("chains").to_dict(orient="records"):
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
        record = self._whole("chains").set_index("id").loc[cid].to_dict()
        record["id"] = cid
        record["main_paths"] = [p.split(">") for p in (record.get("main_paths") or "").split(";") if p]
        g = self.graph(cid)
        ids = self.members.get(cid, [])
        nodes = self._whole("nodes")
        nodes = nodes[nodes["id"].isin(ids)].reset_index(drop=True)
        links = self._whole("links")
        links = links[links["source_node"].isin(ids) & links["target_node"].isin(ids)].reset_index(drop=True)
        shared = {n: cs for n, cs in chain_graph.shared_nodes(self.members).items() if n in ids}
        return ChainView(record, nodes, links, chain_graph.layers(g), shared)

    # ---------------------------------------------------------------- regions
    def descendants(self, code: str) -> list[str]:
        """The region and every region below it (province → prefectures → counties)."""
        return region_walks.descendants(self.regions_frame, code)

    def parents(self, code: str) -> list[dict]:
        """The regions above ``code``, top first."""
        return region_walks.ancestors(self.regions_frame, code)

    def enterprises_in(self, code: str) -> pd.DataFrame:
        """Firms located in the region or any region below it."""
        return queries.enterprises_in(self.store, self.descendants(code))

    def region(self, query: str) -> RegionView:
        """A region with its firms, the chains they serve and its indicators (with sources)."""
        code = self.resolve_region(query)
        rec = self.region_record(code)
        inside = self.descendants(code)
        firms = queries.enterprises_in(self.store, inside)
        prod = queries.production_in(self.store, inside)
        made = prod[["enterprise_id", "node_id"]].drop_duplicates()
        chains = region_walks.chains_served(made, self._whole("chain_nodes"), self._whole("chains"))
        obs = self._with_sources(queries.observations(self.store, "region", [code]))
        children = region_walks.child_count(self.regions_frame, code)
        return RegionView(rec, self.parents(code), children, firms, chains,
                          obs.reset_index(drop=True))

    def _with_sources(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Rows with a ``source_id`` joined to their source's title, publisher and date."""
        src = queries.sources(self.store, frame["source_id"].dropna().unique())[["id", "title", "publisher", "date"]]
        return frame.merge(src.rename(columns={"id": "source_id", "title": "source_title",
                                               "publisher": "source_publisher", "date": "source_date"}),
                           on="source_id", how="left")

    # ---------------------------------------------------------------- search
    def search(self, text: str, limit: int = 20) -> Table:
        """Regions, chains, nodes and firms whose names or codes contain ``text`` (either language)."""
        if not lookup.normalise(text):
            raise ChainAtlasError("search needs some text: a name in Chinese or English, a code or an id")
        groups = [("region", self._region_candidates), ("chain", self._chain_candidates),
                  ("node", self._node_candidates), ("enterprise", self._enterprise_candidates)]
        rows = lookup.search(text, groups, limit)
        return Table(f"search {text!r}", pd.DataFrame(rows, columns=lookup.SEARCH_COLUMNS))

    # ---------------------------------------------------------------- diagnosis
    @cached_property
    def region_levels(self) -> pd.DataFrame:
        """For every region code, the codes of its province, prefecture and county (itself included)."""
        return region_walks.region_levels(self.regions_frame)

    @cached_property
    def firms_with_ancestors(self) -> pd.DataFrame:
        """Every firm with the codes of its province, prefecture and county (read once; national runs)."""
        return region_walks.with_levels(self._whole("enterprises"), self.region_levels)

    def _firms_with_ancestors(self) -> pd.DataFrame:
        return self.firms_with_ancestors

    @cached_property
    def firm_groups(self) -> pd.Series:
        """firm id → group key (``group_id`` record, stock code, parent code in the note, ``<id>-<place>``)."""
        from chainatlas.analysis.targets import group_keys

        return group_keys(self._whole("enterprises"))

    def _chain_rows(self, cid: str, also: list[str] | None = None) -> dict[str, pd.DataFrame]:
        """What one chain's facts read from the store: its production rows, its makers' records (and
        those of ``also``), every firm's region (to count firms per region) and region observations."""
        from chainatlas.analysis.chain_frames import OUTPUT_INDICATORS, SHARE_INDICATORS

        ids = self.members.get(cid, [])
        makers = queries.makers_of(self.store, ids)
        if also:
            extra = queries.enterprises_by_id(self.store, [e for e in also if e not in set(makers["id"])])
            makers = pd.concat([makers, extra], ignore_index=True).sort_values("id", kind="stable") \
                .reset_index(drop=True) if len(extra) else makers
        return {"production": queries.production(self.store, nodes=ids), "enterprises": makers,
                "firm_regions": queries.firm_regions(self.store),
                "observations": queries.observations(self.store, "region",
                                                     indicators=[*OUTPUT_INDICATORS, *SHARE_INDICATORS], nodes=ids)}

    def _chain_facts_of(self, cid: str, year: int | None, rows: dict[str, pd.DataFrame]) -> ChainFacts:
        """Chain facts from a chain's store rows (the stored ones, or a what-if's overlay of them)."""
        view = self.chain(cid)
        levels = self.region_levels
        firms = region_walks.with_levels(rows["enterprises"], levels)
        everyone = region_walks.with_levels(rows["firm_regions"], levels)
        firms_all, prod = self.with_registry_firms(firms, rows["production"])
        if len(firms_all) > len(firms):  # registry producers count as firms of their regions too
            everyone = pd.concat([everyone, firms_all.iloc[len(firms):][everyone.columns]], ignore_index=True)
        return chain_facts_from_frames(view.chain, view.nodes, view.links, self._whole("chain_nodes"), prod,
                                       firms_all, everyone, rows["observations"], self.regions_frame,
                                       self.baselines(), year)

    def chain_facts(self, chain: str, year: int | None = None) -> ChainFacts:
        """The facts of one chain and year that every regional diagnosis reuses (cached)."""
        cid = self.resolve_chain(chain)
        key = (cid, year)
        cache = self.__dict__.setdefault("_facts_cache", {})
        if key not in cache:
            cache[key] = self._chain_facts_of(cid, year, self._chain_rows(cid))
        return cache[key]

    def baselines(self) -> pd.DataFrame:
        """Regional and national economy sizes (industrial value added, GDP, resident population) in base units."""
        from chainatlas.analysis.diagnosis import BASELINE_INDICATORS

        return baseline_frame(queries.observations(self.store, "region", indicators=BASELINE_INDICATORS,
                                                   without_node=True))

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
            cache[key] = self.mark_verified(diagnose(self.chain_facts(cid, year), self.region_record(code), s))
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
        nodes = self._whole("nodes").set_index("id", drop=False)
        return value_ladder(ids, nodes, self._whole("links"))

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
        regions = self._whole("regions")
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
        src = self._whole("sources")
        return src[src["id"].isin(ids)].reset_index(drop=True)

    # ---------------------------------------------------------------- opportunities and targets
    def _level_of(self, code: str) -> str:
        return region_walks.walk_level(self.region_record(code)["level"])

    def presence_counts(self, level: str) -> pd.DataFrame:
        """Region (of ``level``) × node matrix of firm counts, over the whole atlas (cached)."""
        cache = self.__dict__.setdefault("_presence_cache", {})
        if level not in cache:
            firms = self._firms_with_ancestors()[["id", level]].dropna()
            made = self._whole("production")[["enterprise_id", "node_id"]].drop_duplicates()
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
        prod = self._whole("production")
        province_present = set(prod.loc[prod["enterprise_id"].isin(neighbours), "node_id"])
        members = set(status)
        graphs = self.__dict__.setdefault("_graph_cache", {})
        key = frozenset(members)
        if key not in graphs:
            graphs[key] = chain_graph.build_graph(self._whole("nodes"), self._whole("links"), members)
        g = graphs[key]
        nodes = self._whole("nodes").set_index("id", drop=False)
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
        obs = self._whole("observations")
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
        prod = self._whole("production")
        latest = prod.sort_values("year", kind="stable").drop_duplicates(["enterprise_id", "node_id"], keep="last")
        firms = self._firms_with_ancestors().copy()
        firms["group"] = firms["id"].map(self.firm_groups)
        firms["group_provinces"] = firms["group"].map(firms.groupby("group")["province"].nunique())
        return {"latest": latest, "made": prod[["enterprise_id", "node_id"]].drop_duplicates(), "firms": firms,
                "nodes": self._whole("nodes").set_index("id")}

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
            makers=makers, firms=inputs["firms"], made=inputs["made"], links=self._whole("links"), nodes=nodes,
            regions=self._whole("regions"), inside=set(self.descendants(code)), province=province,
            home={"lon": rec.get("lon"), "lat": rec.get("lat")}, substitute=substitute)
        return rank_targets(region=region_rec, node=node_rec, candidates=candidates, n=n, weights=weights)

    def activity_matrix(self, level: str = "prefecture", measure: str = "firms", chain: str | None = None,
                        year: int | None = None) -> pd.DataFrame:
        """Region × node matrix for complexity work: firm counts, output value (yuan) or revenue (yuan).

        See :func:`chainatlas.analysis.complexity.activity.activity_matrix` for how figures are chosen.
        """
        from chainatlas.analysis.complexity.activity import activity_matrix, check_matrix_args

        check_matrix_args(level, measure)
        if chain is not None:
            ids = self.members.get(self.resolve_chain(chain), [])
            prod = queries.production(self.store, nodes=ids)
            firms = region_walks.with_levels(queries.makers_of(self.store, ids), self.region_levels)
        else:
            prod, firms = self._whole("production"), self._firms_with_ancestors()
        unit_values = self._whole("nodes").set_index("id")["unit_value"]
        return activity_matrix(prod, firms, unit_values, level, measure, year)

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
        table = self._whole("regions")
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
        from chainatlas.analysis.evaluation_system import indicator_table

        sys_ = self._system(system)
        values, used, year = indicator_table(queries.observations(self.store, "region", regions), sys_.keys,
                                             regions, year)
        provenance = self._with_sources(used)
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
        regions_table = self._whole("regions").set_index("code")
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
        from chainatlas.analysis.io.size import shape_from_observations

        rows = queries.observations(self.store, "region", [code, "100000"], without_node=True)
        return shape_from_observations(table, code, rows)

    def io(self, region: str | None = None, table: str | int | None = None, method: str = "aflq",
           delta: float = 0.15, forward: str = "ghosh", chain: str | None = None):
        """Multipliers, linkages, extraction and key sectors, national or regionalised (see ``analysis.io``).

        ``region`` regionalises the national table with ``method`` (slq, cilq, flq, aflq) and ``delta``;
        every multiplier carries its band over δ 0.05–0.3. ``chain`` adds its nodes with their sectors.
        """
        from chainatlas.analysis.io import analyse
        from chainatlas.analysis.io.model import add_chain_nodes
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
            nodes = self._whole("nodes")
            add_chain_nodes(result, tab, node_sectors(), nodes[nodes["id"].isin(self.members.get(self.resolve_chain(chain), []))])
        return result

    def _io_report_section(self, code: str, chain: str, year: int | None, settings: dict[str, object] | None,
                           whatif: list[str] | None) -> str:
        """The region report's input-output section (and the what-if, when one is asked for)."""
        from chainatlas.report.io_section import render_io_section

        scenario = self.whatif(code, chain, add=whatif, year=year, settings=settings).to_dict() if whatif else None
        return render_io_section(self.io(code, chain=chain).to_dict(), scenario)

    def _scenario(self, scenario):
        """A scenario given as a Scenario, a dict or a TOML/JSON file (read here: analysis reads no files)."""
        import json
        import tomllib

        from chainatlas.analysis import scenario as sc

        if isinstance(scenario, (str, Path)):
            path = Path(scenario)
            if not path.exists():
                raise ChainAtlasError(f"scenario file {path} does not exist")
            text = path.read_text(encoding="utf-8")
            try:
                doc = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
            except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
                raise ChainAtlasError(f"scenario file {path}: not valid {path.suffix.lstrip('.').upper()}: {exc}") from None
            return sc.scenario_from_dict(doc, str(path))
        if isinstance(scenario, dict):
            return sc.scenario_from_dict(scenario)
        return scenario

    def _named_changes(self, changes: list, code: str) -> list:
        """The changes with every name resolved to a stored id (a plant's region defaults to ``code``)."""
        from chainatlas.analysis.scenario import Change

        out = []
        for c in changes:
            if c.action == "add":
                where = self.resolve_region(c.region) if c.region else code
                out.append(Change(**{**c.__dict__, "node_id": self.resolve_node(c.node_id), "region": where}))
            else:
                out.append(Change(**{**c.__dict__, "enterprise_id": self.resolve_enterprise(c.enterprise_id),
                                     "node_id": self.resolve_node(c.node_id) if c.node_id else None}))
        return out

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
        The scenario's plants overlay the chain's store rows and the same pure diagnosis runs on both.
        """
        from chainatlas.analysis import scenario as sc
        from chainatlas.analysis.io import map_nodes, technical_coefficients
        from chainatlas.reference.io_tables import node_sectors

        code = self.resolve_region(region)
        cid = self.resolve_chain(chain)
        name, changes = sc.collect_changes(self._scenario(scenario), add, remove, local_sourcing=local_sourcing,
                                           unit_value=unit_value, plant_region=plant_region,
                                           plant_year=plant_year, as_capacity=as_capacity)
        named = self._named_changes(changes, code)
        before = self.diagnose(code, cid, year, settings)
        nodes = self._whole("nodes").set_index("id", drop=False)
        resolved, warnings = sc.settle_changes(named, nodes, before.nodes.set_index("node_id"), cid, before.year)
        names = {n: (nodes.loc[n, "name_zh"], nodes.loc[n, "name_en"]) for n in {c.node_id for c in resolved if c.node_id}}
        removed = [c.enterprise_id for c in resolved if c.action == "remove"]
        rows = self._chain_rows(cid, also=removed)
        ent, prod = sc.overlay(rows["enterprises"], rows["production"], resolved, names)
        added = ent[~ent["id"].isin(rows["firm_regions"]["id"])][["id", "region"]]
        everyone = pd.concat([rows["firm_regions"], added], ignore_index=True) if len(added) else rows["firm_regions"]
        facts = self._chain_facts_of(cid, year, {**rows, "enterprises": ent, "production": prod,
                                                 "firm_regions": everyone})
        after = diagnose(facts, self.region_record(code), self._settings(settings))
        diagnosis = sc.compare_diagnoses(before.to_dict(), after.to_dict())

        analysis = self.io(code, table, method, delta)
        tab, _ = self.io_table(table)
        mapping, _ = map_nodes(tab, node_sectors())
        sectors_of = mapping.groupby("node_id")["code"].apply(list).to_dict()
        removed_firms = queries.enterprises_by_id(self.store, removed)
        plants, change_rows, more = sc.io_plants(
            resolved, code, set(self.descendants(code)), nodes, sectors_of, tab.year,
            dict(zip(removed_firms["id"], removed_firms["region"], strict=True)),
            queries.production(self.store, enterprises=removed))
        warnings += more
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
        return briefing_lists.node_makers(self._whole("production"), self.firm_groups)

    def _import_dependence(self, ids: list[str]) -> pd.DataFrame:
        """Import-dependence observations about nodes (subject a node, or the nation with a node)."""
        return briefing_lists.import_dependence(queries.observations(self.store, indicators=["import_dependence"]),
                                                ids)

    def lists(self, region: str, chain: str, year: int | None = None, rules: ListRules | None = None,
              settings: dict[str, object] | None = None) -> BriefingLists:
        """The five briefing lists (重点企业, 招商目标, 短板/卡脖子, 合作伙伴, 创新平台) of a region's chain."""
        rules = rules or ListRules()
        d = self.diagnose(region, chain, year, settings)
        code = d.region["code"]
        nodes = d.nodes[["node_id", "name_zh", "name_en", "stage", "status"]]
        leading = briefing_lists.leading_firms(d.firms, nodes, rules)
        region_zh = dict(zip(self.regions_frame["code"], self.regions_frame["name_zh"], strict=True))
        leading.insert(9, "region_name_zh", leading["region"].map(region_zh))
        choke = briefing_lists.chokepoints(nodes, self._node_makers(), self._import_dependence(list(nodes["node_id"])),
                                           rules)
        level = self._level_of(code)
        counts = self.presence_counts(level)
        inside = set(self.descendants(code)) | {p["code"] for p in self.parents(code)}
        lacking = list(choke.loc[choke["shortfall"], "node_id"])
        names = dict(zip(nodes["node_id"], nodes["name_zh"], strict=True))
        rec = self.region_record(code)
        partner_rows = briefing_lists.partners(rec, lacking, counts, self._whole("regions"), exclude=inside,
                                               node_names=names, rules=rules)
        opps = self.opportunities(code, chain, year=year, settings=settings)
        targets = briefing_lists.target_rows(self.targets(code, opps, n=5, top=3))
        order = [code] + [p["code"] for p in self.parents(code)][::-1]
        regions = self._whole("regions")
        region_names = dict(zip(regions["code"], regions["name_zh"], strict=True))
        obs = queries.observations(self.store, "region", order)
        innov = briefing_lists.innovation(obs, order, self._whole("indicators"), region_names)
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
        t = queries.select(self.store, "plan_targets", '"region" IN (SELECT unnest(?::VARCHAR[]))', [sorted(inside)])
        from chainatlas.analysis.plans import with_legacy_targets

        return with_legacy_targets(t, queries.observations(self.store, "region", inside))

    def plan_progress(self, region: str, as_of: int | None = None) -> PlanProgress:
        """Plan targets against the latest actual figure of the same region, indicator and node."""
        from chainatlas.analysis.plans import plan_progress

        code = self.resolve_region(region)
        targets = self.plan_targets(code)
        obs = queries.observations(self.store, "region", set(targets["region"]))
        obs = obs[~obs["indicator"].str.endswith("_target")]
        actuals = obs.rename(columns={"subject_id": "region"})[
            ["region", "indicator", "node_id", "value", "unit", "year", "source_id", "comparator"]]
        ind = self._whole("indicators")
        regions = self._whole("regions")
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
        ind = self._whole("indicators").set_index("id")
        if indicator not in ind.index:
            raise ChainAtlasError(f"unknown indicator {indicator!r}; see the indicators table")
        obs = queries.observations(self.store, "region", [code, "100000"], [indicator])
        obs = obs[obs["node_id"].fillna("") == nid]
        reg, nat = obs[obs["subject_id"] == code], obs[obs["subject_id"] == "100000"]
        unit = None
        if nid:
            unit = self._whole("nodes").set_index("id").loc[nid, "unit"] if indicator in ("output", "capacity") \
                else None
        rows = series(reg, nat if code != "100000" else nat.iloc[0:0], unit)
        rec = self.region_record(code)
        node_rec = None
        if nid:
            n = self._whole("nodes").set_index("id").loc[nid]
            node_rec = {"id": nid, "name_zh": n["name_zh"], "name_en": n["name_en"]}
        return Series({k: rec[k] for k in ("code", "name_zh", "name_en")},
                      {"id": indicator, "name_zh": ind.loc[indicator, "name_zh"], "name_en": ind.loc[indicator, "name_en"]},
                      node_rec, rows)

    def series_for(self, region: str, chain: str | None = None, min_years: int = 2) -> list[Series]:
        """Every figure of the region (and its chain's nodes, nationally) observed in ``min_years`` years or more."""
        code = self.resolve_region(region)
        ids = set(self.members.get(self.resolve_chain(chain), [])) if chain else set()
        from chainatlas.analysis.series import series_keys

        keys = series_keys(queries.observations(self.store, "region", [code, "100000"]), code, ids, min_years)
        return [self.series(code, i, n or None) for i, n in keys]

    def points(self, region: str, chain: str) -> PointMap:
        """Regions making the chain's nodes, with firm counts, at their coordinates (for a point map).

        Firms are placed at their region's point (the atlas records a firm's region, not its address).
        """
        code = self.resolve_region(region)
        cid = self.resolve_chain(chain)
        level = self._level_of(code)
        ids = self.members.get(cid, [])
        firms = region_walks.with_levels(queries.makers_of(self.store, ids), self.region_levels)
        made = queries.production(self.store, nodes=ids)[["enterprise_id", "node_id"]].drop_duplicates()
        rows = region_walks.making_regions(made, firms, self.regions_frame, level, code)
        rec = self.region_record(code)
        chain_rec = self._whole("chains").set_index("id").loc[cid]
        return PointMap({k: rec[k] for k in ("code", "name_zh", "name_en", "level", "lon", "lat")},
                        {"id": cid, "name_zh": chain_rec["name_zh"], "name_en": chain_rec["name_en"]}, rows)

    def _briefing_section(self, region: str, chain: str, year: int | None,
                          settings: dict[str, object] | None) -> tuple[str, dict, dict[str, pd.DataFrame]]:
        """The report's lists / plan / series / point-map section, its charts, and its Excel sheets."""
        from chainatlas.analysis.briefing import LIST_TITLES
        from chainatlas.report.briefing_section import render_briefing_section

        lists = self.lists(region, chain, year=year, settings=settings)
        plan = self.plan_progress(region)
        series = self.series_for(region, chain)
        html, specs = render_briefing_section(lists.to_dict(), plan.to_dict(), [s.to_dict() for s in series],
                                              self.points(region, chain).to_dict(), self.verified_sources())
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
        regions = self._whole("regions")
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

        t = self._whole
        return Gazetteer.from_frames(t("regions"), t("nodes"), t("indicators"), t("plausibility"), t("observations"))

    def extract(self, files: list[str | Path], *, date: str | None = None, source: dict | None = None):
        """Candidate facts read from documents, checked and compared with the store; writes nothing.

        ``source`` gives ``id``, ``title``, ``publisher``, ``date``, ``url``, ``kind`` for the
        documents (else each document is its own source, named from the file); ``date`` anchors
        去年 / last year when the document does not say its date.
        """
        from chainatlas.extract.pipeline import extract_documents
        from chainatlas.extract.readers import read_document

        documents = [read_document(f) for f in files]
        return extract_documents(documents, self.extraction_gazetteer(), indicators=self._whole("indicators"),
                                 observations=self._whole("observations"), date=date, source=source)


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

        nodes = self._whole("nodes").to_dict("records")
        regions = self._whole("regions")[["code", "name_zh", "short_zh", "level", "parent"]]
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
        from chainatlas.analysis.classify.producers import producer_frames
        from chainatlas.store.registry import registry_producers

        if not self._has_registry():
            return firms, production
        found = registry_producers(self.store, MIN_SCORE if min_score is None else min_score)
        if found.empty:
            return firms, production
        sources = self._whole("sources")
        extra_firms, extra_prod = producer_frames(found, dict(zip(sources["id"], sources["date"], strict=True)))
        return (pd.concat([firms, extra_firms], ignore_index=True),
                pd.concat([production, extra_prod], ignore_index=True))

    # --- verification marks ---
    def verified_sources(self) -> frozenset[str]:
        """Ids of the sources marked ``verified = true`` (checked against the original publication)."""
        from chainatlas.analysis.verification import verified_ids

        cache = self.__dict__.setdefault("_verified_cache", {})
        if "ids" not in cache:  # the sources table is small; read once per store state
            cache["ids"] = verified_ids(self._whole("sources"))
        return cache["ids"]

    def mark_verified(self, diagnosis: Diagnosis) -> Diagnosis:
        """The diagnosis with each figure saying whether every source it rests on is verified."""
        from chainatlas.analysis.verification import mark_diagnosis

        return mark_diagnosis(diagnosis, self.verified_sources())

    # --- national opportunities ---
    def opportunities_all(self, chain: str, level: str = "prefecture", weights: dict[str, float] | None = None,
                          year: int | None = None, settings: dict[str, object] | None = None
                          ) -> RegionalOpportunities:
        """Every region of ``level`` ranked for ``chain`` in one vectorised pass.

        Row for row the same numbers as :meth:`opportunities` for each region (``.of(code)`` gives
        that region's result); see :func:`chainatlas.analysis.opportunities.score_regions`.
        """
        from chainatlas.analysis.diagnosis import link_table
        from chainatlas.analysis.opportunities import node_concentration, province_presence, score_regions

        cid = self.resolve_chain(chain)
        level = self._level(level)
        facts = self.chain_facts(cid, year)
        t = link_table(facts, level, self._settings(settings))
        codes, links = list(t["region"].cat.categories), list(t["node_id"].cat.categories)
        shape = (len(codes), len(links))
        status = pd.DataFrame(np.asarray(t["status"].astype(object)).reshape(shape), index=codes, columns=links)
        unit_value = facts.nodes["unit_value"].astype(float).reindex(links).to_numpy()
        value = pd.DataFrame(t["national_quantity"].to_numpy(dtype=float).reshape(shape) * unit_value,
                             index=codes, columns=links)
        regions = self._whole("regions")
        names = regions.loc[regions["level"] == level, ["code", "name_zh", "name_en", "level"]]
        names = names[names["code"].isin(codes)].sort_values("code")
        density, _ = self.relatedness(level)
        counts = self.presence_counts(level)
        province = self.region_levels.set_index("code")["province"].reindex(names["code"])
        firms = self._firms_with_ancestors()[list(dict.fromkeys(["id", "province", level]))]
        pairs = self._whole("production")[["enterprise_id", "node_id"]].drop_duplicates().merge(
            firms, left_on="enterprise_id", right_on="id")
        graph = chain_graph.build_graph(self._whole("nodes"), self._whole("links"), set(links))
        return score_regions(regions=names, chain_ids=[cid], nodes=self._whole("nodes").set_index("id", drop=False),
                             graph=graph, status=status, density=density,
                             province_present=province_presence(pairs, level, province, links),
                             node_hhi=node_concentration(counts), national_value=value,
                             chain_of=dict.fromkeys(links, cid), level=level, weights=weights,
                             capped=self.capped_nodes())
    # --- web pages ---
    def names(self, kind: str) -> dict[str, dict]:
        """id (code for regions) → its names, for labelling: ``name_zh``, ``name_en``, and for regions
        ``level`` and ``parent``, for enterprises ``region``. ``kind``: regions, chains, nodes,
        indicators or enterprises."""
        extra = {"regions": ["level", "parent"], "enterprises": ["region"]}
        if kind not in ("regions", "chains", "nodes", "indicators", "enterprises"):
            raise ChainAtlasError(f"names are kept for regions, chains, nodes, indicators and enterprises, not {kind!r}")
        frame = self._whole(kind)
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
        firms = self._whole("enterprises")
        return dict(zip(firms["id"], firms["region"], strict=True))

    def source_records(self) -> pd.DataFrame:
        """Every source record (id, title, publisher, date, address…)."""
        return self._whole("sources").copy()

    def node_records(self, ids: list[str]) -> pd.DataFrame:
        """The node records (names, stage, unit, unit value and its source…) of the given node ids."""
        nodes = self._whole("nodes")
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
