"""Reading user files (CSV, XLSX, JSON, JSON Lines, Parquet) into frames of text.

Why text: validation must see exactly what the file says (``"6 mm"``, ``"n/a"``, ``"600362"``) to
name the bad value, so every cell is read as a string and typed later by the validator.

Why limits: a small file can stand for a huge table (an XLSX whose 20,000 rows share one 32,767-
character string is 3.6 MB on disk and 655 M characters in memory). Every format is read in a
stream that counts rows and characters as it goes and refuses, in one line, a file beyond
:data:`MAX_ROWS` records, :data:`MAX_CELL_CHARS` characters in one cell or :data:`MAX_TOTAL_CHARS`
characters in all, before the whole table is ever held.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from chainatlas.errors import DataError

FORMATS = ("csv", "xlsx", "json", "jsonl", "parquet")
MAX_ROWS = 2_000_000  # records per imported file
MAX_CELL_CHARS = 32_767  # characters in one cell (Excel's own limit)
MAX_TOTAL_CHARS = 200_000_000  # characters in all cells of one file
QUOTE_CHARS = 80  # at most this much of a bad value is quoted in a message
_CHUNK = 100_000  # CSV records per streamed chunk
_PARQUET_BATCH = 2_048  # Parquet records per batch: a batch of 32 K-character cells stays ~67 MB a column


def quote(value: object, limit: int = QUOTE_CHARS) -> str:
    """``repr`` of a value cut to ``limit`` characters (``'aaaa…' (40,000 characters)``)."""
    text = str(value)
    if len(text) <= limit:
        return repr(text) if isinstance(value, str) else text
    return f"{text[:limit]!r}… ({len(text):,} characters)"


def detect_format(path: Path, fmt: str | None = None) -> str:
    if fmt:
        fmt = fmt.lower().lstrip(".")
        if fmt not in FORMATS:
            raise DataError(f"{path}: unknown format {quote(fmt, 20)}; one of {', '.join(FORMATS)}")
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


class _Budget:
    """Counts records and characters of one file and refuses, in one line, beyond the limits."""

    def __init__(self, path: Path):
        self.path, self.rows, self.chars = path, 0, 0

    def add_rows(self, n: int) -> None:
        self.rows += n
        if self.rows > MAX_ROWS:
            raise DataError(f"{self.path}: more than {MAX_ROWS:,} records; split the file (the limit per import)")

    def add_text(self, frame: pd.DataFrame, first_row: int) -> None:
        """Check a text frame's cells (``first_row`` = record number of its first line)."""
        for col in frame.columns:
            lengths = frame[col].str.len()
            longest = int(lengths.max()) if len(lengths) else 0
            if longest > MAX_CELL_CHARS:
                at = int(lengths.to_numpy().argmax())
                raise DataError(f"{self.path} row {first_row + at} field {quote(col, 40)}: a cell of {longest:,} "
                                f"characters; the limit is {MAX_CELL_CHARS:,}")
            self.chars += int(lengths.sum())
        self._check_total()

    def add_chars(self, n: int, row: int, column: object) -> None:
        if n > MAX_CELL_CHARS:
            raise DataError(f"{self.path} row {row} field {quote(column, 40)}: a cell of {n:,} characters; "
                            f"the limit is {MAX_CELL_CHARS:,}")
        self.chars += n
        if self.chars > MAX_TOTAL_CHARS:
            self._check_total()

    def _check_total(self) -> None:
        if self.chars > MAX_TOTAL_CHARS:
            raise DataError(f"{self.path}: more than {MAX_TOTAL_CHARS:,} characters of cell text by record "
                            f"{self.rows:,}; split the file (the limit per import)")


def header(names: list[object], path: Path) -> list[str]:
    """Column names trimmed; two that become the same (``id`` and ``id ``) are refused."""
    out: list[str] = []
    seen: dict[str, object] = {}
    for i, name in enumerate(names, start=1):
        text = "" if name is None or (isinstance(name, float) and name != name) else str(name)
        clean = text.strip() or f"(column {i})"
        if clean in seen:
            raise DataError(f"{path}: columns {quote(seen[clean], 40)} and {quote(text, 40)} have the same name "
                            "after trimming spaces; rename one")
        seen[clean] = text
        out.append(clean)
    return out


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))  # 371600.0 from a float column is the code 371600
        return repr(value)
    if isinstance(value, (dict, list, tuple)):
        raise TypeError("a nested value")
    return str(value)


def _as_text(df: pd.DataFrame, path: Path, budget: _Budget, first_row: int = 1) -> pd.DataFrame:
    out = {}
    for name, col in zip(header(list(df.columns), path), df.columns, strict=True):
        series = df[col].reset_index(drop=True)
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        try:
            out[name] = series.map(_cell_text, na_action="ignore").astype(object).where(series.notna(), "")
        except TypeError:
            at = next(i for i, v in enumerate(series) if isinstance(v, (dict, list, tuple)) or hasattr(v, "tolist"))
            raise DataError(f"{path} row {first_row + at} field {quote(name, 40)}: a nested value (list or object); "
                            "expected text or a number") from None
    text = pd.DataFrame(out, index=range(len(df)))
    budget.add_text(text, first_row)
    return text


