"""Drafting outgoing documents (R-DRAFT-1): metadata, receivers, the signing leader, the draft text
or uploaded final PDF, and the draft that answers an incoming document.

The order of the steps lives in ``bpmn/issue_sign_send.bpmn``. A draft is either text Q-Office
composes into the Decree 30 layout (``body``) or an uploaded final PDF to which Q-Office adds the
number/date fields at positions the drafter can adjust (``layout``). The next steps are in
:mod:`engine.outgoing.preparing` (the PDF to sign, submit, review), :mod:`engine.outgoing.issuing`
(sign, number, seal) and :mod:`engine.outgoing.sending`.

Files of an outgoing document, in order (attachments are never rewritten): ``draft`` (uploads),
``to_sign`` (the PDF shown to reviewer and leader), ``signed`` (leader's signature), ``issued``
(number, date and seal; always the last attachment).
"""
from __future__ import annotations

import math
from datetime import datetime

from engine import history, settings
from engine.db import db
from engine.doctypes import DOC_TYPES
from engine.errors import N_, Forbidden, InvalidInput, NotFound, SecretDocument
from engine.incoming import signatures
from engine.incoming.idempotency import Ticket
from engine.incoming.uploads import Upload, attach, check, forget_unreferenced
from engine.interconnection import agencies
from engine.models import Document, Role, Unit, User
from engine.models.documents import Secrecy, Urgency
from engine.processing.access import can_view
from engine.records.indexing import search_text
from engine.tx import transaction
from engine.validation import ORG_ID, Fields, parse_id
from engine.workflow import runtime
from engine.workflow.specs import latest

PROCESS = "issue_sign_send"
DRAFTER_ROLES = (Role.SPECIALIST, Role.UNIT_HEAD, Role.LEADER)
BOX_KEYS = ("number_box", "date_box", "leader_box", "seal_box")
# Names of the draft's fields in its history (people read it; the API keeps the codes in ``details``).
FIELD_NAMES = {"doc_type": "loại văn bản", "subject": "trích yếu", "urgency": "mức độ khẩn",
               "paper_copy": "gửi kèm bản giấy", "body": "nội dung", "notes": "ghi chú", "receivers": "nơi nhận",
               "signer": "lãnh đạo ký", "in_reply_to": "văn bản được trả lời", "layout": "vị trí ô số, ngày, chữ ký"}


# --- receivers, signer ------------------------------------------------------------------------

def parse_receiver(ref) -> dict:
    """``unit:<code>`` (a division or affiliated unit: delivered internally) or ``org:<identifier
    code>`` (another agency of the directory, named as there: queued for the interconnection axis)
    → stored receiver."""
    if isinstance(ref, dict):  # {"ref": "org:<code>"} or a stored receiver
        ref = ref.get("ref") or (f"org:{ref['code']}" if ref.get("code") else "")
    if not isinstance(ref, str) or ":" not in ref:
        raise ValueError("phải có dạng unit:<mã> hoặc org:<mã định danh>")
    kind, _, code = ref.strip().partition(":")
    code = code.strip()
    if kind == "unit":
        unit = db.session.get(Unit, code)
        if unit is None or unit.kind == "department" or not unit.active:
            raise ValueError(f"không có phòng, đơn vị {code} đang hoạt động")
        return {"ref": f"unit:{unit.code}", "kind": "unit", "code": unit.code, "name": unit.name}
    if kind == "org":
        code = code.upper()
        if not ORG_ID.match(code):
            raise ValueError(f"mã định danh {code} không hợp lệ")
        if code == settings.get("ORG_CODE"):
            raise ValueError("không gửi cho chính cơ quan mình")
        agency = agencies.get(code)
        if agency is None or not agency.active:
            raise ValueError(f"cơ quan {code} không có trong danh bạ liên thông")
        return {"ref": f"org:{code}", "kind": "org", "code": code, "name": agency.name}
    raise ValueError("phải có dạng unit:<mã> hoặc org:<mã định danh>")


def _signer(ref) -> User:
    user = db.session.query(User).filter_by(username=str(ref or "").removeprefix("user:"), active=True).one_or_none()
    if user is None or not user.has_role(Role.LEADER):
        raise ValueError("người ký phải là lãnh đạo Sở")
    return user


