"""Uploaded files are hostile until checked: size, count, type by content, active content, names."""
from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from engine import clock, settings
from engine.db import db
from engine.errors import N_, DangerousContent, InvalidInput, TooLarge
from engine.models import Attachment, Document, ReceivedPackage
from engine.storage import store
from engine.text import one_line

log = logging.getLogger(__name__)

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


# The scanner's work for all the files of one request together (each file also has its own limits):
# twenty files each inflating to one file's limit would otherwise cost minutes. What lies beyond is
# reported as not fully scanned, a warning the clerk sees.
MAX_DECODED_PER_REQUEST = 2**30  # bytes inflated (about 4 s)
MAX_PDF_OBJECTS_PER_REQUEST = 200_000  # PDF objects walked (about 3 s)

# Findings that make a PDF unfit to be the main text of a document (a cut or broken file).
DAMAGED_PDF = ("pdf_no_eof", "pdf_damaged", "pdf_header_offset")


@dataclass
class Upload:
    name: str
    data: bytes
    content_type: str | None = None
    # The scanner's warnings, kept on the attachment and shown to the clerk (set by check()).
    warnings: list[dict] = field(default_factory=list)


def safe_name(name: str | None, default: str = "tep-dinh-kem") -> str:
    """A display/download name without paths, control, invisible or reserved characters.

    Vietnamese letters are kept (werkzeug's secure_filename would strip them). Bidirectional
    overrides and zero-width characters go: they make ``hop-dong<RLO>fdp.exe`` look like a PDF.
    """
    name = one_line(unicodedata.normalize("NFC", name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" ._")
    if not name:
        return default
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 150 - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else name[:150]
    return name


def check(files: list[Upload], *, first_must_be_pdf: bool = True,
          texts: bool = False) -> list[tuple[Upload, str]]:
    """Validate uploads; return (upload, sniffed MIME type) pairs or raise a DomainError.

    ``first_must_be_pdf``: the first file is the document's main text. ``texts``: every file is a
    version of the text to sign (an outgoing draft), so none may be a cut or broken PDF."""
    from integrations.scan import scan_file

    if not files:
        raise InvalidInput(N_("Chưa có tệp văn bản."), details={"files": "Cần ít nhất một tệp PDF."})
    if len(files) > settings.get("MAX_FILES"):
        raise InvalidInput(N_("Quá nhiều tệp đính kèm: %(count)s tệp, tối đa %(max)s tệp."),
                           params={"count": len(files), "max": settings.get("MAX_FILES")},
                           details={"files": f"Tối đa {settings.get('MAX_FILES')} tệp."})
    limit = settings.get("MAX_FILE_BYTES")
    decoded_left, objects_left = MAX_DECODED_PER_REQUEST, MAX_PDF_OBJECTS_PER_REQUEST
    checked = []
    for index, upload in enumerate(files):
        upload.name = safe_name(upload.name)
        if len(upload.data) > limit:
            raise TooLarge(N_("Tệp %(name)s vượt quá dung lượng cho phép (%(mb)s MB)."),
                           params={"name": upload.name, "mb": limit // (1024 * 1024)})
        if not upload.data:
            raise InvalidInput(N_("Tệp %(name)s rỗng."), params={"name": upload.name},
                               details={"files": "Tệp rỗng."})
        result = scan_file(upload.data, upload.name, clamd_socket=settings.get("CLAMD_SOCKET"),
                           decoded_budget=decoded_left, objects_budget=objects_left)
        decoded_left, objects_left = decoded_left - result.decoded_bytes, objects_left - result.objects
        if index == 0 and first_must_be_pdf and result.mime != "application/pdf":
            raise InvalidInput(N_("Tệp văn bản chính phải là PDF (tệp %(name)s không phải PDF)."),
                               params={"name": upload.name}, details={"files": "Tệp chính phải là PDF."})
        if result.verdict == "block":
            reasons = "; ".join(f.message_vi for f in result.findings if f.level == "block")
            log.warning("dangerous upload refused: %s (%s)", upload.name, reasons)
            raise DangerousContent(N_("Tệp %(name)s bị từ chối vì có nội dung nguy hiểm: %(reasons)s"),
                                   params={"name": upload.name, "reasons": reasons},
                                   details={"findings": [f.code for f in result.findings]})
        damaged = [f.message_vi for f in result.findings if f.code in DAMAGED_PDF]
        if damaged and (texts or (index == 0 and first_must_be_pdf)):
            raise InvalidInput(N_("Tệp văn bản chính %(name)s bị hỏng hoặc không đầy đủ: %(reasons)s. "
                                  "Hãy lấy lại tệp gốc."), params={"name": upload.name, "reasons": "; ".join(damaged)},
                               details={"files": "; ".join(damaged)})
        upload.warnings = [{"code": f.code, "message": f.message_vi} for f in result.findings if f.level == "warn"]
        checked.append((upload, result.mime))
    return checked


def attach(document: Document, checked: list[tuple[Upload, str]], *, actor_id: int | None,
           kind: str = "original", new_blobs: list | None = None) -> list[Attachment]:
    """Store checked files content-addressed and add attachment rows to ``document``."""
    rows = []
    position = len(document.attachments)
    for upload, mime in checked:
        digest, created = store().put(upload.data)
        if created and new_blobs is not None:
            new_blobs.append(digest)
        row = Attachment(document_id=document.id, position=position, name=upload.name, content_type=mime,
                         size=len(upload.data), sha256=digest, kind=kind, created_at=clock.now(),
                         created_by_id=actor_id, scan_warnings=upload.warnings or None)
        position += 1
        document.attachments.append(row)  # the loaded list stays whole: no need to read it back
        rows.append(row)
    # Not flushed here: a new document's files are checked first, so that each row is written once,
    # with its signatures, by the next flush (reads flush them first).
    return rows


def forget_unreferenced(digests: list[str]) -> None:
    """After a rollback, remove blobs this request created that no row refers to."""
    for digest in set(digests) - referenced(digests):
        store().discard(digest)


# Columns that name a stored blob. A new kind of row that keeps a file in the store adds its column
# here, or the sweep below would take the file for an orphan.
BLOB_REFERENCES = [Attachment.sha256, ReceivedPackage.package_sha256]
SWEEP_GRACE = timedelta(hours=1)  # far longer than any upload's transaction


def referenced(digests) -> set[str]:
    """Which of ``digests`` some row refers to."""
    digests = list(digests)
    found: set[str] = set()
    for column in BLOB_REFERENCES:
        for start in range(0, len(digests), 500):
            found.update(db.session.scalars(select(column).where(column.in_(digests[start:start + 500]))))
    return found


def sweep_files(grace: timedelta = SWEEP_GRACE) -> dict:
    """Remove what crashes leave in the file store: blobs written by a transaction that never
    committed (no row refers to them) and half-written temporary files, once older than ``grace``."""
    cutoff = (clock.now() - grace).timestamp()
    files = store()
    temp = files.remove_stale_temp_files(cutoff)
    removed = 0
    batch: list[str] = []
    for digest in files.stale_blobs(cutoff):
        batch.append(digest)
        if len(batch) == 500:
            removed += _remove_orphans(files, batch, cutoff)
            batch = []
    removed += _remove_orphans(files, batch, cutoff)
    db.session.rollback()  # end the read transaction
    if removed or temp:
        log.info("file sweep: %s orphan blobs and %s temporary files removed", removed, temp)
    return {"orphans": removed, "temporary": temp}


def _remove_orphans(files, digests: list[str], cutoff: float) -> int:
    orphans = set(digests) - referenced(digests)
    return sum(1 for digest in orphans if files.remove_if_stale(digest, cutoff))
