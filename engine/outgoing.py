"""Outgoing documents: draft, review, sign, issue with number and seal, send (R-DRAFT-1, R-SIGN-1,
R-SEND-1, R-SEND-DEADLINE-1, R-URGENT-1, R-LEGAL-2).

The order of the steps lives in ``bpmn/issue_sign_send.bpmn``; this module supplies the verbs:

- drafting (:func:`create`, :func:`update_draft`, :func:`add_files`, :func:`preview`): metadata,
  the draft text Q-Office composes into the Decree 30 layout (``body``) or an uploaded final PDF
  to which Q-Office adds the number/date fields at positions the drafter can adjust (``layout``);
- task forms ``submit``, ``review``, ``sign``, ``issue``: validation only. ``submit`` builds the
  PDF to sign, ``sign``/``issue`` open the key with the PIN typed now; what they make is handed to
  the operators through ``ctx.secrets`` (never the workflow data, never the database);
- operators ``outgoing/submit``, ``outgoing/return``, ``outgoing/approve``, ``outgoing/sign``,
  ``outgoing/issue`` (number from the outgoing register of the year, date, organisation seal
  with a timestamp, in ONE incremental revision), ``outgoing/send``.

Files of an outgoing document, in order (attachments are never rewritten): ``draft`` (uploads),
``to_sign`` (the PDF shown to reviewer and leader), ``signed`` (leader's signature), ``issued``
(number, date and seal; always the last attachment).
"""
from __future__ import annotations

import io
import logging
import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import func

from engine import history, settings, signing_keys
from engine.incoming import signatures
from engine.db import db
from engine.doctypes import DOC_TYPES
from engine.errors import N_, DangerousContent, Forbidden, InvalidInput, NotFound
from engine.models import Attachment, Document, LineKind, LineStatus, ProcessingLine, Role, Unit, User
from engine.models.documents import Secrecy, Urgency
from engine.records.numbering import next_number
from engine.storage import store
from engine.workflow.forms import form
from engine.tx import transaction
from engine.incoming.uploads import Upload, attach, check, forget_unreferenced
from engine.validation import Fields
from engine.workflow import runtime
from engine.workflow.operators import operator
from engine.workflow.specs import latest

log = logging.getLogger(__name__)

PROCESS = "issue_sign_send"
DRAFTER_ROLES = (Role.SPECIALIST, Role.UNIT_HEAD, Role.LEADER)
BOX_KEYS = ("number_box", "date_box", "leader_box", "seal_box")


# --- receivers, signer ------------------------------------------------------------------------

def parse_receiver(ref) -> dict:
    """``unit:<code>`` (a division or affiliated unit: delivered internally) or ``org:<identifier
    code>`` (another agency: queued for the interconnection axis) → stored receiver."""
    name = None
    if isinstance(ref, dict):  # {"ref": "org:<code>", "name": "<agency name>"} or a stored receiver
        name = ref.get("name") if isinstance(ref.get("name"), str) else None
        ref = ref.get("ref") or (f"org:{ref['code']}" if ref.get("code") else "")
    if not isinstance(ref, str) or ":" not in ref:
        raise ValueError("phải có dạng unit:<mã> hoặc org:<mã định danh>")
    kind, _, code = ref.strip().partition(":")
    code = code.strip()
    if kind == "unit":
        unit = db.session.get(Unit, code)
        if unit is None or unit.kind == "department":
            raise ValueError(f"không có phòng, đơn vị {code}")
        return {"ref": f"unit:{unit.code}", "kind": "unit", "code": unit.code, "name": unit.name}
    if kind == "org":
        from engine.validation import ORG_ID

        code = code.upper()
        if not ORG_ID.match(code):
            raise ValueError(f"mã định danh {code} không hợp lệ")
        unit = db.session.get(Unit, code)
        if code == settings.get("ORG_CODE"):
            raise ValueError("không gửi cho chính cơ quan mình")
        name = (name or "").strip()[:300] or (unit.name if unit else code)
        return {"ref": f"org:{code}", "kind": "org", "code": code, "name": name}
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
    if len(box) != 4 or box[2] <= box[0] or box[3] <= box[1] or min(box) < 0 or max(box) > 5000:
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


