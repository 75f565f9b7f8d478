"""Preparing the PDF to sign (R-DRAFT-1, R-SIGN-1): compose the draft text in the Decree 30 layout
or take the uploaded final PDF, add the empty number/date fields, submit it, review it.

Task forms ``submit`` and ``review`` validate only; ``submit`` builds the PDF to sign and hands it
to the ``outgoing/submit`` operator through ``ctx.secrets`` (never the workflow data). Operators
``outgoing/submit``, ``outgoing/return``, ``outgoing/approve``.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass

from sqlalchemy import func

from engine import clock, history, settings
from engine.db import db
from engine.errors import N_, InvalidInput
from engine.incoming import signatures
from engine.incoming.uploads import safe_name
from engine.models import Attachment, Document, User
from engine.notifications import events
from engine.outgoing.drafting import drafter_of, needs_review
from engine.storage import store
from engine.validation import Fields
from engine.workflow.forms import form
from engine.workflow.operators import DiagramReferenceError, Param, operator


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


def archive_unit(document: Document) -> str:
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
        archive_unit=archive_unit(document), signer_competence=competence, signer_position=position,
        signer_name=document.signer.full_name if document.signer else "", urgency=document.urgency or "normal",
        addressees=names if document.doc_type == "CV" else [])


def latest_file(document: Document, kind: str) -> Attachment | None:
    rows = [a for a in document.attachments if a.kind == kind]
    return rows[-1] if rows else None


def _final_pdf(document: Document) -> Attachment | None:
    rows = [a for a in document.attachments if a.kind == "draft" and a.content_type == "application/pdf"]
    return rows[-1] if rows else None


def _default_boxes(pdf_bytes: bytes) -> tuple[dict, list[list[float]]]:
    """Sensible positions on an uploaded final PDF (number and date under the header of page 1, the
    signature bottom right of the last page), and the box of every page."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        page_boxes = [_page_box(page) for page in pdf.pages]
    if not page_boxes:
        raise InvalidInput(N_("Tệp PDF không có trang nào."), details={"files": "0 trang"})
    first, last = page_boxes[0], page_boxes[-1]
    w, h = first[2] - first[0], first[3] - first[1]
    lw, lh = last[2] - last[0], last[3] - last[1]
    leader = [round(0.55 * lw + last[0], 1), round(0.14 * lh + last[1], 1), round(0.90 * lw + last[0], 1),
              round(0.26 * lh + last[1], 1)]
    return {"number_box": [round(0.09 * w + first[0], 1), round(0.80 * h + first[1], 1),
                           round(0.45 * w + first[0], 1), round(0.835 * h + first[1], 1)],
            "date_box": [round(0.48 * w + first[0], 1), round(0.80 * h + first[1], 1),
                         round(0.94 * w + first[0], 1), round(0.835 * h + first[1], 1)],
            "leader_box": leader, "page": len(page_boxes) - 1, "number_page": 0}, page_boxes


def prepare_to_sign(document: Document) -> Prepared:
    """The PDF the leader signs, with the empty number/date fields; raises InvalidInput."""
    from integrations.pdf.signing import AlreadySigned, FieldNameTaken, IssueError, add_issue_fields, seal_box_over

    name = f"trinh-ky-{document.id}.pdf"
    if (document.body or "").strip():
        from integrations.pdf.compose import render_draft

        try:
            rendered = render_draft(draft_layout(document))  # serialised by compose.RENDER_LOCK
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
        layout, page_boxes = _default_boxes(data)
    except InvalidInput:  # no page: said as such
        raise
    except Exception as exc:  # pikepdf errors: a PDF the scanner let through but qpdf cannot open
        raise InvalidInput(N_("Không đọc được tệp PDF %(name)s."), params={"name": final.name},
                           details={"files": str(exc)[:200]}) from None
    layout.update((document.layout or {}).get("custom") or {})
    pages = len(page_boxes)
    for key in ("page", "number_page"):
        if not 0 <= int(layout[key]) < pages:
            raise InvalidInput(N_("Số trang không hợp lệ (tệp có %(n)s trang)."), params={"n": pages},
                               details={f"layout.{key}": f"0 … {pages - 1}"})
    layout.setdefault("seal_box", list(seal_box_over(tuple(layout["leader_box"]))))
    layout.update(mode="uploaded", pages=pages, source_sha256=final.sha256)
    _check_boxes(page_boxes, layout)
    try:
        pdf = add_issue_fields(data, number_box=tuple(layout["number_box"]), date_box=tuple(layout["date_box"]),
                               page=int(layout["number_page"]))
    except AlreadySigned as exc:  # another agency's software signed it: ours would break that signature
        raise InvalidInput(N_("Tệp PDF %(name)s đã có chữ ký số nên không thêm được số, ngày và chữ ký của "
                              "Q-Office. Hãy tải lên bản chưa ký."), params={"name": final.name},
                           details={"files": str(exc)}) from None
    except FieldNameTaken as exc:
        raise InvalidInput(N_("Tệp PDF đã có trường biểu mẫu tên “%(field)s”, trùng với trường Q-Office dùng để "
                              "ký hoặc ghi số, ngày. Hãy xuất lại tệp PDF không có trường này."),
                           params={"field": exc.name}, details={"files": str(exc)}) from None
    except IssueError as exc:
        raise InvalidInput(N_("Tệp PDF không dùng được để trình ký: %(detail)s"), params={"detail": str(exc)},
                           details={"files": str(exc)}) from None
    return Prepared(pdf, layout, name)


