"""Resolving what a user typed (Chinese, English, code, short form, near miss) to one record.

Why pure: the facade hands in the candidate names from the store; this module only decides. Exact
matches on code or id win, then exact names (either language, short forms such as 滨州 for 滨州市),
then unique prefixes; otherwise the caller raises an error with the closest names as suggestions.

A name several records answer to is never decided silently (朝阳区 is in Beijing and in Changchun;
中山 is a city in Guangdong and a district of Dalian): the match is ambiguous and lists them. The one
exception is a record that contains all the others (长治 names 长治市 and its 长治县): the enclosing
region is meant, as on a map.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_SPACE = re.compile(r"[\s_·]+")


def normalise(text: str) -> str:
    """Case-, space- and hyphen-insensitive form used for matching."""
    return _SPACE.sub("", str(text)).replace("-", "").replace("'", "").lower()


@dataclass(frozen=True)
class Candidate:
    """One record that can be found: its key, every name it answers to, a label and a priority."""

    key: str
    names: tuple[str, ...]
    label: str
    priority: int = 0  # order of listing (provinces before prefectures before counties)
    normed: tuple[str, ...] = ()  # normalised names, filled in once
    within: tuple[str, ...] = ()  # keys of the records that contain this one (a county's prefecture, province)

    def __post_init__(self) -> None:
        object.__setattr__(self, "normed", tuple(normalise(n) for n in self.names if n))
        object.__setattr__(self, "normed_key", normalise(self.key))


@dataclass
class Match:
    key: str | None
    ambiguous: list[Candidate]
    suggestions: list[str]


def resolve(query: str, candidates: list[Candidate], max_suggestions: int = 5) -> Match:
    """Find the candidate ``query`` names, or say which ones it might have meant."""
    q = normalise(query)
    if not q:
        return Match(None, [], [])
    exact_key = [c for c in candidates if c.normed_key == q]  # type: ignore[attr-defined]
    if exact_key:
        return Match(exact_key[0].key, [], [])
    exact = [c for c in candidates if q in c.normed]
    if exact:
        return _best(exact)
    prefix = [c for c in candidates if any(n.startswith(q) for n in c.normed)]
    if prefix and len(q) >= 2:
        best = _best(prefix)
        if best.key is not None:
            return best
        return Match(None, best.ambiguous, [c.label for c in best.ambiguous[:max_suggestions]])
    return Match(None, [], suggest(query, candidates, max_suggestions))


def _best(found: list[Candidate]) -> Match:
    unique = {c.key: c for c in sorted(found, key=lambda c: (c.priority, c.key))}
    if len(unique) == 1:
        return Match(next(iter(unique)), [], [])
    for key in unique:  # one record containing every other one: the enclosing region is meant
        if all(key in other.within for k, other in unique.items() if k != key):
            return Match(key, [], [])
    return Match(None, list(unique.values()), [c.label for c in unique.values()])


def suggest(query: str, candidates: list[Candidate], n: int = 5) -> list[str]:
    """Labels of the candidates whose names are closest to ``query``."""
    q = normalise(query)
    index: dict[str, Candidate] = {}
    for c in candidates:
        for name in (*c.names, c.key):  # codes too: 37160 suggests 371600
            if name:
                index.setdefault(normalise(name), c)
    close = difflib.get_close_matches(q, list(index), n=n * 3, cutoff=0.5 if len(q) <= 3 else 0.6)
    contained = [k for k in index if q and (q in k or (len(k) >= 2 and k in q))]
    # one character off (a typo such as 滨洲 for 滨州) first, larger units before smaller ones
    one_off = sorted((k for k in index if len(k) == len(q) and sum(a != b for a, b in zip(k, q, strict=True)) == 1),
                     key=lambda k: (index[k].priority, k))
    labels: list[str] = []
    for key in one_off + close + sorted(contained, key=len):
        label = index[key].label
        if label not in labels:
            labels.append(label)
        if len(labels) >= n:
            break
    return labels


# --------------------------------------------------------------------------- candidates and search
MATCH_KINDS = ("exact", "prefix", "contains")
SEARCH_COLUMNS = ["kind", "id", "label", "match"]


def _aliases(text: str | None) -> tuple[str, ...]:
    return tuple(a for a in (text or "").split("|") if a)


def chain_candidates(chains: list[dict]) -> list[Candidate]:
    """Chains by id, Chinese and English names and ``|``-separated aliases."""
    return [Candidate(c["id"], (c["name_zh"], c["name_en"], *_aliases(c["aliases"])),
                      f"{c['name_zh']} {c['name_en']} ({c['id']})") for c in chains]


def node_candidates(nodes: list[dict]) -> list[Candidate]:
    """Nodes by id, names, the slug after the chain prefix (``alumina`` for ``aluminium.alumina``), aliases."""
    return [Candidate(n["id"], (n["name_zh"], n["name_en"], n["id"].split(".", 1)[-1], *_aliases(n["aliases"])),
                      f"{n['name_zh']} {n['name_en']} ({n['id']})") for n in nodes]


def enterprise_candidates(firms: list[dict]) -> list[Candidate]:
    """Firms by id, names, stock code and unified social credit code."""
    return [Candidate(e["id"], (e["name_zh"], e["name_en"], e["stock_code"] or "", e["uscc"] or ""),
                      f"{e['name_zh']} {e['name_en']} ({e['id']})") for e in firms]


def search(text: str, groups: list[tuple[str, list[Candidate]]], limit: int = 20) -> list[dict]:
    """Rows ``kind, id, label, match`` of the candidates whose names or key contain ``text``.

    Per kind: exact matches first, then prefixes, then names containing the text; within each, the
    candidate's priority (provinces before prefectures) then its key; at most ``limit`` per kind.
    Nothing found: the closest labels, as ``suggestion`` rows.

    >>> c = [Candidate("a", ("Binzhou",), "Binzhou (a)"), Candidate("b", ("Bin",), "Bin (b)")]
    >>> [(r["id"], r["match"]) for r in search("bin", [("region", c)])]
    [('b', 'exact'), ('a', 'prefix')]
    """
    q = normalise(text)
    rows = []
    for kind, candidates in groups:
        hits = []
        for c in candidates:
            names = [normalise(n) for n in c.names if n] + [normalise(c.key)]
            if any(q == n for n in names):
                hits.append((0, c.priority, c))
            elif any(n.startswith(q) for n in names):
                hits.append((1, c.priority, c))
            elif any(q in n for n in names):
                hits.append((2, c.priority, c))
        hits.sort(key=lambda h: (h[0], h[1], h[2].key))
        rows.extend({"kind": kind, "id": c.key, "label": c.label, "match": MATCH_KINDS[m]} for m, _, c in hits[:limit])
    if rows:
        return rows
    everything = [c for _, cs in groups for c in cs]
    return [{"kind": "suggestion", "id": "", "label": s, "match": "near"} for s in suggest(text, everything)]
