"""Magnitude checks on import: the incoming rows judged together with what the store already holds.

Why a separate step after the per-field checks: a bound often lives in another file or in the store
(the national output a regional figure must stay under, the plausibility range a foil thickness must
fall in), so the rows of one import are merged with the stored rows they would replace or join, the
pure rules of :mod:`chainatlas.model.magnitude` run over the union, and every breach on an incoming
row is reported with its file, row, field and bound. Breaches among stored rows only are left to
``chainatlas check``.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from chainatlas.model import magnitude as rules
from chainatlas.model.entities import SPECS
from chainatlas.store.db import Store

Report = Callable[[str, int | None, str | None, object, str], None]


def _union(kind: str, typed: dict[str, pd.DataFrame], store: Store | None, where: str = "") -> pd.DataFrame:
    """Stored rows of ``kind`` not replaced by incoming ones, plus the incoming rows (with file/row)."""
    spec = SPECS[kind]
    cols = spec.columns
    stored = pd.DataFrame(columns=cols)
    if store is not None:
        quoted = ", ".join(f'"{c}"' for c in cols)
        stored = store.frame(f'SELECT {quoted} FROM "{spec.table}" {where}')
    incoming = typed.get(kind)
    if incoming is None or not len(incoming):
        frame = stored.assign(__file=None, __row=None)
    else:
        incoming = incoming[cols + ["__file", "__row"]]
        if len(stored):
            key = list(spec.key)
            replaced = stored.merge(incoming[key].drop_duplicates(), on=key, how="left", indicator=True)["_merge"]
            stored = stored[(replaced == "left_only").to_numpy()]
        frame = pd.concat([stored.assign(__file=None, __row=None), incoming], ignore_index=True)
    return frame.reset_index(drop=True)


def check_magnitudes(typed: dict[str, pd.DataFrame], store: Store | None, report: Report) -> None:
    """Run every magnitude rule that the incoming kinds can break; ``report(file, row, field, value, expected)``."""
    touched = set(typed) & {"observations", "production", "plausibility", "indicators"}
    if not touched:
        return
    obs = _union("observations", typed, store)
    ranges = _union("plausibility", typed, store)
    indicators = _union("indicators", typed, store)
    production = _union("production", typed, store, "WHERE capacity IS NOT NULL OR output IS NOT NULL")
    caps = rules.national_caps(obs)

    def emit(frame: pd.DataFrame, breaches: list[rules.Breach]) -> None:
        for b in breaches:
            file, row = frame.at[b.row, "__file"], frame.at[b.row, "__row"]
            if file is not None:
                report(file, None if row is None else int(row), b.field, b.value, b.expected)
            elif b.bound_row is not None and obs.at[b.bound_row, "__file"] is not None:
                # a new national figure below a stored regional or firm figure: the new row is at fault
                nat = obs.loc[b.bound_row]
                who = frame.loc[b.row]
                whose = who["subject_id"] if "subject_id" in frame else who["enterprise_id"]
                report(nat["__file"], int(nat["__row"]), "value", nat["value"],
                       f"at least the stored {b.field if b.field != 'value' else nat['indicator']} of {whose} "
                       f"({b.value:,.6g} {nat['unit']}) for {nat['node_id']} in {nat['year']}")

    emit(obs, rules.region_figures_above_national(obs, caps))
    emit(obs, rules.outside_indicator_range(obs, indicators))
    emit(obs, rules.outside_plausible_range(obs, ranges))
    emit(ranges, rules.unknown_indicators(ranges, set(indicators["id"])))
    emit(production, rules.firm_figures_above_national(production, caps))
    totals = rules.firm_totals_above_national(production, caps)
    for t in totals.itertuples(index=False):
        rows = production[(production["node_id"] == t.node_id) & (production["year"] == t.year)
                          & production[t.indicator].notna() & production["__file"].notna()]
        if len(rows):
            first = rows.iloc[0]
            report(first["__file"], int(first["__row"]), t.indicator, first[t.indicator],
                   f"firms' {t.indicator} of {t.node_id} in {t.year} adding up to at most the national figure "
                   f"({t.national:,.6g} {t.unit}; all firms together make {t.total:,.6g})")
