"""Render outgoing official documents (Decree 30/2020/NĐ-CP layout) to PDF with weasyprint.

Standalone adapter: no Flask, no app models.

* :func:`render_draft` lays out a draft in the NĐ 30 Phụ lục I layout (A4, margins 20/15/20/30 mm,
  Times-metric serif) and returns the PDF together with the rectangles, in PDF points (origin
  bottom-left), of

  - ``number_box`` – the empty "Số: ____" placeholder (page 0),
  - ``date_box``   – the empty "ngày … tháng … năm …" placeholder after the place name (page 0),
  - ``leader_box`` – the empty 70 × 28 mm signature area of the competent signer (``page_index``),
  - ``seal_box``   – where the organisation's red seal goes: overlapping the LEFT third of
    ``leader_box`` (conventions §5.6), on the same page.

  The PDF carries **no** form fields; another module turns number/date boxes into AcroForm text
  fields, which the văn thư fills at org-signing time (number/date must never be page content).

* :func:`render_html_to_pdf` renders arbitrary trusted HTML (reports), local resources only.

The boxes are read from weasyprint's layout tree through the private ``Page._page_box``
attribute, which is why ``weasyprint==70.0`` is pinned in requirements.txt.

Fonts: the CSS asks for "Liberation Serif" first; deploy ``fonts-liberation2`` (Debian), **not**
``fonts-liberation`` 1.07 alone, which lacks most Vietnamese letters. Layout (and therefore the box
coordinates and the page count) depends on the installed fonts.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import jinja2
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

__all__ = [
    "DOC_TYPE_NAMES",
    "URGENCY_LABELS",
    "DraftLayout",
    "RenderedDraft",
    "render_draft",
    "render_html_to_pdf",
    "build_draft_html",
]

Box = tuple[float, float, float, float]

#: NĐ 30/2020 Phụ lục III abbreviations → type names (công văn has no official abbreviation; "CV" here).
DOC_TYPE_NAMES: dict[str, str] = {
    "NQ": "Nghị quyết", "QĐ": "Quyết định", "CT": "Chỉ thị", "QC": "Quy chế", "QyĐ": "Quy định",
    "TC": "Thông cáo", "TB": "Thông báo", "HD": "Hướng dẫn", "CTr": "Chương trình", "KH": "Kế hoạch",
    "PA": "Phương án", "ĐA": "Đề án", "DA": "Dự án", "BC": "Báo cáo", "BB": "Biên bản",
    "TTr": "Tờ trình", "HĐ": "Hợp đồng", "CĐ": "Công điện", "BGN": "Bản ghi nhớ",
    "BTT": "Bản thỏa thuận", "GUQ": "Giấy ủy quyền", "GM": "Giấy mời", "GGT": "Giấy giới thiệu",
    "GNP": "Giấy nghỉ phép", "PG": "Phiếu gửi", "PC": "Phiếu chuyển", "PB": "Phiếu báo",
    "CV": "Công văn",
}

#: Urgency codes → stamp text (NĐ 30 Phụ lục I, ô 10b).
URGENCY_LABELS: dict[str, str] = {
    "normal": "",
    "khan": "KHẨN",
    "thuong_khan": "THƯỢNG KHẨN",
    "hoa_toc": "HỎA TỐC",
}

_CV_CODES = {"CV", "CÔNG VĂN", "CONG VAN"}
_PX_TO_PT = 0.75          # CSS px (1/96 in) → PDF pt (1/72 in)
_MM_TO_PT = 72 / 25.4

_TEMPLATE_DIR = Path(__file__).with_name("templates")
_JINJA = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(_TEMPLATE_DIR)),
    autoescape=True,                 # every user string is HTML-escaped
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_CSS = (_TEMPLATE_DIR / "official_doc.css").read_text(encoding="utf-8")

#: Shared across renders: weasyprint caches font lookups in it (big warm-render speed-up).
FONT_CONFIG = FontConfiguration()
#: Serialises every weasyprint render and write of the process (documents and reports alike):
#: pango with the shared font configuration is not thread-safe, concurrent renders crashed it.
RENDER_LOCK = threading.Lock()


def _nfc(s: str | None) -> str:
    return unicodedata.normalize("NFC", s or "").strip()


def _upper(s: str) -> str:
    return _nfc(s).upper()


@dataclass
class DraftLayout:
    """Content of one outgoing document. All strings are NFC-normalised at render time."""

    parent_name: str            # e.g. "UBND TỈNH QUẢNG NAM" ("" for none)
    agency_name: str            # e.g. "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
    place: str                  # địa danh, e.g. "Quảng Nam"
    doc_type: str               # Phụ lục III abbreviation ("QĐ", "TB", "KH", "BC", …); "CV" = công văn
    type_name: str              # e.g. "Quyết định"; "" → looked up from doc_type
    subject: str                # trích yếu (without "V/v" for công văn)
    body: str                   # plain text; paragraphs separated by blank lines
    receivers: list[str]        # "Nơi nhận" entries, without "- " and ";"
    archive_unit: str           # unit abbreviation in "- Lưu: VT, <unit>."
    signer_competence: str      # "KT. GIÁM ĐỐC", "GIÁM ĐỐC", "TL. GIÁM ĐỐC", …
    signer_position: str        # "PHÓ GIÁM ĐỐC"; omitted when equal to the competence line
    signer_name: str
    urgency: str = "normal"     # "normal" | "khan" | "thuong_khan" | "hoa_toc"
    # --- optional extras ---
    addressees: list[str] = field(default_factory=list)   # "Kính gửi:" (công văn), empty → no line
    body_font_pt: float = 14.0                             # 13–14 pt
    seal_size_mm: float = 36.0                             # seal diameter (actual size)

    @property
    def is_cong_van(self) -> bool:
        return _nfc(self.doc_type).upper() in _CV_CODES


@dataclass
class RenderedDraft:
    pdf: bytes
    page_count: int
    number_box: Box             # page 0
    date_box: Box               # page 0
    leader_box: Box             # page ``page_index``
    seal_box: Box               # page ``page_index``
    page_index: int             # page of the signature block (leader and seal boxes)


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


def _paragraphs(body: str) -> list[list[str]]:
    """Blank lines separate paragraphs. A single newline inside a paragraph starts a new
    (indented) line with reduced spacing, as in "Điều 1. …\nĐiều 2. …"."""
    text = _nfc(body).replace("\r\n", "\n").replace("\r", "\n")
    out: list[list[str]] = []
    for chunk in _BLANK_LINE.split(text):
        lines = [re.sub(r"[ \t]+", " ", ln).strip() for ln in chunk.split("\n")]
        lines = [ln for ln in lines if ln]
        if lines:
            out.append(lines)
    return out


def _receiver_lines(receivers: Iterable[str], archive_unit: str) -> list[str]:
    lines = []
    for r in receivers or ():
        r = _nfc(r).lstrip("-–• ").rstrip(" ;,.")
        if r:
            lines.append(f"- {r};")
    unit = _nfc(archive_unit).rstrip(" .")
    lines.append(f"- Lưu: VT, {unit}." if unit else "- Lưu: VT.")
    return lines


def build_draft_html(layout: DraftLayout) -> str:
    """The HTML that :func:`render_draft` renders (useful for previews/debugging)."""
    urgency = (layout.urgency or "normal").strip().lower()
    if urgency not in URGENCY_LABELS:
        raise ValueError(f"unknown urgency {layout.urgency!r}; expected one of {sorted(URGENCY_LABELS)}")
    if not 10 <= float(layout.body_font_pt) <= 16:
        raise ValueError("body_font_pt must be between 10 and 16")

    is_cv = layout.is_cong_van
    doc_type = _nfc(layout.doc_type)
    type_name = _nfc(layout.type_name) or DOC_TYPE_NAMES.get(doc_type, "")
    if not is_cv and not type_name:
        raise ValueError(f"type_name is required for document type {doc_type!r}")

    subject = _nfc(layout.subject)
    if is_cv:
        subject = re.sub(r"^(V/v|về việc)\s*:?\s*", "", subject, flags=re.IGNORECASE)
    compet = _upper(layout.signer_competence)
    position = _upper(layout.signer_position)
    show_position = bool(position) and position != compet

    d = {
        "parent_name": _upper(layout.parent_name),
        "agency_name": _upper(layout.agency_name),
        "place": _nfc(layout.place),
        "type_name": _upper(type_name),
        "subject": subject,
        "signer_competence": compet,
        "signer_position": position,
        "signer_name": _nfc(layout.signer_name),
    }
    title = f"Công văn V/v {subject}" if is_cv else f"{_nfc(type_name)} {subject}".strip()
    return _JINJA.get_template("official_doc.html").render(
        css=_CSS,
        d=d,
        title=title,
        body_pt=f"{float(layout.body_font_pt):g}",
        is_cv=is_cv,
        urgency_label=URGENCY_LABELS[urgency],
        addressees=[a for a in (_nfc(x).rstrip(" ;,.") for x in layout.addressees or ()) if a],
        paragraphs=_paragraphs(layout.body),
        receivers=_receiver_lines(layout.receivers, layout.archive_unit),
        show_position=show_position,
    )


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------

class _LocalOnlyFetcher(URLFetcher):
    """data: URLs always; file: URLs only below ``root``; never the network."""

    def __init__(self, root: str | Path | None = None):
        super().__init__(allowed_protocols=("data", "file"), fail_on_errors=False)
        self._root = Path(root).resolve() if root else None

    def fetch(self, url, headers=None):
        if url[:5].lower() == "file:":
            if self._root is None:
                raise ValueError("file: URLs are disabled (no base_url)")
            path = Path(url2pathname(unquote(urlsplit(url).path))).resolve()
            if not path.is_relative_to(self._root):
                raise ValueError(f"file outside base_url refused: {url}")
        return super().fetch(url, headers)


def _fetcher_root(base_url: str | Path | None) -> Path | None:
    if base_url is None:
        return None
    s = str(base_url)
    if s.lower().startswith("file:"):
        s = url2pathname(unquote(urlsplit(s).path))
    elif "://" in s:
        return None
    p = Path(s)
    return p if p.is_dir() else p.parent


def render_html_to_pdf(html: str, base_url: str | Path | None = None) -> bytes:
    """Render trusted HTML to PDF bytes (reports). Only data: URLs and local files under
    ``base_url`` (a directory, a file in it, or a file: URL) are loaded; no network access."""
    html = unicodedata.normalize("NFC", html)
    if base_url is not None and "://" not in str(base_url):
        base_url = str(Path(base_url).resolve()) + ("/" if Path(base_url).is_dir() else "")
    doc = HTML(string=html, base_url=str(base_url) if base_url is not None else None,
               url_fetcher=_LocalOnlyFetcher(_fetcher_root(base_url)))
    with RENDER_LOCK:
        return doc.write_pdf(font_config=FONT_CONFIG)


_WANTED_IDS = ("f-so", "f-ngay", "sig-leader")


def _find_boxes(document) -> dict[str, tuple[int, Box]]:
    """Element id → (page index, border box in PDF pt, origin bottom-left). First fragment wins."""
    found: dict[str, tuple[int, Box]] = {}
    for pi, page in enumerate(document.pages):
        page_h_pt = page.height * _PX_TO_PT
        for box in page._page_box.descendants():       # private API; weasyprint pinned to 70.0
            el = getattr(box, "element", None)
            if el is None:
                continue
            eid = el.get("id")
            if eid in _WANTED_IDS and eid not in found:
                x, y = box.border_box_x(), box.border_box_y()
                w, h = box.border_width(), box.border_height()
                found[eid] = (pi, (
                    round(x * _PX_TO_PT, 2),
                    round(page_h_pt - (y + h) * _PX_TO_PT, 2),
                    round((x + w) * _PX_TO_PT, 2),
                    round(page_h_pt - y * _PX_TO_PT, 2),
                ))
        if len(found) == len(_WANTED_IDS):
            break
    missing = [i for i in _WANTED_IDS if i not in found]
    if missing:
        raise RuntimeError(f"layout boxes not found: {missing} (weasyprint layout changed?)")
    return found


def _seal_box(leader: Box, size_mm: float, page_w_pt: float, page_h_pt: float) -> Box:
    """Square seal box whose right part covers the left third of the leader's signature box,
    vertically centred on it (seal at actual size, conventions §5.6)."""
    x1, y1, x2, y2 = leader
    size = size_mm * _MM_TO_PT
    right = x1 + (x2 - x1) / 3.0
    left = right - size
    cy = (y1 + y2) / 2.0
    bottom, top = cy - size / 2.0, cy + size / 2.0
    # keep on the page (never happens with the default layout, but be safe)
    if left < 0:
        left, right = 0.0, size
    if bottom < 0:
        bottom, top = 0.0, size
    if top > page_h_pt:
        bottom, top = page_h_pt - size, page_h_pt
    right = min(right, page_w_pt)
    return (round(left, 2), round(bottom, 2), round(right, 2), round(top, 2))


def render_draft(layout: DraftLayout) -> RenderedDraft:
    """Render ``layout`` to PDF (no form fields) and locate the number/date/signature/seal boxes."""
    html = build_draft_html(layout)
    with RENDER_LOCK:
        document = HTML(string=html, url_fetcher=_LocalOnlyFetcher(None)).render(font_config=FONT_CONFIG)
        boxes = _find_boxes(document)
        pdf = document.write_pdf()

    so_page, number_box = boxes["f-so"]
    date_page, date_box = boxes["f-ngay"]
    page_index, leader_box = boxes["sig-leader"]
    if so_page != 0 or date_page != 0:
        raise RuntimeError("number/date placeholders are expected on the first page")
    page = document.pages[page_index]
    seal_box = _seal_box(leader_box, float(layout.seal_size_mm),
                         page.width * _PX_TO_PT, page.height * _PX_TO_PT)
    return RenderedDraft(
        pdf=pdf,
        page_count=len(document.pages),
        number_box=number_box,
        date_box=date_box,
        leader_box=leader_box,
        seal_box=seal_box,
        page_index=page_index,
    )
