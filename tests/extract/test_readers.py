"""Plain text, HTML, DOCX and PDF-with-text all become the same text the fact reader sees."""

import pytest

from chainatlas.errors import DataError
from chainatlas.extract.readers import find_date, read_document

SENTENCE = "In 2023 Shandong produced 9.8 million tonnes of primary aluminium."


def _pdf_with_text(text: str) -> bytes:
    """A one-page PDF with ``text`` in its text layer (Helvetica), built by hand: offsets computed."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_plain_text_utf8_and_gb18030(tmp_path):
    (tmp_path / "a.txt").write_text("滨州电解铝产量\n" + SENTENCE, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes("滨州电解铝产量646万吨".encode("gb18030"))
    assert SENTENCE in read_document(tmp_path / "a.txt").text
    assert read_document(tmp_path / "b.txt").text == "滨州电解铝产量646万吨"


def test_html_text_title_and_date(tmp_path):
    (tmp_path / "a.html").write_text(
        "<html><head><title>Aluminium</title><meta name='publishdate' content='2024-03-11 09:00'>"
        f"<script>var x = '1 million tons';</script></head><body><p>{SENTENCE}</p><p>Next.</p></body></html>",
        encoding="utf-8")
    doc = read_document(tmp_path / "a.html")
    assert (doc.title, doc.date) == ("Aluminium", "2024-03-11")
    assert SENTENCE in doc.text and "var x" not in doc.text


def test_docx(tmp_path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.core_properties.title = "Report"
    d.add_paragraph(SENTENCE)
    d.save(tmp_path / "a.docx")
    doc = read_document(tmp_path / "a.docx")
    assert SENTENCE in doc.text and doc.title == "Report"


def test_pdf_with_text(tmp_path):
    (tmp_path / "a.pdf").write_bytes(_pdf_with_text(SENTENCE))
    assert "9.8 million tonnes" in read_document(tmp_path / "a.pdf").text


def test_bad_files_name_the_file(tmp_path):
    (tmp_path / "a.doc").write_bytes(b"old word")
    with pytest.raises(DataError, match="a.doc: unsupported document type"):
        read_document(tmp_path / "a.doc")
    (tmp_path / "b.pdf").write_bytes(b"not a pdf")
    with pytest.raises(DataError, match="b.pdf"):
        read_document(tmp_path / "b.pdf")
    with pytest.raises(DataError, match="no such file"):
        read_document(tmp_path / "none.txt")


def test_dates_in_text():
    assert find_date("发布时间：2024年3月11日 来源") == "2024-03-11"
    assert find_date("2019/1/11") == "2019-01-11"
    assert find_date("no date") == ""
