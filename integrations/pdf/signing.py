"""Two-step signing of an outgoing document (pdf-signing-notes §0.1, §3.1, §4; conventions §5.6).

1. :func:`add_issue_fields` – on the *unsigned* PDF, add empty ``/Tx`` fields ``so_ky_hieu`` and
   ``ngay_ban_hanh`` where the number and date go (pikepdf; the only step that rewrites the file).
2. :func:`sign_as_leader` – the competent person's visible approval signature (PAdES B-B, or B-T
   when a timestamper is given). Its FieldMDP lock EXCLUDES the two issue fields and the org seal
   field ``CoQuan``, so the clerk may fill/sign them later.
3. :func:`issue_with_seal` – the clerk (văn thư) fills number + date with
   ``populate_static_text_field`` and applies the organisation seal signature (PAdES B-T) in ONE
   incremental revision. The leader's signature then validates as FORM_FILLING / acceptable.

Never stamp number/date into the page content after the leader signed, and never re-save a
signed PDF with pikepdf/qpdf: both break earlier signatures. Everything after step 1 only appends.

Stamp text uses a Times-like font with full Vietnamese coverage. pyHanko 0.38 mis-spaces fonts
whose unitsPerEm is not 1000, so Liberation Serif (fonts-liberation2) is rescaled to upem 1000
once with fontTools and cached (:func:`stamp_font`).
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import io
import os
import tempfile
import threading
from pathlib import Path
from typing import Callable, Sequence
from zoneinfo import ZoneInfo

from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import FormFillingError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import Signer
from pyhanko.sign.timestamps import DummyTimeStamper, HTTPTimeStamper, TimeStamper, TimestampRequestError
from pyhanko.stamp import TextStampStyle

from integrations.pdf._sync import run_blocking
from integrations.pdf.fonts import find_font
from integrations.pdf.local_tsa import LocalTimeStamper

__all__ = [
    "FIELD_NUMBER", "FIELD_DATE", "FIELD_LEADER", "FIELD_ORG", "VN_TZ",
    "IssueError", "AlreadySigned", "FieldNameTaken", "TimestampUnavailable", "Box",
    "add_issue_fields", "sign_as_leader", "issue_with_seal", "seal_box_over", "seal_annex",
    "make_local_timestamper", "make_http_timestamper", "stamp_font", "signature_field_names",
]

FIELD_NUMBER = "so_ky_hieu"
FIELD_DATE = "ngay_ban_hanh"
FIELD_LEADER = "LanhDao"
FIELD_ORG = "CoQuan"
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

Box = tuple[float, float, float, float]  # (x1, y1, x2, y2) in PDF points, origin bottom-left


class TimestampUnavailable(RuntimeError):
    """The timestamp authority did not answer or answered badly: nothing was signed."""


class IssueError(ValueError):
    """The document cannot be prepared/issued as asked (missing or already filled field,
    no leader signature, already signed when adding fields...)."""


class AlreadySigned(IssueError):
    """The PDF carries a signature already: fields added now would break it (or a certification forbids them)."""


class FieldNameTaken(IssueError):
    """The PDF has a form field with a name Q-Office fills or signs: that field, not ours, would be used."""

    def __init__(self, name: str):
        super().__init__(f"the PDF already has a field named {name}")
        self.name = name


# Document-information entries longer than this are dropped when the fields are added: every signed
# revision would carry them again (an 18 MB title made a 90 MB issued file and minutes of signing).
MAX_INFO_CHARS = 64 * 1024


# --------------------------------------------------------------------------- fonts

_font_lock = threading.Lock()
_font_memo: dict[tuple[str, str], str] = {}


# What stamps write: Latin (Vietnamese included), combining marks, punctuation, currency (₫), №.
STAMP_REPERTOIRE = [*range(0x20, 0x250), *range(0x300, 0x370), *range(0x1E00, 0x1F00), *range(0x2000, 0x2070),
                    *range(0x20A0, 0x20D0), *range(0x2100, 0x2150)]


def stamp_font(face: str = "regular", *, cache_dir: str | os.PathLike | None = None,
               font_path: str | None = None) -> str:
    """Path of a upem-1000 TrueType font for pyHanko stamps.

    ``font_path`` (or the first installed of Liberation Serif / FreeSerif / Noto Serif for ``face``
    in regular|italic|bold) is copied once into ``cache_dir`` (default: ``$TMPDIR/qoffice-fonts``),
    rescaled to unitsPerEm 1000 and cut down to ``STAMP_REPERTOIRE`` (every signature parses and
    subsets the font: a quarter of the glyphs is a quarter of that work), and reused.
    """
    src = font_path or find_font(face)
    cache = str(Path(cache_dir) if cache_dir else Path(tempfile.gettempdir()) / "qoffice-fonts")
    key = (src, cache)
    with _font_lock:
        hit = _font_memo.get(key)
        if hit and os.path.isfile(hit):
            return hit
        from fontTools.ttLib import TTFont

        st = os.stat(src)
        tag = hashlib.sha1(f"{src}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()[:12]
        dst = os.path.join(cache, f"{Path(src).stem}-stamp-upem1000-{tag}.ttf")
        if not os.path.isfile(dst):
            from fontTools import subset
            from fontTools.ttLib.scaleUpem import scale_upem

            f = TTFont(src)
            if f["head"].unitsPerEm != 1000:
                scale_upem(f, 1000)
            options = subset.Options(layout_features=["*"], name_IDs=["*"], name_languages=["*"],
                                     notdef_outline=True, glyph_names=True)
            subsetter = subset.Subsetter(options=options)
            subsetter.populate(unicodes=STAMP_REPERTOIRE)
            subsetter.subset(f)
            os.makedirs(cache, exist_ok=True)
            tmp = f"{dst}.{os.getpid()}.{threading.get_ident()}.tmp"
            f.save(tmp)
            f.close()
            os.replace(tmp, dst)  # atomic: concurrent workers may race, last one wins, same content
        _font_memo[key] = dst
        return dst


class _StampFontFactory(GlyphAccumulatorFactory):
    """pyHanko's font engine minus the font's layout tables (GSUB, GPOS, GDEF), which it drops from
    every embedded subset anyway and uses for nothing else (HarfBuzz shapes from its own copy of the
    font): fontTools still decompiles them before subsetting, which was most of a signature's time."""

    def create_font_engine(self, writer, obj_stream=None):
        engine = super().create_font_engine(writer, obj_stream)
        for tag in ("GSUB", "GPOS", "GDEF"):
            if tag in engine.tt:
                del engine.tt[tag]
        return engine


