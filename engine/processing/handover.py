"""Handover (bàn giao, R-ACCOUNT-1): a leaving user's open work moves to a named successor."""
from __future__ import annotations

from sqlalchemy import update

from engine import clock, history
from engine.db import db
from engine.errors import N_, Forbidden, InvalidInput, NotFound
from engine.models import (
    Delegation,
    Document,
    InboxTask,
    LineStatus,
    ProcessingLine,
    Role,
    User,
)
from engine.people import audit, sessions
from engine.tx import transaction
from engine.workflow.runtime import RunContext


def handover(admin: User, username: str, successor_ref: str) -> dict:
    """Deactivate ``username`` and move every open task, processing line and draft to the successor.

    One transaction: either everything moves and the account is closed, or nothing changes.
    """
    if not admin.has_role(Role.ADMIN):
        raise Forbidden(N_("Chỉ quản trị hệ thống được bàn giao tài khoản."))
    leaving = db.session.query(User).filter_by(username=username).one_or_none()
    if leaving is None:
        raise NotFound(N_("Không tìm thấy người dùng."))
    if not leaving.active:
        raise InvalidInput(N_("Tài khoản này đã được bàn giao trước đó."), details={"username": "inactive"})
    successor = db.session.query(User).filter_by(username=str(successor_ref or "").removeprefix("user:"),
                                                 active=True).one_or_none()
    if successor is None or successor.id == leaving.id:
        raise InvalidInput(N_("Người nhận bàn giao không hợp lệ."), details={"successor": "Chọn người đang làm việc."})
    if leaving.id == admin.id:
        raise InvalidInput(N_("Không thể tự bàn giao tài khoản của mình."), details={"username": "self"})
    now = clock.now()
    with transaction():
        tasks = db.session.query(InboxTask).filter_by(assignee_id=leaving.id, status="open").all()
        lines = (db.session.query(ProcessingLine)
                 .filter(ProcessingLine.holder_id == leaving.id, ProcessingLine.status.in_(LineStatus.OPEN)).all())
        drafts = (db.session.query(Document)
                  .filter(Document.direction == "outgoing", Document.created_by_id == leaving.id,
                          Document.status.in_(("draft", "in_review"))).all())
        for task in tasks:
            task.assignee_id = successor.id
        for line in lines:
            line.holder_id, line.holder, line.held_since = successor.id, successor, now
        for draft in drafts:
            draft.created_by_id = successor.id
        db.session.execute(update(Delegation).where(
            (Delegation.delegator_id == leaving.id) | (Delegation.delegate_id == leaving.id),
            Delegation.revoked_at.is_(None)).values(revoked_at=now))
        touched = {t.document_id for t in tasks} | {line.document_id for line in lines} | {d.id for d in drafts}
        ctx = RunContext(actor=admin)
        for document_id in sorted(touched):
            history.record(db.session.get(Document, document_id), "handover", ctx,
                           note=f"{leaving.full_name} → {successor.full_name}")
        leaving.active = False
        leaving.successor_id = successor.id
        sessions.revoke_all(leaving)
        audit.record(admin, "handover", f"user:{leaving.username}",
                     {"successor": successor.username, "tasks": len(tasks), "lines": len(lines),
                      "drafts": len(drafts)})
    return {"tasks": len(tasks), "lines": len(lines), "drafts": len(drafts), "documents": len(touched)}
