"""The briefing pack: a Chinese-first Word document, and a PDF of it made by LibreOffice."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from chainatlas.errors import ChainAtlasError
from chainatlas.report.brief.pdf import docx_to_pdf, pdf_engine

if TYPE_CHECKING:
    from chainatlas.atlas import Atlas

__all__ = ["write_brief", "docx_to_pdf", "pdf_engine"]


def write_brief(atlas: Atlas, region: str, chain: str, out: str | Path, year: int | None = None,
                settings: dict[str, object] | None = None) -> Path:
    """Write the briefing to ``out``: ``.docx`` directly, ``.pdf`` through LibreOffice from the Word file."""
    from chainatlas.report.brief.compose import compose

    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".docx", ".pdf"):
        raise ChainAtlasError(f"the briefing is written as .docx or .pdf, not {out.suffix or 'no extension'!r} "
                              f"({out})")
    if suffix == ".pdf":
        pdf_engine()  # fail before the work when no engine is installed
    brief, _ = compose(atlas, region, chain, year=year, settings=settings)
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".docx":
        brief.save(out)
        return out
    import tempfile

    with tempfile.TemporaryDirectory(prefix="chainatlas-brief-") as tmp:  # never overwrite a user's .docx
        docx = Path(tmp) / (out.stem + ".docx")
        brief.save(docx)
        return docx_to_pdf(docx, out)
