"""Verification of the signatures of stored PDFs (R-INTEGRITY-1, R-LEGAL-1).

Every PDF that enters (incoming documents, uploaded drafts and finals) and every PDF Q-Office
signs has each of its signatures validated against the configured trust roots
(engine.outgoing.signing_keys.trust_roots); the results are kept on the attachment (``signatures``).
A document is legally valid ("legal") only when one of its files carries a signature that is
intact, valid, trusted and not illegally modified afterwards (pyHanko's bottom line);
otherwise it is "for reference only".
"""
from __future__ import annotations

import logging

from engine.db import db
from engine.errors import N_
from engine.models import Attachment, Document
from engine.outgoing import signing_keys
from engine.storage import store

log = logging.getLogger(__name__)

UNREADABLE = "Không đọc được tệp / tệp hỏng"


def _entry(check) -> dict:
    return {
        "field": check.field,
        "signer": check.signer,
        "signer_subject": check.signer_subject,
        "issuer": check.issuer,
        "signed_at": check.signed_at.isoformat() if check.signed_at else None,
        "time_source": check.time_source,
        "intact": check.intact,
        "valid": check.valid,
        "trusted": check.trusted,
        "modification": check.modification,
        "coverage": check.coverage,
        "timestamped": check.timestamped,
        "reason": check.reason_vi,
        "reason_code": check.reason_code,
        "reason_en": check.reason_en,
        "ok": check.ok,
    }


def verify_bytes(data: bytes) -> list[dict]:
    """Check every signature of a PDF; [] when it has none."""
    from integrations.pdf.verify import PdfUnreadable, verify_pdf

    roots = signing_keys.trust_roots() or [signing_keys.placeholder_root()]
    try:
        checks = verify_pdf(data, trust_roots=roots, other_certs=signing_keys.other_certs())
    except PdfUnreadable as exc:
        log.info("signatures of an unreadable PDF: %s", exc.detail)
        if b"/ByteRange" not in data:
            return []
        return [{"field": None, "signer": None, "signer_subject": None, "issuer": None, "signed_at": None,
                 "time_source": None, "intact": False, "valid": False, "trusted": False, "modification": None,
                 "coverage": None, "timestamped": False, "reason": UNREADABLE, "reason_code": "unreadable",
                 "reason_en": "File unreadable or corrupt", "ok": False}]
    return [_entry(c) for c in checks]


def check_attachment(attachment: Attachment, data: bytes | None = None) -> list[dict] | None:
    """Verify one stored file (PDFs only) and keep the result on it."""
    if attachment.content_type != "application/pdf":
        return None
    if data is None:
        data = store().get(attachment.sha256)
    attachment.signatures = verify_bytes(data)
    return attachment.signatures


def check_attachments(document: Document) -> None:
    """Verify the files of ``document`` not verified yet, then update its legal standing."""
    for attachment in document.attachments:
        if attachment.signatures is None:
            check_attachment(attachment)
    update_legal_standing(document)


def update_legal_standing(document: Document) -> str:
    legal = any(sig.get("ok") for a in document.attachments for sig in (a.signatures or ()))
    document.legal_standing = "legal" if legal else "reference"
    return document.legal_standing


STANDINGS = {
    "legal": N_("Văn bản đã ký số hợp lệ — giá trị pháp lý như bản giấy"),
    "reference": N_("Chỉ để biết, tham khảo (chưa có chữ ký số hợp lệ)"),
    "draft": N_("Dự thảo — chưa ký số, chưa có giá trị pháp lý"),
    "signed": N_("Đã có chữ ký số hợp lệ của người có thẩm quyền; có giá trị pháp lý khi được ban hành "
                 "(cấp số, ngày và ký số của cơ quan)"),
    "not_issued": N_("Không ban hành (dự thảo đã hủy)"),
}


def standing(document: Document) -> str:
    """The legal standing to show at each step (R-LEGAL-1): an outgoing document is a draft until the
    leader signs, then signed but not yet issued, then legal once issued with the seal."""
    if document.direction != "outgoing" or document.legal_standing == "legal":
        return document.legal_standing
    if document.status == "deleted":
        return "not_issued"
    if document.status in ("draft", "in_review", "approved"):
        return "draft"
    if any(sig.get("ok") for a in document.attachments if a.kind == "signed" for sig in (a.signatures or ())):
        return "signed"
    return document.legal_standing


def signatures_json(document: Document) -> list[dict]:
    """The ``signatures`` of the document JSON: every signature of every PDF attachment."""
    out = []
    for index, attachment in enumerate(document.attachments):
        for sig in attachment.signatures or ():
            out.append({"signer": sig.get("signer"), "signed_at": sig.get("signed_at"),
                        "intact": sig.get("intact"), "valid": sig.get("valid"), "trusted": sig.get("trusted"),
                        "modification": sig.get("modification"), "reason": sig.get("reason"),
                        "reason_code": sig.get("reason_code"), "ok": sig.get("ok"), "field": sig.get("field"),
                        "issuer": sig.get("issuer"), "timestamped": sig.get("timestamped"),
                        "attachment": index, "attachment_name": attachment.name})
    return out


def reverify(document: Document) -> None:
    """Verify every file again (e.g. after the trust roots changed)."""
    for attachment in document.attachments:
        check_attachment(attachment)
    update_legal_standing(document)
    db.session.flush()
