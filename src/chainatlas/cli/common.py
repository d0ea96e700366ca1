"""Shared CLI plumbing: opening the atlas, printing results, turning errors into messages."""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table as RichTable

from chainatlas.errors import ChainAtlasError

if TYPE_CHECKING:  # the facade pulls in pandas, numpy and DuckDB: imported only when a command runs
    from contextlib import AbstractContextManager

    from chainatlas.atlas import Atlas

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)
F = TypeVar("F", bound=Callable[..., Any])

STATE: dict[str, Any] = {"db": None, "open": []}


def handled(func: F) -> F:
    """Print chainatlas errors as one clear message (no traceback) and exit with status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ChainAtlasError as exc:
            err_console.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
            raise typer.Exit(1) from None
        finally:
            # a refused import must not leave its writer open (in-process callers such as tests and
            # notebooks open the same file next)
            while STATE["open"]:
                STATE["open"].pop().close()

    return wrapper  # type: ignore[return-value]


def atlas(write: bool = False) -> Atlas:
    """Open the store named by the global ``--db`` (or the default), read-only unless writing."""
    from chainatlas.atlas import open_atlas

    db = STATE.get("db")
    opened = open_atlas(Path(db) if db else None, read_only=not write)
    STATE["open"].append(opened)
    return opened


def emit_json(value: Any) -> None:
    """Print JSON exactly as ``to_dict()`` gives it (UTF-8, no colour)."""
    from chainatlas.results import dumps

    sys.stdout.write(dumps(value) + "\n")
    sys.stdout.flush()


def frame_table(df, title: str | None = None, max_rows: int = 60) -> RichTable:
    table = RichTable(title=title, show_lines=False)
    for col in df.columns:
        table.add_column(str(col))
    for rec in df.head(max_rows).itertuples(index=False):
        table.add_row(*["" if v is None or (isinstance(v, float) and v != v) else _fmt(v) for v in rec])
    if len(df) > max_rows:
        table.caption = f"{len(df) - max_rows} more rows (use --json for all)"
    return table


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return str(value)


def cut(text: object, limit: int = 80) -> str:
    """``repr`` of what the user typed, cut to ``limit`` characters: long input is never echoed whole."""
    text = str(text)
    return repr(text) if len(text) <= limit else f"{text[:limit]!r}… ({len(text):,} characters)"


def parse_pairs(items: list[str] | None, what: str) -> dict[str, str]:
    """``["a=b", "c=d"]`` → ``{"a": "b", "c": "d"}`` with a clear error for a malformed item."""
    out = {}
    for item in items or []:
        if "=" not in item:
            raise typer.BadParameter(f"{what} {cut(item)} should look like FIELD=VALUE")
        key, value = item.split("=", 1)
        out[key.strip()] = value.strip()
    return out


def spinner(text: str, disable: bool = False) -> AbstractContextManager:
    """A transient spinner while a long step runs; ``.say(text)`` changes its line.

    rich.progress is loaded here, on use, to keep ``chainatlas --help`` fast.
    """
    from rich.progress import Progress, SpinnerColumn, TextColumn

    bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True,
                   disable=disable)

    class _Spin:
        task = None

        def __enter__(self) -> _Spin:
            bar.__enter__()
            self.task = bar.add_task(text, total=None)
            return self

        def say(self, line: str) -> None:
            bar.update(self.task, description=line)

        def __exit__(self, *exc: object) -> None:
            bar.__exit__(*exc)

    return _Spin()


def parse_numbers(items: list[str] | None, what: str) -> dict[str, float]:
    """``NAME=VALUE`` pairs whose values are finite, non-negative numbers (thresholds and weights)."""
    out = {}
    for key, value in parse_pairs(items, what).items():
        try:
            number = float(value)
        except ValueError:
            raise typer.BadParameter(f"{what} {cut(key)} must be a number, got {cut(value)}") from None
        if not math.isfinite(number) or number < 0:
            raise typer.BadParameter(f"{what} {cut(key)} must be a finite number ≥ 0, got {cut(value)}")
        out[key] = number
    return out


def parse_list(text: str | None, what: str) -> list[str] | None:
    """A comma-separated list (None when the option was not given); a list naming nothing is an error."""
    if text is None:
        return None
    items = [part.strip() for part in text.split(",") if part.strip()]
    if not items:
        raise typer.BadParameter(f"{what} names nothing; give comma-separated names or codes, or leave it out")
    return items


def emit_table_result(result: Any, csv: Path | None, json: bool) -> bool:
    """Write ``result.to_frame()`` to ``--csv`` and print ``--json``; True when the JSON was the output."""
    if csv is not None:
        result.to_frame().to_csv(csv, index=False)
        console.print(f"wrote {csv}")
    if json:
        emit_json(result.to_dict())
    return json


def emit_run(result: Any, out: Path | None, write: Callable[[Any, Path], None], json: bool) -> None:
    """A national run's output: the ``--out`` file (format by suffix), else ``--json``, else its summary."""
    if out is not None:
        write(result, out)
        console.print(f"wrote {out}")
    elif json:
        emit_json(result.to_dict())
    else:
        console.print(repr(result), markup=False)
