"""Documents (already read) → an :class:`Extraction`: facts, checks, duplicates, sources, what is left out.

Pure: the caller reads the files (:mod:`readers`) and hands in the atlas tables.
"""

from __future__ import annotations

import pandas as pd

from chainatlas.extract.checks import check_facts, mark_duplicates
from chainatlas.extract.facts import extract_facts
from chainatlas.extract.gazetteer import Gazetteer
from chainatlas.extract.output import Extraction, SourceInfo, importable, source_id_for
from chainatlas.extract.readers import Document

UNKNOWN_PUBLISHER = "(publisher not given: fill in before import)"


def extract_documents(documents: list[Document], gazetteer: Gazetteer, *, indicators: pd.DataFrame | None = None,
                      observations: pd.DataFrame | None = None, date: str | None = None,
                      source: dict | None = None) -> Extraction:
    """Read every document, check every fact and say which can be written as observations."""
    facts = []
    sources: dict[str, SourceInfo] = {}
    for doc in documents:
        given = {k: v for k, v in (source or {}).items() if v}
        info = SourceInfo(
            id=given.get("id") or source_id_for(doc.path, doc.title),
            title=given.get("title") or doc.title or doc.path,
            publisher=given.get("publisher") or UNKNOWN_PUBLISHER,
            date=given.get("date") or doc.date,
            url=given.get("url", ""),
            kind=given.get("kind", "news"),
        )
        sources[doc.path] = info
        anchor = date or doc.date or info.date or None
        context = doc.title if doc.title and doc.title not in doc.text[:len(doc.title) + 200] else ""
        facts.extend(extract_facts(doc.text, gazetteer, date=anchor, file=doc.path, context=context))
    check_facts(facts, gazetteer, indicators)
    if observations is not None:
        mark_duplicates(facts, observations)
    known = set(indicators["id"]) if indicators is not None else gazetteer.indicators
    left_out = []
    seen: dict[tuple, int] = {}
    for fact in facts:
        why = importable(fact, known)
        key = (fact.region, fact.node, fact.indicator, fact.year, sources[fact.file].id)
        if why is None and key in seen:
            why = "same region, node, indicator and year as an earlier fact of this document"
        if why is None:
            seen[key] = 1
        if why is not None:
            left_out.append((fact, why))
    return Extraction(facts, sources, left_out)
