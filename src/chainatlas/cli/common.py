"""Shared CLI plumbing: opening the atlas, printing results, turning errors into messages."""

from __future__ import annotations

import functools
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

STATE: dict[str, Any] = {"db": None}


def handled(func: F) -> F:
    """Print chainatlas errors as one clear message (no traceback) and exit with status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ChainAtlasError as exc:
            err_console.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def atlas(write: bool = False) -> Atlas:
    """Open the store named by the global ``--db`` (or the default), read-only unless writing."""
    from chainatlas.atlas import open_atlas

    db = STATE.get("db")
    return open_atlas(Path(db) if db else None, read_only=not write)


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


def parse_pairs(items: list[str] | None, what: str) -> dict[str, str]:
    """``["a=b", "c=d"]`` → ``{"a": "b", "c": "d"}`` with a clear error for a malformed item."""
    out = {}
    for item in items or []:
        if "=" not in item:
            raise typer.BadParameter(f"{what} {item!r} should look like FIELD=VALUE")
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
