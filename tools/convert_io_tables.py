"""Convert the NBS input-output tables digitised in the ``ionet`` R package into the atlas's format.

Run from the repository root::

    python tools/convert_io_tables.py ../shared/external/ionet

Why a converter and not the files as they are: the shipped tables should be reviewable in a diff,
carry our column names, group each sector (industry vs other) for regionalisation, and keep the
numbers exactly as published (万元, rounded to 0.0001 万元 = 1 yuan). Nothing is rebalanced or
re-estimated here; the import split is left to the analysis (proportional removal, see DATA.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(__file__).resolve().parents[1] / "src" / "chainatlas" / "reference" / "data" / "io"

# (our table id, ionet file, year, default?)
TABLES = [
    ("nbs-2020-153", "china_2020_153.csv", 2020, True),
    ("nbs-2018-153", "china_2018_153.csv", 2018, False),
    ("nbs-2017-149", "china_2017_149.csv", 2017, False),
]
COLUMNS_KEPT = ["TIU", "FU101", "FU102", "THC", "FU103", "TC", "FU201", "FU202", "GCF", "EX", "TFU", "IM", "GO"]
ROWS_KEPT = ["TII", "VA001", "VA002", "VA003", "VA004", "TVA", "TI"]
# the first and last industry (mining, manufacturing, utilities) product, by their Chinese names
FIRST_INDUSTRY, LAST_INDUSTRY = "煤炭开采和洗选产品", "水的生产和供应"


def convert(src: Path, name: str) -> pd.DataFrame:
    """One ionet CSV → our layout: code, name_zh, name_en, group, then the flow columns."""
    raw = pd.read_csv(src / name, dtype={"Code": str}, keep_default_na=False)
    sectors = [c for c in raw.columns if c.isdigit()]
    rows = raw[raw["Code"].isin(sectors + ROWS_KEPT)].copy()
    if list(rows["Code"][: len(sectors)]) != sectors:
        raise SystemExit(f"{name}: sector rows are not in the order of the sector columns")
    names = list(rows["DescriptionInChinese"][: len(sectors)])
    first, last = names.index(FIRST_INDUSTRY), names.index(LAST_INDUSTRY)
    group = ["industry" if first <= i <= last else "other" for i in range(len(sectors))]
    out = pd.DataFrame({"code": rows["Code"], "name_zh": rows["DescriptionInChinese"], "name_en": rows["Description"],
                        "group": group + [""] * (len(rows) - len(sectors))})
    values = rows[sectors + [c for c in COLUMNS_KEPT if c in rows.columns]].apply(pd.to_numeric, errors="coerce")
    out = pd.concat([out.reset_index(drop=True), values.round(4).reset_index(drop=True)], axis=1)
    # summary rows have no final-demand entries: leave them empty, not zero
    out.loc[~out["code"].isin(sectors), [c for c in COLUMNS_KEPT if c in out.columns]] = np.nan
    z = out.loc[out["code"].isin(sectors), sectors].to_numpy(float)
    tii = out.set_index("code").loc["TII", sectors].to_numpy(float)
    if np.max(np.abs(z.sum(axis=0) - tii) / np.maximum(tii, 1)) > 1e-6:
        raise SystemExit(f"{name}: column sums of the flows do not equal TII")
    return out


def main(argv: list[str]) -> None:
    src = Path(argv[1]) if len(argv) > 1 else Path("../shared/external/ionet")
    OUT.mkdir(parents=True, exist_ok=True)
    for table_id, name, year, _default in TABLES:
        frame = convert(src, name)
        frame.to_csv(OUT / f"{table_id}.csv", index=False, float_format="%.4f")
        sectors = int((frame["group"] != "").sum())
        tva = frame.set_index("code").loc["TVA", frame["code"][:sectors]].sum() / 1e4
        print(f"{table_id}: {sectors} sectors, total value added {tva:,.1f} 亿元 ({year})")


if __name__ == "__main__":
    main(sys.argv)