def _text_style(font_file: str, size: float, *, leading: float | None = None, color=(0, 0, 0),
                layout_rule: layout.SimpleBoxLayoutRule | None = None) -> TextBoxStyle:
    # GlyphAccumulatorFactory.font_size must equal TextBoxStyle.font_size (pyHanko #733).
    # pyHanko's layout code uses Fraction(): sizes, leading and margins must be ints, not floats.
    size = int(round(size))
    return TextBoxStyle(font=_StampFontFactory(font_file, font_size=size), font_size=size,
                        leading=int(round(leading if leading is not None else size * 1.25)),
                        text_color=color, box_layout_rule=layout_rule)


def _image(png: bytes | None):
    if not png:
        return None
    from PIL import Image
    from pyhanko.pdf_utils.images import PdfImage

    img = Image.open(io.BytesIO(png))
    img.load()
    return PdfImage(img)


def _fmt_time(t: _dt.datetime) -> str:
    off = t.strftime("%z")  # +0700
    return t.strftime("%d/%m/%Y %H:%M:%S ") + (off[:3] + ":" + off[3:] if off else "")


def _now_vn(now: _dt.datetime | None) -> _dt.datetime:
    t = now or _dt.datetime.now(_dt.timezone.utc)
    if t.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return t.astimezone(VN_TZ)


_ALIGN = {"left": layout.AxisAlignment.ALIGN_MIN, "center": layout.AxisAlignment.ALIGN_MID,
          "right": layout.AxisAlignment.ALIGN_MAX}


# --------------------------------------------------------------------------- step 1: fields

