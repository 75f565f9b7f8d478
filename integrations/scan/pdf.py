"""PDF: a pikepdf (qpdf) walk over every object, including objects inside object streams, for active
content (JavaScript, dangerous actions, OpenAction, XFA, rich media), embedded files (scanned as
nested files), encryption, data after ``%%EOF`` and qpdf repair warnings."""
from __future__ import annotations

import io
import zlib

import pikepdf

from integrations.scan.findings import BLOCK, EICAR, WARN, Collector

IMAGE_FILTERS = {"/DCTDecode", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode"}
MAX_FILTER_RATIO = 3000  # LZW's worst case is about 2,700; RunLength's 64
MAX_STREAM = 64 * 2**20  # one inflated stream (a page-size colour image at 300 dpi is about 26 MB)
BOMB_RATIO = 200  # inflating beyond MAX_STREAM at this ratio is a bomb, not an image
_BLOCK_ACTIONS = {
    "/Launch": "Launch (chạy chương trình/tệp bên ngoài)",
    "/SubmitForm": "SubmitForm (gửi dữ liệu biểu mẫu ra ngoài)",
    "/ImportData": "ImportData (nhập dữ liệu từ tệp ngoài)",
    "/GoToE": "GoToE (mở tệp nhúng)",
    "/RichMediaExecute": "RichMediaExecute (thực thi nội dung đa phương tiện)",
    "/Rendition": "Rendition (phát nội dung đa phương tiện)",
}
_RICH_ANNOTS = {"/RichMedia", "/3D", "/Screen", "/Movie"}


def _name(obj) -> str | None:
    try:
        if isinstance(obj, pikepdf.Name):
            return str(obj)
    except Exception:  # pragma: no cover
        return None
    return None


def _is_dict(obj) -> bool:
    return isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream))


def scan_pdf(data: bytes, filename: str, allowed: frozenset[str], col: Collector, depth: int) -> None:
    # trailing data after the last %%EOF (appended payloads)
    eof = data.rfind(b"%%EOF")
    if eof < 0:
        col.add(WARN, "pdf_no_eof", "Tệp PDF thiếu dấu kết thúc %%EOF (có thể bị cắt cụt)")
    else:
        trailing = data[eof + 5:]
        if trailing.strip(b" \t\r\n\x00\x0c"):
            col.add(WARN, "pdf_trailing_data", "Tệp PDF có dữ liệu lạ sau dấu kết thúc %%EOF",
                    f"{len(trailing)} bytes after last %%EOF")

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        col.add(BLOCK, "pdf_encrypted", "Tệp PDF được mã hóa bằng mật khẩu, không thể kiểm tra nội dung",
                "user password required")
        return
    except Exception as exc:  # pikepdf.PdfError, ValueError, …
        col.add(BLOCK, "pdf_unreadable", "Không đọc được tệp PDF (tệp hỏng hoặc không đúng định dạng PDF)",
                f"{type(exc).__name__}: {exc}")
        return

    try:
        with pdf:
            _walk_pdf(pdf, allowed, col, depth)
            warnings = pdf.get_warnings()       # drains qpdf's list; call once, after the walk
            if warnings:
                col.add(WARN, "pdf_damaged", "Tệp PDF bị lỗi cấu trúc (đã được khôi phục tự động)",
                        "; ".join(str(w) for w in warnings[:5]))
    except Exception as exc:
        col.add(BLOCK, "pdf_unreadable", "Không đọc được tệp PDF (tệp hỏng hoặc không đúng định dạng PDF)",
                f"{type(exc).__name__}: {exc}")


