"""Classify a chunk of registry rows: the one loop both engines run (locally per chunk, on Spark per
partition), so their assignments are identical by construction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import pandas as pd

from chainatlas.analysis.classify.classifier import classify_record
from chainatlas.analysis.classify.matcher import Matcher
from chainatlas.analysis.classify.regions import RegionResolver
from chainatlas.analysis.classify.vocabulary import Vocabulary
from chainatlas.analysis.classify.wording import is_active

ASSIGNMENT_COLUMNS = ["row", "name", "credit_code", "region", "node_id", "role", "score", "evidence"]
FIRM_COLUMNS = ["row", "region", "region_from", "active"]


def classify_rows(rows: Iterable[Mapping[str, object]], vocab: Vocabulary, matcher: Matcher,
                  resolver: RegionResolver) -> Iterator[tuple[tuple, tuple | None]]:
    """Per row: the firm tuple (FIRM_COLUMNS) and its assignment tuples (ASSIGNMENT_COLUMNS)."""
    for rec in rows:
        code = str(rec.get("credit_code") or "").strip().upper()
        where = resolver.resolve(str(rec.get("address") or ""), code)
        firm = (rec["row"], where.code, where.how, is_active(str(rec.get("status") or "")))
        found = classify_record(rec, vocab, matcher)
        yield firm, tuple((rec["row"], rec.get("name", ""), code, where.code, a.node_id, a.role, a.score,
                           a.evidence) for a in found) or None


def records(frame: pd.DataFrame) -> list[dict]:
    """Row dicts of a text frame (faster than ``to_dict('records')`` for string columns)."""
    cols = list(frame.columns)
    return [dict(zip(cols, values, strict=True)) for values in zip(*(frame[c].tolist() for c in cols), strict=True)]


def classify_frame(frame: pd.DataFrame, vocab: Vocabulary, matcher: Matcher,
                   resolver: RegionResolver) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(assignments, firms) of a frame with the registry fields and ``row``."""
    firms, assigned = [], []
    for firm, found in classify_rows(records(frame), vocab, matcher, resolver):
        firms.append(firm)
        if found:
            assigned.extend(found)
    return (pd.DataFrame(assigned, columns=ASSIGNMENT_COLUMNS), pd.DataFrame(firms, columns=FIRM_COLUMNS))
