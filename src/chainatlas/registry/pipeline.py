"""Registry export file → assignments file (``chainatlas classify``), chunk by chunk.

Why chunks: a national export has tens of millions of rows; each chunk is read, classified and its
assignments appended to the output before the next is read, so memory stays bounded.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from chainatlas.analysis.classify.frame import ASSIGNMENT_COLUMNS, FIRM_COLUMNS
from chainatlas.errors import RowProblem
from chainatlas.registry.context import ClassifyContext
from chainatlas.registry.engines import make_engine
from chainatlas.store.registry_reader import encoding_of, read_registry, row_problems


@dataclass
class ClassifySummary:
    """What ``classify`` read and assigned."""

    file: str
    encoding: str
    engine: str
    rows: int = 0
    firms_assigned: int = 0
    assignments: int = 0
    by_chain_role: dict[str, dict[str, int]] = field(default_factory=dict)
    unresolved_addresses: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    out: str = ""

    def to_dict(self) -> dict:
        return {
            "file": self.file, "encoding": self.encoding, "engine": self.engine, "rows_read": self.rows,
            "firms_assigned": self.firms_assigned, "assignments": self.assignments,
            "firms_by_chain_and_role": self.by_chain_role,
            "unresolved_addresses": self.unresolved_addresses,
            "problems": [{"row": p.row, "field": p.field, "value": str(p.value), "expected": p.expected}
                         for p in self.problems],
            "out": self.out,
        }

    def __repr__(self) -> str:
        lines = [f"{self.file} ({self.encoding}, engine {self.engine}): {self.rows} rows, "
                 f"{self.firms_assigned} firms assigned, {self.assignments} assignments, "
                 f"{self.unresolved_addresses} unresolved addresses, {len(self.problems)} problem rows"]
        for chain, roles in sorted(self.by_chain_role.items()):
            lines.append(f"  {chain}: " + ", ".join(f"{r} {n}" for r, n in sorted(roles.items())))
        lines.extend(f"  - {p}" for p in self.problems[:20])
        return "\n".join(lines)


def classify_chunks(path: str | Path, context: ClassifyContext, engine: str = "local",
                    mapping: dict[str, str] | None = None, chunk_size: int = 200_000, workers: int = 1):
    """Yield (chunk frame, assignments, firms, problems) per chunk; the summary is filled as we go."""
    eng = make_engine(engine, context, workers)
    seen: dict[str, int] = {}
    try:
        for chunk in read_registry(path, mapping, chunk_size):
            problems = list(chunk.problems) + row_problems(chunk.frame, str(path), seen)
            assigned, firms = eng.classify(chunk.frame) if len(chunk.frame) else (pd.DataFrame(columns=ASSIGNMENT_COLUMNS), pd.DataFrame(columns=FIRM_COLUMNS))
            yield chunk.frame, assigned, firms, problems
    finally:
        eng.close()


def classify_file(path: str | Path, out: str | Path | None, context: ClassifyContext, engine: str = "local",
                  mapping: dict[str, str] | None = None, chunk_size: int = 200_000,
                  workers: int = 1) -> ClassifySummary:
    """Classify an export and write one row per firm × node to ``out`` (CSV, UTF-8)."""
    summary = ClassifySummary(str(path), encoding_of(path), engine, out=str(out or ""))
    owner = {nid: w.chain_id for nid, w in context.vocab.nodes.items()}
    per_chain: dict[str, Counter] = {}
    first = True
    out_path = Path(out) if out else None
    for frame, assigned, firms, problems in classify_chunks(path, context, engine, mapping, chunk_size, workers):
        summary.rows += len(frame) + sum(1 for p in problems if p.field is None)
        summary.problems.extend(problems)
        if len(firms):
            unresolved = firms[firms["region"] == ""]
            summary.unresolved_addresses += len(unresolved)
            summary.problems.extend(RowProblem(str(path), int(r), "address", a, "an address naming a region")
                                    for r, a in zip(unresolved["row"], frame.set_index("row").loc[unresolved["row"],
                                                                                                  "address"],
                                                    strict=True))
        if len(assigned):
            summary.assignments += len(assigned)
            summary.firms_assigned += assigned["row"].nunique()
            chains = assigned.assign(chain=assigned["node_id"].map(owner))
            best = chains.sort_values("score", ascending=False).drop_duplicates(["row", "chain"])
            for (chain, role), n in best.groupby(["chain", "role"]).size().items():
                per_chain.setdefault(chain, Counter())[role] += int(n)
        if out_path is not None:
            assigned.to_csv(out_path, mode="w" if first else "a", header=first, index=False, encoding="utf-8")
            first = False
    if out_path is not None and first:
        pd.DataFrame(columns=ASSIGNMENT_COLUMNS).to_csv(out_path, index=False)
    summary.problems.sort(key=lambda p: (p.row or 0))
    summary.by_chain_role = {c: dict(v) for c, v in per_chain.items()}
    return summary


@dataclass
class RegistryImport:
    """What ``import registry`` wrote (or would write)."""

    file: str
    source_id: str
    firms: int = 0
    assignments: int = 0
    producers: int = 0
    skipped: list[RowProblem] = field(default_factory=list)
    dry_run: bool = False

    def to_dict(self) -> dict:
        return {"file": self.file, "source_id": self.source_id, "firms": self.firms,
                "assignments": self.assignments, "producers": self.producers, "dry_run": self.dry_run,
                "skipped": [{"row": p.row, "field": p.field, "value": str(p.value), "expected": p.expected}
                            for p in self.skipped]}

    def __repr__(self) -> str:
        verb = "would store" if self.dry_run else "stored"
        text = (f"{self.file}: {verb} {self.firms} registry firms, {self.assignments} assignments "
                f"({self.producers} producer assignments); source {self.source_id}")
        if self.skipped:
            text += f"; skipped {len(self.skipped)} rows:\n" + "\n".join(f"  - {p}" for p in self.skipped[:50])
        return text


def registry_source(path: Path, date: str, publisher: str) -> dict:
    """The source record of an export: the file, its date and who exported it."""
    slug = "".join(c if c.isalnum() else "-" for c in path.stem.lower()).strip("-")
    return {"id": f"registry-{slug}-{date}", "title": f"registry export {path.name}", "publisher": publisher,
            "date": date, "kind": "user", "url": "", "note": f"imported with chainatlas import registry from {path}"}


def prepare_registry(path: str | Path, context: ClassifyContext, source_id: str, engine: str = "local",
                     mapping: dict[str, str] | None = None, chunk_size: int = 200_000
                     ) -> tuple[pd.DataFrame, pd.DataFrame, list[RowProblem]]:
    """(firm rows, assignment rows, problems) of an export, ready for the store."""
    firm_parts, assign_parts, problems = [], [], []
    for frame, assigned, firms, probs in classify_chunks(path, context, engine, mapping, chunk_size):
        problems.extend(probs)
        if not len(frame):
            continue
        merged = frame.merge(firms, on="row")
        merged["credit_code"] = merged["credit_code"].str.upper()
        merged["id"] = merged["credit_code"].where(merged["credit_code"] != "", "name:" + merged["name"])
        for r, a in merged.loc[merged["region"] == "", ["row", "address"]].itertuples(index=False):
            problems.append(RowProblem(str(path), int(r), "address", a, "an address naming a region"))
        firm_parts.append(merged)
        assign_parts.append(assigned.merge(merged[["row", "id"]], on="row"))
    firms = pd.concat(firm_parts, ignore_index=True) if firm_parts else pd.DataFrame(
        columns=["row", "id", "name", "credit_code", "region", "region_from", "address", "industry", "status",
                 "active", "founded", "capital"])
    dup = firms["id"].duplicated(keep="first") & firms["id"].str.startswith("name:")
    for r, n in firms.loc[dup, ["row", "name"]].itertuples(index=False):
        problems.append(RowProblem(str(path), int(r), "name", n, "a unique firm name when the credit code is empty"))
    firms = firms.rename(columns={"name": "name_zh"}).assign(source_id=source_id)
    assigned = pd.concat(assign_parts, ignore_index=True) if assign_parts else pd.DataFrame(
        columns=["row", "id", "node_id", "role", "score", "evidence"])
    assigned = assigned.rename(columns={"id": "firm_id"}).assign(source_id=source_id)
    problems.sort(key=lambda p: p.row or 0)
    return firms, assigned, problems


def import_registry(store, path: str | Path, context: ClassifyContext, *, date: str, publisher: str = "user",
                    engine: str = "local", mapping: dict[str, str] | None = None, skip_invalid: bool = False,
                    dry_run: bool = False) -> RegistryImport:
    """Classify an export and store its firms and assignments: all rows valid, or nothing written.

    With ``skip_invalid`` rows with problems (broken, nameless, bad or repeated credit code, address
    naming no region) are left out and listed; without it any problem refuses the whole file.
    """
    from chainatlas.errors import ImportRowError
    from chainatlas.store.registry import write_registry

    path = Path(path)
    source = registry_source(path, date, publisher)
    firms, assigned, problems = prepare_registry(path, context, source["id"], engine, mapping)
    report = RegistryImport(str(path), source["id"], dry_run=dry_run)
    if problems and not skip_invalid:
        raise ImportRowError(problems)
    if problems:
        bad = {p.row for p in problems if p.row is not None}
        report.skipped = problems
        firms = firms[~firms["row"].isin(bad)]
        assigned = assigned[~assigned["row"].isin(bad)]
    report.firms, report.assignments = len(firms), len(assigned)
    report.producers = int((assigned["role"] == "producer").sum())
    if not dry_run:
        write_registry(store, source, firms, assigned)
    return report
