"""An input-output table as arrays, and the explicit removal of imports from a competitive table.

Why a small class of arrays: every analysis (inverses, linkages, regionalisation, scenarios) needs the
same few vectors in the same sector order; building them once from the shipped frame keeps the
sector order and the unit (万元) in one place.

The NBS tables are *competitive*: each product row mixes domestic and imported supply, with all
imports of the product in one ``IM`` column. :meth:`IOTable.domestic` removes imports in proportion
to use, the usual assumption when no import matrix is published: every user of product *i* (each
industry and each final-demand category except exports) is taken to import the same share
``m_i = IM_i / (TIU_i + TFU_i − EX_i)`` of what it uses.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from chainatlas.errors import DataError

FINAL_DEMAND = ("FU101", "FU102", "FU103", "FU201", "FU202", "EX")
VALUE_ADDED = ("VA001", "VA002", "VA003", "VA004")


@dataclass(frozen=True)
class IOTable:
    """Flows of one table, in 万元, sector order fixed by ``codes``.

    ``Z[i, j]``: product *i* used by industry *j*; ``final``: final demand by category (columns
    ``FINAL_DEMAND``); ``imports``: the ``IM`` column; ``x``: gross output; ``value_added``: the
    four value-added rows; ``compensation``: compensation of employees (``VA001``).
    """

    id: str
    year: int
    codes: tuple[str, ...]
    names_zh: tuple[str, ...]
    names_en: tuple[str, ...]
    groups: tuple[str, ...]
    Z: np.ndarray
    final: np.ndarray
    imports: np.ndarray
    x: np.ndarray
    value_added: np.ndarray
    compensation: np.ndarray
    unit: str = "万元"
    technology: str = "competitive"

    @property
    def n(self) -> int:
        return len(self.codes)

    @property
    def exports(self) -> np.ndarray:
        return self.final[:, FINAL_DEMAND.index("EX")]

    @property
    def domestic_final(self) -> np.ndarray:
        """Final demand per product (all categories summed)."""
        return self.final.sum(axis=1)

    def index_of(self, code: str) -> int:
        try:
            return self.codes.index(code)
        except ValueError:
            raise DataError(f"input-output table {self.id}: no sector {code!r}") from None

    def sectors(self) -> pd.DataFrame:
        return pd.DataFrame({"code": self.codes, "name_zh": self.names_zh, "name_en": self.names_en,
                             "group": self.groups})

    def import_shares(self) -> np.ndarray:
        """``m_i``: imports of product *i* as a share of its use at home (intermediate + final − exports)."""
        absorption = self.Z.sum(axis=1) + self.final.sum(axis=1) - self.exports
        with np.errstate(divide="ignore", invalid="ignore"):
            m = np.where(absorption > 0, self.imports / absorption, 0.0)
        return np.clip(m, 0.0, 1.0)

    def domestic(self) -> IOTable:
        """The table with imports removed proportionally (see the module docstring).

        Intermediate and final uses of product *i* (exports excepted) are scaled by ``1 − m_i``; gross
        output and value added are unchanged, so ``x = Zd·1 + fd`` still balances by rows.
        """
        if self.technology == "domestic":
            return self
        keep = 1.0 - self.import_shares()
        final = self.final * keep[:, None]
        ex = FINAL_DEMAND.index("EX")
        final[:, ex] = self.final[:, ex]
        return replace(self, Z=self.Z * keep[:, None], final=final, imports=np.zeros_like(self.imports),
                       technology="domestic")


def table_from_frame(frame: pd.DataFrame, table_id: str, year: int) -> IOTable:
    """Build an :class:`IOTable` from the shipped layout (``code, name_zh, name_en, group, <codes>…``).

    Raises a :class:`DataError` naming the table and the row or column when the layout is broken.
    """
    for col in ("code", "name_zh", "name_en", "group", "IM", "GO", *FINAL_DEMAND):
        if col not in frame.columns:
            raise DataError(f"input-output table {table_id}: column {col!r} is missing")
    sectors = frame[frame["group"].fillna("") != ""]
    codes = tuple(str(c) for c in sectors["code"])
    missing = [c for c in codes if c not in frame.columns]
    if missing:
        raise DataError(f"input-output table {table_id}: sector columns {missing[:5]} are missing")
    rows = frame.set_index("code")
    for row in (*VALUE_ADDED, "TVA"):
        if row not in rows.index:
            raise DataError(f"input-output table {table_id}: row {row!r} is missing")
    Z = sectors[list(codes)].to_numpy(dtype=float)
    if np.isnan(Z).any():
        i, j = np.argwhere(np.isnan(Z))[0]
        raise DataError(f"input-output table {table_id}: row {codes[i]}, column {codes[j]}: empty flow")
    final = sectors[list(FINAL_DEMAND)].to_numpy(dtype=float)
    va = rows.loc[list(VALUE_ADDED), list(codes)].to_numpy(dtype=float)
    return IOTable(
        id=table_id, year=int(year), codes=codes, names_zh=tuple(sectors["name_zh"]),
        names_en=tuple(sectors["name_en"]), groups=tuple(sectors["group"]), Z=Z, final=final,
        imports=sectors["IM"].to_numpy(dtype=float), x=sectors["GO"].to_numpy(dtype=float),
        value_added=va.sum(axis=0), compensation=va[0],
    )
