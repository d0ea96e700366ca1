"""The briefing document (产业链简报) as Word: headings, figures as images, tables with Chinese headers.

Why Word: chain teams brief officials from Word and PDF, edit the text and paste tables into their
own papers. Every figure and table is followed by a note naming its sources and year (资料来源), and
the rules used are printed in an annex, so each number can be traced.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from chainatlas.report.labels import short

CJK_FAMILY = "宋体"  # Word on Windows has it; LibreOffice substitutes an installed CJK font


def fmt(v: object, digits: int = 2) -> str:
    """A cell value as text: empty for missing, thousands separators, trimmed decimals."""
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        if abs(v) >= 1000:
            return f"{v:,.0f}"
        return f"{v:,.{digits}f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v):,}"
    if isinstance(v, (list, tuple)):
        return "、".join(map(str, v))
    return str(v)


def plain(v: object) -> str:
    """A year or a rank: an integer without thousands separators."""
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return ""
    try:
        return str(int(float(v)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(v)


def clip(v: object, limit: int) -> str:
    s = fmt(v)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def pct(v: object, digits: int = 1, fraction: bool = True) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return f"{float(v) * (100 if fraction else 1):.{digits}f}%"


@dataclass
class Column:
    field: str
    label: str | None = None
    render: object = None  # callable(value) -> str

    def head(self) -> str:
        return self.label or short(self.field)

    def cell(self, v: object) -> str:
        return self.render(v) if callable(self.render) else fmt(v)


@dataclass
class Brief:
    """A thin builder over python-docx with the briefing's conventions."""

    doc: Document = field(default_factory=Document)
    figure_no: int = 0
    table_no: int = 0

    def __post_init__(self) -> None:
        styles = self.doc.styles
        for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Caption"):
            try:
                st = styles[name]
            except KeyError:
                continue
            st.font.name = "Arial"
            rpr = st.element.get_or_add_rPr()
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is None:
                fonts = rpr.makeelement(qn("w:rFonts"), {})
                rpr.append(fonts)
            fonts.set(qn("w:eastAsia"), CJK_FAMILY)
        styles["Normal"].font.size = Pt(10.5)
        sec = self.doc.sections[0]
        sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
        for side in ("left_margin", "right_margin"):
            setattr(sec, side, Cm(2.0))
        sec.top_margin = sec.bottom_margin = Cm(2.0)

    # ------------------------------------------------------------------ text
    def title(self, text: str, subtitle: str = "") -> None:
        self.doc.add_heading(text, level=0)
        if subtitle:
            self.doc.add_paragraph(subtitle)

    def heading(self, text: str, level: int = 1) -> None:
        self.doc.add_heading(text, level=level)

    def para(self, text: str, bold: bool = False, size: float | None = None) -> None:
        p = self.doc.add_paragraph()
        run = p.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)

    def bullets(self, items: Iterable[str]) -> None:
        for it in items:
            self.doc.add_paragraph(it, style="List Bullet")

    def note(self, sources: Iterable[str], year: object = None, extra: str = "") -> None:
        """The note under a figure or table: its sources (ids, listed in the sources annex) and year."""
        ids = sorted({str(s) for s in sources if s and str(s) != "nan"})
        text = "资料来源 Source: " + ("；".join(ids) if ids else "chainatlas 参考图谱（见附录）")
        if year not in (None, "") and not (isinstance(year, float) and math.isnan(year)):
            text += f"；年份 Year: {year}"
        if extra:
            text += f"。{extra}"
        p = self.doc.add_paragraph()
        run = p.add_run(text)
        run.italic = True
        run.font.size = Pt(8)

    # ------------------------------------------------------------------ figures and tables
    def figure(self, png: bytes, caption: str, width_cm: float = 16.5) -> None:
        self.figure_no += 1
        self.doc.add_picture(io.BytesIO(png), width=Cm(width_cm))
        self.para(f"图{self.figure_no}  {caption}", bold=True, size=9)

    def table(self, frame: pd.DataFrame, columns: list[Column], caption: str, font: float = 8.0,
              limit: int | None = None) -> None:
        self.table_no += 1
        self.para(f"表{self.table_no}  {caption}", bold=True, size=9)
        rows = frame.head(limit) if limit else frame
        if rows.empty:
            self.para("（无 none）", size=9)
            return
        t = self.doc.add_table(rows=1, cols=len(columns))
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, col in zip(t.rows[0].cells, columns, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(col.head())
            run.bold = True
            run.font.size = Pt(font)
        for rec in rows.to_dict(orient="records"):
            cells = t.add_row().cells
            for cell, col in zip(cells, columns, strict=True):
                cell.text = ""
                run = cell.paragraphs[0].add_run(col.cell(rec.get(col.field)))
                run.font.size = Pt(font)

    # ------------------------------------------------------------------ pages
    def landscape(self) -> None:
        """Start an A4 landscape section (for the chain map)."""
        sec = self.doc.add_section(WD_SECTION.NEW_PAGE)
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
        sec.left_margin = sec.right_margin = Cm(1.5)
        sec.top_margin = sec.bottom_margin = Cm(1.2)

    def portrait(self) -> None:
        sec = self.doc.add_section(WD_SECTION.NEW_PAGE)
        sec.orientation = WD_ORIENT.PORTRAIT
        sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
        sec.left_margin = sec.right_margin = Cm(2.0)
        sec.top_margin = sec.bottom_margin = Cm(2.0)

    def save(self, path) -> None:
        self.doc.save(str(path))
