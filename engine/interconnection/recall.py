"""Recalling a document (R-RECALL-1, Đ8.2, Đ9.4).

Sending side: the issuing clerk or a leader recalls an issued document with a reason; every other
agency gets a revoke package (our code 13 on its delivery), a unit of the department loses its copy
at once. Receiving side: the recall request starts the ``recall`` diagram, whose clerk task accepts
(15: the document becomes ``recalled``, its open work is cancelled, the history says why) or rejects
(16) it; the answer goes back to the sender.
"""
from __future__ import annotations

import hashlib

from engine import history
from engine.db import db
from engine.errors import N_, Conflict, Forbidden, InvalidInput
from engine.interconnection.errors import UnknownDocument
from engine.interconnection.outbound import queue_recall, queue_status, response_for
from engine.interconnection.received import Outcome, existing, record, store_once
from engine.models import (
    Delivery,
    Document,
    HistoryEvent,
    LineStatus,
    ProcessingLine,
    ReceivedPackage,
    Role,
    User,
    WorkflowInstance,
)
from engine.tx import transaction
from engine.validation import Fields
from engine.workflow import runtime
from engine.workflow.forms import form
from engine.workflow.operators import operator

PROCESS = "recall"


def original_of(sender: str, ids: list[str]) -> Document:
    """The document that arrived from ``sender`` under one of ``ids`` (its first id or a replacement's)."""
    row = (db.session.query(ReceivedPackage)
           .filter(ReceivedPackage.sender_code == sender, ReceivedPackage.kind == "document",
                   ReceivedPackage.business.in_(("new", "replace")), ReceivedPackage.outcome == "taken",
                   ReceivedPackage.edxml_document_id.in_([i for i in ids if i]))
           .order_by(ReceivedPackage.id).first())
    if row is None or row.document_id is None:
        raise UnknownDocument(N_("Chưa từng nhận văn bản %(id)s từ %(sender)s."),
                              params={"id": ids[0] if ids else "", "sender": sender})
    return db.session.get(Document, row.document_id)


# --- sending side ---------------------------------------------------------------------------------

def can_recall(user: User, document: Document) -> bool:
    return (document.direction == "outgoing" and document.status in ("issued", "sent")
            and user.has_role(Role.CLERK, Role.LEADER))


def recall(actor: User, document: Document, data: dict) -> Document:
    """Recall an issued document from every receiver, with a reason; one transaction."""
    f = Fields(data)
    reason = f.text("reason", required=True, max_len=2000)
    f.raise_if_errors(N_("Thu hồi văn bản phải có lý do."))
    if document.direction != "outgoing" or document.status not in ("issued", "sent"):
        raise Conflict(N_("Chỉ thu hồi được văn bản đi đã ban hành (văn bản này: %(status)s)."),
                       params={"status": document.status}, code="not_recallable")
    if not actor.has_role(Role.CLERK, Role.LEADER):
        raise Forbidden(N_("Chỉ văn thư hoặc lãnh đạo được thu hồi văn bản đã ban hành."))
    with transaction():
        ctx = runtime.RunContext(actor=actor, document=document)
        for delivery in db.session.query(Delivery).filter_by(document_id=document.id).order_by(Delivery.id):
            queue_recall(document, delivery, reason, ctx)
        for receiver in document.receivers or ():
            copy = db.session.get(Document, receiver["document_id"]) if receiver.get("document_id") else None
            if copy is not None and copy.status != "recalled":
                withdraw(runtime.RunContext(actor=actor, document=copy), copy,
                         f"{document.sender_org_name} thu hồi văn bản: {reason}")
        history.set_status(document, "recalled", ctx, action="recall_requested", note=reason)
    return document


