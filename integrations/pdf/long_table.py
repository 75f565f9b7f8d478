"""Long tables (registers of tens of thousands of rows) to PDF: a cover page, then the table on A4
landscape with its header on every page and "Trang x/y" at the foot.

weasyprint lays a table out at about 15–30 ms per row (pango line breaking and CSS boxes for every
cell), so a yearly register of 25,000 rows took minutes; reportlab (with its C accelerator) draws one
in seconds. Rows are cut into lines once (``simpleSplit``, overlong words broken by character) and
flow in small tables, so the cost stays linear and a row never breaks across pages. The header is drawn
by the page template rather than repeated by each table, so the small tables join without gaps. The
total page count is a form XObject written once at the end and shown on every page.

Standalone adapter: no Flask, no app models. Thread-safe: reportlab keeps no shared state per
document, and the fonts are registered once under a lock.
"""
from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field
from typing import Iterable, Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from integrations.pdf.fonts import find_font

FONT_SIZE = 9.0
LEADING = 10.8
PADDING_X, PADDING_Y = 2.5, 1.5
ROWS_PER_TABLE = 100
# A row must fit on one page (reportlab refuses a taller one): a cell longer than this many lines
# (a very long note or list of recipients) is cut, with an ellipsis. The screen and the files hold it whole.
MAX_CELL_LINES = 36
PAGE = landscape(A4)
MARGINS = {"left": 12 * mm, "right": 10 * mm, "top": 10 * mm, "bottom": 13 * mm}
_FACES = {"": "regular", "-Bold": "bold", "-Italic": "italic"}
_FONT_LOCK = threading.Lock()
_REGISTERED: set[str] = set()
FAMILY = "QOfficeSerif"


@dataclass(frozen=True)
class Column:
    label: str
    width: float  # relative; the columns share the page's width in these proportions
    centred: bool = False  # dates and numbers: centred, never wrapped


@dataclass(frozen=True)
class Cover:
    left: Sequence[str]  # the agency block, top left (bold lines end with "*")
    right: Sequence[str]  # the national motto block, top right
    title: str
    facts: Sequence[str] = field(default_factory=tuple)
    note: str = ""


def _register_fonts() -> None:
    with _FONT_LOCK:
        for suffix, face in _FACES.items():
            if FAMILY + suffix not in _REGISTERED:
                pdfmetrics.registerFont(TTFont(FAMILY + suffix, find_font(face)))
                _REGISTERED.add(FAMILY + suffix)
        # <b> in the cover's paragraphs picks the bold face of the family
        pdfmetrics.registerFontFamily(FAMILY, normal=FAMILY, bold=FAMILY + "-Bold", italic=FAMILY + "-Italic",
                                      boldItalic=FAMILY + "-Bold")


def _wrap(text: str, font: str, width: float) -> str:
    """``text`` cut into lines that fit ``width`` points; a word longer than a line is cut after a hyphen
    or slash, or else by character."""
    if not text:
        return ""
    lines = []
    for line in simpleSplit(text, font, FONT_SIZE, width):
        while len(line) > 1 and pdfmetrics.stringWidth(line, font, FONT_SIZE) > width:
            fit = 1
            while fit < len(line) and pdfmetrics.stringWidth(line[:fit + 1], font, FONT_SIZE) <= width:
                fit += 1
            # a notation breaks best after its hyphen or slash ("15/UBND-" / "KGVX")
            fit = max(line.rfind("-", 0, fit), line.rfind("/", 0, fit)) + 1 or fit
            lines.append(line[:fit])
            line = line[fit:]
        lines.append(line)
    if len(lines) > MAX_CELL_LINES:
        lines = lines[:MAX_CELL_LINES - 1] + ["…"]
    return "\n".join(lines)


