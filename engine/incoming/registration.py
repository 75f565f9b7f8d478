"""Incoming documents: arrival, the clerk's verification, registration, refusal, duplicates."""
from __future__ import annotations

from engine import clock, history, settings
from engine.db import db
from engine.doctypes import DOC_TYPES
from engine.errors import (
    N_,
    DuplicateSuspected,
    Forbidden,
    InvalidInput,
    SecretDocument,
)
from engine.incoming import duplicates, signatures
from engine.incoming.idempotency import Ticket
from engine.incoming.uploads import Upload, attach, check, forget_unreferenced
from engine.models import Document, Role, User
from engine.models.documents import Secrecy, Status, Urgency
from engine.people.named import active_user_named
from engine.records.indexing import search_text
from engine.records.numbering import next_number
from engine.tx import transaction
from engine.validation import Fields
from engine.workflow import runtime
from engine.workflow.forms import form
from engine.workflow.operators import Param, operator

SOURCES = ("electronic", "paper")


def clean_metadata(meta: dict) -> dict:
    """Validated incoming metadata; secret documents are refused before anything else."""
    f = Fields(meta)
    secrecy = f.data.get("secrecy", "none") if isinstance(meta, dict) else "none"
    if secrecy not in (None, "", Secrecy.NONE):
        if secrecy in Secrecy.ALL:
            raise SecretDocument(N_("Văn bản mật (%(level)s) không được tiếp nhận trên hệ thống. "
                                    "Hãy xử lý theo quy định về bảo vệ bí mật nhà nước."),
                                 params={"level": Secrecy.LABELS[secrecy]})
        f.errors["secrecy"] = "Giá trị không hợp lệ: none, mat, toi_mat, tuyet_mat"
    today = clock.today()
    cleaned = {
        "sender_org_id": f.org_id("sender_org_id"),
        "sender_org_name": f.line("sender_org_name", required=True, max_len=300),
        "number": f.line("number", required=True, max_len=20),
        "notation": f.line("notation", required=True, max_len=60),
        "issued_on": f.day("issued_on", required=True, not_after=today),
        "doc_type": f.choice("doc_type", list(DOC_TYPES), required=True),
        "subject": f.line("subject", required=True, max_len=1000),
        "signer_name": f.line("signer_name", max_len=200),
        "signer_position": f.line("signer_position", max_len=200),
        "urgency": f.choice("urgency", Urgency.ALL, default=Urgency.NORMAL),
        "due_on": f.day("due_on"),
        "source": f.choice("source", SOURCES, default="electronic"),
        "paper_copy": f.flag("paper_copy"),
        "notes": f.text("notes", max_len=2000),
    }
    if cleaned["issued_on"] and cleaned["due_on"] and cleaned["due_on"] < cleaned["issued_on"]:
        f.errors["due_on"] = "Hạn xử lý không được trước ngày ban hành."
    f.raise_if_errors()
    return cleaned


def receive(actor: User, meta: dict, files: list[Upload], *, ticket: Ticket | None = None) -> Document:
    """Record an arriving document (status ``arrived``) and start the receive flow.

    Nothing is stored when the metadata or any file is refused. ``ticket`` records the request's
    Idempotency-Key with the document (engine.incoming.idempotency).
    """
    if not actor.has_role(Role.CLERK):
        raise Forbidden(N_("Chỉ văn thư được tiếp nhận văn bản đến."))
    cleaned = clean_metadata(meta)
    checked = check(files)
    new_blobs: list[str] = []
    try:
        with transaction(keep_loaded=True):  # the answer is the document just registered
            now = clock.now()
            # A new document has no files yet: said here, its list is not read back from the database.
            doc = Document(direction="incoming", status="arrived", secrecy=Secrecy.NONE, attachments=[],
                           urgency_rank=Urgency.RANK[cleaned["urgency"]], received_at=now,
                           receivers=[{"code": settings.get("ORG_CODE"), "name": settings.get("ORG_NAME")}],
                           created_by_id=actor.id, created_at=now, **cleaned)
            db.session.add(doc)  # written once complete, by the first flush of start_arrival
            attach(doc, checked, actor_id=actor.id, new_blobs=new_blobs)
            start_arrival(doc, runtime.RunContext(actor=actor, document=doc), action="arrived",
                          note=f"Nguồn: {'điện tử' if doc.source == 'electronic' else 'bản giấy (scan)'}")
            if ticket:
                ticket.remember(doc)
    except BaseException:
        forget_unreferenced(new_blobs)
        raise
    return doc