def _walk_pdf(pdf: pikepdf.Pdf, allowed: frozenset[str], col: Collector, depth: int) -> None:
    if pdf.is_encrypted:
        col.add(WARN, "pdf_restricted", "Tệp PDF có đặt mật khẩu chủ sở hữu (hạn chế quyền)",
                f"encryption: {pdf.encryption}")

    root = pdf.Root
    # document-level checks
    oa = root.get("/OpenAction")
    if _is_dict(oa) and "/S" in oa and _name(oa.get("/S")) != "/GoTo":
        col.add(BLOCK, "pdf_open_action", "Tệp PDF tự động thực hiện hành động khi mở",
                f"/OpenAction /S {oa.get('/S')}")
    names = root.get("/Names")
    if _is_dict(names) and "/JavaScript" in names:
        col.add(BLOCK, "pdf_javascript", "Tệp PDF chứa mã JavaScript", "Root/Names/JavaScript")
    if _is_dict(names) and "/EmbeddedFiles" in names:
        col.add(WARN, "pdf_embedded_file", "Tệp PDF có tệp đính kèm bên trong", "Root/Names/EmbeddedFiles")
    acro = root.get("/AcroForm")
    if _is_dict(acro) and "/XFA" in acro:
        col.add(BLOCK, "pdf_xfa", "Tệp PDF chứa biểu mẫu động XFA", "AcroForm/XFA")
    if "/AA" in root:
        col.add(WARN, "pdf_additional_actions", "Tệp PDF có hành động tự động kèm theo sự kiện", "Root/AA")

    seen_efs: set[tuple[int, int]] = set()
    # pdf.objects lists every indirect object, including those inside object streams; direct
    # dictionaries nested in them (e.g. an annotation's /A action) are visited via _direct_dicts.
    for obj in pdf.objects:
        col.objects_budget -= 1
        if col.objects_budget < 0:
            col.add(WARN, "pdf_not_fully_scanned", "Tệp PDF có quá nhiều đối tượng, không kiểm tra hết",
                    f"more than {len(pdf.objects)} objects")
            return
        if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)):
            continue
        try:
            for d in _direct_dicts(obj):
                _check_dict(d, col)
                if "/EF" in d:
                    _check_filespec(d, allowed, col, depth, seen_efs)
            if isinstance(obj, pikepdf.Stream):
                _check_stream(obj, allowed, col, depth, seen_efs)
        except (pikepdf.PdfError, ValueError, TypeError, RuntimeError, RecursionError) as exc:
            col.add(WARN, "pdf_damaged", "Tệp PDF bị lỗi cấu trúc (đã được khôi phục tự động)",
                    f"object {getattr(obj, 'objgen', '?')}: {exc}")


def _direct_dicts(obj, _level: int = 0):
    """Yield ``obj`` (if a dictionary/stream) and every dictionary nested in it *directly*
    (not through an indirect reference, since those are visited on their own)."""
    if _is_dict(obj):
        yield obj
        children = (v for _k, v in obj.items())
    elif isinstance(obj, pikepdf.Array):
        children = iter(obj)
    else:
        return
    if _level >= 64:
        return
    for child in children:
        if isinstance(child, (pikepdf.Dictionary, pikepdf.Array)) and not child.is_indirect:
            yield from _direct_dicts(child, _level + 1)


def _check_dict(d, col: Collector) -> None:
    where = f"object {d.objgen}" if d.is_indirect else "direct object"
    s = _name(d.get("/S"))
    if "/JS" in d or s == "/JavaScript":
        col.add(BLOCK, "pdf_javascript", "Tệp PDF chứa mã JavaScript", where)
    if s in _BLOCK_ACTIONS:
        col.add(BLOCK, "pdf_dangerous_action", f"Tệp PDF chứa hành động nguy hiểm: {_BLOCK_ACTIONS[s]}",
                f"/S {s} in {where}")
    if s == "/URI":
        col.add(WARN, "pdf_uri", "Tệp PDF chứa liên kết tới địa chỉ Internet", where)
    if s == "/GoToR":
        col.add(WARN, "pdf_remote_goto", "Tệp PDF chứa liên kết mở tệp PDF khác", where)
    if "/AA" in d:
        col.add(WARN, "pdf_additional_actions", "Tệp PDF có hành động tự động kèm theo sự kiện",
                f"/AA in {where}")
    subtype = _name(d.get("/Subtype"))
    if subtype in _RICH_ANNOTS and (_name(d.get("/Type")) in (None, "/Annot")) and "/Rect" in d:
        col.add(BLOCK, "pdf_rich_media", f"Tệp PDF chứa nội dung đa phương tiện/3D nhúng ({subtype[1:]})",
                f"annotation {subtype} in {where}")


