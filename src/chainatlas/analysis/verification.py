"""Which figures rest on sources checked against the original publication.

A source's ``verified`` flag (``sources/*.csv``) is ``true`` when its figures were re-read in the
original, ``false`` when they were not (publication not located, figure entered without re-reading)
and empty when cited as found and never re-checked. A figure counts as verified only when it has at
least one source and *every* source it rests on is ``true``: a share computed from a verified
national total and an unchecked regional figure is no better than the unchecked figure. So "empty"
counts as unverified here: the mark says "not checked", never "wrong".

Pure functions: they read a sources frame and a :class:`~chainatlas.analysis.diagnosis.Diagnosis`
and return a marked copy; every face (JSON, HTML, Excel, the briefing, the web) then shows the
same booleans, so one figure carries the same mark everywhere.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable

import pandas as pd

from chainatlas.analysis.diagnosis import Diagnosis
from chainatlas.model.values import is_missing

MARK = "†"
LEGEND_ZH = "† 表示该数字所依据的资料来源尚未对照原始出处核实（来源表“核实”一栏不是“已核实”），仅供参考。"
LEGEND_EN = ("† marks a figure whose source has not been checked against the original publication "
             "(the source's `verified` flag is not true): use it with care.")
LEGEND = f"{LEGEND_ZH} {LEGEND_EN}"


def verified_ids(sources: pd.DataFrame) -> frozenset[str]:
    """Ids of the sources whose ``verified`` flag is true (a frame without the column has none)."""
    if sources is None or "verified" not in sources.columns or sources.empty:
        return frozenset()
    flag = sources["verified"].astype("boolean").fillna(False).astype(bool)
    return frozenset(sources.loc[flag.to_numpy(), "id"].astype(str))


def _ids(values: object) -> list[str]:
    """Source ids from a list, a single id, or a ``"a / b"`` pair (as baselines write them)."""
    if values is None or (isinstance(values, float) and math.isnan(values)):
        return []
    if isinstance(values, str):
        return [p.strip() for p in values.split(" / ") if p.strip()]
    if isinstance(values, Iterable):
        out: list[str] = []
        for v in values:
            out.extend(_ids(v))
        return out
    return [str(values)]


def is_verified(sources: object, verified: frozenset[str]) -> bool:
    """True when ``sources`` names at least one source and every one of them is verified."""
    ids = _ids(sources)
    return bool(ids) and all(i in verified for i in ids)


def _flag(value: object, sources: object, verified: frozenset[str]) -> bool | None:
    """The figure's mark: None where there is no figure, else whether its sources are all verified."""
    return None if is_missing(value) else is_verified(sources, verified)


def figure_sources(rec: dict, firm_sources: set[str]) -> tuple[list[str], list[str]]:
    """The sources behind a link's local quantity and behind its national share.

    ``quantity_sources`` mixes the firms' sources with the official statistic's or share's; which of
    them a figure rests on follows its basis: a firm sum rests on the firms' sources, an official
    statistic on the statistic, a quantity derived from an official share on the share and the
    national figure, and an official share on the share alone (never on the firms listed beside it).
    """
    q = [str(x) for x in rec["quantity_sources"] if x]
    official = [x for x in q if x not in firm_sources] or q
    by_firms = [x for x in q if x in firm_sources] or q
    national = [str(x) for x in rec["national_sources"] if x]
    basis = str(rec.get("quantity_basis") or "")
    if basis.startswith("firms"):
        quantity = by_firms
    elif basis.startswith("official share"):
        quantity = official + national
    else:
        quantity = official
    share = official if rec.get("evidence") == "official share" else quantity + national
    return quantity, share


def mark_nodes(nodes: pd.DataFrame, verified: frozenset[str], firms: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add ``quantity_verified``, ``national_verified``, ``share_verified``, ``unit_value_verified``.

    ``firms`` (the diagnosis's local firm rows) tells the firms' sources apart from the official ones.
    """
    t = nodes.copy()
    by_node: dict[str, set[str]] = {}
    if firms is not None and len(firms) and "source_id" in firms.columns:
        for node, sid in zip(firms["node_id"], firms["source_id"], strict=True):
            if isinstance(sid, str) and sid:
                by_node.setdefault(node, set()).add(sid)
    # column-wise: a diagnosis page marks every node, and a frame's records cost more than the marking
    keys = ("node_id", "quantity", "quantity_sources", "national_sources", "quantity_basis", "evidence",
            "national_share", "national_quantity", "unit_value", "unit_value_source")
    columns = [t[k].tolist() if k in t.columns else [None] * len(t) for k in keys]
    q_flags, s_flags, n_flags, u_flags = [], [], [], []
    for values in zip(*columns, strict=True):
        r = dict(zip(keys, values, strict=True))
        quantity, share = figure_sources(r, by_node.get(r["node_id"], set()))
        q_flags.append(_flag(r["quantity"], quantity, verified))
        s_flags.append(_flag(r["national_share"], share, verified))
        n_flags.append(_flag(r["national_quantity"], r["national_sources"], verified))
        u_flags.append(_flag(r["unit_value"], r["unit_value_source"], verified))
    t["quantity_verified"] = pd.Series(q_flags, index=t.index, dtype=object)
    t["national_verified"] = pd.Series(n_flags, index=t.index, dtype=object)
    t["share_verified"] = pd.Series(s_flags, index=t.index, dtype=object)
    t["unit_value_verified"] = pd.Series(u_flags, index=t.index, dtype=object)
    return t


def mark_firms(firms: pd.DataFrame, verified: frozenset[str]) -> pd.DataFrame:
    """Add ``verified`` to each firm row: whether its source (of the link and its figures) is verified."""
    t = firms.copy()
    src = t["source_id"] if "source_id" in t.columns else pd.Series([None] * len(t), index=t.index)
    t["verified"] = pd.Series([is_verified(s, verified) for s in src], index=t.index, dtype=object)
    return t


def mark_ladder(ladder: pd.DataFrame, verified: frozenset[str]) -> pd.DataFrame:
    """Add ``unit_value_verified`` and ``coefficient_verified`` to a value-ladder frame."""
    t = ladder.copy()
    def col(name: str) -> list:
        return t[name].tolist() if name in t.columns else [None] * len(t)

    t["unit_value_verified"] = pd.Series([_flag(v, src, verified) for v, src in
                                          zip(col("unit_value"), col("unit_value_source"), strict=True)],
                                         index=t.index, dtype=object)
    t["coefficient_verified"] = pd.Series([None if is_missing(src) else is_verified(src, verified)
                                           for src in col("coefficient_source")], index=t.index, dtype=object)
    return t


def mark_diagnosis(d: Diagnosis, verified: frozenset[str]) -> Diagnosis:
    """A copy of ``d`` whose figures say whether their sources are verified (see the module doc)."""
    baseline = dict(d.baseline)
    if baseline:
        baseline["verified"] = is_verified(baseline.get("source"), verified)
    paths = [{**vp, "ladder": mark_ladder(vp["ladder"], verified)} if isinstance(vp.get("ladder"), pd.DataFrame)
             else vp for vp in d.value_paths]
    return dataclasses.replace(
        d, nodes=mark_nodes(d.nodes, verified, d.firms), firms=mark_firms(d.firms, verified), baseline=baseline,
        value_paths=paths, derivations={**d.derivations, "verified": LEGEND},
        sources=list(d.sources),
    )


def unverified_sources(ids: Iterable[str], verified: frozenset[str]) -> list[str]:
    """The ids among ``ids`` that are not verified (for a legend or a sources table)."""
    return sorted({i for i in ids if i and i not in verified})
