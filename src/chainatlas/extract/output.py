"""Extracted facts → an observations file a person reviews and ``chainatlas import observations`` takes.

The file is the review step: one row per importable fact with the quoted sentence, the span and
the checks beside it; the reviewer deletes the rows that are wrong and imports the rest. The source
travels in ``source_*`` columns so the import creates it when the atlas does not have it yet.
Facts that cannot be stored as they are (no region, no year, a partial year, an indicator the atlas
does not define) are listed with the reason instead of being written.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from chainatlas.errors import UnitError
from chainatlas.extract.facts import Fact
from chainatlas.model.units import parse_unit
from chainatlas.results import Result, jsonable

OBSERVATION_COLUMNS = ["subject_kind", "subject_id", "node_id", "indicator", "year", "value", "unit",
                       "comparator", "source_id", "note"]
SOURCE_COLUMNS = ["source_title", "source_publisher", "source_date", "source_url", "source_kind"]
REVIEW_COLUMNS = ["quote", "file", "span", "written", "confidence", "checks"]
FREE_TEXT = {"note", "source_title", "source_publisher", "source_url", "quote", "file", "written", "checks"}


@dataclass
class SourceInfo:
    """What the document is, for the ``sources`` table."""

    id: str
    title: str
    publisher: str
    date: str = ""
    url: str = ""
    kind: str = "news"


def source_id_for(path: str, title: str = "") -> str:
    """A stable source id from the file name: ``doc-<stem>`` in lower-case ascii and hyphens."""
    stem = Path(path).stem
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    if not stem.isascii() or not slug:
        # names in Chinese lose their letters in the slug; a short digest keeps two documents apart
        digest = hashlib.sha1(stem.encode("utf-8")).hexdigest()[:8]
        slug = f"{slug}-{digest}" if slug else digest
    return f"doc-{slug}"[:60]


def importable(fact: Fact, indicators: set[str]) -> str | None:
    """Why ``fact`` cannot be written as an observation as it is, or None when it can."""
    if not fact.region:
        return "no region"
    if fact.year is None:
        return "no year (give --date for 去年 / this year)"
    if fact.period:
        return f"partial year ({fact.period})"
    if indicators and fact.indicator not in indicators:
        return f"indicator {fact.indicator!r} is not defined in the atlas"
    try:
        parse_unit(fact.unit)
    except UnitError:
        return f"unit {fact.unit!r} is not known to the atlas"
    return None


def observation_rows(facts: list[Fact], source: SourceInfo) -> list[dict]:
    """One observations row per fact (the caller keeps only importable ones)."""
    rows = []
    for f in facts:
        note = f"extracted: {f.subject}" if f.subject else "extracted"
        if f.rank_scope:
            note += f"; rank among {f.rank_scope}"
        rows.append({
            "subject_kind": "region", "subject_id": f.region, "node_id": f.node, "indicator": f.indicator,
            "year": f.year, "value": f"{f.value:.10g}", "unit": f.unit, "comparator": f.comparator,
            "source_id": source.id, "note": note,
            "source_title": source.title, "source_publisher": source.publisher, "source_date": source.date,
            "source_url": source.url, "source_kind": source.kind,
            "quote": f.quote, "file": f.file, "span": f"{f.start}-{f.end}", "written": f.written,
            "confidence": f.confidence, "checks": " | ".join(f.checks),
        })
    return rows


@dataclass
class Extraction(Result):
    """Facts read from documents: those ready for review and import, and those left out with why."""

    facts: list[Fact]
    sources: dict[str, SourceInfo]  # file → source
    left_out: list[tuple[Fact, str]] = field(default_factory=list)

    @property
    def writable(self) -> list[Fact]:
        out = {id(f) for f, _ in self.left_out}
        return [f for f in self.facts if id(f) not in out]

    def to_dict(self) -> dict:
        reasons = {id(f): why for f, why in self.left_out}
        return jsonable({
            "sources": {file: vars(s) for file, s in self.sources.items()},
            "facts": [{**f.to_dict(), "importable": id(f) not in reasons, "left_out": reasons.get(id(f))}
                      for f in self.facts],
        })

    def to_frame(self) -> pd.DataFrame:
        cols = ["region", "node", "subject", "indicator", "comparator", "value", "unit", "year", "period",
                "rank_scope", "written", "checks", "file", "start", "end", "quote"]
        if not self.facts:
            return pd.DataFrame(columns=cols)
        frame = pd.DataFrame([f.to_dict() for f in self.facts])
        frame["checks"] = frame["checks"].map(lambda c: " | ".join(c))
        return frame[cols]

    def write_csv(self, path: str | Path) -> int:
        """Write the importable facts as an observations CSV; returns the number of rows."""
        rows = []
        for f in self.writable:
            rows.extend(observation_rows([f], self.sources[f.file]))
        columns = OBSERVATION_COLUMNS + SOURCE_COLUMNS + REVIEW_COLUMNS
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: _safe_cell(v) if k in FREE_TEXT else v for k, v in row.items()})
        return len(rows)

    def __repr__(self) -> str:
        lines = [f"{len(self.facts)} facts from {len(self.sources)} document(s); "
                 f"{len(self.writable)} importable, {len(self.left_out)} left out"]
        reasons = {id(f): why for f, why in self.left_out}
        for f in self.facts:
            where = f.region or "?"
            what = f.node or f.subject or "?"
            cmp = "" if f.comparator == "=" else f.comparator + " "
            when = f"{f.year or '?'}{' ' + f.period if f.period else ''}"
            lines.append(f"- {where} {what} {f.indicator} {cmp}{f.value:.6g} {f.unit} ({when}) "
                         f"[{f.file}:{f.start}-{f.end}] 「{f.quote[:80]}」")
            for check in f.checks:
                lines.append(f"    ! {check}")
            if id(f) in reasons:
                lines.append(f"    (not written: {reasons[id(f)]})")
        return "\n".join(lines)


def _safe_cell(value: object) -> object:
    """Text cells never start a spreadsheet formula when the CSV is opened in a spreadsheet."""
    if isinstance(value, str) and value[:1] in ("=", "+", "@", "\t", "\r") or (
            isinstance(value, str) and value[:1] == "-" and not re.fullmatch(r"-?\d[\d.e+-]*", value)):
        return "'" + value
    return value