MIN_BOX_WIDTH, MIN_BOX_HEIGHT = 20, 10  # points: room for a number, a date or a signature's text
BOX_NAMES = {"number_box": N_("ô số, ký hiệu"), "date_box": N_("ô ngày ban hành"), "leader_box": N_("ô chữ ký"),
             "seal_box": N_("ô dấu cơ quan")}


def _page_box(page) -> list[float]:
    """A page's MediaBox as (x1, y1, x2, y2) with x1 < x2 and y1 < y2 (some files write it upside down)."""
    x1, y1, x2, y2 = (float(v) for v in page.mediabox)
    return [min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)]


def _check_boxes(page_boxes: list[list[float]], layout: dict) -> None:
    """Each box large enough for its text and inside the page it is on: a box off the page or of no size
    made signing or issuing fail after the leader had signed."""
    for key, what in BOX_NAMES.items():
        x1, y1, x2, y2 = (float(v) for v in layout[key])
        px1, py1, px2, py2 = page_boxes[int(layout["number_page" if key in ("number_box", "date_box") else "page"])]
        if x2 - x1 < MIN_BOX_WIDTH or y2 - y1 < MIN_BOX_HEIGHT or x1 < px1 or y1 < py1 or x2 > px2 or y2 > py2:
            raise InvalidInput(N_("Vị trí %(what)s không hợp lệ: phải nằm trong trang (%(width)s × %(height)s điểm) "
                                  "và rộng ít nhất %(min_w)s, cao ít nhất %(min_h)s điểm."),
                               params={"what": what, "width": round(px2 - px1), "height": round(py2 - py1),
                                       "min_w": MIN_BOX_WIDTH, "min_h": MIN_BOX_HEIGHT},
                               details={f"layout.{key}": f"[{px1}, {py1}, {px2}, {py2}]"})


# Rendered previews by content: the drafter's page asks for the preview on every visit, and each
# render holds the weasyprint lock that every other render waits for.
_PREVIEWS: OrderedDict[str, bytes] = OrderedDict()
_PREVIEWS_LOCK = threading.Lock()
PREVIEW_CACHE_SIZE = 32


def _content_key(document: Document) -> str:
    """A hash of everything the PDF to sign is made of."""
    final = _final_pdf(document)
    composed = bool((document.body or "").strip())
    inputs = {"id": document.id, "layout": asdict(draft_layout(document)) if composed else None,
              "final": None if composed or final is None else final.sha256,
              "custom": (document.layout or {}).get("custom")}
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()


def preview(document: Document) -> bytes:
    """The PDF to sign as it would be built now (nothing stored), rendered once per content."""
    submitted = latest_file(document, "to_sign")
    if document.status != "draft" and submitted is not None:
        return store().get(submitted.sha256)
    key = _content_key(document)
    with _PREVIEWS_LOCK:
        pdf = _PREVIEWS.get(key)
        if pdf is not None:
            _PREVIEWS.move_to_end(key)
            return pdf
    pdf = prepare_to_sign(document).pdf
    with _PREVIEWS_LOCK:
        _PREVIEWS[key] = pdf
        while len(_PREVIEWS) > PREVIEW_CACHE_SIZE:
            _PREVIEWS.popitem(last=False)
    return pdf


