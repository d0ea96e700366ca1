"""Splitting chunks over worker processes changes nothing in the local engine's assignments."""

from __future__ import annotations

import pandas as pd

from chainatlas.reference.loader import data_dir
from chainatlas.registry.context import build_context
from chainatlas.registry.engines import LocalEngine
from chainatlas.registry.synthetic import COLUMNS, county_records, registry_rows
from chainatlas.store.registry_reader import read_registry


def test_two_workers_give_the_single_process_assignments(tmp_path):
    regions = pd.read_csv(data_dir() / "regions.csv", dtype=str).fillna("").to_dict("records")
    context = build_context(regions)
    path = tmp_path / "registry.csv"
    pd.DataFrame(list(registry_rows(2_000, context.vocab, county_records(regions), seed=7)), columns=COLUMNS
                 ).to_csv(path, index=False)
    frame = next(read_registry(path)).frame
    one = LocalEngine(context).classify(frame)
    engine = LocalEngine(context, workers=2)
    two = engine.classify(frame)
    engine.close()
    assert len(one[0]) > 200
    pd.testing.assert_frame_equal(one[0], two[0])
    pd.testing.assert_frame_equal(one[1], two[1])
