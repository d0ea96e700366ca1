"""National leaders of a chain and a region's peers: one rule, shared by report, web and CLI.

Why here: "who to compare with" is a choice an analyst must be able to read and change. Leaders are
the regions of a level with the largest chain output value (yuan, external inputs left out), then the
most firms; a region's peers are itself followed by the leaders, ``peer_count`` of them in all.
"""

from __future__ import annotations

import pandas as pd

from chainatlas.analysis.diagnosis import LEVELS, ChainFacts, link_table, region_values
from chainatlas.analysis.settings import DiagnosisSettings, limit
from chainatlas.errors import ChainAtlasError


def leaders(facts: ChainFacts, level: str, n: int | None = None,
            settings: DiagnosisSettings | None = None) -> list[str]:
    """The ``n`` regions of ``level`` leading the chain nationally (by output value, then firms)."""
    if level not in LEVELS:
        raise ChainAtlasError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    n = limit("peer_count") if n is None else n
    key = ("leaders", level, (settings or DiagnosisSettings()).key())
    if key not in facts.memo:  # the same for every region asking: ranked once per chain, year and settings
        t = link_table(facts, level, settings)
        firms = t.loc[~t["external_input"]].groupby("region")["firms"].sum()
        value = region_values(facts, level, settings).reindex(firms.index).fillna(0.0)
        ranked = pd.DataFrame({"value": value, "firms": firms})
        ranked = ranked[(ranked["value"] > 0) | (ranked["firms"] > 0)]
        facts.memo[key] = list(ranked.sort_values(["value", "firms"], ascending=False, kind="stable").index)
    return facts.memo[key][:n]


def peers(code: str, leading: list[str], n: int | None = None) -> list[str]:
    """The region first, then the leaders (without it), ``n`` in all (default ``peer_count`` + 1).

    >>> peers("371600", ["150200", "371600", "371500"], 3)
    ['371600', '150200', '371500']
    """
    n = limit("peer_count") + 1 if n is None else n
    return ([code] + [c for c in leading if c != code])[:n]


def check_compare(codes: list[str]) -> list[str]:
    """Distinct region codes, at most ``compare_cap`` of them."""
    codes = list(dict.fromkeys(codes))
    cap = limit("compare_cap")
    if len(codes) > cap:
        raise ChainAtlasError(f"compare takes at most {cap} regions, got {len(codes)}")
    return codes
