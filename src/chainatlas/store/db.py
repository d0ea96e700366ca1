"""Opening the one DuckDB file: locking, migrations, transactions and frame queries.

Why read-only by default: DuckDB lets many processes read a file but only one write it. Faces open
the store read-only for questions, so several CLI calls, reports and a web server can read at once;
imports open it for writing and get :class:`~chainatlas.errors.StoreLocked` if anyone else has it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from chainatlas.errors import StoreLocked
from chainatlas.model.entities import LOAD_ORDER, SPECS
from chainatlas.paths import default_path as default_path  # re-exported: the facade and faces import it from here
from chainatlas.store.schema import current_version, migrate, needs_upgrade


def _connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        if "lock" not in str(exc).lower():
            raise
        # DuckDB's own text names the other process's PID and hints at its API: not for the user
        if read_only:
            raise StoreLocked(f"the store {path} is being written by another process (an import); "
                              "reading waits until it has finished: try again then") from None
        raise StoreLocked(f"the store {path} is open in another process (an import, a report or a web "
                          "server); only one process may write to it at a time: close that one or use "
                          "another --db") from None


class Store:
    """A connection to one atlas file, with the schema at the latest version."""

    def __init__(self, path: str | Path, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        self.path.parent.mkdir(parents=True, exist_ok=True)
        created = not self.path.exists()
        if created or read_only:
            # create or migrate with a short-lived writer, then reopen as asked
            if created or self._needs_migration():
                writer = _connect(self.path, read_only=False)
                try:
                    migrate(writer)
                finally:
                    writer.close()
        self.con = _connect(self.path, read_only=read_only)
        if not read_only:
            migrate(self.con)
        self.created = created

    def _needs_migration(self) -> bool:
        probe = _connect(self.path, read_only=True)
        try:
            return needs_upgrade(probe)
        finally:
            probe.close()

    @property
    def schema_version(self) -> int:
        return current_version(self.con)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for one thread (DuckDB connections are not shared across threads)."""
        return self.con.cursor()

    def frame(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """Run a query and return a pandas frame."""
        cur = self.con.cursor()
        try:
            return cur.execute(sql, params or []).df()
        finally:
            cur.close()

    def table(self, kind: str) -> pd.DataFrame:
        """A whole entity table ordered by its key (deterministic, for export and analysis)."""
        spec = SPECS[kind]
        cols = ", ".join(f'"{c}"' for c in spec.columns)
        order = ", ".join(f'"{k}"' for k in spec.key)
        return self.frame(f'SELECT {cols} FROM "{spec.table}" ORDER BY {order}')

    def counts(self) -> dict[str, int]:
        """Row counts of every entity table."""
        out = {}
        cur = self.con.cursor()
        try:
            for kind in LOAD_ORDER:
                out[kind] = cur.execute(f'SELECT count(*) FROM "{SPECS[kind].table}"').fetchone()[0]
        finally:
            cur.close()
        return out

    def keys(self, kind: str) -> set:
        """The set of keys present for a kind (tuples for composite keys)."""
        spec = SPECS[kind]
        cols = ", ".join(f'"{k}"' for k in spec.key)
        rows = self.con.cursor().execute(f'SELECT {cols} FROM "{spec.table}"').fetchall()
        return {r[0] if len(spec.key) == 1 else tuple(r) for r in rows}

    def get_meta(self, key: str) -> str | None:
        row = self.con.cursor().execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All-or-nothing: everything inside commits together or not at all."""
        if self.read_only:
            from chainatlas.errors import ChainAtlasError

            raise ChainAtlasError(f"the store {self.path} was opened read-only; writing needs a writer")
        cur = self.con.cursor()
        cur.execute("BEGIN TRANSACTION")
        try:
            yield cur
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        finally:
            cur.close()

    def set_meta(self, cur: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
        cur.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])