def clean_metadata(meta: dict, *, partial: bool = False) -> dict:
    """Validated outgoing metadata; with ``partial`` only the fields given are returned."""
    f = Fields(meta)
    data = f.data
    given = (lambda name: name in data) if partial else (lambda name: True)
    out: dict = {}
    if data.get("secrecy") not in (None, "", Secrecy.NONE):
        from engine.errors import SecretDocument

        raise SecretDocument(N_("Văn bản mật không được soạn, ký và gửi trên hệ thống."))
    if given("doc_type"):
        out["doc_type"] = f.choice("doc_type", list(DOC_TYPES), required=True)
    if given("subject"):
        out["subject"] = f.text("subject", required=True, max_len=1000)
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
        try:
            earlier = db.session.get(Document, int(data["in_reply_to"]))
        except (TypeError, ValueError):
            earlier = None
        if earlier is None or earlier.direction != "incoming":
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
    from engine.incoming.registration import search_text

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


def _start_data(document: Document, drafter: User) -> dict:
    return {"document_id": document.id, "drafter": drafter.username, "review_unit": drafter.unit_code,
            "needs_review": needs_review(drafter), "signer": document.signer.username if document.signer else None,
            "urgency": document.urgency}


def needs_review(drafter: User) -> bool:
    """A specialist's draft is reviewed by the unit head; a unit head's or leader's is not."""
    return not drafter.has_role(Role.UNIT_HEAD, Role.LEADER)


def create(actor: User, meta: dict, files: list[Upload]) -> Document:
    """A new outgoing draft (status ``draft``) and its issue-sign-send flow with a ``submit`` task."""
    if not can_draft(actor):
        raise Forbidden(N_("Chỉ chuyên viên, lãnh đạo phòng và lãnh đạo Sở được soạn văn bản đi."))
    cleaned = clean_metadata(meta)
    checked = check(files, first_must_be_pdf=not cleaned.get("body")) if files else []
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
            if checked:
                attach(doc, checked, actor_id=actor.id, kind="draft", new_blobs=new_blobs)
                db.session.refresh(doc, ["attachments"])
                signatures.check_attachments(doc)
            ctx.document = doc
            history.set_status(doc, "draft", ctx, action="draft_created",
                               note=f"Trả lời văn bản đến mã {doc.in_reply_to_id}" if doc.in_reply_to_id else None)
            runtime.start(PROCESS, doc, _start_data(doc, actor), ctx)
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


def update_draft(actor: User, document: Document, meta: dict) -> Document:
    """Change the metadata, text or layout of a draft (its drafter, while it is a draft)."""
    _editable(actor, document)
    cleaned = clean_metadata(meta, partial=True)
    with transaction():
        _apply(document, cleaned)
        history.record(document, "draft_updated", runtime.RunContext(actor=actor, document=document),
                       note=", ".join(sorted(k for k in (meta or {}) if k != "body")) or None)
    return document


def add_files(actor: User, document: Document, files: list[Upload]) -> Document:
    """New versions of the draft file (checked like every upload; never overwriting earlier ones)."""
    _editable(actor, document)
    checked = check(files, first_must_be_pdf=False)
    new_blobs: list[str] = []
    try:
        with transaction():
            attach(document, checked, actor_id=actor.id, kind="draft", new_blobs=new_blobs)
            db.session.refresh(document, ["attachments"])
            signatures.check_attachments(document)
            history.record(document, "draft_file_added", runtime.RunContext(actor=actor, document=document),
                           note=", ".join(u.name for u, _m in checked))
    except BaseException:
        forget_unreferenced(new_blobs)
        raise
    return document


def start_reply(ctx, incoming: Document, *, note: str | None = None) -> Document:
    """Create the outgoing draft that answers ``incoming`` (the specialist's "reply" choice).

    The drafter completes it (text or file, receivers, signer) on the draft page, then submits.
    """
    from engine.incoming.registration import search_text

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
        in_reply_to_id=incoming.id, notes=note, created_by_id=ctx.actor.id if ctx.actor else None, created_at=now)
    draft.created_by = ctx.actor
    db.session.add(draft)
    db.session.flush()
    draft.search_text = search_text(draft)
    history.record(draft, "draft_created", ctx, status="draft",
                   note=f"Dự thảo trả lời văn bản đến số {incoming.incoming_number}/{incoming.register_year}")
    history.record(incoming, "reply_drafted", ctx, note=f"Dự thảo trả lời: mã {draft.id}",
                   details={"reply_document_id": draft.id})
    if latest(PROCESS) is not None and ctx.actor is not None:
        runtime.start(PROCESS, draft, _start_data(draft, ctx.actor), runtime.RunContext(
            actor=ctx.actor, on_behalf_of=ctx.on_behalf_of, at=ctx.at, document=draft))
    return draft