def withdraw(ctx, document: Document, reason: str) -> None:
    """The document becomes ``recalled``: its other running flows are cancelled (their tasks close),
    its open processing lines are closed, and the history says why."""
    for instance in db.session.query(WorkflowInstance).filter_by(document_id=document.id, status="running"):
        if ctx.instance is None or instance.id != ctx.instance.id:
            runtime.cancel(instance, runtime.RunContext(actor=ctx.actor, on_behalf_of=ctx.on_behalf_of,
                                                        at=ctx.at, document=document))
    for line in db.session.query(ProcessingLine).filter(ProcessingLine.document_id == document.id,
                                                        ProcessingLine.status.in_(LineStatus.OPEN)):
        line.status, line.finished_at, line.note = LineStatus.CLOSED, ctx.when, f"Văn bản bị thu hồi: {reason}"
    history.set_status(document, "recalled", ctx, action="recalled", note=reason)


# --- receiving side -------------------------------------------------------------------------------

def take_request(pkg, ids: list[str], reason: str, data: bytes, via: str) -> Outcome:
    """A recall request from the sender of a document that arrived here: a task for the clerks. The
    same request again (however it travelled: a revoke package or a status 13) changes nothing."""
    sender = pkg.sender.organ_id.strip().upper()
    original = original_of(sender, ids)
    original_id = original.id
    # Once our clerk has refused a request, the same request sent again is a new one to decide.
    refused = db.session.query(HistoryEvent).filter_by(document_id=original_id, action="recall_refused").count()
    digest = hashlib.sha256((reason or "").strip().encode("utf-8")).hexdigest()[:16]
    key = f"revoke:{sender}:{ids[0]}:{digest}:{refused}"

    def duplicate(_earlier) -> Outcome:
        return Outcome("document", original_id, "revoke", duplicate=True)

    if (earlier := existing(key)) is not None:
        return duplicate(earlier)

    def work(_new_blobs: list) -> Outcome:
        row = record(key, "document", pkg, data, via, business="revoke", document_id=original.id, reason=reason)
        db.session.flush()
        ctx = runtime.RunContext(document=original)
        history.record(original, "recall_received", ctx, note=f"{original.sender_org_name}: {reason or 'không nêu lý do'}")
        if original.status != "recalled":
            runtime.start(PROCESS, original, {"document_id": original.id, "package_id": row.id, "sender": sender,
                                              "reason": reason or ""}, ctx)
        return Outcome("document", original.id, "revoke")

    return store_once(key, work, duplicate)


@form("decide_recall")
def decide_recall_form(ctx, document: Document, data: dict) -> dict:
    f = Fields(data)
    decision = f.choice("decision", ("accept", "reject"), required=True)
    note = f.text("note", max_len=2000)
    if decision == "reject" and not note:
        f.errors["note"] = "Từ chối thu hồi phải nêu lý do."
    f.raise_if_errors()
    return {"decision": decision, "note": note}


def _answer(ctx, code: str, description: str, package_id: int, sender: str) -> None:
    document = ctx.document
    queue_status(document, sender, code, description, response_for(document),
                 key=f"recall:{document.id}:{package_id}:{code}", ctx=ctx)


@operator("interconnection/accept_recall", "Đồng ý thu hồi: hủy văn bản đến, đóng mọi việc đang mở, báo nơi gửi (15)")
def accept_recall(ctx, reason: str = "", note: str = "", package_id: int = 0, sender: str = "", **_params) -> dict:
    withdraw(ctx, ctx.document, "; ".join(filter(None, [f"Nơi gửi thu hồi: {reason}" if reason else "Nơi gửi thu hồi",
                                                        note])))
    _answer(ctx, "15", "Đồng ý thu hồi văn bản" + (f": {note}" if note else ""), package_id, sender)
    return {"status": "recalled"}


@operator("interconnection/reject_recall", "Từ chối thu hồi, báo nơi gửi lý do (16)")
def reject_recall(ctx, note: str = "", package_id: int = 0, sender: str = "", **_params) -> dict:
    if not note:
        raise InvalidInput(N_("Từ chối thu hồi phải nêu lý do."), details={"note": "Bắt buộc nhập lý do."})
    history.record(ctx.document, "recall_refused", ctx, note=note)
    _answer(ctx, "16", f"Từ chối thu hồi văn bản: {note}", package_id, sender)
    return {"status": ctx.document.status}
