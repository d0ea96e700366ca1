"""The region × node activity matrix complexity is computed on: firm counts, output value or revenue.

Why here: the measure decides what "a region does a node" means, so it belongs with the complexity
code, not with the facade that only reads the frames. Output is valued at each node's unit value so
nodes counted in different units add up; the latest figure at or before ``year`` is used per firm
and node.
"""

from __future__ import annotations

import pandas as pd

from chainatlas.errors import ChainAtlasError

MATRIX_LEVELS = ("province", "prefecture", "county")
MEASURES = ("firms", "output", "revenue")


def check_matrix_args(level: str, measure: str) -> None:
    """Refuse an unknown level or measure in one line."""
    if level not in MATRIX_LEVELS:
        raise ChainAtlasError(f"level must be province, prefecture or county, not {level!r}")
    if measure not in MEASURES:
        raise ChainAtlasError(f"measure must be firms, output or revenue, not {measure!r}")


def activity_matrix(production: pd.DataFrame, firms: pd.DataFrame, unit_values: pd.Series, level: str,
                    measure: str = "firms", year: int | None = None) -> pd.DataFrame:
    """Region (of ``level``) × node matrix of ``measure``.

    ``production``: rows ``enterprise_id, node_id, year, capacity, output, revenue`` (already limited
    to a chain's nodes when asked); ``firms``: ``id`` and the ``level`` column (the firm's region of
    that level); ``unit_values``: node id → yuan per node unit.

    >>> prod = pd.DataFrame({"enterprise_id": ["a", "a", "b"], "node_id": ["x", "x", "x"], "year": [2021, 2022, 2022],
    ...                      "capacity": [None, None, 5.0], "output": [1.0, 2.0, None], "revenue": [None] * 3})
    >>> firms = pd.DataFrame({"id": ["a", "b"], "prefecture": ["p1", "p2"]})
    >>> activity_matrix(prod, firms, pd.Series({"x": 10.0}), "prefecture", "output")["x"].to_dict()
    {'p1': 20.0, 'p2': 50.0}
    """
    check_matrix_args(level, measure)
    prod = production
    if year is not None:
        prod = prod[prod["year"] <= year]
    prod = prod.sort_values("year").groupby(["enterprise_id", "node_id"], as_index=False).tail(1)
    joined = prod.merge(firms[["id", level]], left_on="enterprise_id", right_on="id").dropna(subset=[level])
    if measure == "firms":
        return joined.pivot_table(index=level, columns="node_id", values="enterprise_id", aggfunc="nunique",
                                  fill_value=0).astype(float)
    if measure == "output":
        qty = joined["output"].where(joined["output"].notna(), joined["capacity"])
        joined = joined.assign(value=qty * joined["node_id"].map(unit_values))
    else:
        joined = joined.assign(value=joined["revenue"])
    joined = joined.dropna(subset=["value"])
    return joined.pivot_table(index=level, columns="node_id", values="value", aggfunc="sum", fill_value=0.0)
