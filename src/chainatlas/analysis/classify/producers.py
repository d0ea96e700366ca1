"""Registry producers as curated-firm and production rows, so a diagnosis counts them like any firm.

Why a rule: a registry firm assigned to a node is evidence that the region makes it, but the
registry says nothing about quantities, so its production rows carry no capacity, output or
revenue (it counts as a firm, never as output) and the year is that of the registry export.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

REGISTRY_PREFIX = "registry:"


def producer_frames(found: pd.DataFrame, source_dates: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(firms, production) rows of registry producers (``found``: one row per firm × node, with
    ``province``/``prefecture``/``county``); ``source_dates``: source id → date (its year is the row's).

    >>> found = pd.DataFrame({"firm_id": ["91x"], "name_zh": ["某厂"], "region": ["371600"], "credit_code": ["91x"],
    ...     "firm_source_id": ["reg"], "province": ["370000"], "prefecture": ["371600"], "county": [None],
    ...     "node_id": ["n"], "source_id": ["reg"], "score": [0.81234]})
    >>> firms, prod = producer_frames(found, {"reg": "2024-05-01"})
    >>> firms.loc[0, "id"], int(prod.loc[0, "year"]), prod.loc[0, "note"], bool(np.isnan(prod.loc[0, "output"]))
    ('registry:91x', 2024, 'registry producer, score 0.81', True)
    """
    ids = REGISTRY_PREFIX + found["firm_id"]
    firms = pd.DataFrame({
        "id": ids, "name_zh": found["name_zh"], "name_en": found["name_zh"], "region": found["region"],
        "uscc": found["credit_code"], "source_id": found["firm_source_id"], "note": "registry export",
        "province": found["province"], "prefecture": found["prefecture"], "county": found["county"],
    }).drop_duplicates("id")
    years = found["source_id"].map(lambda s: int(str(source_dates.get(s) or "0")[:4] or 0))
    production = pd.DataFrame({
        "enterprise_id": ids, "node_id": found["node_id"], "year": years.astype("Int64"),
        "capacity": np.nan, "output": np.nan, "revenue": np.nan, "source_id": found["source_id"],
        "note": "registry producer, score " + found["score"].round(2).astype(str),
    })
    return firms, production
