"""Sending an issued document (R-SEND-1): to a unit of the department as an internal incoming
document, to another agency through the interconnection axis. Operator ``outgoing/send``."""
from __future__ import annotations

from engine import history
from engine.db import db
from engine.incoming.internal import deliver_internal
from engine.interconnection.outbound import queue_document
from engine.models import Unit
from engine.outgoing.preparing import latest_file
from engine.workflow.operators import operator


@operator("outgoing/send", "Gửi văn bản: nội bộ vào hộp văn bản đến của đơn vị, cơ quan ngoài qua trục liên thông")
def send_document(ctx, **_params) -> dict:
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
            key = queue_document(document, issued, receiver)
            receiver.update(status="queued", outbox_key=key, sent_at=now.isoformat())
            queued += 1
        out.append(receiver)
    document.receivers = out
    document.sent_at = now
    names = ", ".join(r.get("name") or r.get("code") for r in out)
    history.set_status(document, "sent", ctx, action="sent",
                       note=f"Gửi điện tử tới: {names}" + (" · có gửi kèm bản giấy" if document.paper_copy else ""))
    return {"delivered": delivered, "queued": queued}
