"""The briefing pack: the Word file read back, the PDF made by LibreOffice (skipped without it)."""

import re
import shutil
import subprocess

import docx
import pytest
from typer.testing import CliRunner

from chainatlas.cli.main import app
from chainatlas.errors import ChainAtlasError
from chainatlas.report import figures

try:
    figures.cjk_font()
    HAS_CJK = True
except ChainAtlasError:
    HAS_CJK = False

needs_cjk = pytest.mark.skipif(not HAS_CJK, reason="no CJK font installed (apt-get install fonts-wqy-microhei)")
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                   reason="LibreOffice (soffice) not installed: apt-get install libreoffice-writer-nogui")


def _text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for t in document.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


@needs_cjk
def test_docx_has_chinese_headings_tables_figures_and_sources(fixture_atlas, tmp_path):
    out = fixture_atlas.brief("滨州", "alu", tmp_path / "滨州铝产业链.docx")
    d = docx.Document(str(out))
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]
    for h in ("产业链全景图", "环节诊断", "价值阶梯", "对标地区", "发展机会", "清单", "规划目标与进展", "时间序列",
              "地理分布", "附录一 规则", "附录二 资料来源"):
        assert any(h in x for x in headings), h
    text = _text(d)
    for title in ("重点企业清单", "招商目标清单", "短板与卡脖子环节清单", "合作伙伴清单", "创新平台清单"):
        assert title in text
    # every figure is followed by a source note
    figures_n = sum(1 for p in d.paragraphs if re.match(r"图\d+  ", p.text))
    notes = [p.text for p in d.paragraphs if p.text.startswith("资料来源")]
    assert figures_n >= 3 and len(d.inline_shapes) == figures_n and len(notes) >= figures_n
    # the sources annex lists every source the diagnosis used
    diag_sources = fixture_atlas.diagnose("滨州", "alu").sources
    annex = d.tables[-1]
    listed = {row.cells[0].text for row in annex.rows[1:]}
    assert set(diag_sources) <= listed
    assert annex.rows[0].cells[0].text == "编号"
    # the chain map sits on a landscape page
    assert any(s.page_width > s.page_height for s in d.sections)
    # the leading-firms table names local firms with Chinese headers
    leading = fixture_atlas.lists("滨州", "alu").leading
    assert leading["name_zh"].iloc[0] in text


def test_brief_refuses_other_formats(fixture_atlas, tmp_path):
    with pytest.raises(ChainAtlasError, match=r"\.docx or \.pdf"):
        fixture_atlas.brief("滨州", "alu", tmp_path / "brief.html")


@needs_cjk
def test_cli_brief_writes_docx(fixture_db, tmp_path):
    out = tmp_path / "b.docx"
    result = CliRunner().invoke(app, ["--db", str(fixture_db), "brief", "滨州", "--chain", "alu", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists() and out.stat().st_size > 20_000


@needs_cjk
@needs_soffice
def test_pdf_has_chinese_text_and_embedded_fonts(fixture_atlas, tmp_path):
    mine = tmp_path / "brief.docx"
    mine.write_text("a file of the user's", encoding="utf-8")
    out = fixture_atlas.brief("滨州", "alu", tmp_path / "brief.pdf")
    assert out.read_bytes()[:5] == b"%PDF-"
    assert mine.read_text(encoding="utf-8") == "a file of the user's"  # the intermediate Word file is private
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext, pdffonts) not installed")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    for phrase in ("产业链全景图", "重点企业清单", "资料来源"):
        assert phrase in text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)  # every font embedded
