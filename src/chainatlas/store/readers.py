"""Reading user files (CSV, XLSX, JSON, JSON Lines, Parquet) into frames of text.

Why text: validation must see exactly what the file says (``"6 mm"``, ``"n/a"``, ``"600362"``) to
name the bad value, so every cell is read as a string and typed later by the validator.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from chainatlas.errors import DataError

FORMATS = ("csv", "xlsx", "json", "jsonl", "parquet")


def detect_format(path: Path, fmt: str | None = None) -> str:
    if fmt:
        fmt = fmt.lower().lstrip(".")
        if fmt not in FORMATS:
            raise DataError(f"{path}: unknown format {fmt!r}; one of {', '.join(FORMATS)}")
        return fmt
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("xls", "xlsx"):
        return "xlsx"
    if suffix in ("csv", "tsv", "txt"):
        return "csv"
    if suffix in ("json", "jsonl", "ndjson"):
        return "json"
    if suffix in ("parquet", "pq"):
        return "parquet"
    raise DataError(f"{path}: cannot tell the file format from its name; pass --format")


def _as_text(df: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=range(len(df)))
    for col in df.columns:
        series = df[col].reset_index(drop=True)
        mask = series.isna()
        text = series.map(_cell_text).astype(object)
        text[mask] = ""
        out[str(col).strip()] = text
    return out


def _cell_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # 371600.0 from a float column is the code 371600
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _read_json(path: Path) -> pd.DataFrame:
    text = path.read_text(encoding="utf-8-sig")
    stripped = text.lstrip()
    if stripped.startswith("["):
        records = json.loads(stripped)
    elif stripped.startswith("{") and "\n" in stripped.strip():
        try:
            records = [json.loads(line) for line in stripped.splitlines() if line.strip()]
        except json.JSONDecodeError:
            records = _records_from_object(json.loads(stripped), path)
    elif stripped.startswith("{"):
        records = _records_from_object(json.loads(stripped), path)
    elif not stripped:
        records = []
    else:
        raise DataError(f"{path}: not JSON (expected an array of records or JSON Lines)")
    return pd.DataFrame.from_records(records)


def _records_from_object(obj: dict, path: Path) -> list:
    if "records" in obj and isinstance(obj["records"], list):
        return obj["records"]
    if "data" in obj and isinstance(obj["data"], list):
        return obj["data"]
    return [obj]


def read_table(path: str | Path, fmt: str | None = None, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a file into a frame whose cells are all strings ('' for empty)."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such file")
    kind = detect_format(path, fmt)
    try:
        if kind == "csv":
            sep = "\t" if path.suffix.lower() == ".tsv" else ","
            # blank lines are kept (then dropped by the importer) so row N stays on line N + 1
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", sep=sep,
                             skip_blank_lines=False)
            return df.rename(columns=lambda c: str(c).strip()).fillna("")
        if kind == "xlsx":
            df = pd.read_excel(path, sheet_name=sheet if sheet is not None else 0, dtype=object)
        elif kind in ("json", "jsonl"):
            df = _read_json(path)
        else:
            df = pd.read_parquet(path)
    except DataError:
        raise
    except Exception as exc:  # pandas/pyarrow/openpyxl raise many kinds
        raise DataError(f"{path}: cannot read as {kind}: {exc}") from exc
    return _as_text(df)
