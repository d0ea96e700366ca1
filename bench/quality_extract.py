"""Precision and recall of ``chainatlas extract`` per field on the gold set (tests/extract/gold/).

Run: .venv/bin/python bench/quality_extract.py [--heldout] [--show-misses]
(--heldout: the passages not used while writing the rules)
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from chainatlas.extract import extract_facts
from chainatlas.extract.gazetteer import reference_gazetteer
from chainatlas.extract.quality import pair, score

GOLD_DIR = Path(__file__).resolve().parent.parent / "tests" / "extract" / "gold"
GOLD = GOLD_DIR / ("heldout.toml" if "--heldout" in sys.argv else "passages.toml")


def main() -> None:
    passages = tomllib.loads(GOLD.read_text(encoding="utf-8"))["passages"]
    gaz = reference_gazetteer()
    results = []
    for p in passages:
        facts = [f.to_dict() for f in extract_facts(p["text"], gaz, date=p["date"] or None, file=p["id"])]
        results.append((facts, p["facts"]))
        if "--show-misses" in sys.argv:
            pairs = pair(facts, p["facts"])
            paired_g = [g for _, g in pairs]
            print(f"== {p['id']}")
            for e, g in pairs:
                bad = [k for k in e if e[k] != g[k]]
                if bad:
                    print("   WRONG", {k: (e[k], g[k]) for k in bad})
            for gf in p["facts"]:
                gv = {"value": (gf["v"], gf["u"])}
                if not any(abs(g["value"][0] - gv["value"][0]) < 1e-9 * max(1, abs(gv["value"][0])) and g["value"][1] == gf["u"] for g in paired_g):
                    print("   MISSED", gf)
            paired_e = [e for e, _ in pairs]
            for f in facts:
                if not any(e["value"] == (f["value"], f["unit"]) and e["indicator"] == f["indicator"] for e in paired_e):
                    print("   EXTRA", {k: f[k] for k in ("region", "node", "indicator", "value", "unit", "year", "period")}, f["quote"][max(0, 0):60])
    s = score(results)
    zh = score([r for r, p in zip(results, passages, strict=True) if p["lang"] == "zh"])
    en = score([r for r, p in zip(results, passages, strict=True) if p["lang"] == "en"])
    print(f"{len(passages)} passages\n\nall\n{s.table()}\n\nChinese\n{zh.table()}\n\nEnglish\n{en.table()}")


if __name__ == "__main__":
    main()
