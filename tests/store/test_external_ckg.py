"""Real, noisy outside data: the ChainKnowledgeGraph product graph through the generic importers.

Its files are read in place from ../shared/external (never copied); the test skips without them.
"""

import pytest

from chainatlas import ImportRowError, open_atlas
from chainatlas.analysis import graph
from conftest import shared_external


@pytest.fixture(scope="module")
def ckg(tmp_path_factory):
    root = shared_external("ChainKnowledgeGraph")
    atlas = open_atlas(tmp_path_factory.mktemp("ckg") / "ckg.duckdb", seed=False)
    report = atlas.import_file("nodes", root / "product.json",
                               mapping={"id": "name", "name_zh": "name", "name_en": "name"},
                               constants={"stage": "midstream", "unit": "t"}, on_error="skip")
    # six names differ from another only by full-width or compatibility forms (（ and (, Ⅰ and I): after
    # NFKC they are the same id, so the later row is left out as a duplicate
    assert report.added["nodes"] == 95_553
    assert len(report.skipped) == 6 and all(p.expected.startswith("a unique id") for p in report.skipped)
    yield atlas, root
    atlas.close()


def test_defects_are_reported_not_crashed_on(ckg):
    atlas, root = ckg
    before = atlas.counts()
    with pytest.raises(ImportRowError) as info:
        atlas.import_file("links", root / "product_product.json",
                          mapping={"source_node": "to_entity", "target_node": "from_entity"},
                          where={"rel": "上游材料"})
    kinds = {p.expected.split(",")[0] for p in info.value.problems}
    assert "an existing node id" in kinds  # names missing from product.json
    assert "a node other than the input node" in kinds  # self-loops
    assert any(p.expected.startswith("links without a cycle") for p in info.value.problems)
    assert atlas.counts() == before  # nothing half-written


def test_closure_queries_after_skipping_bad_rows(ckg):
    atlas, root = ckg
    report = atlas.import_file("links", root / "product_product.json",
                               mapping={"source_node": "to_entity", "target_node": "from_entity"},
                               where={"rel": "上游材料"}, on_error="skip")
    assert report.added["links"] > 50_000 and 0 < len(report.skipped) < 1_000
    g = atlas.graph()
    assert "氧化铝" in graph.upstream(g, "电解铝")
    assert "电解铝" in graph.downstream(g, "氧化铝")
