"""The app's one shared, read-only :class:`~chainatlas.Atlas`, safe to call from many request threads.

Why locks and a memo: the facade fills its caches (frames, lookup candidates, per-chain facts) on
first use and its DuckDB connection is not thread-safe, so calls into it are serialised by one lock;
the work is pandas under the GIL anyway, so that costs little throughput. Because the store is
read-only while the server runs, the same question always has the same answer, so answers (and
whole rendered pages) are memoised in a bounded LRU. Each memo entry is computed once, under its own
lock, so a slow first question never holds up requests that are already answered. A write through
the token-guarded import endpoint starts a new generation, which every memo key carries.

Why a bounded computing pool: answers that are already memoised (and static files) are served on the
event loop without waiting for a thread, so they never queue behind computations; questions not yet
answered run in :class:`ComputePool`, a few threads with a bounded queue. When the queue is full the
request is refused at once (503 with ``Retry-After``) instead of waiting without limit.

Lock order (never the other way round): page entry → answer entry → question entry → atlas lock.
Code running under the atlas lock (:meth:`call`) must not consult the memo. Handlers reach the atlas
only through :meth:`call`, :meth:`ask` and :meth:`answer`, never directly.

Why questions are passed as methods (``reader.ask(Atlas.diagnose, code, chain)``) and not as names:
a reader and a type checker can follow a page to the facade method it calls.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from chainatlas.atlas import Atlas, open_atlas

log = logging.getLogger("chainatlas.web")

T = TypeVar("T")
P = ParamSpec("P")
MAX_ENTRIES = 512
COMPUTE_THREADS = 2  # the facade is serialised by one lock; a second thread renders meanwhile
COMPUTE_QUEUE = 16  # questions waiting for a thread before new ones are refused with 503 (2–3 s of cold pages)
RETRY_AFTER = 2  # seconds a refused client is asked to wait


class Busy(Exception):  # noqa: N818 - a state, reported as 503
    """The computing queue is full, or an import is being written: try again after ``retry_after`` s."""

    def __init__(self, message: str, retry_after: int = RETRY_AFTER, importing: bool = False):
        super().__init__(message)
        self.retry_after, self.importing = retry_after, importing


class ComputePool:
    """A few threads for answers not yet memoised, with a bounded queue (refuse rather than pile up)."""

    def __init__(self, threads: int = COMPUTE_THREADS, queue: int = COMPUTE_QUEUE):
        self.threads, self.queue = threads, queue
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="chainatlas-compute")
        self._slots = threading.BoundedSemaphore(threads + queue)

    async def run(self, compute: Callable[[], T]) -> T:
        """``compute()`` in the pool; :class:`Busy` at once when every thread and queue slot is taken."""
        if not self._slots.acquire(blocking=False):
            raise Busy(f"the server is busy answering {self.threads + self.queue} other questions; "
                       "try again in a moment")
        try:
            future = self._executor.submit(compute)
        except BaseException:
            self._slots.release()
            raise
        # the slot is freed when the work ends, even if the client has gone away meanwhile
        future.add_done_callback(lambda _f: self._slots.release())
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _key(value: Any) -> Hashable:
    """A hashable spelling of call arguments (lists become tuples, dicts sorted tuples)."""
    if isinstance(value, dict):
        return tuple(sorted((k, _key(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_key(v) for v in value)
    return value


class AtlasReader:
    """Serialised facade calls (:meth:`call`), memoised answers (:meth:`ask`, :meth:`answer`,
    :meth:`memo`) and an exclusive :meth:`writer`."""

    def __init__(self, db_path: Path, max_entries: int = MAX_ENTRIES):
        self.db_path = Path(db_path)
        self.max_entries = max_entries
        self._atlas_lock = threading.RLock()
        self._memo_lock = threading.Lock()
        self._memo: OrderedDict[Hashable, Any] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}
        self.generation = 0
        self.importing = threading.Event()  # set while an import writes the store
        self.pool = ComputePool()
        self.atlas: Atlas = open_atlas(self.db_path, read_only=True).warm()

    # ------------------------------------------------------------------ reading
    def call(self, compute: Callable[[Atlas], T]) -> T:
        """Run ``compute(atlas)`` under the atlas lock, not memoised."""
        with self._atlas_lock:
            return compute(self.atlas)

    def ask(self, question: Callable[Concatenate[Atlas, P], T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``question(atlas, *args, **kwargs)`` for a facade method such as ``Atlas.diagnose``, memoised
        (errors are not memoised); callers treat the answer as read-only (it is shared)."""
        key = ("ask", question.__qualname__, _key(args), _key(kwargs), self.generation)
        return self.memo(key, lambda: self.call(lambda a: question(a, *args, **kwargs)))

    def answer(self, question: Callable[Concatenate[Atlas, P], Any], /, *args: P.args, **kwargs: P.kwargs) -> Any:
        """``question(atlas, …).to_dict()`` (the CLI's ``--json``), memoised; callers treat it as read-only."""
        key = ("answer", question.__qualname__, _key(args), _key(kwargs), self.generation)
        return self.memo(key, lambda: self.ask(question, *args, **kwargs).to_dict())

    def peek(self, key: Hashable) -> Any | None:
        """The memoised value for ``key`` if there is one (never waits for a computation)."""
        with self._memo_lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
        return None

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The memoised value for ``key``, computed once on first use (other keys are not held up)."""
        with self._memo_lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
            entry_lock = self._computing.setdefault(key, threading.Lock())
        with entry_lock:
            with self._memo_lock:
                if key in self._memo:  # computed by another thread while this one waited
                    return self._memo[key]
            try:
                value = compute()
            finally:
                with self._memo_lock:
                    self._computing.pop(key, None)
            with self._memo_lock:
                self._memo[key] = value
                while len(self._memo) > self.max_entries:
                    self._memo.popitem(last=False)
            return value

    def warm_in_background(self) -> threading.Thread:
        """Compute what every page of a chain reuses (its facts, the diagnoses of its leading provinces
        and prefectures) in a background thread, one chain and level at a time under the atlas lock, so
        visitors' questions are served in between and a chain's first page does not pay for it."""

        def steps() -> list[Callable[[Atlas], object]]:
            chains = self.call(lambda a: list(a.chains().rows["id"]))
            out: list[Callable[[Atlas], object]] = []
            for cid in chains:
                out.append(lambda a, cid=cid: a.chain_facts(cid))
                out += [lambda a, cid=cid, level=level: a.compare(cid, level=level)
                        for level in ("prefecture", "province")]
            return out

        def run() -> None:
            try:
                for step in steps():
                    self.call(step)
            except Exception as exc:  # a closed store or a broken chain: pages compute it themselves
                log.warning("warming the atlas stopped: %s", exc)

        thread = threading.Thread(target=run, name="chainatlas-warm", daemon=True)
        thread.start()
        return thread

    # ------------------------------------------------------------------ writing
    @contextmanager
    def writer(self) -> Iterator[Atlas]:
        """An exclusive writable atlas; facade calls wait, and see the new data afterwards.

        DuckDB will not open one file read-only and writable in the same process, so the reader is
        closed for the write and reopened after it. The server must be the store's only writer.
        """
        self.importing.set()
        with self._atlas_lock:
            self.atlas.close()
            try:
                writable = open_atlas(self.db_path)
                try:
                    yield writable
                finally:
                    writable.close()
            finally:
                self.atlas = open_atlas(self.db_path, read_only=True).warm()
                with self._memo_lock:
                    self.generation += 1
                    self._memo.clear()
                self.importing.clear()

    def close(self) -> None:
        self.pool.close()
        with self._atlas_lock:
            self.atlas.close()
