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
                    mapping: dict[str, str] | None = None, chunk_size: int = 200_000):
    """Yield (chunk frame, assignments, firms, problems) per chunk; the summary is filled as we go."""
    eng = make_engine(engine, context)
    seen: dict[str, int] = {}
    try:
        for chunk in read_registry(path, mapping, chunk_size):
            problems = list(chunk.problems) + row_problems(chunk.frame, str(path), seen)
            assigned, firms = eng.classify(chunk.frame) if len(chunk.frame) else (pd.DataFrame(columns=ASSIGNMENT_COLUMNS), pd.DataFrame(columns=FIRM_COLUMNS))
            yield chunk.frame, assigned, firms, problems
    finally:
        eng.close()


def classify_file(path: str | Path, out: str | Path | None, context: ClassifyContext, engine: str = "local",
                  mapping: dict[str, str] | None = None, chunk_size: int = 200_000) -> ClassifySummary:
    """Classify an export and write one row per firm × node to ``out`` (CSV, UTF-8)."""
    summary = ClassifySummary(str(path), encoding_of(path), engine, out=str(out or ""))
    owner = {nid: w.chain_id for nid, w in context.vocab.nodes.items()}
    per_chain: dict[str, Counter] = {}
    first = True
    out_path = Path(out) if out else None
    for frame, assigned, firms, problems in classify_chunks(path, context, engine, mapping, chunk_size):
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