# --- the PDF to sign ---------------------------------------------------------------------------

_RENDER_LOCK = threading.Lock()


@dataclass
class Prepared:
    pdf: bytes
    layout: dict
    name: str


def agency_header() -> str:
    """The agency line of the header: the organisation name without the province (it is in the parent line)."""
    name = settings.get("ORG_NAME") or ""
    place = settings.get("ORG_PLACE") or ""
    return re.sub(rf"\s+tỉnh\s+{re.escape(place)}$", "", name) if place else name


def signer_lines(user: User | None) -> tuple[str, str]:
    """(competence line, position line) of the signature block: ``KT. GIÁM ĐỐC`` / ``PHÓ GIÁM ĐỐC``."""
    position = (user.position if user else "") or ""
    if position.lower().startswith("phó "):
        return "KT. " + position[4:].upper(), position.upper()
    return position.upper(), ""


def _archive_unit(document: Document) -> str:
    drafter = drafter_of(document)
    unit = drafter.unit if drafter else None
    return (unit.abbreviation or unit.code.upper()) if unit and unit.kind != "department" else ""


def draft_layout(document: Document):
    from integrations.pdf.compose import DraftLayout

    competence, position = signer_lines(document.signer)
    names = [r.get("name") or r.get("code") for r in document.receivers or ()]
    return DraftLayout(
        parent_name=settings.get("ORG_PARENT_NAME") or "", agency_name=agency_header(),
        place=settings.get("ORG_PLACE") or "", doc_type=document.doc_type, type_name="",
        subject=document.subject or "", body=document.body or "", receivers=names,
        archive_unit=_archive_unit(document), signer_competence=competence, signer_position=position,
        signer_name=document.signer.full_name if document.signer else "", urgency=document.urgency or "normal",
        addressees=names if document.doc_type == "CV" else [])


def latest_file(document: Document, kind: str) -> Attachment | None:
    rows = [a for a in document.attachments if a.kind == kind]
    return rows[-1] if rows else None


def _final_pdf(document: Document) -> Attachment | None:
    rows = [a for a in document.attachments if a.kind == "draft" and a.content_type == "application/pdf"]
    return rows[-1] if rows else None