def _box(value, name: str, errors: dict):
    if value is None:
        return None
    try:
        box = [float(v) for v in value]
    except (TypeError, ValueError):
        box = []
    if (len(box) != 4 or not all(math.isfinite(v) for v in box)  # NaN passes every comparison below
            or box[2] <= box[0] or box[3] <= box[1] or min(box) < 0 or max(box) > 5000):
        errors[name] = "Khung phải là [x1, y1, x2, y2] (điểm PDF, gốc dưới-trái), x1 < x2, y1 < y2."
        return None
    return box


def _clean_layout(value, errors: dict) -> dict | None:
    """The drafter's positions for an uploaded final PDF (optional, any subset)."""
    if value in (None, "", {}):
        return None
    if not isinstance(value, dict):
        errors["layout"] = "Phải là đối tượng JSON."
        return None
    custom = {}
    for key in BOX_KEYS:
        box = _box(value.get(key), f"layout.{key}", errors)
        if box:
            custom[key] = box
    for key in ("page", "number_page"):
        if value.get(key) not in (None, ""):
            try:
                custom[key] = int(value[key])
                if custom[key] < 0:
                    raise ValueError
            except (TypeError, ValueError):
                errors[f"layout.{key}"] = "Số trang (tính từ 0) không hợp lệ."
    return custom or None


def clean_metadata(meta: dict, actor: User, *, partial: bool = False) -> dict:
    """Validated outgoing metadata; with ``partial`` only the fields given are returned. The document
    answered (``in_reply_to``) must be one ``actor`` may see."""
    f = Fields(meta)
    data = f.data
    given = (lambda name: name in data) if partial else (lambda name: True)
    out: dict = {}
    if data.get("secrecy") not in (None, "", Secrecy.NONE):
        raise SecretDocument(N_("Văn bản mật không được soạn, ký và gửi trên hệ thống."))
    if given("doc_type"):
        out["doc_type"] = f.choice("doc_type", list(DOC_TYPES), required=True)
    if given("subject"):
        out["subject"] = f.line("subject", required=True, max_len=1000)
    if given("urgency"):
        out["urgency"] = f.choice("urgency", Urgency.ALL, default=Urgency.NORMAL)
    if given("paper_copy"):
        out["paper_copy"] = f.flag("paper_copy")
    if given("body"):
        out["body"] = f.text("body", max_len=60000)
    if given("notes"):
        out["notes"] = f.text("notes", max_len=2000)
    if given("receivers"):
        value = data.get("receivers") or []
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        receivers = []
        if not isinstance(value, list):
            f.errors["receivers"] = "Phải là danh sách unit:<mã> hoặc org:<mã định danh>."
        for ref in value if isinstance(value, list) else ():
            try:
                receiver = parse_receiver(ref)
            except ValueError as exc:
                f.errors["receivers"] = f"{ref}: {exc}"
                continue
            if all(r["ref"] != receiver["ref"] for r in receivers):
                receivers.append(receiver)
        out["receivers"] = receivers
    if given("signer") and data.get("signer") not in (None, ""):
        try:
            out["signer"] = _signer(data.get("signer"))
        except ValueError as exc:
            f.errors["signer"] = str(exc)
    elif partial and "signer" in data:
        out["signer"] = None
    if given("in_reply_to") and data.get("in_reply_to") not in (None, ""):
        earlier_id = parse_id(data["in_reply_to"])
        earlier = db.session.get(Document, earlier_id) if earlier_id else None
        if earlier is None or earlier.direction != "incoming" or not can_view(actor, earlier):
            f.errors["in_reply_to"] = "Phải là mã một văn bản đến."
        else:
            out["in_reply_to_id"] = earlier.id
    if "layout" in data:
        out["custom_layout"] = _clean_layout(data.get("layout"), f.errors)
    f.raise_if_errors()
    return out


# --- drafting ----------------------------------------------------------------------------------

def can_draft(user: User) -> bool:
    return user.has_role(*DRAFTER_ROLES)


def drafter_of(document: Document) -> User | None:
    return document.created_by


