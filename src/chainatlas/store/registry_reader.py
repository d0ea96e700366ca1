"""Reading registry exports (企查查 / 天眼查 / credit-system lists): encodings, headers, bad rows.

Why a reader of its own: registry exports are large (tens of millions of rows nationally), often in
GBK/GB18030, with Chinese headers that vary by vendor and rows broken by stray line breaks. The
reader yields chunks of a bounded size, so memory stays flat whatever the file's length, and names
every bad row (broken, nameless, bad or duplicated credit code) with its data-row number.
"""

from __future__ import annotations

import csv
import operator
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from chainatlas.errors import DataError, RowProblem
from chainatlas.store.readers import detect_format, read_table

# Registry fields and the headers vendors use for them (first present wins; industry joins all).
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("企业名称", "公司名称", "名称", "企业名", "name"),
    "credit_code": ("统一社会信用代码", "社会信用代码", "信用代码", "credit_code", "uscc"),
    "address": ("注册地址", "住所", "企业地址", "地址", "注册住所", "address"),
    "industry": ("国标行业", "所属行业", "行业代码", "国民经济行业", "行业", "industry"),
    "scope": ("经营范围", "scope"),
    "capital": ("注册资本", "capital"),
    "founded": ("成立日期", "注册日期", "founded"),
    "status": ("登记状态", "经营状态", "企业状态", "status"),
    "products": ("主营产品", "products"),
}
FIELDS = tuple(HEADERS)

_CC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CC_INDEX = {c: i for i, c in enumerate(_CC_CHARS)}
_CC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_ok(code: str) -> bool:
    """GB 32100-2015: 18 characters of the code set, the last a mod-31 check character."""
    if len(code) != 18:
        return False
    try:
        total = sum(map(operator.mul, map(_CC_INDEX.__getitem__, code[:17]), _CC_WEIGHTS))
    except KeyError:
        return False
    return code[17] in _CC_INDEX and _CC_CHARS[(31 - total % 31) % 31] == code[17]


def credit_check_char(first17: str) -> str:
    total = sum(_CC_CHARS.index(c) * w for c, w in zip(first17, _CC_WEIGHTS, strict=True))
    return _CC_CHARS[(31 - total % 31) % 31]


def detect_encoding(path: Path, probe: int = 4 << 20) -> str:
    """``utf-8-sig`` when the file's start decodes as UTF-8, else ``gb18030`` (a superset of GBK)."""
    head = path.read_bytes()[:probe] if path.stat().st_size <= probe else _head(path, probe)
    try:
        head.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut by the probe's end
            return "utf-8-sig"
    try:
        head.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: neither UTF-8 nor GBK/GB18030 (bad byte at offset {exc.start}); "
                        "re-export the file as UTF-8") from exc


def _head(path: Path, n: int) -> bytes:
    with path.open("rb") as fh:
        return fh.read(n)


@dataclass
class RegistryChunk:
    """Up to ``chunk_size`` rows: the registry fields as text, their data-row numbers, the problems."""

    frame: pd.DataFrame  # columns FIELDS + "row"
    problems: list[RowProblem] = field(default_factory=list)


def column_map(header: list[str], mapping: dict[str, str] | None, file: str) -> dict[str, list[int]]:
    """Registry field → indexes of the columns read for it (``--map FIELD=COLUMN`` overrides)."""
    mapping = mapping or {}
    unknown = set(mapping) - set(FIELDS)
    if unknown:
        raise DataError(f"{file}: --map names unknown fields {sorted(unknown)}; fields: {', '.join(FIELDS)}")
    stripped = [h.strip().lstrip("\ufeff") for h in header]
    out: dict[str, list[int]] = {}
    for fld, names in HEADERS.items():
        if fld in mapping:
            if mapping[fld] not in stripped:
                raise DataError(f"{file}: --map {fld}={mapping[fld]}: no such column; columns: {', '.join(stripped)}")
            out[fld] = [stripped.index(mapping[fld])]
            continue
        hits = [stripped.index(n) for n in names if n in stripped]
        out[fld] = hits if fld == "industry" else hits[:1]
    if not out["name"]:
        raise DataError(f"{file}: no firm-name column (one of {', '.join(HEADERS['name'])}); "
                        "name it with --map name=COLUMN")
    if not out["scope"] and not out["products"] and not out["industry"]:
        raise DataError(f"{file}: no business-scope column (经营范围), product or industry column; "
                        "name it with --map scope=COLUMN")
    return out


