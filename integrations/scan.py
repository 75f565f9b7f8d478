"""File safety checks for uploaded / received attachments (notes §5). Report only, never sanitise.

Standalone adapter: no Flask, no app models.

    result = scan_file(data, "to-trinh.pdf", clamd_socket="/run/clamav/clamd.ctl")
    result.verdict   # "ok" | "warn" | "block"
    result.findings  # [Finding(level, code, message_vi, detail)]

Layers:

1. libmagic type sniffing against an allow-list of kinds (pdf, png, jpeg, tiff, docx, xlsx, doc,
   xls, odt, zip, txt) and a check that the file-name extension matches the detected type.
2. EICAR test signature in the raw bytes (and in every decoded PDF stream / ZIP member).
3. PDFs: a pikepdf (qpdf) walk over every object, including objects inside object streams, for
   active content: JavaScript, Launch/SubmitForm/ImportData/GoToE/RichMediaExecute/Rendition
   actions, OpenAction, XFA, RichMedia/3D/Screen/Movie annotations, embedded files (scanned
   recursively), user-password encryption, plus warnings for URI/GoToR/AA actions, data after
   ``%%EOF`` and qpdf repair warnings.
4. ZIP containers (zip, docx, xlsx, odt): members are listed and inflated with size limits; EICAR,
   executables, macros and encrypted members are reported.
5. Optional ClamAV through clamd's INSTREAM command on a unix socket. A configured but unreachable
   daemon yields a ``warn`` finding ("not scanned by antivirus"), never a silent ok.

ClamAV is a second layer only: Debian ships no signature DB and ClamAV missed a Flate-compressed
EICAR attachment that the pikepdf walk catches (notes §5.1).
"""

from __future__ import annotations

import io
import os
import socket
import struct
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import Iterable

import magic
import pikepdf

__all__ = [
    "DEFAULT_ALLOWED",
    "KINDS",
    "Finding",
    "ScanResult",
    "scan_file",
    "clamd_instream",
    "ClamdError",
]

BLOCK, WARN, INFO = "block", "warn", "info"
_LEVEL_RANK = {INFO: 0, WARN: 1, BLOCK: 2}

# The EICAR test string, assembled so that this source file itself is not an EICAR hit.
EICAR = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-" + b"ANTIVIRUS-TEST-FILE!$H+H*")