def _apply(document: Document, cleaned: dict) -> None:
    custom = cleaned.pop("custom_layout", "unchanged")
    for key, value in cleaned.items():
        setattr(document, key, value)
    if "urgency" in cleaned:
        document.urgency_rank = Urgency.RANK[document.urgency]
    if custom != "unchanged":
        document.layout = {**(document.layout or {}), "custom": custom}
    if "signer" in cleaned:
        signer = cleaned["signer"]
        document.signer_name = signer.full_name if signer else None
        document.signer_position = signer.position if signer else None
    document.search_text = search_text(document)


def _start_data(document: Document, drafter: User, due: datetime | None = None) -> dict:
    # ``due``: the deadline of the incoming document a reply answers, shown on the reply's steps.
    return {"document_id": document.id, "drafter": drafter.username, "review_unit": drafter.unit_code,
            "needs_review": needs_review(drafter), "signer": document.signer.username if document.signer else None,
            "urgency": document.urgency, "due": due.isoformat() if due else None}


def needs_review(drafter: User) -> bool:
    """A specialist's draft is reviewed by the unit head; a unit head's or leader's is not."""
    return not drafter.has_role(Role.UNIT_HEAD, Role.LEADER)


def create(actor: User, meta: dict, files: list[Upload], annexes: list[Upload] = (), *,
           ticket: Ticket | None = None) -> Document:
    """A new outgoing draft (status ``draft``) and its issue-sign-send flow with a ``submit`` task.

    ``files`` are the main document (its last PDF is the text to sign unless the draft has a body);
    ``annexes`` are marked as annexes (phụ lục): they travel with it and are never the text signed."""
    if not can_draft(actor):
        raise Forbidden(N_("Chỉ chuyên viên, lãnh đạo phòng và lãnh đạo Sở được soạn văn bản đi."))
    cleaned = clean_metadata(meta, actor)
    checked = check(files, first_must_be_pdf=not cleaned.get("body"), texts=True) if files else []
    checked_annexes = check(list(annexes), first_must_be_pdf=False) if annexes else []
    new_blobs: list[str] = []
    try:
        with transaction():
            ctx = runtime.RunContext(actor=actor)
            now = ctx.when
            doc = Document(direction="outgoing", status="draft", source="internal", secrecy=Secrecy.NONE,
                           sender_org_id=settings.get("ORG_CODE"), sender_org_name=settings.get("ORG_NAME"),
                           created_by_id=actor.id, created_at=now, receivers=[])
            doc.created_by = actor
            _apply(doc, cleaned)
            db.session.add(doc)
            db.session.flush()
            _attach_files(doc, checked, checked_annexes, actor, new_blobs)
            ctx.document = doc
            history.set_status(doc, "draft", ctx, action="draft_created",
                               note=f"Trả lời văn bản đến mã {doc.in_reply_to_id}" if doc.in_reply_to_id else None)
            runtime.start(PROCESS, doc, _start_data(doc, actor), ctx)
            if ticket:
                ticket.remember(doc)
    except BaseException:
        forget_unreferenced(new_blobs)
        raise
    return doc


def _editable(actor: User, document: Document) -> None:
    if document.direction != "outgoing":
        raise NotFound(N_("Không tìm thấy dự thảo."))
    if document.created_by_id != actor.id:
        raise Forbidden(N_("Chỉ người soạn thảo được sửa dự thảo."))
    if document.status != "draft":
        raise Forbidden(N_("Dự thảo đã trình, không sửa được nữa (chờ trả lại nếu cần sửa)."))


def changed_fields(document: Document, cleaned: dict) -> list[str]:
    """The fields ``cleaned`` would really change on ``document`` (codes of FIELD_NAMES)."""
    changed = []
    for key, value in cleaned.items():
        if key == "custom_layout":
            if value != (document.layout or {}).get("custom"):
                changed.append("layout")
        elif key == "in_reply_to_id":
            if value != document.in_reply_to_id:
                changed.append("in_reply_to")
        elif key == "receivers":
            if [r["ref"] for r in value] != [r.get("ref") for r in document.receivers or ()]:
                changed.append("receivers")
        elif getattr(document, key) != value and not (getattr(document, key) in (None, "") and value in (None, "")):
            changed.append(key)
    return changed


