"""Documents → plain text (with title and date when the file says them).

Why here and separate from the rules: reading a file is I/O with its own failure modes (a scanned
PDF has no text, a .doc is not a .docx); the fact reader only ever sees a string. Libraries:
beautifulsoup4 (HTML, tolerant of broken markup), python-docx (Word 2007+), pypdf (PDF text layer;
pure Python, no system tools).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from chainatlas.errors import DataError

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
_BLOCK_TAGS = ["p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "td", "table"]


@dataclass
class Document:
    """A document's text and what the file says about itself."""

    path: str
    text: str
    title: str = ""
    date: str = ""  # YYYY-MM-DD, YYYY-MM or YYYY when known


def read_document(path: str | Path) -> Document:
    """Read a text, HTML, DOCX or PDF file; raise :class:`DataError` naming the file if it cannot."""
    p = Path(path)
    if not p.exists():
        raise DataError(f"{p}: no such file")
    suffix = p.suffix.lower()
    try:
        if suffix in HTML_SUFFIXES:
            return _html(p)
        if suffix == ".docx":
            return _docx(p)
        if suffix == ".pdf":
            return _pdf(p)
        if suffix in TEXT_SUFFIXES:
            return _plain(p)
    except DataError:
        raise
    except Exception as exc:  # a corrupt file of a known kind: say which file and why
        raise DataError(f"{p}: cannot read as {suffix or 'text'}: {exc}") from exc
    raise DataError(f"{p}: unsupported document type {suffix!r}; use .txt, .html, .docx or .pdf")


def _decode(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataError(f"{name}: not UTF-8 or GB18030 text")


def _plain(p: Path) -> Document:
    text = _decode(p.read_bytes(), str(p))
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return Document(str(p), text, title=first[:120], date=find_date(text[:400]))


def _html(p: Path) -> Document:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_decode(p.read_bytes(), str(p)), "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    title = soup.title.get_text(strip=True) if soup.title else ""
    date = ""
    for attrs in ({"name": "publishdate"}, {"name": "PubDate"}, {"name": "pubdate"}, {"name": "date"},
                  {"property": "article:published_time"}, {"name": "dc.date"}):
        meta = soup.find("meta", attrs=attrs)
        if meta and meta.get("content"):
            date = find_date(str(meta["content"]))
            if date:
                break
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
    body = soup.body or soup
    text = re.sub(r"\n\s*\n+", "\n", body.get_text()).strip()
    return Document(str(p), text, title=title, date=date or find_date(text[:400]))


def _docx(p: Path) -> Document:
    import docx

    d = docx.Document(str(p))
    parts = [para.text for para in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    text = "\n".join(parts)
    props = d.core_properties
    date = props.created.date().isoformat() if props.created else ""
    return Document(str(p), text, title=props.title or "", date=find_date(text[:400]) or date)


def _pdf(p: Path) -> Document:
    from pypdf import PdfReader

    reader = PdfReader(str(p))
    text = "\n".join((page.extract_text() or "") for page in reader.pages)
    if not text.strip():
        raise DataError(f"{p}: the PDF has no text layer (a scan?); run OCR first")
    meta = reader.metadata
    title = str(meta.title) if meta and meta.title else ""
    date = ""
    if meta and meta.creation_date:
        date = meta.creation_date.date().isoformat()
    return Document(str(p), text, title=title, date=find_date(text[:400]) or date)


def find_date(text: str) -> str:
    """The first date written in ``text`` (2024-03-11, 2024年3月11日, 2024/3/11) as ISO, else ""."""
    m = re.search(r"((?:19|20)\d{2})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?", text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{y:04d}-{mo:02d}-{d:02d}"
    return ""
