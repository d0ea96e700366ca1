"""The report's tables as Excel sheets (one sheet per table, sources included)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from chainatlas.analysis.verification import LEGEND_EN, LEGEND_ZH, MARK
from chainatlas.report.labels import relabel
from chainatlas.results import jsonable
from chainatlas.store.excel import excel_writer

_BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def sheet_name(name: str, used: set[str]) -> str:
    """An Excel-safe, unique sheet name (≤ 31 characters, none of []:*?/\\)."""
    base = name.translate(_BAD_SHEET_CHARS)[:31] or "sheet"
    candidate, k = base, 2
    while candidate in used:
        suffix = f"-{k}"
        candidate = base[: 31 - len(suffix)] + suffix
        k += 1
    used.add(candidate)
    return candidate


def _flat(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].map(lambda v: isinstance(v, (list, dict))).any():
            out[col] = out[col].map(lambda v: ", ".join(map(str, v)) if isinstance(v, list) else
                                    (str(v) if isinstance(v, dict) else v))
    return out


def _marked(df: pd.DataFrame, sources: bool = False) -> pd.DataFrame:
    """Verification columns as words an official reads in a cell: "† 未核实", "已核实", or blank (no figure).

    In the sources sheet the three states of the flag stay apart (checked / not checked / cited as found).
    """
    out = df.copy()
    for col in out.columns:
        if col == "verified" or col.endswith("_verified"):
            if sources:
                out[col] = out[col].map(lambda v: "已核实 verified" if v is True else
                                        (f"{MARK} 未核实 not verified" if v is False else f"{MARK} 未复核 not re-checked"))
            else:
                out[col] = out[col].map(lambda v: "" if v is None or (isinstance(v, float) and v != v) else
                                        ("已核实 verified" if v else f"{MARK} 未核实 unverified"))
    return out


def write_report_xlsx(path: str | Path, diagnosis: dict, comparison: dict, sources: list[dict],
                      extra: dict[str, pd.DataFrame] | None = None) -> Path:
    """Write the diagnosis tables (links, stages, value ladders, firms, peers, settings, sources)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    d = jsonable(diagnosis)
    sheets: dict[str, pd.DataFrame] = {
        "links": pd.DataFrame(d["nodes"]),
        "stages": pd.DataFrame(d["stages"]),
        "top_heaviness": pd.DataFrame([{k: v for k, v in d["top_heaviness"].items() if k != "raw_links"}]),
        "agglomeration": pd.DataFrame([d["agglomeration"]]),
        "firms": pd.DataFrame(d["firms"]),
        "peers": pd.DataFrame(jsonable(comparison)["regions"]),
        "settings": pd.DataFrame(d["settings"]),
        "sources": _marked(pd.DataFrame(sources), sources=True),
        "legend": pd.DataFrame({"note": [LEGEND_ZH, LEGEND_EN]}),
    }
    ladders = []
    for i, vp in enumerate(d["value_paths"], start=1):
        df = pd.DataFrame(vp["ladder"])
        df.insert(0, "path", i)
        ladders.append(df)
    if ladders:
        sheets["value_ladder"] = pd.concat(ladders, ignore_index=True)
    sheets.update(extra or {})
    used: set[str] = set()
    with excel_writer(path) as writer:
        for name, df in sheets.items():
            frame = df if name == "sources" else _marked(df)
            relabel(_flat(frame)).to_excel(writer, sheet_name=sheet_name(name, used), index=False)
    return path


TARGET_COLUMNS = ["rank", "name_zh", "name_en", "region_name_zh", "region_name_en", "listed", "exchange",
                  "stock_code", "high_tech", "made_node", "substitute", "quantity", "quantity_unit", "revenue",
                  "year", "chain_link", "provinces", "same_province", "distance_km", "score", "reason_zh",
                  "reason_en", "source_id", "id"]


def write_targets_xlsx(path: str | Path, lists: list, sources: pd.DataFrame) -> Path:
    """The investment-promotion hand-out: one sheet per target link with reasons, then the sources."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    with excel_writer(path) as writer:
        summary = []
        for tl in lists:
            sheet = sheet_name(f"{tl.node['name_zh']}" or tl.node["id"], used)
            df = tl.targets.reindex(columns=TARGET_COLUMNS) if len(tl.targets) else pd.DataFrame(columns=TARGET_COLUMNS)
            relabel(df).to_excel(writer, sheet_name=sheet, index=False)
            summary.append({"link": tl.node["id"], "name_zh": tl.node["name_zh"], "name_en": tl.node["name_en"],
                            "sheet": sheet, "targets": len(tl.targets), "note": tl.reason or ""})
        relabel(pd.DataFrame(summary)).to_excel(writer, sheet_name="links", index=False)
        ids = set()
        for tl in lists:
            if len(tl.targets):
                ids.update(tl.targets["source_id"].dropna())
        relabel(sources[sources["id"].isin(ids)]).to_excel(writer, sheet_name="sources", index=False)
    return path
