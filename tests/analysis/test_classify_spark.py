"""The Spark engine gives exactly the local engine's assignments (local Spark, one core, 10k rows)."""

from __future__ import annotations

import os
import shutil
import sys

import pandas as pd
import pytest

from chainatlas.reference.loader import data_dir
from chainatlas.registry.context import build_context
from chainatlas.registry.engines import LocalEngine
from chainatlas.registry.synthetic import COLUMNS, county_records, registry_rows
from chainatlas.store.registry_reader import read_registry

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'chainatlas[spark]')")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Java is absent: local Spark needs Java 17 (apt-get install openjdk-17-jre-headless)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def spark():
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    from chainatlas.registry.engines import spark_session

    session = spark_session(cores=1)
    yield session
    session.stop()


def test_spark_and_local_assignments_are_identical(spark, tmp_path):
    from chainatlas.registry.engines import SparkEngine

    regions = pd.read_csv(data_dir() / "regions.csv", dtype=str).fillna("").to_dict("records")
    context = build_context(regions)
    path = tmp_path / "registry.csv"
    pd.DataFrame(list(registry_rows(10_000, context.vocab, county_records(regions))), columns=COLUMNS
                 ).to_csv(path, index=False)
    frame = next(read_registry(path, chunk_size=20_000)).frame
    local_a, local_f = LocalEngine(context).classify(frame)
    engine = SparkEngine(context, session=spark, partitions=4)
    spark_a, spark_f = engine.classify(frame)
    engine.close()
    key = ["row", "node_id"]
    assert len(local_a) > 1000
    pd.testing.assert_frame_equal(local_a.sort_values(key).reset_index(drop=True),
                                  spark_a.sort_values(key).reset_index(drop=True))
    pd.testing.assert_frame_equal(local_f.sort_values("row").reset_index(drop=True),
                                  spark_f.sort_values("row").reset_index(drop=True))