def signature_field_names(pdf_bytes: bytes) -> list[tuple[str, bool]]:
    """(name, filled) for every signature field, empty ones included."""
    r = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
    return [(name, value is not None) for name, value, _ref in fields.enumerate_sig_fields(r)]


def add_issue_fields(pdf_bytes: bytes, *, number_box: Box, date_box: Box, page: int = 0,
                     date_page: int | None = None) -> bytes:
    """Add empty ``/Tx`` fields ``so_ky_hieu`` (at ``number_box``) and ``ngay_ban_hanh`` (at
    ``date_box``) to an UNSIGNED PDF. Boxes are PDF points (x1, y1, x2, y2), origin bottom-left,
    on page index ``page`` (``date_page`` defaults to ``page``). Rewrites the file with pikepdf,
    so it refuses a PDF that already carries a signature (:class:`IssueError`)."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        acro = pdf.Root.get("/AcroForm")
        if acro is not None and not isinstance(acro, Dictionary):
            del pdf.Root.AcroForm  # not a form at all: ours replaces it
            acro = None
        existing: set[str] = set()
        if acro is not None:
            if not isinstance(acro.get("/Fields"), Array):
                acro.Fields = Array()  # a /Fields that is no list holds no reachable field
            stack = list(acro.Fields)
            while stack:
                f = stack.pop()
                if not isinstance(f, Dictionary):
                    continue
                if "/FT" in f and f.FT == Name.Sig and "/V" in f:
                    raise AlreadySigned("the PDF is already signed; fields must be added before signing")
                if "/T" in f:
                    existing.add(str(f.T))
                if isinstance(f.get("/Kids"), Array):
                    stack.extend(f.Kids)
        if "/Perms" in pdf.Root:
            raise AlreadySigned("the PDF is already signed (certified); fields must be added before signing")
        for name in (FIELD_NUMBER, FIELD_DATE, FIELD_LEADER, FIELD_ORG):
            if name in existing:
                raise FieldNameTaken(name)
        for key, value in list(pdf.docinfo.items()):
            if len(str(value)) > MAX_INFO_CHARS:
                del pdf.docinfo[key]
        if acro is None:
            acro = pdf.make_indirect(Dictionary(Fields=Array()))
            pdf.Root.AcroForm = acro
        if "/DR" not in acro:
            acro.DR = Dictionary()
        if "/Font" not in acro.DR:
            acro.DR.Font = Dictionary()
        if "/Helv" not in acro.DR.Font:
            acro.DR.Font.Helv = pdf.make_indirect(Dictionary(
                Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica, Encoding=Name.WinAnsiEncoding))
        if "/DA" not in acro:
            acro.DA = String("/Helv 0 Tf 0 g")

        for name, box, pidx in ((FIELD_NUMBER, number_box, page),
                                (FIELD_DATE, date_box, page if date_page is None else date_page)):
            if not 0 <= pidx < len(pdf.pages):
                raise IssueError(f"page {pidx} out of range (document has {len(pdf.pages)} pages)")
            x1, y1, x2, y2 = (float(v) for v in box)
            if x2 <= x1 or y2 <= y1:
                raise IssueError(f"bad box for {name}: {box!r}")
            pg = pdf.pages[pidx]
            widget = pdf.make_indirect(Dictionary(
                Type=Name.Annot, Subtype=Name.Widget, FT=Name.Tx, T=String(name),
                Rect=Array([x1, y1, x2, y2]), F=4, P=pg.obj, DA=String("/Helv 0 Tf 0 g")))
            if "/Annots" not in pg.obj:
                pg.obj.Annots = Array()
            pg.obj.Annots.append(widget)
            acro.Fields.append(widget)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- step 2: leader

def sign_as_leader(pdf_bytes: bytes, signer: Signer, *, page: int, box: Box, name: str, position: str,
                   reason: str = "Phê duyệt ban hành", location: str = "Quảng Nam",
                   image_png: bytes | None = None, timestamper: TimeStamper | None = None,
                   field_name: str = FIELD_LEADER, font_size: int = 8, show_text: bool = True,
                   font_cache_dir: str | os.PathLike | None = None,
                   now: _dt.datetime | None = None) -> bytes:
    """Visible PAdES approval signature of the competent person (B-B; B-T if ``timestamper``).

    The stamp shows ``image_png`` (blue handwritten signature, transparent PNG) as background and
    the text "<name> / <position> / Ký ngày: dd/mm/yyyy HH:MM:SS +07:00" bottom-right, in Vietnam
    time (``now`` only sets the time shown in the stamp; /M is the system clock).
    ``show_text=False`` shows only the image.
    FieldMDP EXCLUDE so_ky_hieu, ngay_ban_hanh, CoQuan: everything else is locked.
    """
    font = stamp_font("regular", cache_dir=font_cache_dir)
    style = TextStampStyle(
        stamp_text="%(hoten)s\n%(chucvu)s\nKý ngày: %(thoigian)s" if show_text else "",
        # no text: a standard font, since pyHanko's glyph accumulator fails on an empty subset
        text_box_style=_text_style(font, font_size) if show_text else TextBoxStyle(),
        background=_image(image_png), background_opacity=1.0, border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MID,
                                                     y_align=layout.AxisAlignment.ALIGN_MID),
        inner_content_layout=layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MAX,
                                                        y_align=layout.AxisAlignment.ALIGN_MIN,
                                                        margins=layout.Margins(right=2, bottom=2)),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason, location=location, name=name)
    spec = fields.SigFieldSpec(
        field_name, on_page=page, box=tuple(box),
        field_mdp_spec=fields.FieldMDPSpec(fields.FieldMDPAction.EXCLUDE,
                                           fields=[FIELD_NUMBER, FIELD_DATE, FIELD_ORG]))
    pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=style, new_field_spec=spec,
                                   timestamper=timestamper)
    params = {"hoten": name, "chucvu": position, "thoigian": _fmt_time(_now_vn(now))}
    return _sign(pdf_signer, lambda: IncrementalPdfFileWriter(io.BytesIO(pdf_bytes)), params)


# --------------------------------------------------------------------------- step 3: clerk

def seal_box_over(leader_box: Box, size: float = 102.0) -> Box:
    """Seal box of ``size`` pt (default 36 mm) whose right third overlaps the left third of the
    leader's signature box, vertically centred on it (conventions §5.6)."""
    x1, y1, x2, y2 = leader_box
    right = x1 + (x2 - x1) / 3
    cy = (y1 + y2) / 2
    return (round(right - size, 2), round(cy - size / 2, 2), round(right, 2), round(cy + size / 2, 2))


