"""An import killed mid-way (SIGKILL, as by the OOM killer or a pulled plug) leaves the store as before.

The importing process reports when its transaction has begun and when every row is inserted but not
yet committed, so the kill lands in the write itself, not by luck of timing.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from chainatlas import open_atlas
from chainatlas.model.entities import LOAD_ORDER

IMPORTER = """
import contextlib, sys, time
from chainatlas import open_atlas
from chainatlas.store import db

plain = db.Store.transaction

@contextlib.contextmanager
def reported(self):
    with plain(self) as cur:
        print("begun", flush=True)
        yield cur
        print("inserted", flush=True)  # every row is in, the commit has not happened
        if sys.argv[3] == "before-commit":
            time.sleep(60)

db.Store.transaction = reported
atlas = open_atlas(sys.argv[1])
atlas.import_file("enterprises", sys.argv[2])
print("done", flush=True)
"""
ROWS = 100_000


@pytest.fixture(scope="module")
def firms(tmp_path_factory):
    path = tmp_path_factory.mktemp("killed") / "firms.csv"
    rng = np.random.default_rng(7)
    pd.DataFrame({"id": [f"killed-{i:07d}" for i in range(ROWS)], "name_zh": [f"企业{i}" for i in range(ROWS)],
                  "name_en": [f"Firm {i}" for i in range(ROWS)], "region": rng.choice(["371600", "370000"], ROWS),
                  "source_id": "fx-report", "note": "x" * 40}).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("moment", ["mid-insert", "before-commit"])
def test_killed_import_leaves_the_store_as_before(fixture_db, tmp_path, firms, moment):
    db = tmp_path / "store.duckdb"
    shutil.copy(fixture_db, db)
    with open_atlas(db, read_only=True) as atlas:
        before = {k: atlas.store.table(k) for k in LOAD_ORDER}
    proc = subprocess.Popen([sys.executable, "-c", IMPORTER, str(db), str(firms), moment], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "begun"
    if moment == "before-commit":
        assert proc.stdout.readline().strip() == "inserted"
    else:
        time.sleep(0.02)  # inside the INSERT of 100,000 rows
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    rest = proc.stdout.read()
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL and "done" not in rest  # killed, not finished
    with open_atlas(db) as atlas:  # a writer replays or discards the log
        for kind in LOAD_ORDER:
            pd.testing.assert_frame_equal(atlas.store.table(kind), before[kind])
        assert atlas.check().ok
        assert atlas.import_file("enterprises", firms).added["enterprises"] == ROWS  # the store still works
