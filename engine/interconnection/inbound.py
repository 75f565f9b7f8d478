"""Taking a package in, once (idempotent on sender + DocumentId; a replayed package changes nothing),
in one transaction: a new document waiting in the clerk's verify queue, a recall request, an update
or replacement of a document that arrived earlier, or a status about a document we sent."""
from __future__ import annotations

import hashlib

from engine import settings
from engine.errors import N_, DomainError, SecretDocument, TooLarge
from engine.incoming.uploads import check
from engine.interconnection import agencies, arrival, recall, statuses
from engine.interconnection.errors import BadPackage, NotAddressedToUs, UnknownDocument
from engine.interconnection.outbound import queue_status
from engine.interconnection.received import Outcome, existing, record, refusal_key, reply_ref, store_once
from engine.models import ReceivedPackage
from engine.models.documents import Secrecy
from engine.text import nfc
from engine.tx import transaction
from integrations import edxml


def read(data: bytes) -> edxml.DocumentPackage | edxml.StatusPackage:
    """Parse within the configured limits; BadPackage (422) or TooLarge (413)."""
    try:
        return edxml.parse(data, max_bytes=int(settings.get("EDXML_MAX_PACKAGE_BYTES")),
                           max_attachment_bytes=int(settings.get("MAX_FILE_BYTES")))
    except edxml.PackageError as exc:
        if exc.too_large:
            raise TooLarge(N_("Gói tin bị từ chối: %(reason)s"), params={"reason": exc.message}) from None
        raise BadPackage(N_("Gói tin bị từ chối: %(reason)s"), params={"reason": exc.message},
                         details={"package": exc.message}) from None


def take_in(data: bytes, *, via: str = "api") -> Outcome:
    """Take one package in; raises a DomainError (and stores nothing) when it is refused."""
    pkg = read(data)
    if isinstance(pkg, edxml.StatusPackage):
        return statuses.take_status(pkg, data, via)
    if settings.get("ORG_CODE") not in {r.organ_id.strip().upper() for r in pkg.receivers}:
        raise NotAddressedToUs(N_("Gói tin không gửi cho cơ quan này (%(code)s)."),
                               params={"code": settings.get("ORG_CODE")})
    if pkg.sender.organ_id.strip().upper() == settings.get("ORG_CODE"):
        # Our own document echoed back by the axis would come in as someone else's.
        raise BadPackage(N_("Gói tin do chính cơ quan này (%(code)s) gửi: không nhận lại văn bản của mình."),
                         params={"code": settings.get("ORG_CODE")})
    if pkg.business.doc_type == edxml.NEW:
        return _take_new(pkg, data, via)
    if pkg.business.doc_type == edxml.REVOKE:
        return recall.take_request(pkg, _ids(pkg), pkg.business.reason, data, via)
    return _take_change(pkg, data, via)


def _ids(pkg: edxml.DocumentPackage) -> list[str]:
    return [i for i in (pkg.business.document_id, *pkg.business.replaced_ids, pkg.document_id) if i]


def _take_new(pkg: edxml.DocumentPackage, data: bytes, via: str) -> Outcome:
    sender = pkg.sender.organ_id.strip().upper()
    key = f"doc:{sender}:{pkg.document_id}"

    def duplicate(earlier) -> Outcome:
        return Outcome("document", earlier.document_id, "new", duplicate=True)

    if (earlier := existing(key)) is not None:
        return duplicate(earlier)
    if pkg.secrecy:
        _refuse_secret(pkg, data, via)
    checked = check(arrival.uploads(pkg), first_must_be_pdf=False)  # every file through the upload scanner
    agency = agencies.get(sender)

    def work(new_blobs: list) -> Outcome:
        doc = arrival.new_document(pkg, checked, agency.name if agency else None, new_blobs)
        record(key, "document", pkg, data, via, business="new", document_id=doc.id)
        return Outcome("document", doc.id, "new", created=True)

    return store_once(key, work, duplicate)


