"""Time the briefing pack: the lists, the Word document, and the PDF through LibreOffice.

Run: ``.venv/bin/python bench/bench_brief.py`` (builds a fresh store from the shipped atlas).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from chainatlas import open_atlas
from chainatlas.report import chainmap


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        atlas = open_atlas(Path(tmp) / "atlas.duckdb")
        atlas.diagnose("滨州", "aluminium")  # warm the chain facts
        t = time.perf_counter()
        atlas.lists("滨州", "aluminium")
        print(f"lists (5 lists, first call): {time.perf_counter() - t:.2f} s")
        t = time.perf_counter()
        for cid in sorted(atlas.members):
            v = atlas.chain(cid)
            chainmap.layout(v.layers, v.links)
        print(f"chain-map layout of {len(atlas.members)} chains: {(time.perf_counter() - t) * 1000:.0f} ms")
        t = time.perf_counter()
        out = atlas.brief("滨州", "aluminium", Path(tmp) / "brief.docx")
        print(f"Word briefing: {time.perf_counter() - t:.2f} s, {out.stat().st_size / 1e3:.0f} kB")
        if shutil.which("soffice"):
            t = time.perf_counter()
            out = atlas.brief("滨州", "aluminium", Path(tmp) / "brief.pdf")
            print(f"PDF briefing (Word + LibreOffice): {time.perf_counter() - t:.2f} s, {out.stat().st_size / 1e3:.0f} kB")
        else:
            print("PDF briefing: skipped (LibreOffice not installed)")


if __name__ == "__main__":
    main()
