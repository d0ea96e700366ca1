"""The one error hierarchy of chainatlas.

Why a hierarchy: faces (CLI, web, reports) catch ``ChainAtlasError`` and print its message without a
traceback, while code can still react to the precise family (an unknown region gets suggestions, a
locked store gets a retry hint). Every message names the culprit: which file, row, field, region or
node.
"""

from __future__ import annotations

from dataclasses import dataclass


class ChainAtlasError(Exception):
    """Base of every error chainatlas raises on purpose."""


class DataError(ChainAtlasError):
    """Data is inconsistent or invalid (a cycle in links, a missing reference, a bad file)."""


@dataclass
class RowProblem:
    """One validation problem of an import: where it is and what was expected."""

    file: str
    row: int | None
    field: str | None
    value: object
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.field:
            where += f" field '{self.field}'"
        value = self.value
        if hasattr(value, "item") and not isinstance(value, (str, bytes)):
            value = value.item()  # numpy scalars print as plain numbers
        if isinstance(value, tuple):
            value = tuple(v.item() if hasattr(v, "item") else v for v in value)
        if value is None or (isinstance(value, float) and value != value) or value == "":
            shown = ": got an empty value" if self.row is not None else ""
        else:
            shown = f": got {value!r}"
        return f"{where}{shown}; expected {self.expected}"


class ImportRowError(DataError):
    """An import was refused; ``problems`` lists every problem found (not just the first).

    Row numbers count data records from 1 (the header is not a record), so row 7 is the seventh
    record, on line 8 of a CSV file.
    """

    def __init__(self, problems: list[RowProblem], total: int | None = None):
        self.problems = problems
        self.total = total if total is not None else len(problems)
        shown = "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  … and {self.total - 50} more" if self.total > 50 else ""
        super().__init__(f"import refused, nothing was written ({self.total} problem(s)):\n{shown}{more}")

    # convenience for the common single-problem case
    @property
    def file(self) -> str:
        return self.problems[0].file

    @property
    def row(self) -> int | None:
        return self.problems[0].row

    @property
    def field(self) -> str | None:
        return self.problems[0].field


class _UnknownThing(ChainAtlasError):
    kind = "thing"

    def __init__(self, query: str, suggestions: list[str] | None = None, ambiguous: bool = False):
        self.query = query
        self.suggestions = suggestions or []
        self.ambiguous = ambiguous
        shown = query if len(query) <= 80 else query[:80] + f"… ({len(query):,} characters)"
        if ambiguous:
            super().__init__(f"{self.kind} {shown!r} is ambiguous: it names {'; '.join(self.suggestions)}. "
                             "Give the code or id, or a fuller name")
            return
        hint = f"; did you mean {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown {self.kind} {shown!r}{hint}")


class UnknownRegion(_UnknownThing):
    """No region matches a name or code."""

    kind = "region"


class UnknownNode(_UnknownThing):
    """No chain node matches a name or id."""

    kind = "node"


class UnknownChain(_UnknownThing):
    """No chain matches a name or id."""

    kind = "chain"


class UnknownEnterprise(_UnknownThing):
    """No enterprise matches a name or id."""

    kind = "enterprise"


class UnitError(ChainAtlasError):
    """A unit is unknown, or two units measure different things."""


class StoreLocked(ChainAtlasError):
    """Another process holds the store for writing (DuckDB allows one writer per file)."""