def _default_boxes(pdf_bytes: bytes) -> tuple[dict, int]:
    """Sensible positions on an uploaded final PDF: number and date under the header of page 1,
    the signature bottom right of the last page."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        count = len(pdf.pages)
        first = [float(v) for v in pdf.pages[0].mediabox]
        last = [float(v) for v in pdf.pages[-1].mediabox]
    w, h = first[2] - first[0], first[3] - first[1]
    lw, lh = last[2] - last[0], last[3] - last[1]
    leader = [round(0.55 * lw + last[0], 1), round(0.14 * lh + last[1], 1), round(0.90 * lw + last[0], 1),
              round(0.26 * lh + last[1], 1)]
    return {"number_box": [round(0.09 * w + first[0], 1), round(0.80 * h + first[1], 1),
                           round(0.45 * w + first[0], 1), round(0.835 * h + first[1], 1)],
            "date_box": [round(0.48 * w + first[0], 1), round(0.80 * h + first[1], 1),
                         round(0.94 * w + first[0], 1), round(0.835 * h + first[1], 1)],
            "leader_box": leader, "page": count - 1, "number_page": 0}, count


def prepare_to_sign(document: Document) -> Prepared:
    """The PDF the leader signs, with the empty number/date fields; raises InvalidInput."""
    from integrations.pdf.signing import IssueError, add_issue_fields, seal_box_over

    name = f"trinh-ky-{document.id}.pdf"
    if (document.body or "").strip():
        from integrations.pdf.compose import render_draft

        try:
            with _RENDER_LOCK:  # weasyprint/pango with the shared font configuration is not thread-safe
                rendered = render_draft(draft_layout(document))
        except ValueError as exc:
            raise InvalidInput(N_("Không dựng được văn bản: %(detail)s"), params={"detail": str(exc)},
                               details={"body": str(exc)}) from None
        pdf = add_issue_fields(rendered.pdf, number_box=rendered.number_box, date_box=rendered.date_box, page=0)
        layout = {"mode": "composed", "number_box": list(rendered.number_box), "date_box": list(rendered.date_box),
                  "leader_box": list(rendered.leader_box), "seal_box": list(rendered.seal_box),
                  "page": rendered.page_index, "number_page": 0, "pages": rendered.page_count}
        return Prepared(pdf, layout, name)
    final = _final_pdf(document)
    if final is None:
        raise InvalidInput(N_("Chưa có nội dung văn bản: nhập nội dung để hệ thống dựng văn bản, "
                              "hoặc tải lên tệp PDF văn bản hoàn chỉnh."),
                           details={"body": "Nhập nội dung hoặc tải lên tệp PDF."})
    data = store().get(final.sha256)
    try:
        layout, pages = _default_boxes(data)
    except Exception as exc:  # pikepdf errors: a PDF the scanner let through but qpdf cannot open
        raise InvalidInput(N_("Không đọc được tệp PDF %(name)s."), params={"name": final.name},
                           details={"files": str(exc)[:200]}) from None
    layout.update((document.layout or {}).get("custom") or {})
    for key in ("page", "number_page"):
        if not 0 <= int(layout[key]) < pages:
            raise InvalidInput(N_("Số trang không hợp lệ (tệp có %(n)s trang)."), params={"n": pages},
                               details={f"layout.{key}": f"0 … {pages - 1}"})
    layout.setdefault("seal_box", list(seal_box_over(tuple(layout["leader_box"]))))
    layout.update(mode="uploaded", pages=pages, source_sha256=final.sha256)
    try:
        pdf = add_issue_fields(data, number_box=tuple(layout["number_box"]), date_box=tuple(layout["date_box"]),
                               page=int(layout["number_page"]))
    except IssueError as exc:
        raise InvalidInput(N_("Tệp PDF không dùng được để trình ký: %(detail)s"), params={"detail": str(exc)},
                           details={"files": str(exc)}) from None
    return Prepared(pdf, layout, name)


def preview(document: Document) -> bytes:
    """The PDF to sign as it would be built now (nothing stored)."""
    if document.status in ("draft",) or latest_file(document, "to_sign") is None:
        return prepare_to_sign(document).pdf
    return store().get(latest_file(document, "to_sign").sha256)


def _store_pdf(document: Document, data: bytes, name: str, kind: str, actor: User | None) -> Attachment:
    from engine import clock
    from engine.incoming.uploads import safe_name

    digest, _created = store().put(data)
    last = db.session.query(func.max(Attachment.position)).filter_by(document_id=document.id).scalar()
    row = Attachment(document_id=document.id, position=(last + 1) if last is not None else 0,
                     name=safe_name(name), content_type="application/pdf", size=len(data), sha256=digest,
                     kind=kind, created_at=clock.now(), created_by_id=actor.id if actor else None)
    db.session.add(row)
    document.attachments.append(row)
    signatures.check_attachment(row, data)
    return row


# --- number, date, images ------------------------------------------------------------------------

def notation_for(document: Document) -> str:
    """Decree 30: ``QĐ-<agency>`` for named types, ``<agency>-<drafting unit>`` for công văn."""
    agency = settings.get("ORG_ABBREVIATION")
    if document.doc_type == "CV":
        unit = _archive_unit(document)
        return f"{agency}-{unit}" if unit else agency
    return f"{document.doc_type}-{agency}"


def number_text(number: int) -> str:
    return f"{number:02d}"


def date_vi(day) -> str:
    """``ngày 05 tháng 01 năm 2026`` (Decree 30: days below 10 and months 1–2 with a leading zero)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