def _rows_to_frame(rows: list[list[str]], numbers: list[int], cols: dict[str, list[int]]) -> pd.DataFrame:
    """The chunk's fields as Python-string columns: the classifier reads them back as Python strings
    row by row, so a round trip through Arrow strings would only cost time."""
    data = {}
    for fld in FIELDS:
        idx = cols.get(fld) or []
        if not idx:
            values = [""] * len(rows)
        elif len(idx) == 1:
            i = idx[0]
            values = [r[i].strip() for r in rows]
        else:
            values = [" ".join(r[i].strip() for i in idx if r[i].strip()) for r in rows]
        data[fld] = pd.Series(values, dtype=object)
    data["row"] = pd.Series(numbers, dtype=np.int64)
    return pd.DataFrame(data)


def read_registry(path: str | Path, mapping: dict[str, str] | None = None, chunk_size: int = 200_000,
                  fmt: str | None = None) -> Iterator[RegistryChunk]:
    """Yield the export in chunks; rows with a wrong number of fields are reported, not read."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such file")
    kind = detect_format(path, fmt)
    file = str(path)
    if kind != "csv":
        raw = read_table(path, kind)
        header = list(raw.columns)
        cols = column_map(header, mapping, file)
        values = raw.to_numpy().tolist()
        for start in range(0, len(values), chunk_size):
            part = values[start:start + chunk_size]
            yield RegistryChunk(_rows_to_frame(part, list(range(start + 1, start + len(part) + 1)), cols))
        return
    encoding = detect_encoding(path)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    with path.open(encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            raise DataError(f"{path}: empty file") from None
        except UnicodeDecodeError as exc:
            raise DataError(f"{path}: header is not {encoding}: {exc}") from exc
        cols = column_map(header, mapping, file)
        width = len(header)
        rows: list[list[str]] = []
        numbers: list[int] = []
        problems: list[RowProblem] = []
        n = 0
        while True:
            try:
                rec = next(reader)
            except StopIteration:
                break
            except UnicodeDecodeError as exc:
                raise DataError(f"{path}: after data row {n}: bytes that are not {encoding} ({exc.reason})") from exc
            except csv.Error as exc:
                n += 1
                problems.append(RowProblem(file, n, None, "", f"a well-formed CSV row ({exc})"))
                continue
            if not rec or (len(rec) == 1 and not rec[0].strip()):
                continue
            n += 1
            if len(rec) != width:
                problems.append(RowProblem(file, n, None, f"{len(rec)} fields",
                                           f"{width} fields like the header (a broken row)"))
                continue
            rows.append(rec)
            numbers.append(n)
            if len(rows) >= chunk_size:
                yield RegistryChunk(_rows_to_frame(rows, numbers, cols), problems)
                rows, numbers, problems = [], [], []
        if rows or problems:
            yield RegistryChunk(_rows_to_frame(rows, numbers, cols), problems)


def row_problems(frame: pd.DataFrame, file: str, seen: dict[str, int]) -> list[RowProblem]:
    """Nameless rows, malformed credit codes and credit codes already seen (``seen``: code → row)."""
    out = []
    for name, code, row in frame[["name", "credit_code", "row"]].itertuples(index=False):
        if not name:
            out.append(RowProblem(file, row, "name", name, "a firm name"))
        if not code:
            continue
        cc = code.upper()
        if not credit_code_ok(cc):
            out.append(RowProblem(file, row, "credit_code", code,
                                  "an 18-character unified social credit code with a valid check character"))
        elif cc in seen:
            out.append(RowProblem(file, row, "credit_code", code, f"a unique credit code (also on row {seen[cc]})"))
        else:
            seen[cc] = row
    return out


def encoding_of(path: str | Path) -> str:
    path = Path(path)
    return detect_encoding(path) if detect_format(path) == "csv" else "binary"


__all__ = ["FIELDS", "HEADERS", "RegistryChunk", "column_map", "credit_code_ok", "detect_encoding",
           "encoding_of", "read_registry", "row_problems"]
