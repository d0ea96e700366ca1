"""Search ranking on hand-built candidates: exact before prefix before contains, then priority, then key."""

from __future__ import annotations

from chainatlas.analysis.lookup import (
    Candidate,
    chain_candidates,
    enterprise_candidates,
    node_candidates,
    search,
)


def test_exact_then_prefix_then_contains_within_each_kind():
    regions = [Candidate("371600", ("滨州市", "滨州", "Binzhou"), "滨州市", 2),
               Candidate("371602", ("滨城区", "Bincheng District"), "滨城区", 3),
               Candidate("110000", ("北京市", "Beijing"), "北京市", 1)]
    chains = [Candidate("aluminium", ("铝产业链", "Aluminium"), "铝")]
    rows = search("滨", [("region", regions), ("chain", chains)])
    assert [(r["id"], r["match"]) for r in rows] == [("371600", "prefix"), ("371602", "prefix")]
    rows = search("binzhou", [("region", regions)])
    assert rows == [{"kind": "region", "id": "371600", "label": "滨州市", "match": "exact"}]
    rows = search("in", [("region", regions), ("chain", chains)])  # contained in Binzhou, Bincheng, Beijing, Aluminium
    assert [r["id"] for r in rows] == ["110000", "371600", "371602", "aluminium"]  # province first, then by level
    assert {r["match"] for r in rows} == {"contains"}


def test_the_key_is_searched_and_the_limit_is_per_kind():
    regions = [Candidate(f"3716{i:02d}", (f"区{i}",), f"区{i}", 3) for i in range(5)]
    rows = search("3716", [("region", regions)], limit=2)
    assert [r["id"] for r in rows] == ["371600", "371601"]


def test_nothing_found_gives_suggestions():
    regions = [Candidate("371600", ("滨州市", "滨州"), "滨州市 Binzhou 371600", 2)]
    rows = search("滨洲", [("region", regions)])
    assert rows == [{"kind": "suggestion", "id": "", "label": "滨州市 Binzhou 371600", "match": "near"}]


def test_candidate_builders_read_aliases_slugs_and_codes():
    (c,) = chain_candidates([{"id": "pv", "name_zh": "光伏", "name_en": "Photovoltaics", "aliases": "PV|太阳能"}])
    assert c.names == ("光伏", "Photovoltaics", "PV", "太阳能") and c.label == "光伏 Photovoltaics (pv)"
    (n,) = node_candidates([{"id": "aluminium.alumina", "name_zh": "氧化铝", "name_en": "Alumina", "aliases": None}])
    assert "alumina" in n.names
    (e,) = enterprise_candidates([{"id": "chalco", "name_zh": "中铝", "name_en": "Chalco", "stock_code": "601600",
                                   "uscc": None}])
    assert e.names == ("中铝", "Chalco", "601600", "")
