"""The gold set is well-formed, and extraction quality on it does not fall below what is reported.

The floors are a little under the figures in the README (measured by bench/quality_extract.py);
a change that lowers precision or recall of any field below them fails here.
"""

import tomllib
from pathlib import Path

import pytest

from chainatlas.extract import extract_facts
from chainatlas.extract.quality import FIELDS, pair, score

GOLD = Path(__file__).parent / "gold" / "passages.toml"
PASSAGES = tomllib.loads(GOLD.read_text(encoding="utf-8"))["passages"]
FLOORS = {"detected": (0.97, 0.95), "region": (0.96, 0.94), "node": (0.90, 0.88), "indicator": (0.95, 0.93),
          "comparator": (0.97, 0.95), "year": (0.92, 0.90), "period": (0.90, 0.88), "rank_scope": (0.97, 0.95)}


def test_gold_set_size_and_addresses():
    assert len(PASSAGES) >= 20
    assert sum(len(p["facts"]) for p in PASSAGES) >= 150
    assert {p["lang"] for p in PASSAGES} == {"zh", "en"}
    for p in PASSAGES:
        assert p["url"].startswith("http"), p["id"]
        assert len(p["text"]) < 1200, f"{p['id']}: keep quotes short"


def test_gold_ids_exist_in_the_atlas(gaz):
    for p in PASSAGES:
        for f in p["facts"]:
            assert f["r"] == "" or f["r"] in gaz.regions, (p["id"], f)
            assert f["node"] == "" or f["node"] in gaz.node_units, (p["id"], f)
            assert f["ind"] in gaz.indicators or f["ind"] == "thickness", (p["id"], f)
            assert f["cmp"] in ("=", ">=", ">", "<=", "<", "~")


def test_pairing_is_one_to_one():
    gold = [{"r": "1", "node": "", "ind": "output", "v": 5.0, "u": "t", "cmp": "=", "y": 0, "per": "", "scope": ""}]
    fact = {"region": "1", "node": "", "indicator": "output", "value": 5.0, "unit": "t", "comparator": "=",
            "year": None, "period": "", "rank_scope": ""}
    assert len(pair([fact, dict(fact)], gold)) == 1
    s = score([([fact, dict(fact)], gold)])
    assert s.precision("detected") == 0.5 and s.recall("detected") == 1.0


@pytest.fixture(scope="module")
def measured(gaz):
    results = [([f.to_dict() for f in extract_facts(p["text"], gaz, date=p["date"] or None)], p["facts"])
               for p in PASSAGES]
    return score(results)


@pytest.mark.parametrize("field", ["detected", *[f for f in FIELDS if f != "value"]])
def test_quality_floor(measured, field):
    low_p, low_r = FLOORS[field]
    assert measured.precision(field) >= low_p, measured.table()
    assert measured.recall(field) >= low_r, measured.table()
