"""Turn the reference data files into import batches.

Why through the importers: the shipped atlas gets exactly the validation users' files get, so a bad
edit to a data file fails ``chainatlas init`` with the file, row and field named.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pandas as pd

from chainatlas.errors import DataError
from chainatlas.store.importer import Batch
from chainatlas.store.readers import read_table

DIRECTORY_KINDS = {
    "sources": "sources",
    "enterprises": "enterprises",
    "production": "production",
    "indicators": "indicators",
    "observations": "observations",
    "plan_targets": "plan_targets",
}


def data_dir() -> Path:
    """The folder holding the shipped reference files."""
    return Path(str(resources.files("chainatlas.reference") / "data"))


def _text_frame(records: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame.from_records(records)
    return df.astype(object).where(df.notna(), "").map(lambda v: v if isinstance(v, str) else _fmt(v))


def _fmt(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(map(str, value))
    return str(value)


def chain_batches(path: Path) -> list[Batch]:
    """Batches (chains, nodes, chain_nodes, links, plausibility) from one chain TOML file."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{path}: not valid TOML: {exc}") from exc
    name = str(path)
    for key in ("id", "name_zh", "name_en"):
        if not doc.get(key):
            raise DataError(f"{name}: missing top-level '{key}'")
    chain_id = doc["id"]
    paths = doc.get("main_paths", [])
    chain = {
        "id": chain_id, "name_zh": doc["name_zh"], "name_en": doc["name_en"],
        "aliases": "|".join(doc.get("aliases", [])),
        "description_zh": doc.get("description_zh", ""), "description_en": doc.get("description_en", ""),
        "main_paths": ";".join(">".join(p) for p in paths),
    }
    nodes = doc.get("nodes", [])
    node_records = []
    for node in nodes:
        rec = {k: v for k, v in node.items() if k not in ("aliases",)}
        rec["aliases"] = "|".join(node.get("aliases", []))
        node_records.append(rec)
    # external inputs enter this chain from another (primary aluminium in IC materials): members, but
    # flagged so that a region is not ranked within this chain on a commodity it merely buys
    members = [(n.get("id", ""), False) for n in nodes] + [(m, False) for m in doc.get("include", [])]
    members += [(m, True) for m in doc.get("external_inputs", [])]
    link_records = [
        {"source_node": link.get("from", ""), "target_node": link.get("to", ""),
         "coefficient": link.get("coefficient", ""), "coefficient_unit": link.get("coefficient_unit", ""),
         "source_id": link.get("source", "")}
        for link in doc.get("links", [])
    ]
    batches = [
        Batch("chains", f"{name} [chain]", _text_frame([chain])),
        Batch("chain_nodes", f"{name} [nodes+include+external_inputs]",
              _text_frame([{"chain_id": chain_id, "node_id": m, "external_input": external}
                           for m, external in members])),
    ]
    if node_records:
        batches.append(Batch("nodes", f"{name} [[nodes]]", _text_frame(node_records)))
    if link_records:
        batches.append(Batch("links", f"{name} [[links]]", _text_frame(link_records)))
    plaus = doc.get("plausibility", [])
    if plaus:
        batches.append(Batch("plausibility", f"{name} [[plausibility]]",
                             _text_frame([{"node_id": p.get("node", ""), **{k: v for k, v in p.items()
                                                                          if k != "node"}} for p in plaus])))
    return batches


def reference_batches(root: Path | None = None) -> list[Batch]:
    """Every batch of the reference atlas, in a form the importer validates and writes at once."""
    root = root or data_dir()
    batches = [Batch("regions", str(root / "regions.csv"), read_table(root / "regions.csv"))]
    for directory, kind in DIRECTORY_KINDS.items():
        for path in sorted((root / directory).glob("*.csv")):
            batches.append(Batch(kind, str(path.relative_to(root.parent.parent.parent)
                                          if _inside(path, root) else path), read_table(path)))
    for path in sorted((root / "chains").glob("*.toml")):
        batches.extend(chain_batches(path))
    return batches


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root.parent.parent.parent)
        return True
    except ValueError:
        return False


def systems(root: Path | None = None) -> dict[str, dict]:
    """Evaluation indicator systems shipped as ``systems/*.toml`` (id → parsed document)."""
    root = root or data_dir()
    out = {}
    for path in sorted((root / "systems").glob("*.toml")):
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        out[doc.get("id", path.stem)] = doc
    return out
