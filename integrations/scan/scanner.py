"""The entry point: sniff the type, look for EICAR and executables, then hand the file to the scanner
of its kind (PDF, archive, legacy Office) and, when configured, to ClamAV."""
from __future__ import annotations

import unicodedata
from typing import Iterable

from integrations.scan.archives import scan_zip
from integrations.scan.clamav import scan_with_clamav
from integrations.scan.filetypes import (
    DEFAULT_ALLOWED,
    KINDS,
    extension,
    guess_extension,
    kind_for,
    looks_executable,
    sniff,
)
from integrations.scan.findings import (
    BLOCK,
    EICAR,
    MAX_DECODED_TOTAL,
    MAX_DEPTH,
    MAX_OBJECTS,
    WARN,
    Collector,
    ScanResult,
    verdict,
)
from integrations.scan.office import scan_ole
from integrations.scan.pdf import scan_pdf


def scan_file(data: bytes, filename: str, *, allowed: Iterable[str] = DEFAULT_ALLOWED,
              clamd_socket: str | None = None, clamd_timeout: float = 30.0,
              decoded_budget: int = MAX_DECODED_TOTAL, objects_budget: int = MAX_OBJECTS) -> ScanResult:
    """Check ``data`` (named ``filename``) and return a verdict with Vietnamese findings.

    ``allowed`` is a set of kind names from :data:`KINDS`. ``clamd_socket`` is the path of a
    clamd unix socket; when given, the bytes are also sent to ClamAV (INSTREAM). The budgets bound
    the work (bytes inflated, PDF objects walked; never more than one file's limits): what lies
    beyond them is reported as not fully scanned."""
    filename = unicodedata.normalize("NFC", filename or "")
    decoded, objects = min(decoded_budget, MAX_DECODED_TOTAL), min(objects_budget, MAX_OBJECTS)
    col = Collector(nested=_scan_nested, decoded_budget=decoded, objects_budget=objects)
    mime = _scan(bytes(data), filename, frozenset(allowed), col, depth=0)
    if clamd_socket:
        scan_with_clamav(bytes(data), clamd_socket, clamd_timeout, col)
    return ScanResult(verdict=verdict(col.findings), mime=mime, findings=col.findings,
                      decoded_bytes=decoded - max(col.decoded_budget, 0), objects=objects - max(col.objects_budget, 0))


def _scan(data: bytes, filename: str, allowed: frozenset[str], col: Collector, depth: int) -> str:
    ext = extension(filename)
    if not data:
        col.add(BLOCK, "empty", f"Tệp rỗng: {filename or '(không tên)'}")
        return "application/x-empty"

    mime = sniff(data)

    if EICAR in data:
        col.add(BLOCK, "eicar", "Tệp chứa mẫu mã độc thử nghiệm EICAR", "EICAR test signature in raw bytes")

    if looks_executable(data):
        col.add(BLOCK, "executable", "Tệp là chương trình thực thi", f"executable header; libmagic: {mime}")

    kind = kind_for(mime, ext, data)
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
        scan_pdf(data, filename, allowed, col, depth)
    elif kind in ("zip", "docx", "xlsx", "odt"):
        scan_zip(data, kind, allowed, col, depth)
    elif kind in ("doc", "xls"):
        scan_ole(data, col)
    return mime


def _scan_nested(buf: bytes, fname: str, allowed, col: Collector, depth: int, prefix: str | None = None) -> None:
    label = fname or "(không tên)"
    if depth + 1 > MAX_DEPTH:
        col.add(BLOCK, "nesting_too_deep", f"Tệp lồng nhau quá nhiều cấp, không kiểm tra hết: {label}")
        return
    sub = col.child(prefix or f"Tệp nhúng «{label}»: ")
    # an embedded file without a usable name is judged by content only
    name = fname if extension(fname) else f"embedded.{guess_extension(buf)}"
    _scan(buf, name, allowed, sub, depth + 1)
    col.absorb(sub)
