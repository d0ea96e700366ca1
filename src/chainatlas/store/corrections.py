"""Corrections that last: a user's fix to one field of a record, kept and re-applied after reloads.

Why not simply import a corrected row: reloading the reference atlas (``chainatlas init``, a new
release) replaces shipped records whole, so a plain fix would silently disappear. A correction is a
record of its own (kind ``corrections``: what, who, when, why), kept in the store and in a file next
to it (``<store>.corrections.csv``, which survives ``init --force``), and applied again after every
load of the reference atlas. Applying goes through the ordinary importer, so a corrected figure is
checked like any other (units, references, magnitudes) and the whole correction file is applied or
nothing is.

Provenance: a corrected record whose kind carries ``source_id`` is re-pointed at a source row
``corr-…`` (kind ``user``, publisher = the author) whose note keeps the reason, the old value and the
source it replaced, so every face that shows a record's source shows the correction.
"""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path

import pandas as pd

from chainatlas.errors import ImportRowError, RowProblem
from chainatlas.model.entities import SPECS, resolve_kind
from chainatlas.store.db import Store
from chainatlas.store.importer import Batch, ImportReport, import_batches

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def sidecar(store: Store) -> Path | None:
    """The file beside the store that keeps every correction (it outlives the store file)."""
    path = Path(str(store.path))
    return None if str(path) == ":memory:" else path.with_name(path.name + ".corrections.csv")


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _record(store: Store, kind: str, key: str) -> dict | None:
    spec = SPECS[kind]
    parts = key.split("|")
    if len(parts) != len(spec.key):
        return None
    where = " AND ".join(f'CAST("{k}" AS VARCHAR) = ?' for k in spec.key)
    frame = store.frame(f'SELECT * FROM "{spec.table}" WHERE {where}', parts)
    return None if frame.empty else {c: frame.iloc[0][c] for c in spec.columns}


def _source_id(kind: str, key: str, field: str, date: str, author: str) -> str:
    digest = hashlib.sha1(f"{kind}|{key}|{field}|{date}|{author}".encode()).hexdigest()[:10]
    return f"corr-{digest}"


def plan(store: Store, corrections: pd.DataFrame, file: str) -> tuple[list[Batch], list[RowProblem]]:
    """Turn correction rows into import batches (corrected records, their sources, the corrections).

    ``corrections`` holds text cells with the ``corrections`` fields; problems name ``file`` and the
    row (1-based, as in the file).
    """
    problems: list[RowProblem] = []
    records: dict[tuple[str, str], tuple[int, dict]] = {}
    sources: list[dict] = []
    kept: list[dict] = []
    for number, rec in enumerate(corrections.fillna("").astype(str).to_dict(orient="records"), start=1):
        rec = {k: v.strip() for k, v in rec.items()}
        missing = [f for f in ("target_kind", "target_key", "field", "author", "date", "reason") if not rec.get(f)]
        if missing:
            problems += [RowProblem(file, number, f, "", "a value (required)") for f in missing]
            continue
        if not _ISO_DATE.fullmatch(rec["date"]):
            problems.append(RowProblem(file, number, "date", rec["date"], "an ISO date (YYYY-MM-DD)"))
            continue
        try:
            spec = resolve_kind(rec["target_kind"])
        except Exception:
            problems.append(RowProblem(file, number, "target_kind", rec["target_kind"], "an entity kind"))
            continue
        kind, key, field = spec.kind, rec["target_key"], rec["field"]
        if kind == "corrections" or field not in spec.columns or field in spec.key:
            problems.append(RowProblem(file, number, "field", field,
                                       f"a non-key field of {kind} ({', '.join(c for c in spec.columns if c not in spec.key)})"))
            continue
        if (kind, key) not in records:
            found = _record(store, kind, key)
            if found is None:
                problems.append(RowProblem(file, number, "target_key", key,
                                           f"the key ({'|'.join(spec.key)}) of an existing {kind} record"))
                continue
            records[(kind, key)] = (number, {c: _text(v) for c, v in found.items()})
        record = records[(kind, key)][1]
        old = record[field]
        record[field] = rec.get("value", "")
        if "source_id" in spec.columns and field != "source_id":
            sid = _source_id(kind, key, field, rec["date"], rec["author"])
            previous = record["source_id"]
            backed = f"; backed by source {rec['source_id']}" if rec.get("source_id") else ""
            sources.append({"id": sid, "title": f"Correction of {kind} {key}: {field}", "publisher": rec["author"],
                            "date": rec["date"], "kind": "user", "url": "",
                            "note": f"{rec['reason']}; was {old or '(empty)'}"
                                    f"{f' (source {previous})' if previous and not previous.startswith('corr-') else ''}"
                                    f"{backed}"})
            record["source_id"] = sid
        kept.append({**{f.name: rec.get(f.name, "") for f in SPECS["corrections"].fields},
                     "target_kind": kind, "__row": number})
    batches = []
    if sources:
        batches.append(Batch("sources", file, pd.DataFrame(sources).drop_duplicates("id", keep="last")))
    for kind in dict.fromkeys(k for k, _ in records):
        rows = [(n, r) for (k, _), (n, r) in records.items() if k == kind]
        batches.append(Batch(kind, file, pd.DataFrame([r for _, r in rows]), [n for n, _ in rows]))
    if kept:
        frame = pd.DataFrame(kept)
        batches.append(Batch("corrections", file, frame.drop(columns="__row"), list(frame["__row"])))
    return batches, problems


def apply(store: Store, corrections: pd.DataFrame, file: str, dry_run: bool = False) -> ImportReport:
    """Apply correction rows all at once (or none) and keep them in the store and its side file."""
    batches, problems = plan(store, corrections, file)
    if problems:
        raise ImportRowError(problems, len(problems))
    report = import_batches(store, batches, dry_run=dry_run)
    if not dry_run:
        save_sidecar(store)
    return report


def save_sidecar(store: Store) -> None:
    """Write every stored correction to the side file, so that a rebuilt store gets them back."""
    path = sidecar(store)
    if path is None:
        return
    cols = SPECS["corrections"].columns
    quoted = ", ".join(f'"{c}"' for c in cols)
    frame = store.frame(f'SELECT {quoted} FROM corrections ORDER BY "date", target_kind, target_key, field')
    if frame.empty and not path.exists():
        return
    frame.to_csv(path, index=False, encoding="utf-8")


def reapply(store: Store) -> ImportReport | None:
    """After a reload of the reference atlas: apply the stored corrections (or the side file's) again."""
    cols = SPECS["corrections"].columns
    quoted = ", ".join(f'"{c}"' for c in cols)
    stored = store.frame(f'SELECT {quoted} FROM corrections ORDER BY "date"')
    path = sidecar(store)
    if stored.empty and path is not None and path.exists():
        stored = pd.read_csv(path, dtype=str, keep_default_na=False)
        file = str(path)
    else:
        file = "stored corrections"
    if stored.empty:
        return None
    return apply(store, stored.astype(object).where(stored.notna(), ""), file)