@lru_cache(maxsize=32)
def signature_image(seed: str) -> bytes:
    """A blue "handwritten" scribble (transparent PNG) standing in for a leader's signature image."""
    import hashlib

    from PIL import Image, ImageDraw

    digest = hashlib.sha256(seed.encode()).digest()
    img = Image.new("RGBA", (280, 110), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    points = [(10 + i * 36, 20 + digest[i] % 70) for i in range(8)]
    d.line(points, fill=(20, 40, 200, 255), width=5, joint="curve")
    d.line([(30, 95), (250, 88)], fill=(20, 40, 200, 255), width=3)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


@lru_cache(maxsize=1)
def seal_image() -> bytes:
    """A red round seal (transparent PNG) standing in for the organisation's seal image."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse((4, 4, 236, 236), outline=(220, 20, 20, 255), width=8)
    d.ellipse((34, 34, 206, 206), outline=(220, 20, 20, 255), width=4)
    d.regular_polygon((120, 120, 40), 5, fill=(220, 20, 20, 255))
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


# --- task forms ------------------------------------------------------------------------------

def completeness(document: Document) -> dict:
    problems = {}
    if not document.subject:
        problems["subject"] = "Bắt buộc nhập trích yếu."
    if not document.receivers:
        problems["receivers"] = "Chọn ít nhất một nơi nhận."
    if document.signer is None:
        problems["signer"] = "Chọn lãnh đạo ký."
    if not (document.body or "").strip() and _final_pdf(document) is None:
        problems["body"] = "Nhập nội dung hoặc tải lên tệp PDF văn bản."
    return problems


@form("submit")
def submit_form(ctx, document: Document, data: dict) -> dict:
    problems = completeness(document)
    if problems:
        raise InvalidInput(N_("Dự thảo chưa đủ thông tin để trình."), details=problems)
    ctx.secrets["to_sign"] = prepare_to_sign(document)
    drafter = drafter_of(document) or ctx.actor
    return {"signer": document.signer.username, "review_unit": drafter.unit_code,
            "needs_review": needs_review(drafter), "decision": None, "note": None}


def _decision(data: dict, go_ahead: str) -> tuple[str, str | None]:
    """(decision, note) of a review or sign form; returning a draft needs a note for the drafter."""
    f = Fields(data)
    decision = f.choice("decision", (go_ahead, "return"), required=True)
    note = f.text("note", max_len=4000)
    if decision == "return" and not note:
        f.errors["note"] = "Trả lại phải có ý kiến để người soạn sửa."
    f.raise_if_errors()
    return decision, note


@form("review")
def review_form(ctx, document: Document, data: dict) -> dict:
    decision, note = _decision(data, "approve")
    return {"decision": decision, "note": note}


@form("sign")
def sign_form(ctx, document: Document, data: dict) -> dict:
    decision, note = _decision(data, "sign")
    if decision == "sign":
        if latest_file(document, "to_sign") is None:
            raise InvalidInput(N_("Chưa có văn bản trình ký."))
        # Opening the key checks the PIN now: a wrong PIN stops here, before anything changes.
        ctx.secrets["leader_signer"] = signing_keys.open_signer(ctx.actor.username, data.get("pin"))
    return {"decision": decision, "note": note}


@form("issue")
def issue_form(ctx, document: Document, data: dict) -> dict:
    from integrations.scan import scan_file

    signed = latest_file(document, "signed")
    if signed is None:
        raise InvalidInput(N_("Văn bản chưa có chữ ký của người có thẩm quyền."))
    # R-SEC-1: the file is scanned again before it is issued.
    result = scan_file(store().get(signed.sha256), signed.name, clamd_socket=settings.get("CLAMD_SOCKET"))
    if result.verdict == "block":
        reasons = "; ".join(x.message_vi for x in result.findings if x.level == "block")
        raise DangerousContent(N_("Tệp %(name)s bị từ chối vì có nội dung nguy hiểm: %(reasons)s"),
                               params={"name": signed.name, "reasons": reasons},
                               details={"findings": [x.code for x in result.findings]})
    ctx.secrets["seal_signer"] = signing_keys.open_signer(signing_keys.seal_key_id(), data.get("pin"))
    return {}


# --- operators ------------------------------------------------------------------------------

def _secret(ctx, name: str):
    value = ctx.secrets.pop(name, None)
    if value is None:
        raise LookupError(f"{name} must be prepared by the task form of this step")
    return value


@operator("outgoing/submit", "Trình dự thảo: lưu văn bản trình ký (PDF có ô số, ngày)")
def submit_draft(ctx, **_params) -> dict:
    document = ctx.document
    prepared = _secret(ctx, "to_sign")
    custom = (document.layout or {}).get("custom")
    document.layout = {**prepared.layout, "custom": custom}
    row = _store_pdf(document, prepared.pdf, prepared.name, "to_sign", ctx.actor)
    history.set_status(document, "in_review", ctx, action="submitted",
                       note=f"Văn bản trình ký: {row.name}")
    return {"to_sign": row.sha256}


@operator("outgoing/return", "Trả lại dự thảo cho người soạn, kèm ý kiến")
def return_draft(ctx, note=None, step=None, **_params) -> dict:
    history.set_status(ctx.document, "draft", ctx, action=f"returned_{step}" if step in ("review", "sign")
                       else "returned", note=note)
    return {"returned": step}


@operator("outgoing/approve", "Duyệt dự thảo")
def approve_draft(ctx, note=None, **_params) -> dict:
    history.set_status(ctx.document, "approved", ctx, action="approved", note=note or None)
    return {"status": "approved"}


@operator("outgoing/sign", "Ký số của lãnh đạo (PAdES, chữ ký nhìn thấy, khóa mọi thứ trừ ô số, ngày, con dấu)")
def sign_document(ctx, note=None, **_params) -> dict:
    from integrations.pdf.signing import sign_as_leader

    document = ctx.document
    signer = _secret(ctx, "leader_signer")
    try:
        to_sign = latest_file(document, "to_sign")
        layout = document.layout
        user = ctx.actor
        signed = sign_as_leader(store().get(to_sign.sha256), signer, page=int(layout["page"]),
                                box=tuple(layout["leader_box"]), name=user.full_name, position=user.position or "",
                                location=settings.get("ORG_PLACE"), image_png=signature_image(user.username),
                                now=ctx.when)
    finally:
        signing_keys.close(signer)
    row = _store_pdf(document, signed, f"da-ky-{document.id}.pdf", "signed", ctx.actor)
    document.signed_at = ctx.when
    document.signer_name, document.signer_position = ctx.actor.full_name, ctx.actor.position
    history.set_status(document, "signed", ctx, action="signed",
                       note="; ".join(filter(None, [f"Ký số: {ctx.actor.full_name}", note])))
    return {"signed_at": ctx.when.isoformat(), "urgent": document.urgency != Urgency.NORMAL, "signed": row.sha256}


@operator("outgoing/issue", "Ban hành: cấp số, ngày trong sổ văn bản đi và ký số của cơ quan (con dấu, dấu thời gian)")
def issue_document(ctx, **_params) -> dict:
    from integrations.pdf.signing import issue_with_seal

    document = ctx.document
    seal = _secret(ctx, "seal_signer")
    try:
        when = ctx.when
        year = when.year
        number = next_number("outgoing", year)  # inside this transaction: gap-free
        notation = notation_for(document)
        text_number = f"{number_text(number)}/{notation}"
        layout = document.layout
        place = settings.get("ORG_PLACE")
        composed = layout.get("mode") == "composed"
        signed = latest_file(document, "signed")
        issued = issue_with_seal(
            store().get(signed.sha256), seal,
            number_text=text_number if composed else f"Số: {text_number}",
            date_text=date_vi(when.date()) if composed else f"{place}, {date_vi(when.date())}",
            seal_box=tuple(layout["seal_box"]), page=int(layout["page"]), timestamper=signing_keys.timestamper(),
            org_name=settings.get("ORG_NAME"), seal_png=seal_image(), location=place, now=when)
    finally:
        signing_keys.close(seal)
    document.number, document.notation, document.issued_on = number_text(number), notation, when.date()
    document.outgoing_year, document.outgoing_number, document.issued_at = year, number, when
    _store_pdf(document, issued, f"{document.number}-{notation}.pdf", "issued", ctx.actor)
    from engine.incoming.registration import search_text

    document.search_text = search_text(document)
    signatures.update_legal_standing(document)
    history.set_status(document, "issued", ctx, action="issued",
                       note=f"Số {document.number_notation}, {date_vi(when.date())}; ký số của cơ quan")
    return {"number": document.number, "notation": notation}


def deliver_internal(ctx, document: Document, issued: Attachment, unit: Unit) -> Document:
    """The issued document as an internal incoming document of ``unit``, waiting in its head's queue."""
    from engine.processing import lines
    from engine.deadlines.calendar_service import current_calendar
    from engine.incoming.registration import search_text

    now = ctx.when
    copy = Document(direction="incoming", status="accepted", source="internal", secrecy=Secrecy.NONE,
                    sender_org_id=settings.get("ORG_CODE"), sender_org_name=settings.get("ORG_NAME"),
                    receivers=[{"ref": f"unit:{unit.code}", "kind": "unit", "code": unit.code, "name": unit.name}],
                    number=document.number, notation=document.notation, issued_on=document.issued_on,
                    doc_type=document.doc_type, subject=document.subject, signer_name=document.signer_name,
                    signer_position=document.signer_position, urgency=document.urgency,
                    urgency_rank=document.urgency_rank, received_at=now, legal_standing=document.legal_standing,
                    notes=f"Văn bản nội bộ (văn bản đi mã {document.id})",
                    created_by_id=ctx.actor.id if ctx.actor else None, created_at=now)
    db.session.add(copy)
    db.session.flush()
    db.session.add(Attachment(document_id=copy.id, position=0, name=issued.name, content_type=issued.content_type,
                              size=issued.size, sha256=issued.sha256, kind="original", signatures=issued.signatures,
                              created_at=now, created_by_id=ctx.actor.id if ctx.actor else None))
    copy.search_text = search_text(copy)
    sub = runtime.RunContext(actor=ctx.actor, on_behalf_of=ctx.on_behalf_of, at=ctx.at, document=copy)
    history.set_status(copy, "accepted", sub, action="received_internal",
                       note=f"Văn bản {document.number_notation} của {settings.get('ORG_NAME')}")
    due = current_calendar().add_working_days(now, settings.get("DEFAULT_PROCESS_DAYS"))
    line = ProcessingLine(document_id=copy.id, kind=LineKind.LEAD, target_type="unit", unit_code=unit.code,
                          status=LineStatus.WAITING, started_at=now, due_at=due,
                          created_by_id=ctx.actor.id if ctx.actor else None)
    db.session.add(line)
    copy.due_on = due.date()
    history.set_status(copy, "routed", sub, action="routed", note=f"{LineKind.LABELS[LineKind.LEAD]}: {unit.name}")
    lines._start_line(sub, copy, line)
    return copy


@operator("outgoing/send", "Gửi văn bản: nội bộ vào hộp văn bản đến của đơn vị, cơ quan ngoài qua trục liên thông")
def send_document(ctx, **_params) -> dict:
    from engine.outbox import enqueue

    document = ctx.document
    issued = latest_file(document, "issued")
    now = ctx.when
    delivered, queued, out = 0, 0, []
    for receiver in document.receivers or ():
        receiver = dict(receiver)
        if receiver.get("kind") == "unit":
            unit = db.session.get(Unit, receiver["code"])
            copy = deliver_internal(ctx, document, issued, unit)
            receiver.update(status="delivered", document_id=copy.id, sent_at=now.isoformat())
            delivered += 1
        else:
            key = f"send:{document.id}:{receiver['code']}"
            enqueue("edxml_document", key, {
                "to_organ_id": receiver["code"], "to_organ_name": receiver.get("name"),
                "from_organ_id": settings.get("ORG_CODE"), "from_organ_name": settings.get("ORG_NAME"),
                "document_id": document.id, "number": document.number, "notation": document.notation,
                "issued_on": document.issued_on.isoformat() if document.issued_on else None,
                "doc_type": document.doc_type, "subject": document.subject, "urgency": document.urgency,
                "signer_name": document.signer_name, "signer_position": document.signer_position,
                "file": {"name": issued.name, "sha256": issued.sha256, "size": issued.size},
                "paper_copy": document.paper_copy,
            }, document_id=document.id)
            receiver.update(status="queued", outbox_key=key, sent_at=now.isoformat())
            queued += 1
        out.append(receiver)
    document.receivers = out
    document.sent_at = now
    names = ", ".join(r.get("name") or r.get("code") for r in out)
    history.set_status(document, "sent", ctx, action="sent",
                       note=f"Gửi điện tử tới: {names}" + (" · có gửi kèm bản giấy" if document.paper_copy else ""))
    return {"delivered": delivered, "queued": queued}


def register(year: int | None = None) -> list[Document]:
    """The outgoing register (R-REPORT-2): issued documents of ``year`` (default: this year) by number."""
    from engine import clock

    year = year or clock.today().year
    return (db.session.query(Document)
            .filter(Document.direction == "outgoing", Document.outgoing_year == year)
            .order_by(Document.outgoing_number).all())
