"""The shared reader: one computation per question, and a slow question holds up no other."""

from __future__ import annotations

import threading

from chainatlas.atlas import Atlas
from chainatlas.web.reader import AtlasReader


def test_memo_computes_once_and_does_not_block_other_keys(fixture_db):
    reader = AtlasReader(fixture_db)
    assert reader.memo("fast", lambda: 1) == 1
    started, release = threading.Event(), threading.Event()
    calls = []

    def slow():
        calls.append(1)
        started.set()
        release.wait(5)
        return "slow"

    results = []
    workers = [threading.Thread(target=lambda: results.append(reader.memo("slow", slow))) for _ in range(3)]
    workers[0].start()
    assert started.wait(5)
    for w in workers[1:]:
        w.start()
    assert reader.memo("fast", lambda: 2) == 1  # answered from the memo while "slow" is being computed
    assert reader.peek("fast") == 1 and reader.peek("slow") is None
    assert workers[0].is_alive()  # "slow" was still computing: the answer did not wait for it
    release.set()
    for w in workers:
        w.join(5)
    assert results == ["slow"] * 3 and len(calls) == 1
    reader.close()


def test_memo_is_bounded_and_errors_are_not_kept(fixture_db):
    reader = AtlasReader(fixture_db, max_entries=3)
    for i in range(5):
        reader.memo(i, lambda i=i: i)
    assert reader.memo(0, lambda: "recomputed") == "recomputed"  # evicted, least recently used first

    def boom():
        raise ValueError("no")

    for _ in range(2):
        try:
            reader.memo("bad", boom)
        except ValueError:
            pass
    assert reader.memo("bad", lambda: "fine") == "fine"
    reader.close()


def test_answers_equal_the_facade(fixture_db, fixture_atlas):
    reader = AtlasReader(fixture_db)
    assert reader.answer(Atlas.chain, "alu") == fixture_atlas.chain("alu").to_dict()
    assert reader.answer(Atlas.chain, "alu") is reader.answer(Atlas.chain, "alu")  # shared, computed once
    assert reader.ask(Atlas.resolve_chain, "alu") == "alu"
    reader.close()


def test_warming_computes_every_chain_once_in_the_background(fixture_db, caplog, monkeypatch):
    """After warming, a chain's leading regions are already diagnosed: comparing them diagnoses nothing."""
    import chainatlas.atlas

    reader = AtlasReader(fixture_db)
    reader.warm_in_background().join(60)
    diagnosed = []
    real = chainatlas.atlas.diagnose
    monkeypatch.setattr(chainatlas.atlas, "diagnose", lambda *a, **k: diagnosed.append(a[1]["code"]) or real(*a, **k))
    for chain in ("alu", "batt"):
        for level in ("prefecture", "province"):
            assert len(reader.call(lambda a, c=chain, lv=level: a.compare(c, level=lv)).rows)
    assert diagnosed == [] and "warming the atlas stopped" not in caplog.text
    reader.call(lambda a: a.diagnose("140400", "alu"))  # a region no warming asked about: computed now
    assert diagnosed == ["140400"]
    reader.close()
