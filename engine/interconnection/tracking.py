"""Where documents stand between agencies (R-LINK-2): per receiving agency the delivery state,
attempts and every reported status; the clerks' axis queue; and, for the leaders, documents sent but
not received or not accepted after some working days."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_

from engine import clock, settings
from engine.db import db
from engine.deadlines.calendar_service import current_calendar
from engine.errors import N_, Forbidden
from engine.models import Delivery, Document, InboxTask, OutboxMessage, ReceivedPackage, Role, User
from engine.processing import delegations

QUEUE_SIZE = 50
KINDS = ("edxml_document", "edxml_status")


def deliveries_of(document: Document) -> list[Delivery]:
    return db.session.query(Delivery).filter_by(document_id=document.id).order_by(Delivery.id).all()


def require_clerk(user: User) -> None:
    if not user.has_role(Role.CLERK, Role.LEADER, Role.ADMIN):
        raise Forbidden(N_("Chỉ văn thư, lãnh đạo và quản trị xem được hàng đợi trục liên thông."))


@dataclass
class AxisQueue:
    waiting_verify: list[InboxTask]  # documents from the axis waiting for the clerk's check
    recall_tasks: list[InboxTask]  # recall requests from senders
    outgoing: list[OutboxMessage]  # packages not (yet) accepted by the axis
    rejected: list[ReceivedPackage]  # packages we could not take in
    sent_today: int


def axis_queue(user: User) -> AxisQueue:
    require_clerk(user)
    from_axis = db.session.query(ReceivedPackage.document_id).filter_by(kind="document", business="new",
                                                                       outcome="taken")
    open_tasks = db.session.query(InboxTask).filter(InboxTask.status == "open")
    midnight = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    return AxisQueue(
        waiting_verify=open_tasks.filter(InboxTask.name == "verify", InboxTask.document_id.in_(from_axis))
        .order_by(InboxTask.urgency_rank.desc(), InboxTask.created_at).limit(QUEUE_SIZE).all(),
        recall_tasks=open_tasks.filter(InboxTask.name == "decide_recall").order_by(InboxTask.created_at).all(),
        outgoing=db.session.query(OutboxMessage).filter(
            OutboxMessage.kind.in_(KINDS), OutboxMessage.status.in_(("pending", "sending", "failed", "held")))
        .order_by(OutboxMessage.id.desc()).limit(QUEUE_SIZE).all(),
        rejected=db.session.query(ReceivedPackage).filter(ReceivedPackage.outcome.in_(("rejected", "refused")))
        .order_by(ReceivedPackage.id.desc()).limit(QUEUE_SIZE).all(),
        sent_today=db.session.query(OutboxMessage).filter(OutboxMessage.kind.in_(KINDS),
                                                          OutboxMessage.sent_at >= midnight).count())


@dataclass
class LateDelivery:
    delivery: Delivery
    missing: str  # "01" not received, "03" not accepted
    since: datetime


def late_deliveries(user: User, *, days: int | None = None, limit: int = 100) -> list[LateDelivery]:
    """Deliveries sent at least ``days`` working days ago whose receiver has not said 01 (arrived) or
    03 (accepted) — refused and recalled ones aside. For leaders and supervising delegates."""
    if not delegations.has_right(user, "supervise"):
        raise Forbidden(N_("Chỉ lãnh đạo Sở hoặc người được ủy quyền giám sát được xem."))
    days = int(settings.get("AXIS_ACK_WORKING_DAYS") if days is None else days)
    now = clock.now()
    calendar = current_calendar()
    rows = (db.session.query(Delivery)
            .filter(Delivery.sent_at.isnot(None), Delivery.sent_at <= now - timedelta(days=days),
                    Delivery.recall_state.is_(None), or_(Delivery.last_code.is_(None), Delivery.last_code == "01"))
            .order_by(Delivery.sent_at).limit(limit * 2).all())
    late = [LateDelivery(d, "03" if d.last_code == "01" else "01", d.sent_at) for d in rows
            if calendar.add_working_days(d.sent_at, days) <= now]
    return late[:limit]
