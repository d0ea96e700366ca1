"""Multi-pattern matching of node terms (Aho-Corasick, via ``pyahocorasick``).

Why Aho-Corasick: one pass over a record finds every one of ~1,500 terms at once, independent of the
number of terms, in C; Python loops over terms would be 1,500 ``in`` tests per record.
Longest match wins: inside 锂电铝箔, the shorter 铝箔 is dropped.
"""

from __future__ import annotations

import ahocorasick

from chainatlas.analysis.classify.vocabulary import Vocabulary
from chainatlas.analysis.classify.wording import INPUT_BEFORE, NOT_PRODUCT_AFTER


class Matcher:
    """An automaton over every term and exclusion of a vocabulary (picklable for Spark)."""

    def __init__(self, vocab: Vocabulary):
        self._terms = ahocorasick.Automaton()
        for term in vocab.by_term:
            self._terms.add_word(term, term)
        self._terms.make_automaton()
        self._excl = ahocorasick.Automaton()
        excl = {x for w in vocab.nodes.values() for x in w.exclude}
        for x in excl:
            self._excl.add_word(x, x)
        if excl:
            self._excl.make_automaton()
        self._has_excl = bool(excl)

    def __reduce__(self):
        raise TypeError("build a Matcher on each worker from its Vocabulary (see matcher_for)")

    def any_in(self, text: str) -> bool:
        for _ in self._terms.iter(text):
            return True
        return False

    def find(self, text: str, vocab: Vocabulary, context: str) -> list[tuple[str, str]]:
        """(node id, term) pairs named in ``text``; ``context`` (the whole record) decides context terms."""
        if not text:
            return []
        spans = [(end - len(term) + 1, end + 1, term) for end, term in self._terms.iter(text)]
        if not spans:
            return []
        excluded = []
        if self._has_excl:
            excluded = [(end - len(x) + 1, end + 1, x) for end, x in self._excl.iter(text)]
        keep = [s for s in spans
                if not any(o[0] <= s[0] and s[1] <= o[1] and (o[1] - o[0]) > (s[1] - s[0]) for o in spans)]
        keep = [s for s in keep if not text.startswith(NOT_PRODUCT_AFTER, s[1])
                and not text.endswith(INPUT_BEFORE, 0, s[0])]
        out: list[tuple[str, str]] = []
        for start, stop, term in keep:
            for nid, ctx in vocab.by_term[term]:
                if ctx is not None and not ctx.applies(context):
                    continue
                wording = vocab.nodes[nid]
                if any(x[0] <= start and stop <= x[1] and x[2] in wording.exclude for x in excluded):
                    continue
                if (nid, term) not in out:
                    out.append((nid, term))
        return out


_CACHE: dict[int, Matcher] = {}


def matcher_for(vocab: Vocabulary) -> Matcher:
    """One matcher per vocabulary per process (Spark workers build theirs on first use)."""
    key = id(vocab)
    if key not in _CACHE:
        _CACHE[key] = Matcher(vocab)
    return _CACHE[key]