def store_pdf(document: Document, data: bytes, name: str, kind: str, actor: User | None,
              content_type: str = "application/pdf") -> Attachment:
    """A file the system made (to sign, signed, issued; annexes as issued) added after the others."""
    digest, _created = store().put(data)
    last = db.session.query(func.max(Attachment.position)).filter_by(document_id=document.id).scalar()
    row = Attachment(document_id=document.id, position=(last + 1) if last is not None else 0,
                     name=safe_name(name), content_type=content_type, size=len(data), sha256=digest,
                     kind=kind, created_at=clock.now(), created_by_id=actor.id if actor else None)
    # Only through the list: added to the session first, the row would be flushed by the list's own
    # loading and then appended a second time (the answer would show the file twice).
    document.attachments.append(row)
    signatures.check_attachment(row, data)
    return row


# --- submit and review ------------------------------------------------------------------------

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
    f = Fields(data)
    decision = f.choice("decision", ("submit", "abandon"), default="submit")
    reason = f.text("note", max_len=4000)
    if decision == "abandon" and not reason:
        f.errors["note"] = "Hủy dự thảo phải ghi lý do."
    f.raise_if_errors()
    if decision == "abandon":
        return {"decision": "abandon", "note": reason}
    problems = completeness(document)
    if problems:
        raise InvalidInput(N_("Dự thảo chưa đủ thông tin để trình."), details=problems)
    ctx.secrets["to_sign"] = prepare_to_sign(document)
    drafter = drafter_of(document) or ctx.actor
    return {"signer": document.signer.username, "review_unit": drafter.unit_code,
            "needs_review": needs_review(drafter), "decision": "submit", "note": None}


def decision_of(data: dict, go_ahead: str) -> tuple[str, str | None]:
    """(decision, note) of a review or sign form: go ahead, return to the drafter for changes, or
    reject for good (the draft will not be issued). Returning or rejecting needs a note."""
    f = Fields(data)
    decision = f.choice("decision", (go_ahead, "return", "reject"), required=True)
    note = f.text("note", max_len=4000)
    if decision == "return" and not note:
        f.errors["note"] = "Trả lại phải có ý kiến để người soạn sửa."
    if decision == "reject" and not note:
        f.errors["note"] = "Không ban hành phải ghi lý do."
    f.raise_if_errors()
    return decision, note


@form("review")
def review_form(ctx, document: Document, data: dict) -> dict:
    decision, note = decision_of(data, "approve")
    return {"decision": decision, "note": note}


def take_secret(ctx, name: str):
    value = ctx.secrets.pop(name, None)
    if value is None:
        raise DiagramReferenceError(f"{name} must be prepared by the task form of this step")
    return value


@operator("outgoing/submit", "Trình dự thảo: lưu văn bản trình ký (PDF có ô số, ngày)")
def submit_draft(ctx, **_params) -> dict:
    document = ctx.document
    prepared = take_secret(ctx, "to_sign")
    custom = (document.layout or {}).get("custom")
    document.layout = {**prepared.layout, "custom": custom}
    row = store_pdf(document, prepared.pdf, prepared.name, "to_sign", ctx.actor)
    history.set_status(document, "in_review", ctx, action="submitted",
                       note=f"Văn bản trình ký: {row.name}")
    return {"to_sign": row.sha256}


@operator("outgoing/return", "Trả lại dự thảo cho người soạn, kèm ý kiến", params=(
    Param("note", N_("Ý kiến khi trả lại"), example="note"),
    Param("step", N_("Bước trả lại: 'review' (lãnh đạo phòng) hoặc 'sign' (lãnh đạo Sở)"), example="'review'")))
def return_draft(ctx, note=None, step=None, **_params) -> dict:
    history.set_status(ctx.document, "draft", ctx, action=f"returned_{step}" if step in ("review", "sign")
                       else "returned", note=note)
    events.draft_returned(ctx, ctx.document, note)
    return {"returned": step}


@operator("outgoing/abandon", "Hủy dự thảo: không ban hành (người soạn hủy hoặc lãnh đạo không duyệt, không ký)",
          params=(Param("note", N_("Lý do hủy"), example="note"),))
def abandon_draft(ctx, note=None, **_params) -> dict:
    document = ctx.document
    history.set_status(document, "deleted", ctx, action="abandoned", note=note)
    if ctx.actor is not None and document.created_by_id != ctx.actor.id:
        events.draft_returned(ctx, document, note)
    return {"status": "deleted"}


@operator("outgoing/approve", "Duyệt dự thảo", params=(Param("note", N_("Ý kiến khi duyệt"), example="note"),))
def approve_draft(ctx, note=None, **_params) -> dict:
    history.set_status(ctx.document, "approved", ctx, action="approved", note=note or None)
    return {"status": "approved"}