def start_arrival(doc: Document, ctx, *, action: str, note: str) -> None:
    """With its files attached: verify every signature, record the arrival (status ``arrived``, which
    tells an electronic sender 01) and start the receive flow, whose first step is the clerk's check."""
    signatures.check_attachments(doc)  # every signature verified; sets legal_standing
    doc.search_text = search_text(doc)
    history.set_status(doc, "arrived", ctx, action=action, note=note)
    runtime.start("receive", doc, {
        "document_id": doc.id, "urgency": doc.urgency, "doc_type": doc.doc_type,
        "received_at": doc.received_at.isoformat(), "default_leader": settings.get("INCOMING_LEADER"),
    }, ctx)


# --- the verify task ------------------------------------------------------------------------

def _leader(value) -> User:
    user = active_user_named(value or settings.get("INCOMING_LEADER"))
    if user is None or not user.has_role(Role.LEADER):
        raise InvalidInput(N_("Lãnh đạo được chọn không hợp lệ."), details={"leader": "Không phải lãnh đạo Sở."})
    return user


@form("verify")
def verify_form(ctx, document: Document, data: dict) -> dict:
    f = Fields(data)
    decision = f.choice("decision", ("accept", "refuse", "duplicate"), required=True)
    reason = f.text("reason", max_len=2000)
    f.raise_if_errors()
    if decision == "refuse":
        if not reason:
            raise InvalidInput(N_("Từ chối nhận phải có lý do."), details={"reason": "Bắt buộc nhập lý do."})
        return {"decision": "refuse", "reason": reason}
    if decision == "duplicate":
        earlier = duplicates.registered_by_reference(data.get("duplicate_of"))
        if earlier is None or earlier.id == document.id:
            raise InvalidInput(N_("Văn bản trùng phải là một văn bản đến đã vào sổ."),
                               details={"duplicate_of": "Chọn văn bản đã vào sổ, hoặc nhập số đến, ví dụ 12/2026."})
        return {"decision": "duplicate", "duplicate_of": earlier.id, "reason": reason}
    leader = _leader(data.get("leader"))
    if not f.flag("not_duplicate"):
        matches = duplicates.find(document)
        if matches:
            first = matches[0].document
            raise DuplicateSuspected(
                N_("Văn bản này có thể trùng với văn bản đến số %(number)s (%(reason)s). "
                   "Hãy kiểm tra; nếu đúng là văn bản khác, xác nhận không trùng để vào sổ."),
                params={"number": f"{first.incoming_number}/{first.register_year}", "reason": matches[0].reason_text},
                details={"duplicate_of": first.id,
                         "matches": [{"id": m.document.id, "incoming_number": m.document.incoming_number,
                                      "reason": m.reason} for m in matches]})
    return {"decision": "accept", "leader": leader.username, "reason": reason}


# --- operators the receive diagram calls ---------------------------------------------------

@operator("document/register_incoming", "Vào sổ văn bản đến: cấp số đến tiếp theo của năm")
def register_incoming(ctx, **_params) -> dict:
    doc = ctx.document
    if doc.incoming_number is not None:
        return {"incoming_number": doc.incoming_number}
    year = ctx.when.year
    doc.register_year, doc.incoming_number = year, next_number("incoming", year)
    doc.search_text = search_text(doc)
    history.set_status(doc, "accepted", ctx, action="registered",
                       note=f"Vào sổ văn bản đến số {doc.incoming_number}/{year}")
    return {"incoming_number": doc.incoming_number, "register_year": year}


@operator("document/refuse", "Từ chối nhận văn bản, ghi lý do",
          params=(Param("reason", N_("Lý do từ chối (văn thư nhập khi kiểm tra)"), example="reason"),))
def refuse(ctx, reason: str = "", **_params) -> dict:
    doc = ctx.document
    doc.refusal_reason = reason
    history.set_status(doc, "refused", ctx, action="refused", note=reason)
    return {"status": "refused"}


@operator("document/mark_duplicate", "Đánh dấu văn bản trùng với văn bản đã vào sổ",
          params=(Param("duplicate_of", N_("Mã văn bản đã vào sổ mà văn bản này trùng"), required=True,
                        example="duplicate_of"),))
def mark_duplicate(ctx, duplicate_of: int = 0, **_params) -> dict:
    doc = ctx.document
    earlier = db.session.get(Document, int(duplicate_of))
    doc.duplicate_of_id = earlier.id
    history.set_status(doc, "deleted", ctx, action="duplicate",
                       note=f"Trùng với văn bản đến số {earlier.incoming_number}/{earlier.register_year}")
    history.record(earlier, "duplicate_linked", ctx,
                   note=f"Bản trùng (mã {doc.id}, {Status.LABELS.get('arrived')}) đã được gắn vào văn bản này")
    return {"status": "deleted"}
