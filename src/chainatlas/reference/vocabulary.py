"""Read the registry vocabulary files (``data/vocabulary/<chain>.toml``) and the chain files' nodes.

Why files of their own, keyed by node id: the wording a registry uses (经营范围 terms, exclusions,
industry classes) is reviewed per chain by people who know that industry, and a user extends it by
passing a file of the same shape; the chain files stay about the chain's structure.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable
from pathlib import Path

from chainatlas.errors import DataError
from chainatlas.reference.loader import data_dir

BARE_ROLES = ("producer", "trader", "service", "other")
ENTRY_KEYS = {"terms", "drop", "context", "exclude", "industry", "make_verbs", "bare_role"}


def _toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{path}: not valid TOML: {exc}") from exc


def chain_nodes(root: Path | None = None) -> tuple[list[dict], dict[str, str]]:
    """Every node record of the chain files and, per node id, the chain whose file defines it."""
    root = root or data_dir()
    nodes, owner = [], {}
    for path in sorted((root / "chains").glob("*.toml")):
        doc = _toml(path)
        for node in doc.get("nodes", []):
            nodes.append(node)
            owner[node["id"]] = doc["id"]
    return nodes, owner


def read_entries(paths: Iterable[Path], known: set[str]) -> dict[str, dict]:
    """Merge vocabulary entries of several files (later files extend earlier ones).

    Refuses an entry naming a node that no chain defines, an unknown key, or a bad role, naming file
    and node: a typo in a node id would otherwise silently classify nothing.
    """
    merged: dict[str, dict] = {}
    for path in paths:
        doc = _toml(path)
        for nid, entry in (doc.get("nodes") or {}).items():
            if nid not in known:
                near = difflib.get_close_matches(nid, sorted(known), n=3)
                hint = f" (did you mean {', '.join(near)}?)" if near else ""
                raise DataError(f"{path}: vocabulary entry [nodes.\"{nid}\"] names an unknown node{hint}")
            unknown = set(entry) - ENTRY_KEYS
            if unknown:
                raise DataError(f"{path}: [nodes.\"{nid}\"] has unknown keys {sorted(unknown)}; "
                                f"allowed: {sorted(ENTRY_KEYS)}")
            if entry.get("bare_role", "other") not in BARE_ROLES:
                raise DataError(f"{path}: [nodes.\"{nid}\"] bare_role must be one of {BARE_ROLES}")
            for i, ctx in enumerate(entry.get("context", [])):
                if not ctx.get("term"):
                    raise DataError(f"{path}: [nodes.\"{nid}\"] context {i + 1} has no 'term'")
            target = merged.setdefault(nid, {})
            for key, value in entry.items():
                if isinstance(value, list):
                    target[key] = [*target.get(key, []), *value]
                else:
                    target[key] = value
    return merged


def vocabulary_files(root: Path | None = None) -> list[Path]:
    root = root or data_dir()
    return sorted((root / "vocabulary").glob("*.toml"))


def vocabulary_data(extra: Iterable[str | Path] = (), root: Path | None = None,
                    nodes: list[dict] | None = None) -> tuple[list[dict], dict[str, dict], dict[str, str]]:
    """Node records, merged vocabulary entries and node owners: what ``build_vocabulary`` combines.

    ``extra`` are the user's vocabulary files (same shape as the shipped ones); ``nodes`` (records with
    id, name_zh, aliases, gb4754) replaces the chain files' nodes, e.g. a store's nodes.
    """
    file_nodes, owner = chain_nodes(root)
    nodes = nodes if nodes is not None else file_nodes
    known = {n["id"] for n in nodes}
    entries = read_entries([*vocabulary_files(root), *(Path(p) for p in extra)], known)
    return nodes, entries, owner