def issue_with_seal(pdf_bytes: bytes, org_signer: Signer, *, number_text: str, date_text: str,
                    seal_box: Box | None, page: int, timestamper: TimeStamper | None, org_name: str,
                    seal_png: bytes | None = None, reason: str = "Ban hành văn bản",
                    location: str | None = None, field_font_size: int = 13,
                    number_align: str = "left", date_align: str = "left",
                    stamp_font_size: int = 8, show_text: bool = True, require_prior_signature: bool = True,
                    font_cache_dir: str | os.PathLike | None = None,
                    now: _dt.datetime | None = None) -> bytes:
    """ONE incremental revision: fill ``so_ky_hieu`` with ``number_text`` (regular) and
    ``ngay_ban_hanh`` with ``date_text`` (italic), then the organisation seal signature in field
    ``CoQuan`` (PAdES B-T when ``timestamper`` is given; production must give one).

    ``seal_box=None`` makes an invisible seal signature. With ``seal_png`` (red seal, transparent
    PNG at real size) the seal image is the background; the text "<org> / Thời gian ký: …" is
    black (``show_text=False``: image only). Raises :class:`IssueError` when a field is missing or
    filled, or (by default) when the PDF carries no signature yet (NĐ 30 Art. 32: the clerk signs only signed documents).
    """
    if require_prior_signature and not any(filled for _n, filled in signature_field_names(pdf_bytes)):
        raise IssueError("the document has no signature of the competent person yet")
    regular = stamp_font("regular", cache_dir=font_cache_dir)
    italic = stamp_font("italic", cache_dir=font_cache_dir)

    def field_rule(align: str) -> layout.SimpleBoxLayoutRule:
        return layout.SimpleBoxLayoutRule(x_align=_ALIGN[align], y_align=layout.AxisAlignment.ALIGN_MIN,
                                          margins=layout.Margins(left=1, right=1, bottom=4),
                                          inner_content_scaling=layout.InnerScaling.NO_SCALING)

    def filled() -> IncrementalPdfFileWriter:
        from pyhanko.pdf_utils.form_tools import populate_static_text_field

        w = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
        try:
            populate_static_text_field(w, FIELD_NUMBER, _text_style(regular, field_font_size,
                                                                   layout_rule=field_rule(number_align)),
                                       number_text)
            populate_static_text_field(w, FIELD_DATE, _text_style(italic, field_font_size,
                                                                 layout_rule=field_rule(date_align)),
                                       date_text)
        except FormFillingError as e:
            raise IssueError(str(e)) from e
        return w

    first = filled()  # a field missing or filled is refused before anything is built

    style = TextStampStyle(
        stamp_text="%(coquan)s\nThời gian ký: %(thoigian)s" if show_text else "",
        text_box_style=_text_style(regular, stamp_font_size) if show_text else TextBoxStyle(),
        background=_image(seal_png), background_opacity=1.0, border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MID,
                                                     y_align=layout.AxisAlignment.ALIGN_MID),
        inner_content_layout=layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MIN,
                                                        y_align=layout.AxisAlignment.ALIGN_MIN,
                                                        margins=layout.Margins(left=2, bottom=2)),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_ORG, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason, location=location, name=org_name)
    spec = fields.SigFieldSpec(FIELD_ORG, on_page=page, box=tuple(seal_box) if seal_box else None)
    pdf_signer = signers.PdfSigner(meta, signer=org_signer, timestamper=timestamper, stamp_style=style,
                                   new_field_spec=spec)
    params = {"coquan": org_name, "thoigian": _fmt_time(_now_vn(now))}
    return _sign(pdf_signer, _first_then(first, filled), params)