def update_draft(actor: User, document: Document, meta: dict) -> Document:
    """Change the metadata, text or layout of a draft (its drafter, while it is a draft). Only real
    changes are recorded, with their Vietnamese names."""
    _editable(actor, document)
    cleaned = clean_metadata(meta, actor, partial=True)
    changed = changed_fields(document, cleaned)
    if not changed:
        return document
    with transaction():
        _apply(document, cleaned)
        history.record(document, "draft_updated", runtime.RunContext(actor=actor, document=document),
                       note="Sửa " + ", ".join(FIELD_NAMES.get(k, k) for k in changed),
                       details={"fields": changed})
    return document


def _attach_files(document: Document, checked: list, checked_annexes: list, actor: User, new_blobs: list) -> None:
    if checked:
        attach(document, checked, actor_id=actor.id, kind="draft", new_blobs=new_blobs)
    if checked_annexes:
        attach(document, checked_annexes, actor_id=actor.id, kind="annex", new_blobs=new_blobs)
    if checked or checked_annexes:
        signatures.check_attachments(document)  # its files, as attach() added them


def add_files(actor: User, document: Document, files: list[Upload], annexes: list[Upload] = (), *,
              ticket: Ticket | None = None) -> Document:
    """New versions of the draft file and new annexes (checked like every upload; never overwriting
    earlier ones)."""
    _editable(actor, document)
    if not files and not annexes:
        raise InvalidInput(N_("Chưa có tệp."), details={"files": "Chọn tệp văn bản hoặc phụ lục."})
    # A new version of the draft becomes the text the leader signs: a cut PDF is refused here too.
    checked = check(files, first_must_be_pdf=False, texts=True) if files else []
    checked_annexes = check(list(annexes), first_must_be_pdf=False) if annexes else []
    new_blobs: list[str] = []
    try:
        with transaction():
            _attach_files(document, checked, checked_annexes, actor, new_blobs)
            names = [u.name for u, _m in checked] + [f"phụ lục {u.name}" for u, _m in checked_annexes]
            history.record(document, "draft_file_added", runtime.RunContext(actor=actor, document=document),
                           note=", ".join(names))
            if ticket:
                ticket.remember(document)
    except BaseException:
        forget_unreferenced(new_blobs)
        raise
    return document


def start_reply(ctx, incoming: Document, *, note: str | None = None, due: datetime | None = None) -> Document:
    """Create the outgoing draft that answers ``incoming`` (the specialist's "reply" choice).

    The drafter completes it (text or file, receivers, signer) on the draft page, then submits.
    ``due`` is the incoming document's deadline: the reply's steps carry it.
    """
    now = ctx.when
    receivers = []
    if incoming.sender_org_id and incoming.sender_org_id != settings.get("ORG_CODE"):
        receivers = [{"ref": f"org:{incoming.sender_org_id}", "kind": "org", "code": incoming.sender_org_id,
                      "name": incoming.sender_org_name or incoming.sender_org_id}]
    draft = Document(
        direction="outgoing", status="draft", source="internal", doc_type="CV",
        subject=f"V/v trả lời văn bản số {incoming.number_notation} của {incoming.sender_org_name or ''}".strip(),
        sender_org_id=settings.get("ORG_CODE"), sender_org_name=settings.get("ORG_NAME"),
        receivers=receivers, urgency=incoming.urgency, urgency_rank=incoming.urgency_rank,
        in_reply_to_id=incoming.id, notes=note, created_by_id=ctx.actor.id if ctx.actor else None, created_at=now,
        due_on=due.date() if due else None)
    draft.created_by = ctx.actor
    db.session.add(draft)
    db.session.flush()
    draft.search_text = search_text(draft)
    history.record(draft, "draft_created", ctx, status="draft",
                   note=f"Dự thảo trả lời văn bản đến số {incoming.incoming_number}/{incoming.register_year}")
    history.record(incoming, "reply_drafted", ctx, note=f"Dự thảo trả lời: mã {draft.id}",
                   details={"reply_document_id": draft.id})
    if latest(PROCESS) is not None and ctx.actor is not None:
        runtime.start(PROCESS, draft, _start_data(draft, ctx.actor, due), runtime.RunContext(
            actor=ctx.actor, on_behalf_of=ctx.on_behalf_of, at=ctx.at, document=draft))
    return draft
