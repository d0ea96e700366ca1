import subprocess
import sys
import textwrap

import duckdb
import pytest

from chainatlas import StoreLocked, open_atlas
from chainatlas.store.db import Store
from chainatlas.store.schema import LATEST_VERSION, MIGRATIONS


def test_new_store_is_at_latest_version(tmp_path):
    store = Store(tmp_path / "a.duckdb")
    assert store.schema_version == LATEST_VERSION
    assert set(store.counts()) >= {"regions", "nodes", "observations", "indicators"}


def test_old_store_is_migrated_with_its_data(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    MIGRATIONS[1](con)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute("INSERT INTO sources (id, title, publisher) VALUES ('s1', 'A report', 'A bureau')")
    con.execute("INSERT INTO regions (code, name_zh, name_en, level) VALUES ('100000', '中国', 'China', 'country')")
    con.execute("INSERT INTO observations (subject_kind, subject_id, indicator, year, value, unit, source_id) "
                "VALUES ('region', '100000', 'gdp', 2023, 126.06, '万亿元', 's1')")
    con.close()

    atlas = open_atlas(path)
    assert atlas.store.schema_version == LATEST_VERSION
    obs = atlas.table("observations")
    assert obs.loc[0, "value"] == 126.06 and obs.loc[0, "node_id"] == ""
    # the indicator the old data used is now defined, so new imports referencing it validate
    assert "gdp" in set(atlas.table("indicators")["id"])
    atlas.close()


def test_read_only_open_migrates_an_old_store_first(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    MIGRATIONS[1](con)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.close()
    atlas = open_atlas(path, read_only=True)
    assert atlas.store.schema_version == LATEST_VERSION
    atlas.close()


def test_second_writer_gets_store_locked(tmp_path):
    path = tmp_path / "locked.duckdb"
    open_atlas(path, seed=False).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from chainatlas import open_atlas
            a = open_atlas({str(path)!r})
            print("ready", flush=True)
            sys.stdin.readline()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLocked, match="open in another process") as writer:
            open_atlas(path)
        with pytest.raises(StoreLocked, match="being written by another process") as reader:
            open_atlas(path, read_only=True)  # a reader is told it waits for an import
        for info in (writer, reader):  # DuckDB's own text (the holder's PID, its API hints) is left out
            assert "PID" not in str(info.value) and "duckdb" not in str(info.value).replace(".duckdb", "").lower()
    finally:
        holder.communicate("\n", timeout=30)


def test_many_readers(tmp_path):
    path = tmp_path / "r.duckdb"
    open_atlas(path, seed=False).close()
    a = open_atlas(path, read_only=True)
    b = open_atlas(path, read_only=True)
    assert a.counts() == b.counts()
    with pytest.raises(Exception, match="read-only"):
        with a.store.transaction():
            pass
    a.close()
    b.close()


def test_kinds_and_fields_added_to_the_specs_are_reconciled_into_an_existing_store(tmp_path, monkeypatch):
    from chainatlas.model import entities
    from chainatlas.store import schema

    path = tmp_path / "a.duckdb"
    Store(path).close()
    extra = entities.EntitySpec(
        "extras", "extras", ("id",), (entities.Field("id", required=True), entities.Field("label")), "test kind",
    )
    monkeypatch.setitem(entities.SPECS, "extras", extra)
    obs = entities.SPECS["observations"]
    monkeypatch.setitem(
        entities.SPECS, "observations",
        entities.EntitySpec(obs.kind, obs.table, obs.key, (*obs.fields, entities.Field("extra_note")), obs.help),
    )
    con = duckdb.connect(str(path), read_only=True)
    assert schema.needs_upgrade(con)
    con.close()
    store = Store(path, read_only=True)  # a reader upgrades through a short-lived writer first
    cols = {r[0] for r in store.con.execute("DESCRIBE observations").fetchall()}
    assert "extra_note" in cols
    assert store.con.execute("SELECT count(*) FROM extras").fetchone()[0] == 0
    assert store.get_meta("spec_fingerprint") == schema.spec_fingerprint()
    store.close()