class _Layout:
    def __init__(self, columns: Sequence[Column], title: str):
        usable = PAGE[0] - MARGINS["left"] - MARGINS["right"]
        total = sum(c.width for c in columns)
        self.widths = [usable * c.width / total for c in columns]
        self.columns = columns
        self.body_style = TableStyle([
            ("FONT", (0, 0), (-1, -1), FAMILY, FONT_SIZE, LEADING),
            ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), PADDING_X), ("RIGHTPADDING", (0, 0), (-1, -1), PADDING_X),
            ("TOPPADDING", (0, 0), (-1, -1), PADDING_Y), ("BOTTOMPADDING", (0, 0), (-1, -1), PADDING_Y),
            *[("ALIGN", (i, 0), (i, -1), "CENTER") for i, c in enumerate(columns) if c.centred],
        ])
        header = Table([[_wrap(c.label, FAMILY + "-Bold", w - 2 * PADDING_X) for c, w in zip(columns, self.widths)],
                        [f"({i})" for i in range(1, len(columns) + 1)]],
                       colWidths=self.widths, style=self.body_style)
        header.setStyle(TableStyle([("FONT", (0, 0), (-1, 0), FAMILY + "-Bold", FONT_SIZE, LEADING),
                                    ("FONT", (0, 1), (-1, 1), FAMILY + "-Italic", FONT_SIZE, LEADING),
                                    ("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
                                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))]))
        self.header = header
        self.header_height = header.wrap(sum(self.widths), PAGE[1])[1]
        self.title = Paragraph(title, ParagraphStyle("title", fontName=FAMILY + "-Bold", fontSize=14, leading=17,
                                                     alignment=TA_CENTER))
        self.title_height = self.title.wrap(sum(self.widths), PAGE[1])[1] + 4 * mm

    def row(self, cells: Sequence[str]) -> list[str]:
        return [cell if column.centred else _wrap(cell, FAMILY, width - 2 * PADDING_X)
                for cell, column, width in zip(cells, self.columns, self.widths)]

    def frame(self, name: str, with_title: bool) -> Frame:
        top = self.header_height + (self.title_height if with_title else 0)
        return Frame(MARGINS["left"], MARGINS["bottom"], sum(self.widths),
                     PAGE[1] - MARGINS["top"] - MARGINS["bottom"] - top, id=name,
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    def draw_top(self, canvas, with_title: bool) -> None:
        y = PAGE[1] - MARGINS["top"]
        if with_title:
            y -= self.title_height - 4 * mm
            self.title.drawOn(canvas, MARGINS["left"], y)
            y -= 4 * mm
        self.header.drawOn(canvas, MARGINS["left"], y - self.header_height)


def _cover_flowables(cover: Cover) -> list:
    def style(name, size, **kw):
        return ParagraphStyle(name, **{"fontName": FAMILY, "fontSize": size, "leading": size * 1.35,
                                       "alignment": TA_CENTER, **kw})

    def block(lines: Sequence[str]) -> list:
        return [Paragraph(_markup(line), style("block", 12)) for line in lines]

    agency = Table([[block(cover.left), block(cover.right)]], colWidths=[(PAGE[0] - 40 * mm) / 2] * 2,
                   style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    facts = style("facts", 14, leading=25)
    return [agency, Spacer(1, 45 * mm),
            Paragraph(escape(cover.title), style("title", 26, fontName=FAMILY + "-Bold", spaceAfter=15 * mm)),
            *[Paragraph(escape(line), facts) for line in cover.facts],
            *([Paragraph(escape(cover.note), style("note", 14, textColor=colors.HexColor("#444444")))]
              if cover.note else [])]


def _markup(line: str) -> str:
    return f"<b>{escape(line[:-1])}</b>" if line.endswith("*") else escape(line)


class _Document(BaseDocTemplate):
    def __init__(self, buffer, layout: _Layout):
        super().__init__(buffer, pagesize=PAGE, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=25 * mm,
                         bottomMargin=25 * mm, title=layout.title.text, creator="Q-Office")
        self.layout = layout
        cover = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="cover")
        self.addPageTemplates([
            PageTemplate("cover", [cover]),
            PageTemplate("first", [layout.frame("first", True)], onPage=lambda c, d: self._decorate(c, True)),
            PageTemplate("later", [layout.frame("later", False)], onPage=lambda c, d: self._decorate(c, False)),
        ])

    def _decorate(self, canvas, with_title: bool) -> None:
        self.layout.draw_top(canvas, with_title)
        canvas.saveState()
        canvas.setFont(FAMILY, FONT_SIZE)
        right = PAGE[0] - MARGINS["right"] - pdfmetrics.stringWidth("0000", FAMILY, FONT_SIZE)
        canvas.drawRightString(right, 6 * mm, f"Trang {canvas.getPageNumber()}/")
        canvas.translate(right, 6 * mm)
        canvas.doForm("pages")  # the total, written when it is known (afterDrawPage of the last page)
        canvas.restoreState()



class _CountingCanvas(Canvas):
    """Defines the "pages" form (the page count) when the document is saved, after its last page."""

    def save(self):
        self.beginForm("pages")
        self.setFont(FAMILY, FONT_SIZE)
        self.drawString(0, 0, str(self.getPageNumber() - 1))  # save() follows the last showPage()
        self.endForm()
        super().save()


def render(cover: Cover, title: str, columns: Sequence[Column], rows: Iterable[Sequence[str]],
           empty: str = "") -> bytes:
    """The PDF: ``cover`` on page 1 (not numbered), then ``rows`` (cells as printed text) under
    ``title`` and the column header. ``empty`` is printed when there is no row."""
    _register_fonts()
    layout = _Layout(columns, escape(title))
    flowables = [*_cover_flowables(cover), NextPageTemplate("first"), PageBreak(), NextPageTemplate("later")]
    batch, count = [], 0
    for count, cells in enumerate(rows, start=1):
        batch.append(layout.row(cells))
        if len(batch) == ROWS_PER_TABLE:
            flowables.append(Table(batch, colWidths=layout.widths, style=layout.body_style))
            batch = []
    if batch:
        flowables.append(Table(batch, colWidths=layout.widths, style=layout.body_style))
    if not count:
        flowables.append(Table([[empty] + [""] * (len(columns) - 1)], colWidths=layout.widths,
                               style=TableStyle([*layout.body_style.getCommands(), ("SPAN", (0, 0), (-1, 0)),
                                                 ("FONT", (0, 0), (-1, 0), FAMILY + "-Italic", FONT_SIZE, LEADING)])))
    buffer = io.BytesIO()
    _Document(buffer, layout).build(flowables, canvasmaker=_CountingCanvas)
    return buffer.getvalue()
