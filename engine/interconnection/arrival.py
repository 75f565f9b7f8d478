"""A document package from another agency becoming an incoming document — metadata and files taken
from the package, nothing typed — and the update and replace packages that change it later."""
from __future__ import annotations

from engine import clock, history, settings
from engine.db import db
from engine.deadlines.escalation import audience_users
from engine.doctypes import DOC_TYPES
from engine.incoming.registration import start_arrival
from engine.incoming.uploads import Upload, attach
from engine.models import Document, InboxTask, LineStatus, ProcessingLine
from engine.models.documents import Secrecy, Urgency
from engine.notifications.notify import notify
from engine.records.indexing import search_text
from engine.text import fold, nfc, one_line
from engine.workflow import runtime
from integrations import edxml

PRIORITY = {0: Urgency.NORMAL, 1: Urgency.KHAN, 2: Urgency.THUONG_KHAN, 3: Urgency.HOA_TOC, 4: Urgency.HOA_TOC}
_TYPES_BY_NAME = {fold(name): code for code, name in DOC_TYPES.items()}


# As long as the same fields typed in by a clerk may be (engine/incoming/registration.py).
SUBJECT_MAX = 1000


def _cut(value: str, limit: int, label: str, problems: list[str]) -> str | None:
    """One visible line (as a typed field is kept), cut to ``limit`` with a note saying so."""
    value = one_line(nfc(value))
    if len(value) > limit:
        problems.append(f"{label} dài quá {limit} ký tự, đã cắt bớt: {value[:limit]}…")
        return value[:limit]
    return value or None


def doc_type_of(pkg: edxml.DocumentPackage) -> str:
    """Our Decree 30 type from the package's TypeName, else from the notation (``QĐ-UBND``), else công văn."""
    by_name = _TYPES_BY_NAME.get(fold(pkg.type_name))
    if by_name:
        return by_name
    prefix = (pkg.code_notation or "").split("-", 1)[0]
    return prefix if prefix in DOC_TYPES and "-" in (pkg.code_notation or "") else "CV"


def number_and_notation(pkg: edxml.DocumentPackage) -> tuple[str, str]:
    if pkg.code_number or pkg.code_notation:
        return pkg.code_number, pkg.code_notation
    parts = edxml.split_document_id(pkg.document_id)  # "OrganId,date,Number/Notation"
    number, _, notation = (parts[2] if parts else "").partition("/")
    return number, notation


def metadata(pkg: edxml.DocumentPackage, sender_name: str | None) -> dict:
    """Document columns from a package; odd values are cut or dropped and said so in ``notes``."""
    problems = list(pkg.problems)
    number, notation = number_and_notation(pkg)
    doc_type = doc_type_of(pkg)
    urgency = PRIORITY.get(pkg.priority, Urgency.NORMAL)
    notes = [f"Nhận qua trục liên thông. Mã văn bản: {pkg.document_id}"]
    if pkg.type_name and fold(pkg.type_name) != fold(DOC_TYPES[doc_type]):
        notes.append(f"Loại văn bản theo gói tin: {pkg.type_name}")
    if pkg.appendixes:
        notes.append("Phụ lục: " + "; ".join(pkg.appendixes))
    meta = {
        "sender_org_id": pkg.sender.organ_id.strip().upper()[:35],
        "sender_org_name": _cut(pkg.sender.name or sender_name or pkg.sender.organ_id, 300, "Tên cơ quan gửi",
                                problems),
        "number": _cut(number, 20, "Số văn bản", problems), "notation": _cut(notation, 60, "Ký hiệu", problems),
        "issued_on": pkg.promulgation_date.value, "due_on": pkg.due_date.value, "doc_type": doc_type,
        "subject": (_cut(pkg.subject, SUBJECT_MAX, "Trích yếu", problems)
                    or _cut(pkg.content, SUBJECT_MAX, "Trích yếu", problems) or "(không có trích yếu)"),
        "signer_name": _cut(pkg.signer_name, 200, "Người ký", problems),
        "signer_position": _cut(" ".join(filter(None, [pkg.signer_competence, pkg.signer_position])), 200,
                                "Chức vụ người ký", problems),
        "urgency": urgency, "urgency_rank": Urgency.RANK[urgency], "paper_copy": pkg.business.paper == 1,
    }
    meta["notes"] = "\n".join(notes + [f"Lưu ý: {p}" for p in problems])[:4000]
    return meta


def uploads(pkg: edxml.DocumentPackage) -> list[Upload]:
    return [Upload(a.name, a.data, a.content_type) for a in pkg.attachments]


def new_document(pkg: edxml.DocumentPackage, checked: list, sender_name: str | None, new_blobs: list) -> Document:
    """The incoming document (status ``arrived``, source electronic) waiting for the clerk's check."""
    now = clock.now()
    doc = Document(direction="incoming", status="arrived", source="electronic", secrecy=Secrecy.NONE,
                   received_at=now, receivers=[{"code": settings.get("ORG_CODE"), "name": settings.get("ORG_NAME")}],
                   created_at=now, **metadata(pkg, sender_name))
    db.session.add(doc)  # written once complete, by the first flush of start_arrival
    attach(doc, checked, actor_id=None, new_blobs=new_blobs)
    start_arrival(doc, runtime.RunContext(document=doc), action="arrived_axis",
                  note=f"Từ {doc.sender_org_name} ({doc.sender_org_id}) qua trục liên thông")
    return doc


def holders(document: Document) -> list:
    """Who works on ``document`` now: assignees of its open tasks, holders of its open lines, clerks."""
    people = [t.assignee for t in db.session.query(InboxTask).filter_by(document_id=document.id, status="open")
              if t.assignee is not None]
    people += [line.holder for line in db.session.query(ProcessingLine).filter(
        ProcessingLine.document_id == document.id, ProcessingLine.status.in_(LineStatus.OPEN)) if line.holder]
    return people + audience_users(["clerks"], None, document)


def apply_change(original: Document, pkg: edxml.DocumentPackage, checked: list, new_blobs: list) -> None:
    """An update (2) or replacement (3) from the sender: new metadata and files on the original,
    recorded in its history, and its holders told."""
    meta = metadata(pkg, original.sender_org_name)
    changed = []
    for field in ("number", "notation", "issued_on", "due_on", "subject", "signer_name", "signer_position"):
        value = meta[field]
        if value and value != getattr(original, field) and (field != "subject" or pkg.subject):
            setattr(original, field, value)
            changed.append(field)
    if checked:
        attach(original, checked, actor_id=None, kind="replacement" if pkg.business.doc_type == edxml.REPLACE
               else "original", new_blobs=new_blobs)
    original.search_text = search_text(original)
    replace = pkg.business.doc_type == edxml.REPLACE
    action = "replaced_by_sender" if replace else "updated_by_sender"
    what = ", ".join(changed + [a.name for a, _mime in checked]) or "không đổi nội dung"
    ctx = runtime.RunContext(document=original)
    history.record(original, action, ctx, note=f"{pkg.business.reason or ''} ({what})".strip(),
                   details={"edxml_document_id": pkg.document_id})
    verb = "thay thế" if replace else "cập nhật"
    notify(holders(original), original, action, f"{original.sender_org_name} {verb} văn bản {original.number_notation}",
           f"{original.sender_org_name} đã {verb} văn bản {original.number_notation} — {original.subject}. "
           f"Lý do: {pkg.business.reason or 'không nêu'}.",
           key=f"{action}:{original.id}:{pkg.document_id}:{clock.now().isoformat(timespec='seconds')}")