def seal_annex(pdf_bytes: bytes, org_signer: Signer, *, text: str, timestamper: TimeStamper | None,
               org_name: str, location: str | None = None, field_name: str = "CoQuan_PhuLuc",
               stamp_font_size: int = 8, font_cache_dir: str | os.PathLike | None = None,
               now: _dt.datetime | None = None) -> bytes:
    """The organisation signature on an annex filed separately (conventions §5.6): top right of the
    first page, text only (no seal image) — ``<org>``, ``text`` (e.g. the main document's number),
    the signing time. One incremental revision; raises :class:`IssueError` on a PDF it cannot sign."""
    try:
        w = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
        page = w.find_page_for_modification(0)[0].get_object()
        x1, y1, x2, y2 = (float(v) for v in page.get("/MediaBox", (0, 0, 595, 842)))
    except Exception as e:  # encrypted, broken or page-less PDFs
        raise IssueError(f"cannot open the annex for signing: {e}") from e
    box = (round(x2 - 24 - 190, 2), round(y2 - 20 - 48, 2), round(x2 - 24, 2), round(y2 - 20, 2))
    style = TextStampStyle(
        stamp_text="%(coquan)s\n%(noidung)s\nThời gian ký: %(thoigian)s",
        text_box_style=_text_style(stamp_font(cache_dir=font_cache_dir), stamp_font_size), border_width=0,
        inner_content_layout=layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MAX,
                                                        y_align=layout.AxisAlignment.ALIGN_MAX),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason="Ban hành phụ lục kèm theo văn bản", location=location, name=org_name)
    spec = fields.SigFieldSpec(field_name, on_page=0, box=box)
    pdf_signer = signers.PdfSigner(meta, signer=org_signer, timestamper=timestamper, stamp_style=style,
                                   new_field_spec=spec)
    params = {"coquan": org_name, "noidung": text, "thoigian": _fmt_time(_now_vn(now))}
    try:
        return _sign(pdf_signer, _first_then(w, lambda: IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))), params)
    except TimestampUnavailable:
        raise
    except Exception as e:  # pyHanko's assertions on odd forms too: the annex then travels unsigned
        raise IssueError(str(e)) from e


