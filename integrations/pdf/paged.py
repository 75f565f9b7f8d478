"""Long tables (registers of tens of thousands of rows) to PDF in bounded memory.

weasyprint lays out a whole document in memory, so a 25,000-row register is rendered in chunks of
rows. A chunk's last page is usually half full: it is dropped and its rows start the next chunk,
so pages run on without gaps. The chunks are joined with pikepdf, and "Trang x/y" is stamped on
every page at the end, when y is known, from a page-number-only document laid out with the same
page size and fonts. Every render holds ``RENDER_LOCK`` (shared with the official documents), one
chunk at a time, so other renders interleave with a long one.

Standalone adapter: no Flask, no app models. Each row element of a chunk carries ``data-row="i"``
(its index in the whole table) and must not break across pages (``break-inside: avoid``).
"""
from __future__ import annotations

import io
from typing import Callable

import pikepdf
from weasyprint import HTML

from integrations.pdf.compose import FONT_CONFIG, RENDER_LOCK, _LocalOnlyFetcher

DEFAULT_CHUNK_ROWS = 600


def _render(html: str):
    return HTML(string=html, url_fetcher=_LocalOnlyFetcher(None)).render(font_config=FONT_CONFIG)


def _first_row_on(page) -> int | None:
    for box in page._page_box.descendants():  # private API; weasyprint pinned to 70.0
        element = getattr(box, "element", None)
        if element is not None and element.get("data-row") is not None:
            return int(element.get("data-row"))
    return None


def render_html(html: str) -> bytes:
    """One short HTML document to PDF (cover pages, small reports)."""
    with RENDER_LOCK:
        return _render(html).write_pdf()


def render_rows(build_chunk: Callable[[int, int], str], row_count: int, *,
                chunk_rows: int = DEFAULT_CHUNK_ROWS) -> list[bytes]:
    """PDF parts of the rows ``0 … row_count-1``; ``build_chunk(start, end)`` is the HTML of rows
    ``start … end-1``."""
    parts, start = [], 0
    while True:
        end = min(start + chunk_rows, row_count)
        with RENDER_LOCK:
            document = _render(build_chunk(start, end))
            carry = _first_row_on(document.pages[-1]) if end < row_count and len(document.pages) > 1 else None
            if carry is not None and carry > start:
                parts.append(document.copy(document.pages[:-1]).write_pdf())
                start = carry
                continue
            parts.append(document.write_pdf())
        del document
        start = end
        if start >= row_count:
            return parts


def join(parts: list[bytes], *, number_pages_html: Callable[[int], str] | None = None) -> bytes:
    """The parts as one PDF; ``number_pages_html(n)`` lays out the page numbers of ``n`` pages
    (one page each, same page size), stamped over the joined pages."""
    out = pikepdf.new()
    sources = [pikepdf.open(io.BytesIO(part)) for part in parts]
    for source in sources:
        out.pages.extend(source.pages)
    if number_pages_html is not None:
        with RENDER_LOCK:
            numbers = _render(number_pages_html(len(out.pages))).write_pdf()
        stamps = pikepdf.open(io.BytesIO(numbers))
        for page, stamp in zip(out.pages, stamps.pages):
            page.add_overlay(stamp)
        sources.append(stamps)
    buffer = io.BytesIO()
    out.save(buffer, compress_streams=True)
    for source in sources:
        source.close()
    return buffer.getvalue()
