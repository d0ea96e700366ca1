"""What every engine needs to classify: the vocabulary and the region resolver, built once.

Why a plain picklable bundle: Spark ships it to executors, which build their own Aho-Corasick
automata from it on first use (:func:`ClassifyContext.tools`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from chainatlas.analysis.classify.matcher import Matcher
from chainatlas.analysis.classify.regions import RegionResolver
from chainatlas.analysis.classify.vocabulary import Vocabulary, build_vocabulary
from chainatlas.reference.loader import data_dir
from chainatlas.reference.vocabulary import vocabulary_data

_TOOLS: dict[str, tuple[Matcher, RegionResolver]] = {}


@dataclass
class ClassifyContext:
    vocab: Vocabulary
    regions: list[dict]
    renamed: dict[str, str]
    key: str = field(default="")

    def tools(self) -> tuple[Matcher, RegionResolver]:
        """The matcher and resolver of this context, built once per process."""
        if self.key not in _TOOLS:
            _TOOLS[self.key] = (Matcher(self.vocab), RegionResolver(self.regions, self.renamed))
        return _TOOLS[self.key]


def renamed_codes(root: Path | None = None) -> dict[str, str]:
    """Retired region codes → current codes.

    Two declared sources: ``region_changes.csv`` (written by ``tools/build_regions.py`` from the
    county refresh; a row without a new code was abolished without a single successor and is skipped)
    and ``regions_renamed.csv`` (older changes that registry records and credit codes still carry,
    e.g. 邹平县 371626 → 371681 in 2018), which wins where both name a code.
    """
    folder = root or data_dir()
    out: dict[str, str] = {}
    changes = folder / "region_changes.csv"
    if changes.exists():
        with changes.open(encoding="utf-8") as fh:
            out.update({r["old_code"]: r["new_code"] for r in csv.DictReader(fh) if r.get("new_code")})
    renamed = folder / "regions_renamed.csv"
    if renamed.exists():
        with renamed.open(encoding="utf-8") as fh:
            out.update({r["old_code"]: r["code"] for r in csv.DictReader(fh)})
    return out


def build_context(regions: list[dict], vocabulary_files: list[str | Path] = (),
                  nodes: list[dict] | None = None) -> ClassifyContext:
    """Context from the given regions (the store's), the shipped vocabulary and the user's files."""
    vocab = build_vocabulary(*vocabulary_data(vocabulary_files, nodes=nodes))
    key = f"{len(vocab.by_term)}:{hash(tuple(sorted(vocab.by_term)))}:{len(regions)}"
    return ClassifyContext(vocab, regions, renamed_codes(), key)
