"""The node vocabulary the classifier matches registry text against.

Why a separate, pure structure: the classifier must run unchanged on one machine and on Spark
executors, so everything it needs (terms, contexts, exclusions, industry codes) is one picklable
value built once from the chain files and the vocabulary files (read by
:mod:`chainatlas.reference.vocabulary`), never looked up from a store or a file at match time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# ASCII aliases this short (PE, PP, IC, BMS…) hit unrelated words in registry text (PET, ICP…);
# they are used only when a vocabulary file lists them under `terms` explicitly.
MIN_ASCII_TERM = 4

_BRACKETS = re.compile(r"[（(][^）)]*[）)]")


@dataclass(frozen=True)
class ContextTerm:
    """A term that names the node only next to (``with_any``) or away from (``without``) other words."""

    term: str
    with_any: tuple[str, ...] = ()
    without: tuple[str, ...] = ()

    def applies(self, text: str) -> bool:
        if self.with_any and not any(w in text for w in self.with_any):
            return False
        return not any(w in text for w in self.without)


@dataclass(frozen=True)
class NodeWording:
    """How registry text names one node."""

    node_id: str
    chain_id: str
    terms: tuple[str, ...]
    context: tuple[ContextTerm, ...] = ()
    exclude: tuple[str, ...] = ()
    industry: tuple[str, ...] = ()
    make_verbs: tuple[str, ...] = ()  # extra verbs meaning "does this node's activity" (运营 for stations)
    bare_role: str = "other"         # role of a mention with no verb at all (producer for activities)


@dataclass(frozen=True)
class Vocabulary:
    """Every node's wording, indexed by term (a term may name several nodes)."""

    nodes: Mapping[str, NodeWording]
    by_term: Mapping[str, tuple[tuple[str, ContextTerm | None], ...]] = field(default_factory=dict)

    @property
    def terms(self) -> list[str]:
        return sorted(self.by_term)


def core_name(name_zh: str) -> str:
    """``原煤（动力与气化用煤）`` → ``原煤``: the bracketed qualifier is not registry wording."""
    return _BRACKETS.sub("", name_zh).strip()


def usable_alias(term: str) -> bool:
    term = term.strip()
    if not term:
        return False
    return not (term.isascii() and len(term) < MIN_ASCII_TERM)


def build_vocabulary(nodes: Iterable[Mapping], entries: Mapping[str, Mapping], owner: Mapping[str, str]
                     ) -> Vocabulary:
    """Combine node names and aliases (chain files) with vocabulary entries (vocabulary files).

    Parameters
    ----------
    nodes : node records with ``id``, ``name_zh``, ``aliases`` (list or '|'-joined) and ``gb4754``.
    entries : node id → vocabulary entry (``terms``, ``drop``, ``context``, ``exclude``, ``industry``,
        ``make_verbs``, ``bare_role``); nodes without an entry use their names and aliases only.
    owner : node id → the chain whose file defines it.
    """
    out: dict[str, NodeWording] = {}
    by_term: dict[str, list[tuple[str, ContextTerm | None]]] = {}
    for node in nodes:
        nid = node["id"]
        entry = entries.get(nid, {})
        aliases = node.get("aliases") or []
        if isinstance(aliases, str):
            aliases = [a for a in aliases.split("|") if a]
        drop = set(entry.get("drop", []))
        auto = [core_name(node["name_zh"]), *aliases]
        terms = [t for t in dict.fromkeys(auto) if usable_alias(t) and t not in drop]
        terms += [t for t in entry.get("terms", []) if t not in terms]
        context = tuple(ContextTerm(c["term"], tuple(c.get("with", ())), tuple(c.get("without", ())))
                        for c in entry.get("context", []))
        industry = tuple(dict.fromkeys([*([node["gb4754"]] if node.get("gb4754") else []),
                                        *entry.get("industry", [])]))
        wording = NodeWording(nid, owner.get(nid, nid.split(".")[0]), tuple(terms), context,
                              tuple(entry.get("exclude", [])), industry, tuple(entry.get("make_verbs", [])),
                              entry.get("bare_role", "other"))
        out[nid] = wording
        for t in terms:
            by_term.setdefault(t, []).append((nid, None))
        for c in context:
            by_term.setdefault(c.term, []).append((nid, c))
    return Vocabulary(out, {k: tuple(v) for k, v in by_term.items()})
