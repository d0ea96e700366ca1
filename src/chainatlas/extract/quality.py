"""Precision and recall of extracted facts against a hand-annotated gold set, per field.

How facts are paired: within one passage, an extracted fact and a gold fact pair up when their
values agree (within 0.5 %, in the same base unit); pairs with the same indicator are made first,
each fact is used once. A field is then right when the paired facts agree on it.

- detection precision = paired extracted facts / extracted facts; recall = paired gold / gold.
- field precision = pairs right on that field / extracted facts (an unpaired extracted fact counts
  as wrong on every field); field recall = pairs right on that field / gold facts.
"""

from __future__ import annotations

from dataclasses import dataclass

FIELDS = ("region", "node", "indicator", "value", "comparator", "year", "period", "rank_scope")


@dataclass
class Score:
    extracted: int
    gold: int
    right: dict[str, int]  # field → pairs right on it ("detected" for pairing alone)

    def precision(self, field: str) -> float:
        return self.right[field] / self.extracted if self.extracted else 0.0

    def recall(self, field: str) -> float:
        return self.right[field] / self.gold if self.gold else 0.0

    def rows(self) -> list[tuple[str, float, float]]:
        return [(f, self.precision(f), self.recall(f)) for f in ("detected", *FIELDS)]

    def table(self) -> str:
        lines = [f"{'field':<12} {'precision':>9} {'recall':>7}   ({self.extracted} extracted, {self.gold} gold)"]
        lines += [f"{f:<12} {p:>9.3f} {r:>7.3f}" for f, p, r in self.rows()]
        return "\n".join(lines)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= max(1e-9, 0.005 * max(abs(a), abs(b)))


def _gold_view(g: dict) -> dict:
    return {"region": g["r"], "node": g["node"], "indicator": g["ind"], "value": (g["v"], g["u"]),
            "comparator": g["cmp"], "year": g["y"] or None, "period": g["per"], "rank_scope": g["scope"]}


def _fact_view(f: dict) -> dict:
    return {"region": f["region"], "node": f["node"], "indicator": f["indicator"], "value": (f["value"], f["unit"]),
            "comparator": f["comparator"], "year": f["year"] or None, "period": f["period"],
            "rank_scope": f["rank_scope"]}


def pair(extracted: list[dict], gold: list[dict]) -> list[tuple[dict, dict]]:
    """Pairs (extracted view, gold view) of one passage, same-indicator pairs first."""
    ex = [_fact_view(f) for f in extracted]
    gd = [_gold_view(g) for g in gold]
    used_e: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for same_indicator in (True, False):
        for gi, g in enumerate(gd):
            if gi in used_g:
                continue
            for ei, e in enumerate(ex):
                if ei in used_e:
                    continue
                if e["value"][1] == g["value"][1] and _close(e["value"][0], g["value"][0]) and (
                        not same_indicator or e["indicator"] == g["indicator"]):
                    used_e.add(ei)
                    used_g.add(gi)
                    pairs.append((e, g))
                    break
    return pairs


def score(results: list[tuple[list[dict], list[dict]]]) -> Score:
    """Score many passages: each item is (extracted facts as dicts, gold facts)."""
    right = {f: 0 for f in ("detected", *FIELDS)}
    n_ex = n_gold = 0
    for extracted, gold in results:
        n_ex += len(extracted)
        n_gold += len(gold)
        for e, g in pair(extracted, gold):
            right["detected"] += 1
            for f in FIELDS:
                if f == "value":
                    right[f] += 1  # paired on value and unit
                elif e[f] == g[f]:
                    right[f] += 1
    return Score(n_ex, n_gold, right)
