"""A reply keeps the incoming document open (Đ18.2): the lead line that chose "reply" waits in its
``handle_line`` diagram for one of two messages, sent by the reply's own issue-sign-send diagram:

- ``reply_issued`` when the reply is issued and sent: the line is done, the document completed;
- ``reply_abandoned`` when the drafter abandons it or a reviewer or signer rejects it for good:
  the line goes back to its holder, who chooses again.

Operators ``reply/issued`` and ``reply/abandoned`` deliver them, in the reply's transaction.
"""
from __future__ import annotations

from engine.db import db
from engine.models import Document, LineStatus, ProcessingLine, WorkflowInstance
from engine.workflow import runtime
from engine.workflow.operators import operator

ISSUED, ABANDONED = "reply_issued", "reply_abandoned"


def waiting_line(reply: Document) -> ProcessingLine | None:
    """The open processing line whose answer ``reply`` is, if any."""
    return (db.session.query(ProcessingLine)
            .filter(ProcessingLine.reply_document_id == reply.id, ProcessingLine.status.in_(LineStatus.OPEN))
            .first())


def tell_line(ctx, reply: Document, message: str, payload: dict) -> bool:
    """Deliver ``message`` to the diagram of the line waiting for ``reply``; False if none waits."""
    line = waiting_line(reply)
    instance = db.session.get(WorkflowInstance, line.instance_id) if line and line.instance_id else None
    if instance is None or instance.status != "running":
        return False
    loaded = runtime.load(instance, runtime.RunContext(actor=ctx.actor, on_behalf_of=ctx.on_behalf_of, at=ctx.at,
                                                       entered_late=ctx.entered_late, document=line.document))
    if not runtime.deliver(loaded, message, payload):
        return False
    runtime.save(loaded)
    return True


@operator("reply/issued", "Báo văn bản đến: văn bản trả lời đã ban hành (dòng chủ trì hoàn thành)")
def reply_issued(ctx, **_params) -> dict:
    reply = ctx.document
    told = tell_line(ctx, reply, ISSUED, {"reply_document_id": reply.id, "number": reply.number_notation,
                                          "reason": None})
    return {"answered": told}


@operator("reply/abandoned", "Báo văn bản đến: dự thảo trả lời không được ban hành (trở lại người xử lý)")
def reply_abandoned(ctx, reason=None, **_params) -> dict:
    reply = ctx.document
    told = tell_line(ctx, reply, ABANDONED, {"reply_document_id": reply.id, "number": None, "reason": reason})
    return {"answered": told}
