"""Engines that run the one classifier over chunks of registry rows: locally, or on Spark.

Both call :func:`chainatlas.analysis.classify.frame.classify_rows` on the same records with the same
context, so they give the same assignments; the Spark engine only spreads the rows over executors.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pandas as pd

from chainatlas.analysis.classify.frame import ASSIGNMENT_COLUMNS, FIRM_COLUMNS, classify_frame, classify_rows
from chainatlas.errors import ChainAtlasError
from chainatlas.registry.context import ClassifyContext

ENGINES = ("local", "spark")


_WORKER_CONTEXT: list[ClassifyContext] = []


def _classify_part(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    context = _WORKER_CONTEXT[0]
    matcher, resolver = context.tools()
    return classify_frame(frame, context.vocab, matcher, resolver)


class LocalEngine:
    """Classifies each chunk on this machine: in this process, or split over ``workers`` processes."""

    name = "local"

    def __init__(self, context: ClassifyContext, workers: int = 1):
        self.context = context
        self.workers = max(1, workers)
        self._pool = None
        if self.workers > 1:
            import multiprocessing as mp

            _WORKER_CONTEXT[:] = [context]  # forked workers inherit it (and build their own automata)
            self._pool = mp.get_context("fork").Pool(self.workers)

    def classify(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        if self._pool is None or len(frame) < 2 * self.workers:
            matcher, resolver = self.context.tools()
            return classify_frame(frame, self.context.vocab, matcher, resolver)
        step = -(-len(frame) // self.workers)
        parts = self._pool.map(_classify_part, [frame.iloc[i:i + step] for i in range(0, len(frame), step)])
        return (pd.concat([p[0] for p in parts], ignore_index=True),
                pd.concat([p[1] for p in parts], ignore_index=True))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()


def _partition(context: ClassifyContext):
    def run(records: Iterator[dict]) -> Iterator[tuple]:
        matcher, resolver = context.tools()
        for firm, found in classify_rows(records, context.vocab, matcher, resolver):
            yield ("firm", firm)
            for a in found or ():
                yield ("assignment", a)
    return run


def spark_session(cores: int = 1):
    """A local Spark session (``local[cores]``); needs ``pyspark`` and Java 17."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ChainAtlasError("the Spark engine needs pyspark: pip install 'chainatlas[spark]'") from exc
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    master = os.environ.get("CHAINATLAS_SPARK_MASTER", f"local[{cores}]")
    try:
        return (SparkSession.builder.master(master).appName("chainatlas-classify")
                .config("spark.ui.enabled", "false").config("spark.driver.memory", "1g")
                .config("spark.sql.shuffle.partitions", "4").getOrCreate())
    except Exception as exc:  # Java missing or failing to start
        raise ChainAtlasError(f"cannot start Spark ({master}): {exc}; the Spark engine needs Java 17") from exc


class SparkEngine:
    """Spreads each chunk's rows over Spark executors; the vocabulary travels as a broadcast."""

    name = "spark"

    def __init__(self, context: ClassifyContext, session=None, partitions: int | None = None):
        self.session = session or spark_session()
        self.context = context
        self._broadcast = self.session.sparkContext.broadcast(context)
        self.partitions = partitions or max(1, self.session.sparkContext.defaultParallelism)

    def classify(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        bc = self._broadcast

        def run(records):
            return _partition(bc.value)(records)

        rdd = self.session.sparkContext.parallelize(frame.to_dict("records"), self.partitions)
        out = rdd.mapPartitions(run).collect()
        firms = [v for k, v in out if k == "firm"]
        assigned = [v for k, v in out if k == "assignment"]
        return (pd.DataFrame(assigned, columns=ASSIGNMENT_COLUMNS), pd.DataFrame(firms, columns=FIRM_COLUMNS))

    def close(self) -> None:
        self._broadcast.unpersist()


def make_engine(name: str, context: ClassifyContext, workers: int = 1):
    if name == "local":
        return LocalEngine(context, workers)
    if name == "spark":
        return SparkEngine(context)
    raise ChainAtlasError(f"unknown engine {name!r}; one of {', '.join(ENGINES)}")
