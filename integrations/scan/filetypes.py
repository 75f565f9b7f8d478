"""What a file is: libmagic's MIME type checked against an allow-list of kinds and the name's extension."""
from __future__ import annotations

import io
import os
import zipfile

import magic

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

_EXEC_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe")


def extension(filename: str) -> str:
    base = os.path.basename(filename or "")
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def sniff(data: bytes) -> str:
    try:
        return (magic.from_buffer(data[: 2**20] if len(data) > 2**20 else data, mime=True) or "").lower()
    except Exception:  # pragma: no cover - libmagic failure
        return "application/octet-stream"


def looks_executable(data: bytes) -> bool:
    if data.startswith(b"MZ"):
        return b"PE\0\0" in data[:4096] or b"This program cannot be run in DOS mode" in data[:1024]
    return data.startswith(_EXEC_MAGIC[1:])


def kind_for(mime: str, ext: str, data: bytes) -> str | None:
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


def guess_extension(buf: bytes) -> str:
    mime = sniff(buf)
    for kind, (mimes, exts) in KINDS.items():
        if mime in mimes:
            return sorted(exts)[0] if kind != "jpeg" else "jpg"
    return "bin"