def _read_csv(path: Path, budget: _Budget) -> pd.DataFrame:
    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    # header=None: duplicate or space-padded names reach header() as written (pandas would rename them);
    # blank lines are kept (then dropped by the importer) so record N stays on line N + 1
    chunks = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", sep=sep, header=None,
                         skip_blank_lines=False, chunksize=_CHUNK)
    names: list[str] | None = None
    parts: list[pd.DataFrame] = []
    for chunk in chunks:
        chunk = chunk.fillna("")
        if names is None:
            names = header(list(chunk.iloc[0]) if len(chunk) else [], path)
            chunk = chunk.iloc[1:]
        budget.add_rows(len(chunk))
        chunk = chunk.reset_index(drop=True)
        chunk.columns = names
        budget.add_text(chunk, budget.rows - len(chunk) + 1)
        parts.append(chunk)
    if names is None:
        return pd.DataFrame()
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=names)


def _read_xlsx(path: Path, sheet: str | int | None, budget: _Budget) -> pd.DataFrame:
    """Stream an XLSX sheet row by row (openpyxl read-only), counting as it goes."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet is None or sheet == 0:
            ws = book.worksheets[0]
        elif isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isascii() and sheet.isdigit()
                                        and sheet not in book.sheetnames):
            index = int(sheet)
            if not 0 <= index < len(book.worksheets):
                raise DataError(f"{path}: no sheet number {index}; it has {len(book.worksheets)}")
            ws = book.worksheets[index]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise DataError(f"{path}: no sheet {quote(sheet, 40)}; its sheets are "
                            + ", ".join(quote(s, 40) for s in book.sheetnames[:20]))
        rows = ws.iter_rows(values_only=True)
        first = next(rows, None)
        if first is None:
            return pd.DataFrame()
        width = len(first)
        while width and first[width - 1] is None:
            width -= 1  # trailing empty header cells (a sheet's stale dimension)
        names = header(list(first[:width]), path)
        records: list[list[str]] = []
        last_filled = 0
        for number, row in enumerate(rows, start=1):
            budget.add_rows(1)
            cells = []
            for i in range(width):
                value = row[i] if i < len(row) else None
                try:
                    text = _cell_text(value)
                except TypeError:
                    text = str(value)
                budget.add_chars(len(text), number, names[i])
                cells.append(text)
            if any(row[width:]):
                extra = next(v for v in row[width:] if v is not None)
                raise DataError(f"{path} row {number}: a value {quote(_cell_text(extra))} under no column name")
            records.append(cells)
            if any(cells):
                last_filled = number
        return pd.DataFrame(records[:last_filled], columns=names)
    finally:
        book.close()


def _records(data: object, path: Path) -> list:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for name in ("records", "data"):
            if isinstance(data.get(name), list):
                return data[name]
        if data and all(isinstance(v, (dict, list)) for v in data.values()):
            raise DataError(f"{path}: a JSON object of columns; expected an array of records "
                            '([{"id": …, "name_zh": …}, …]) or JSON Lines (one record per line)')
        return [data]
    raise DataError(f"{path}: JSON of the wrong shape ({type(data).__name__}); expected an array of records")


def _read_json(path: Path, budget: _Budget) -> pd.DataFrame:
    if path.stat().st_size > MAX_TOTAL_CHARS * 4:
        raise DataError(f"{path}: larger than {MAX_TOTAL_CHARS * 4:,} bytes; split the file (the limit per import)")
    text = path.read_text(encoding="utf-8-sig")
    stripped = text.lstrip()
    if not stripped:
        return pd.DataFrame()
    if stripped[0] not in "[{":
        raise DataError(f"{path}: not JSON (expected an array of records or JSON Lines)")
    try:
        records = _records(json.loads(stripped), path)
    except json.JSONDecodeError as first_error:
        if not stripped.startswith("{"):
            raise DataError(f"{path}: not valid JSON ({first_error})") from None
        records = []
        for number, line in enumerate(stripped.splitlines(), start=1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise DataError(f"{path} line {number}: not valid JSON ({exc})") from None
    budget.add_rows(len(records))
    for number, rec in enumerate(records, start=1):
        if not isinstance(rec, dict):
            raise DataError(f"{path} row {number}: {quote(json.dumps(rec, ensure_ascii=False))} is not a record "
                            "(an object of field: value)")
    names = header(list(dict.fromkeys(k for rec in records for k in rec)), path)
    frame = pd.DataFrame.from_records(records)
    return _as_text(frame, path, budget) if len(frame.columns) else pd.DataFrame(columns=names)


def _read_parquet(path: Path, budget: _Budget) -> pd.DataFrame:
    import pyarrow.parquet as pq

    source = pq.ParquetFile(path)
    budget.add_rows(source.metadata.num_rows)
    budget.rows = 0
    parts = []
    for batch in source.iter_batches(batch_size=_PARQUET_BATCH):
        first = budget.rows + 1
        budget.rows += batch.num_rows
        parts.append(_as_text(batch.to_pandas(), path, budget, first))
    if not parts:
        return pd.DataFrame(columns=header(source.schema_arrow.names, path))
    return pd.concat(parts, ignore_index=True)


def read_table(path: str | Path, fmt: str | None = None, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a file into a frame whose cells are all strings ('' for empty), within the declared limits."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such file")
    kind = detect_format(path, fmt)
    if sheet is not None and kind != "xlsx":
        raise DataError(f"{path}: --sheet applies to XLSX files only; this is read as {kind}")
    budget = _Budget(path)
    try:
        if kind == "csv":
            return _read_csv(path, budget)
        if kind == "xlsx":
            return _read_xlsx(path, sheet, budget)
        if kind in ("json", "jsonl"):
            return _read_json(path, budget)
        return _read_parquet(path, budget)
    except DataError:
        raise
    except Exception as exc:  # pandas/pyarrow/openpyxl raise many kinds
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        cut = detail if len(detail) <= 160 else detail[:160] + "…"
        raise DataError(f"{path}: cannot read as {kind}: {cut}") from None
