"""A status package from an agency we sent a document to (R-STATUS-1, R-LINK-2): recorded on that
document's delivery to the agency, with what it means for the document (refused, recall answered)."""
from __future__ import annotations

from engine import clock, history, settings
from engine.db import db
from engine.errors import N_
from engine.interconnection import recall
from engine.interconnection.errors import NotAddressedToUs, UnknownDocument
from engine.interconnection.outbound import RECALL_CODE, record_status
from engine.interconnection.received import Outcome, existing, record, store_once
from engine.models import Delivery
from engine.workflow.runtime import RunContext
from integrations import edxml

LABELS = {
    "01": N_("Đã đến"), "02": N_("Từ chối tiếp nhận"), "03": N_("Đã tiếp nhận"), "04": N_("Đã phân công"),
    "05": N_("Đang xử lý"), "06": N_("Đã xử lý xong"), "13": N_("Thu hồi văn bản"),
    "15": N_("Đồng ý thu hồi"), "16": N_("Từ chối thu hồi"),
}
# What the sending side's history says about a receiver's answer.
ACTIONS = {"02": "refused_by_receiver", "15": "recall_accepted", "16": "recall_rejected"}


def take_status(pkg: edxml.StatusPackage, data: bytes, via: str):
    """Record ``pkg`` on the delivery it answers; UnknownDocument when we never sent that document there."""
    sender = pkg.sender.organ_id.strip().upper()
    ref = pkg.response_for
    ours = settings.get("ORG_CODE")
    if ref.organ_id and ref.organ_id.strip().upper() != ours:
        if pkg.code == RECALL_CODE and ref.organ_id.strip().upper() == sender:
            # Some senders recall with a status 13 about their own document instead of a revoke package.
            return recall.take_request(pkg, [ref.document_id], pkg.description, data, via)
        raise NotAddressedToUs(N_("Gói tin trạng thái không nói về văn bản của cơ quan này."))
    delivery = (db.session.query(Delivery)
                .filter_by(edxml_document_id=ref.document_id, agency_code=sender).one_or_none())
    if delivery is None:
        raise UnknownDocument(N_("Không có văn bản %(id)s đã gửi cho %(agency)s."),
                              params={"id": ref.document_id, "agency": sender})
    key = f"status:{sender}:{ref.document_id}:{pkg.code}:{pkg.timestamp[:40]}"
    document_id = delivery.document_id

    def duplicate(_earlier) -> Outcome:
        return Outcome("status", document_id, code=pkg.code, duplicate=True)

    if (earlier := existing(key)) is not None:
        return duplicate(earlier)

    def work(_new_blobs: list) -> Outcome:
        at = pkg.at or clock.now()
        staff = " - ".join(filter(None, [pkg.staff.staff, pkg.staff.department]))[:300] or None
        record_status(delivery, pkg.code, at, pkg.description or LABELS[pkg.code], staff, pkg.timestamp[:40])
        if pkg.code == "15":
            delivery.recall_state = "accepted"
        elif pkg.code == "16":
            delivery.recall_state = "rejected"
        if pkg.code in ACTIONS:
            history.record(delivery.document, ACTIONS[pkg.code], RunContext(document=delivery.document),
                           note=f"{delivery.agency_name}: {pkg.description or LABELS[pkg.code]}")
        record(key, "status", pkg, data, via, code=pkg.code, document_id=delivery.document_id)
        return Outcome("status", delivery.document_id, code=pkg.code)

    return store_once(key, work, duplicate)