# pyHanko sizes a signature's placeholder by first building a dummy signature (its CMS and, with a
# timestamper, a dummy token): a tenth of the signing. The size depends on the certificates the signer
# embeds and on the timestamper, never on the document, so pyHanko's estimate (its 50 % margin included)
# is made once for each of these and then given as ``bytes_reserved``.
_RESERVED: dict[tuple, int] = {}


def _size_key(pdf_signer: signers.PdfSigner) -> tuple:
    signer, ts, meta = pdf_signer.signer, pdf_signer.default_timestamper, pdf_signer.signature_meta
    certs = tuple(sorted(c.sha256 for c in signer.cert_registry)) if signer.cert_registry else ()
    tsa = getattr(ts, "url", None) or (ts.tsa_cert.sha256 if getattr(ts, "tsa_cert", None) else None)
    return signer.signing_cert.sha256, certs, type(ts).__name__, tsa, meta.md_algorithm, meta.subfilter


def _first_then(first: IncrementalPdfFileWriter, make: Callable[[], IncrementalPdfFileWriter]):
    """``first`` the first time, then ``make()``: signing again needs a writer not yet signed into."""
    pending = [first]
    return lambda: pending.pop() if pending else make()


def _sign(pdf_signer: signers.PdfSigner, writer: Callable[[], IncrementalPdfFileWriter], params: dict) -> bytes:
    """Sign what ``writer()`` prepares, in the size found before for this signer; a signature that
    outgrows it (a TSA whose answers grew) is signed again on a fresh writer, sized anew."""
    key = _size_key(pdf_signer)
    reserved = _RESERVED.get(key)
    try:
        out = run_blocking(lambda: pdf_signer.async_sign_pdf(writer(), bytes_reserved=reserved,
                                                             appearance_text_params=params)).getvalue()
    except TimestampRequestError as e:
        raise TimestampUnavailable(str(e)) from e
    except SigningError:
        if reserved is None:
            raise
        _RESERVED.pop(key, None)
        return _sign(pdf_signer, writer, params)
    if reserved is None:
        byte_range = PdfFileReader(io.BytesIO(out)).embedded_signatures[-1].sig_object["/ByteRange"]
        _RESERVED[key] = int(byte_range[2]) - int(byte_range[1]) - 2  # the hex digits between < and >
    return out


# --------------------------------------------------------------------------- timestampers

def _read(x: bytes | str | os.PathLike) -> bytes:
    if isinstance(x, (bytes, bytearray)):
        return bytes(x)
    return Path(x).read_bytes()


def make_local_timestamper(tsa_cert_pem: bytes | str | os.PathLike, tsa_key_pem: bytes | str | os.PathLike,
                           intermediate_pem: bytes | str | os.PathLike | Sequence | None = None, *,
                           fixed_dt: _dt.datetime | None = None) -> DummyTimeStamper:
    """In-process RFC 3161 TSA (integrations/pdf/local_tsa.py) for tests/demo. PEM/DER bytes or paths."""
    from pyhanko.keys import (
        load_certs_from_pemder_data,
        load_private_key_from_pemder_data,
    )

    (tsa_cert, *_) = load_certs_from_pemder_data(_read(tsa_cert_pem))
    tsa_key = load_private_key_from_pemder_data(_read(tsa_key_pem), passphrase=None)
    embed = []
    if intermediate_pem is not None:
        items = intermediate_pem if isinstance(intermediate_pem, (list, tuple)) else [intermediate_pem]
        for it in items:
            embed.extend(load_certs_from_pemder_data(_read(it)))
    return LocalTimeStamper(tsa_cert=tsa_cert, tsa_key=tsa_key, certs_to_embed=embed, fixed_dt=fixed_dt)


def make_http_timestamper(url: str, *, timeout: float = 10, auth: tuple[str, str] | None = None,
                          headers: dict | None = None) -> HTTPTimeStamper:
    """RFC 3161 client over HTTP(S) (aiohttp)."""
    return HTTPTimeStamper(url, timeout=timeout, auth=auth, headers=headers)
