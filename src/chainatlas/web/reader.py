"""The app's one shared, read-only :class:`~chainatlas.Atlas`, safe to call from many request threads.

Why a lock and a memo: the facade fills its caches (frames, lookup candidates, per-chain facts) on
first use and its DuckDB connection is not thread-safe, so calls into it are serialised; the work is
pandas under the GIL anyway, so a lock costs little throughput. Because the store is read-only while
the server runs, the same question always has the same answer, so answers (and rendered pages) are
memoised in a bounded LRU; a write through the token-guarded import endpoint clears it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from chainatlas.atlas import Atlas, open_atlas

T = TypeVar("T")
MAX_ENTRIES = 512


def _key(value: Any) -> Hashable:
    """A hashable spelling of call arguments (lists become tuples, dicts sorted tuples)."""
    if isinstance(value, dict):
        return tuple(sorted((k, _key(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_key(v) for v in value)
    return value


class AtlasReader:
    """Serialised, memoised access to a read-only atlas (``ask``), plus an exclusive ``writer()``."""

    def __init__(self, db_path: Path, max_entries: int = MAX_ENTRIES):
        self.db_path = Path(db_path)
        self.max_entries = max_entries
        self._lock = threading.RLock()
        self._memo: OrderedDict[Hashable, Any] = OrderedDict()
        self.generation = 0
        self.atlas: Atlas = open_atlas(self.db_path, read_only=True)
        self._warm()

    def _warm(self) -> None:
        """Fill the facade's table caches now, so the first requests do not race to do it."""
        a = self.atlas
        a.tables  # noqa: B018 - cached_property, filled for its side effect
        a.members  # noqa: B018
        a.region_levels  # noqa: B018

    # ------------------------------------------------------------------ reading
    def ask(self, question: str, /, *args: Any, **kwargs: Any) -> Any:
        """``atlas.<question>(*args, **kwargs)``, memoised (errors are not memoised)."""
        key = ("ask", question, _key(args), _key(kwargs), self.generation)
        return self.memo(key, lambda: getattr(self.atlas, question)(*args, **kwargs))

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The memoised value for ``key``, computing it (under the lock) on first use."""
        with self._lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
            value = compute()
            self._memo[key] = value
            while len(self._memo) > self.max_entries:
                self._memo.popitem(last=False)
            return value

    def call(self, compute: Callable[[Atlas], T]) -> T:
        """Run ``compute(atlas)`` under the lock without memoising (for anything not cacheable)."""
        with self._lock:
            return compute(self.atlas)

    def has(self, method: str) -> bool:
        """Whether this version of the facade offers ``method`` (pages appear as the facade grows)."""
        return callable(getattr(self.atlas, method, None))

    # ------------------------------------------------------------------ writing
    @contextmanager
    def writer(self):
        """An exclusive writable atlas; readers wait, and see the new data afterwards.

        DuckDB will not open one file read-only and writable in the same process, so the reader is
        closed for the write and reopened after it. The server must be the store's only writer.
        """
        with self._lock:
            self.atlas.close()
            try:
                writable = open_atlas(self.db_path)
                try:
                    yield writable
                finally:
                    writable.close()
            finally:
                self.atlas = open_atlas(self.db_path, read_only=True)
                self._memo.clear()
                self.generation += 1
                self._warm()

    def close(self) -> None:
        with self._lock:
            self.atlas.close()