def _refuse_secret(pkg: edxml.DocumentPackage, data: bytes, via: str) -> None:
    """R-SCOPE-1: a secret document is not taken in; the sender gets 02 with the reason (once)."""
    level = Secrecy.LABELS.get(pkg.secrecy, pkg.secrecy)
    reason = (f"Văn bản mật ({level}) không được tiếp nhận qua hệ thống; đề nghị gửi theo quy định "
              "về bảo vệ bí mật nhà nước.")
    key = f"secret:{pkg.sender.organ_id.strip().upper()}:{pkg.document_id}"

    def work(_new_blobs: list) -> None:
        record(key, "document", pkg, data, via, business="new", outcome="refused", error=reason)
        queue_status(None, pkg.sender.organ_id, "02", f"Từ chối tiếp nhận: {reason}", reply_ref(pkg),
                     key=refusal_key(pkg))

    if existing(key) is None:
        store_once(key, work, lambda _earlier: None)
    raise SecretDocument(N_("Văn bản mật (%(level)s) không được tiếp nhận trên hệ thống. "
                            "Hãy xử lý theo quy định về bảo vệ bí mật nhà nước."), params={"level": level})


def _take_change(pkg: edxml.DocumentPackage, data: bytes, via: str) -> Outcome:
    business = pkg.business.name
    sender = pkg.sender.organ_id.strip().upper()
    original = recall.original_of(sender, _ids(pkg))
    key = f"{business}:{sender}:{pkg.document_id}:{_content_digest(pkg)}"
    original_id = original.id

    def duplicate(_earlier) -> Outcome:
        return Outcome("document", original_id, business, duplicate=True)

    if (earlier := existing(key)) is not None:
        return duplicate(earlier)
    checked = check(arrival.uploads(pkg), first_must_be_pdf=False) if pkg.attachments else []

    def work(new_blobs: list) -> Outcome:
        arrival.apply_change(original, pkg, checked, new_blobs)
        record(key, "document", pkg, data, via, business=business, document_id=original.id,
               reason=pkg.business.reason)
        return Outcome("document", original.id, business)

    return store_once(key, work, duplicate)


def _content_digest(pkg: edxml.DocumentPackage) -> str:
    """What a change package says, not how it travelled (line endings, trace headers added on the way,
    base64 wrapping): the same update sent twice is applied once."""
    digest = hashlib.sha256()
    parts = [pkg.business.document_id, *pkg.business.replaced_ids, pkg.business.reason, pkg.subject, pkg.code_number,
             pkg.code_notation, pkg.promulgation_date.raw, pkg.due_date.raw, pkg.signer_name, pkg.signer_position,
             pkg.signer_competence, *(f"{a.name}/{hashlib.sha256(a.data).hexdigest()}" for a in pkg.attachments)]
    for part in parts:
        digest.update(nfc(part or "").encode("utf-8") + b"\0")
    return digest.hexdigest()[:16]


def record_rejection(data: bytes, error: DomainError, *, via: str = "axis") -> ReceivedPackage | None:
    """A package from the axis we could not take in: logged for the clerks, and when we know who sent
    which document (and it was meant for us) the sender gets 02 with the reason. Once per package."""
    key = f"rejected:{hashlib.sha256(data).hexdigest()}"
    if isinstance(error, SecretDocument) or existing(key) is not None:  # a secret one is logged already
        return None
    try:
        pkg = read(data)
    except DomainError:
        pkg = None
    message = error.text()
    with transaction():
        row = record(key, "status" if isinstance(pkg, edxml.StatusPackage) else "document", pkg, data, via,
                     outcome="rejected", error=message)
        replyable = (isinstance(pkg, edxml.DocumentPackage) and not isinstance(error, (NotAddressedToUs, UnknownDocument))
                     and pkg.business.doc_type == edxml.NEW)
        if replyable:
            queue_status(None, pkg.sender.organ_id, "02", f"Từ chối tiếp nhận: {message}", reply_ref(pkg),
                         key=refusal_key(pkg))
    return row