def _read_stream(stream: pikepdf.Stream, col: Collector) -> bytes | None:
    if col.decoded_budget <= 0:
        col.add(WARN, "pdf_not_fully_scanned", "Tệp PDF có luồng dữ liệu không kiểm tra hết",
                "decoded-bytes budget spent")
        return None
    try:
        raw = stream.read_raw_bytes()
    except Exception:
        return None
    filters = stream.get("/Filter")
    filters = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [str(filters)] if filters else []
    if filters and all(f in IMAGE_FILTERS for f in filters):
        buf = raw  # image codecs are not decoded ("generalized"): their bytes are checked as stored
    elif filters == ["/FlateDecode"]:
        buf = _inflate(stream, raw, col)
        if buf is None:
            return None
        if "/DecodeParms" in stream and buf is not raw:
            buf = _decoded(stream, raw)  # predictors: bounded now, the inflated size is known
    elif filters:
        # Other filters (LZW, RunLength, ASCII85 …) expand at most a few thousand times.
        if len(raw) * MAX_FILTER_RATIO > col.decoded_budget:
            col.add(WARN, "pdf_not_fully_scanned", "Tệp PDF có luồng dữ liệu không kiểm tra hết",
                    f"stream {stream.objgen}: {filters}")
            return None
        buf = _decoded(stream, raw)
    else:
        buf = raw
    col.decoded_budget -= len(buf)
    return buf


def _inflate(stream: pikepdf.Stream, raw: bytes, col: Collector) -> bytes | None:
    """Inflate piece by piece, never more than MAX_STREAM bytes nor the file's remaining budget: a
    stream of a few MB can inflate to many GB. Beyond the limit the stream is a bomb (refused) when
    it inflates like one, otherwise it is left partly unchecked (a warning)."""
    limit = min(col.decoded_budget, MAX_STREAM)
    inflater, out, pending = zlib.decompressobj(), bytearray(), raw
    try:
        while pending and not inflater.eof and len(out) <= limit:
            out += inflater.decompress(pending, 2**20)
            pending = inflater.unconsumed_tail
    except zlib.error:
        return raw  # damaged: qpdf's repair warnings say so; check the bytes as stored
    if len(out) <= limit:
        return bytes(out)
    consumed = max(len(raw) - len(pending), 1)
    if len(out) / consumed > BOMB_RATIO:
        col.add(BLOCK, "pdf_bomb", "Tệp PDF có luồng dữ liệu giải nén ra quá lớn (“bom nén”)",
                f"stream {stream.objgen}: {consumed} bytes inflate to more than {len(out)}")
        col.decoded_budget = 0
    else:
        col.add(WARN, "pdf_not_fully_scanned", "Tệp PDF có luồng dữ liệu quá lớn, không kiểm tra hết",
                f"stream {stream.objgen}: more than {limit} bytes")
    return None


def _decoded(stream: pikepdf.Stream, raw: bytes) -> bytes:
    try:
        return stream.read_bytes()               # decodes Flate/LZW/ASCII85/… ("generalized")
    except Exception:
        return raw                               # images (DCT, JPX …) and damaged streams: as stored


def _check_stream(stream: pikepdf.Stream, allowed, col: Collector, depth: int, seen_efs) -> None:
    buf = _read_stream(stream, col)
    if buf is None:
        return
    if EICAR in buf:
        col.add(BLOCK, "eicar", "Tệp chứa mẫu mã độc thử nghiệm EICAR",
                f"EICAR in decoded stream {stream.objgen}")
    if _name(stream.get("/Type")) == "/EmbeddedFile" and stream.objgen not in seen_efs:
        # embedded file without a file specification that names it (or before we reach the spec)
        seen_efs.add(stream.objgen)
        col.add(WARN, "pdf_embedded_file", "Tệp PDF có tệp đính kèm bên trong", f"EmbeddedFile {stream.objgen}")
        col.nested(buf, "", allowed, col, depth)


def _check_filespec(spec, allowed, col: Collector, depth: int, seen_efs) -> None:
    ef = spec.get("/EF")
    if not _is_dict(ef):
        return
    fname = ""
    for key in ("/UF", "/F", "/Unix", "/DOS", "/Mac"):
        v = spec.get(key)
        if isinstance(v, pikepdf.String):
            fname = str(v)
            break
    for key in ("/UF", "/F"):
        st = ef.get(key)
        if isinstance(st, pikepdf.Stream):
            col.add(WARN, "pdf_embedded_file", "Tệp PDF có tệp đính kèm bên trong",
                    f"file specification {spec.objgen}: {fname!r}")
            if st.objgen in seen_efs and st.objgen != (0, 0):
                return
            seen_efs.add(st.objgen)
            buf = _read_stream(st, col)
            if buf is not None:
                col.nested(buf, fname, allowed, col, depth)
            return