#: kind → (MIME types libmagic reports, accepted file-name extensions)
KINDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "pdf": (frozenset({"application/pdf"}), frozenset({"pdf"})),
    "png": (frozenset({"image/png"}), frozenset({"png"})),
    "jpeg": (frozenset({"image/jpeg"}), frozenset({"jpg", "jpeg", "jpe", "jfif"})),
    "tiff": (frozenset({"image/tiff"}), frozenset({"tif", "tiff"})),
    "docx": (frozenset({"application/vnd.openxmlformats-officedocument.wordprocessingml.document"}),
             frozenset({"docx"})),
    "xlsx": (frozenset({"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
             frozenset({"xlsx"})),
    "doc": (frozenset({"application/msword"}), frozenset({"doc"})),
    "xls": (frozenset({"application/vnd.ms-excel"}), frozenset({"xls"})),
    "odt": (frozenset({"application/vnd.oasis.opendocument.text"}), frozenset({"odt"})),
    "zip": (frozenset({"application/zip"}), frozenset({"zip"})),
    "txt": (frozenset({"text/plain", "text/csv"}), frozenset({"txt"})),   # libmagic says text/csv for CSV-like text
}
DEFAULT_ALLOWED: frozenset[str] = frozenset(KINDS)

# Generic container MIME types libmagic reports for some legitimate files.
_OLE_MIMES = {"application/x-ole-storage", "application/cdfv2", "application/vnd.ms-office"}
_ZIP_MIMES = {"application/zip", "application/x-zip-compressed"}
_OOXML_PARTS = {"docx": "word/", "xlsx": "xl/"}

_BLOCK_ACTIONS = {
    "/Launch": "Launch (chạy chương trình/tệp bên ngoài)",
    "/SubmitForm": "SubmitForm (gửi dữ liệu biểu mẫu ra ngoài)",
    "/ImportData": "ImportData (nhập dữ liệu từ tệp ngoài)",
    "/GoToE": "GoToE (mở tệp nhúng)",
    "/RichMediaExecute": "RichMediaExecute (thực thi nội dung đa phương tiện)",
    "/Rendition": "Rendition (phát nội dung đa phương tiện)",
}
_RICH_ANNOTS = {"/RichMedia", "/3D", "/Screen", "/Movie"}
_EXEC_EXTS = {"exe", "dll", "com", "scr", "pif", "bat", "cmd", "ps1", "psm1", "vbs", "vbe", "js", "jse",
              "wsf", "wsh", "hta", "msi", "msp", "jar", "lnk", "cpl", "reg", "sh", "elf", "apk", "iso",
              "docm", "xlsm", "pptm", "dotm", "xlam"}
_EXEC_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe")
_OLE_VBA = "_VBA_PROJECT".encode("utf-16-le")

MAX_DEPTH = 3                       # nesting of embedded files / zip members
MAX_DECODED_TOTAL = 256 * 2**20     # bytes of decoded PDF streams / zip members inspected per file
MAX_ZIP_MEMBERS = 5000
MAX_ZIP_RATIO = 200                 # uncompressed/compressed ratio above which a member is a "bomb"


@dataclass(frozen=True)
class Finding:
    level: str          # "block" | "warn" | "info"
    code: str           # stable machine code, e.g. "pdf_javascript"
    message_vi: str     # user-facing Vietnamese message
    detail: str = ""    # technical detail for logs (English / raw values)


@dataclass
class ScanResult:
    verdict: str                    # "ok" | "warn" | "block"
    mime: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"

    @property
    def blocked(self) -> bool:
        return self.verdict == BLOCK

    @property
    def codes(self) -> set[str]:
        return {f.code for f in self.findings}

    def messages_vi(self) -> list[str]:
        return [f.message_vi for f in self.findings]


class ClamdError(Exception):
    """clamd could not be reached or answered with an error."""


class _Collector:
    def __init__(self, prefix: str = ""):
        self.findings: list[Finding] = []
        self._seen: set[tuple[str, str]] = set()
        self.prefix = prefix
        self.decoded_budget = MAX_DECODED_TOTAL

    def add(self, level: str, code: str, message_vi: str, detail: str = "") -> None:
        key = (code, message_vi)
        if key in self._seen:           # one finding per (code, message); details of the first
            return
        self._seen.add(key)
        self.findings.append(Finding(level, code, self.prefix + message_vi, detail))

    def extend(self, findings: Iterable[Finding]) -> None:
        for f in findings:
            key = (f.code, f.message_vi)
            if key not in self._seen:
                self._seen.add(key)
                self.findings.append(f)


def _verdict(findings: Iterable[Finding]) -> str:
    worst = max((_LEVEL_RANK.get(f.level, 0) for f in findings), default=0)
    return BLOCK if worst == 2 else WARN if worst == 1 else "ok"


def _ext(filename: str) -> str:
    base = os.path.basename(filename or "")
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def _sniff(data: bytes) -> str:
    try:
        return (magic.from_buffer(data[: 2**20] if len(data) > 2**20 else data, mime=True) or "").lower()
    except Exception:  # pragma: no cover - libmagic failure
        return "application/octet-stream"


def _looks_executable(data: bytes) -> bool:
    if data.startswith(b"MZ"):
        return b"PE\0\0" in data[:4096] or b"This program cannot be run in DOS mode" in data[:1024]
    return data.startswith(_EXEC_MAGIC[1:])


def _kind_for(mime: str, ext: str, data: bytes) -> str | None:
    """Map a libmagic MIME type (plus extension hints for generic containers) to a kind."""
    for kind, (mimes, _exts) in KINDS.items():
        if mime in mimes:
            if kind == "zip" and ext in ("docx", "xlsx", "odt"):
                return _zip_office_kind(data, ext) or "zip"
            return kind
    if mime in _ZIP_MIMES:
        if ext in ("docx", "xlsx", "odt"):
            return _zip_office_kind(data, ext) or "zip"
        return "zip"
    if mime in _OLE_MIMES and ext in ("doc", "xls"):
        return ext
    if ext in ("docx", "xlsx", "odt") and data.startswith(b"PK\x03\x04"):
        # some writers put [Content_Types].xml late in the archive; libmagic then says octet-stream
        return _zip_office_kind(data, ext)
    return None


def _zip_office_kind(data: bytes, ext: str) -> str | None:
    """Confirm that a ZIP really is the office document its extension claims."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if ext == "odt":
                if "mimetype" in names and zf.read("mimetype").strip() == b"application/vnd.oasis.opendocument.text":
                    return "odt"
                return None
            if "[Content_Types].xml" in names and any(n.startswith(_OOXML_PARTS[ext]) for n in names):
                return ext
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    return None


# --------------------------------------------------------------------------------------------
# public entry point
# --------------------------------------------------------------------------------------------

def scan_file(data: bytes, filename: str, *, allowed: Iterable[str] = DEFAULT_ALLOWED,
              clamd_socket: str | None = None, clamd_timeout: float = 30.0) -> ScanResult:
    """Check ``data`` (named ``filename``) and return a verdict with Vietnamese findings.

    ``allowed`` is a set of kind names from :data:`KINDS`. ``clamd_socket`` is the path of a
    clamd unix socket; when given, the bytes are also sent to ClamAV (INSTREAM)."""
    filename = unicodedata.normalize("NFC", filename or "")
    col = _Collector()
    mime = _scan(bytes(data), filename, frozenset(allowed), col, depth=0)
    if clamd_socket:
        _clamav(bytes(data), clamd_socket, clamd_timeout, col)
    return ScanResult(verdict=_verdict(col.findings), mime=mime, findings=col.findings)


def _scan(data: bytes, filename: str, allowed: frozenset[str], col: _Collector, depth: int) -> str:
    ext = _ext(filename)
    if not data:
        col.add(BLOCK, "empty", f"Tệp rỗng: {filename or '(không tên)'}")
        return "application/x-empty"

    mime = _sniff(data)

    if EICAR in data:
        col.add(BLOCK, "eicar", "Tệp chứa mẫu mã độc thử nghiệm EICAR", "EICAR test signature in raw bytes")

    if _looks_executable(data):
        col.add(BLOCK, "executable", "Tệp là chương trình thực thi", f"executable header; libmagic: {mime}")

    kind = _kind_for(mime, ext, data)
    if kind is None or kind not in allowed:
        col.add(BLOCK, "type_not_allowed",
                f"Loại tệp không được phép: {mime or 'không xác định'} (tệp {filename or 'không tên'})",
                f"mime={mime} ext={ext!r} kind={kind}")
        if kind is None and ext == "pdf" and b"%PDF-" in data[:4096] and not data.startswith(b"%PDF-"):
            col.add(WARN, "pdf_header_offset", "Tệp PDF có dữ liệu lạ trước phần đầu %PDF",
                    f"%PDF at offset {data.find(b'%PDF-')}")
        return mime

    if ext not in KINDS[kind][1]:
        if ext and not any(ext in exts for _m, exts in KINDS.values()):
            col.add(BLOCK, "extension_not_allowed",
                    f"Phần mở rộng tên tệp không được phép: .{ext} (nội dung thực là {kind.upper()})",
                    f"mime={mime} ext={ext!r}")
        else:
            col.add(WARN, "extension_mismatch",
                    f"Phần mở rộng tên tệp (.{ext or '—'}) không khớp với loại tệp thực tế ({kind.upper()})",
                    f"mime={mime} ext={ext!r} kind={kind}")

    if kind == "pdf":
        _scan_pdf(data, filename, allowed, col, depth)
    elif kind in ("zip", "docx", "xlsx", "odt"):
        _scan_zip(data, kind, allowed, col, depth)
    elif kind in ("doc", "xls"):
        if _OLE_VBA in data:
            col.add(WARN, "office_macro", "Tệp Office chứa macro (VBA)", "_VBA_PROJECT stream in OLE file")
    return mime


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------

def _name(obj) -> str | None:
    try:
        if isinstance(obj, pikepdf.Name):
            return str(obj)
    except Exception:  # pragma: no cover
        return None
    return None


def _is_dict(obj) -> bool:
    return isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream))


def _scan_pdf(data: bytes, filename: str, allowed: frozenset[str], col: _Collector, depth: int) -> None:
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


def _walk_pdf(pdf: pikepdf.Pdf, allowed: frozenset[str], col: _Collector, depth: int) -> None:
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


def _check_dict(d, col: _Collector) -> None:
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


def _read_stream(stream: pikepdf.Stream, col: _Collector) -> bytes | None:
    if col.decoded_budget <= 0:
        return None
    try:
        buf = stream.read_bytes()               # decodes Flate/LZW/ASCII85/… ("generalized")
    except Exception:
        try:
            buf = stream.read_raw_bytes()
        except Exception:
            return None
    col.decoded_budget -= len(buf)
    return buf


def _check_stream(stream: pikepdf.Stream, allowed, col: _Collector, depth: int, seen_efs) -> None:
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
        _scan_embedded(buf, "", allowed, col, depth)


def _check_filespec(spec, allowed, col: _Collector, depth: int, seen_efs) -> None:
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
                _scan_embedded(buf, fname, allowed, col, depth)
            return


def _scan_embedded(buf: bytes, fname: str, allowed, col: _Collector, depth: int) -> None:
    label = fname or "(không tên)"
    if depth + 1 > MAX_DEPTH:
        col.add(WARN, "nesting_too_deep", f"Tệp lồng nhau quá nhiều cấp, không kiểm tra hết: {label}")
        return
    sub = _Collector(prefix=f"Tệp nhúng «{label}»: ")
    sub.decoded_budget = col.decoded_budget
    # an embedded file without a usable name is judged by content only
    name = fname if _ext(fname) else f"embedded.{_guess_ext(buf)}"
    _scan(buf, name, allowed, sub, depth + 1)
    col.decoded_budget = sub.decoded_budget
    col.extend(sub.findings)


def _guess_ext(buf: bytes) -> str:
    mime = _sniff(buf)
    for kind, (mimes, exts) in KINDS.items():
        if mime in mimes:
            return sorted(exts)[0] if kind != "jpeg" else "jpg"
    return "bin"


# --------------------------------------------------------------------------------------------
# ZIP containers (zip, docx, xlsx, odt)
# --------------------------------------------------------------------------------------------

def _scan_zip(data: bytes, kind: str, allowed, col: _Collector, depth: int) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        col.add(BLOCK, "zip_unreadable", "Không đọc được tệp nén/tệp Office (tệp hỏng)", str(exc))
        return
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            col.add(BLOCK, "zip_bomb", "Tệp nén có quá nhiều tệp con", f"{len(infos)} members")
            return
        for info in infos:
            if info.is_dir():
                continue
            mname = unicodedata.normalize("NFC", info.filename)
            mext = _ext(mname)
            low = mname.lower()
            if low.endswith("vbaproject.bin") or low.endswith("vbadata.xml"):
                col.add(BLOCK if kind != "zip" else WARN, "office_macro",
                        "Tệp Office chứa macro (VBA)", mname)
            if kind == "zip" and mext in _EXEC_EXTS:
                col.add(BLOCK, "zip_executable", f"Tệp nén chứa tệp thực thi/kịch bản: {mname}", mname)
            if info.flag_bits & 0x1:
                col.add(WARN, "zip_encrypted", f"Tệp nén có tệp con được đặt mật khẩu, không kiểm tra được: {mname}",
                        mname)
                continue
            if info.compress_size and info.file_size / max(info.compress_size, 1) > MAX_ZIP_RATIO \
                    and info.file_size > 10 * 2**20:
                col.add(BLOCK, "zip_bomb", "Tệp nén có dấu hiệu “bom nén” (tỷ lệ nén bất thường)",
                        f"{mname}: {info.compress_size} -> {info.file_size}")
                continue
            if info.file_size > col.decoded_budget:
                col.add(WARN, "zip_not_fully_scanned", "Tệp nén quá lớn, không kiểm tra hết nội dung", mname)
                break
            try:
                member = zf.read(info)
            except Exception as exc:
                col.add(WARN, "zip_unreadable_member", f"Không đọc được tệp con trong tệp nén: {mname}",
                        f"{type(exc).__name__}: {exc}")
                continue
            col.decoded_budget -= len(member)
            if EICAR in member:
                col.add(BLOCK, "eicar", "Tệp chứa mẫu mã độc thử nghiệm EICAR", f"EICAR in member {mname}")
            if _looks_executable(member):
                col.add(BLOCK, "zip_executable", f"Tệp nén chứa tệp thực thi/kịch bản: {mname}", mname)
            if kind == "zip" and depth + 1 <= MAX_DEPTH and (mext == "pdf" or member.startswith(b"%PDF-")):
                sub = _Collector(prefix=f"Tệp «{mname}» trong tệp nén: ")
                sub.decoded_budget = col.decoded_budget
                _scan_pdf(member, mname, allowed, sub, depth + 1)
                col.decoded_budget = sub.decoded_budget
                col.extend(sub.findings)


# --------------------------------------------------------------------------------------------
# ClamAV (clamd INSTREAM over a unix socket)
# --------------------------------------------------------------------------------------------

def clamd_instream(data: bytes, socket_path: str, *, timeout: float = 30.0, chunk_size: int = 1 << 16) -> str:
    """Send ``data`` to clamd with ``zINSTREAM`` and return its reply, e.g. ``"stream: OK"`` or
    ``"stream: Eicar-Signature FOUND"``. Raises :class:`ClamdError` when clamd is unreachable."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(socket_path)
            s.sendall(b"zINSTREAM\0")
            view = memoryview(data)
            for i in range(0, len(view), chunk_size):
                part = view[i:i + chunk_size]
                s.sendall(struct.pack("!I", len(part)) + part)
            s.sendall(struct.pack("!I", 0))
            reply = bytearray()
            while not reply.endswith(b"\0"):
                got = s.recv(4096)
                if not got:
                    break
                reply += got
    except OSError as exc:
        raise ClamdError(f"{type(exc).__name__}: {exc}") from exc
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def _clamav(data: bytes, socket_path: str, timeout: float, col: _Collector) -> None:
    try:
        reply = clamd_instream(data, socket_path, timeout=timeout)
    except ClamdError as exc:
        col.add(WARN, "clamav_unavailable",
                "Không kết nối được dịch vụ quét virus ClamAV; tệp chưa được quét virus",
                f"{socket_path}: {exc}")
        return
    body = reply.split(":", 1)[1].strip() if ":" in reply else reply
    if body == "OK":
        return
    if body.endswith("FOUND"):
        sig = body[: -len("FOUND")].strip()
        col.add(BLOCK, "clamav", f"Phần mềm diệt virus ClamAV phát hiện mã độc: {sig}", reply)
    else:
        col.add(WARN, "clamav_error", "Dịch vụ quét virus ClamAV báo lỗi; tệp chưa được quét đầy đủ", reply)
