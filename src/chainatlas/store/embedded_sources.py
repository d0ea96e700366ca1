"""Sources described inside an observations file (``source_title``, ``source_publisher``… columns).

Why: a file of facts read from one document carries that document as its source; asking the user to
write a separate sources file first would make "review, then import" two imports. Only sources the
store does not know yet are created; a known id keeps its stored record.
"""

from __future__ import annotations

import pandas as pd

from chainatlas.store.importer import Batch

EMBEDDED = {"source_title": "title", "source_publisher": "publisher", "source_date": "date",
            "source_url": "url", "source_kind": "kind"}


def embedded_sources(frame: pd.DataFrame, file: str, known: set[str], rows: list[int] | None = None) -> Batch | None:
    """A sources batch for the source ids named in ``frame`` with a title column but unknown to the store."""
    if "source_id" not in frame.columns or "source_title" not in frame.columns:
        return None
    records, numbers, seen = [], [], set()
    for i, rec in enumerate(frame.to_dict(orient="records")):
        sid = str(rec.get("source_id") or "").strip()
        if not sid or sid in known or sid in seen:
            continue
        seen.add(sid)
        records.append({"id": sid, **{dst: str(rec.get(src) or "").strip() for src, dst in EMBEDDED.items()
                                      if src in frame.columns}})
        numbers.append(rows[i] if rows is not None else i + 1)
    if not records:
        return None
    return Batch("sources", f"{file} [source_* columns]", pd.DataFrame(records).astype(str), numbers)
