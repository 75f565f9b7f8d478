"""JSON shapes of the public API (API.md): documents, tasks, delegations, notifications, outbox rows."""
from __future__ import annotations

from engine import clock
from engine.deadlines.calendar_service import current_calendar
from engine.doctypes import type_name
from engine.incoming.signatures import signatures_json
from engine.models import Document, InboxTask
from engine.models.documents import Urgency
from engine.processing import delegations

URGENCY_BY_RANK = {rank: name for name, rank in Urgency.RANK.items()}


def iso(value):
    return clock.to_vn(value).isoformat() if value else None


def _remaining_minutes(due, now):
    """Working minutes left before ``due`` on the office calendar (negative once overdue)."""
    if due is None:
        return None
    if due <= now:
        return -int((now - due).total_seconds() // 60)
    return int(current_calendar().working_time_between(now, due).total_seconds() // 60)


def task_json(task) -> dict:
    """An inbox row (InboxTask) or a line of a task list (task_list.ListedTask) as the API shows a task."""
    now = clock.now()
    doc = task.document
    return {
        "id": task.id,
        "document_id": task.document_id,
        "name": task.name,
        "title": task.title,
        "role": task.role,
        "unit": task.unit_code,
        "assignee": task.assignee.username if task.assignee else None,
        "due_at": iso(task.due_at),
        "urgency": URGENCY_BY_RANK.get(task.urgency_rank, "normal"),
        "overdue": bool(task.status == "open" and task.due_at and task.due_at < now),
        "remaining_working_minutes": _remaining_minutes(task.due_at, now) if task.status == "open" else None,
        "status": task.status,
        "created_at": iso(task.created_at),
        "document": {"subject": doc.subject, "number_notation": doc.number_notation,
                     "incoming_number": doc.incoming_number, "sender_org_name": doc.sender_org_name},
    }


def history_json(event) -> dict:
    return {
        "at": iso(event.at),
        "recorded_at": iso(event.recorded_at),
        "actor": event.actor.username if event.actor else None,
        "actor_name": event.actor.full_name if event.actor else None,
        "on_behalf_of": event.on_behalf_of.username if event.on_behalf_of else None,
        "action": event.action,
        "status": event.status,
        "note": event.note,
        "entered_late": event.entered_late,
        "late_entry": (event.details or {}).get("late_entry"),
    }


def line_json(line) -> dict:
    now = clock.now()
    open_ = line.status in ("waiting", "in_progress")
    late = line.due_at is not None and (line.finished_at or now) > line.due_at
    return {
        "id": line.id, "parent_id": line.parent_id, "kind": line.kind, "target_type": line.target_type,
        "unit": line.unit_code, "holder": line.holder.username if line.holder else None,
        "holder_name": line.holder.full_name if line.holder else None, "status": line.status,
        "started_at": iso(line.started_at), "held_since": iso(line.held_since), "due_at": iso(line.due_at),
        "finished_at": iso(line.finished_at), "result": line.result, "note": line.note,
        "instruction": line.instruction, "reply_document_id": line.reply_document_id,
        "overdue": bool(open_ and late),
        "late_by_seconds": int(((line.finished_at or now) - line.due_at).total_seconds()) if late else 0,
    }


def outgoing_fields(doc: Document) -> dict:
    """Fields the document JSON gains for outgoing documents (empty values for incoming ones)."""
    outgoing_doc = doc.direction == "outgoing"
    layout = doc.layout or {}
    return {
        "outgoing_number": doc.outgoing_number,
        "outgoing_year": doc.outgoing_year,
        "signed_at": iso(doc.signed_at),
        "issued_at": iso(doc.issued_at),
        "signer": f"user:{doc.signer.username}" if outgoing_doc and doc.signer else None,
        "drafter": f"user:{doc.created_by.username}" if outgoing_doc and doc.created_by else None,
        "body": doc.body if outgoing_doc else None,
        "layout": ({k: layout.get(k) for k in ("mode", "page", "number_page", "number_box", "date_box",
                                               "leader_box", "seal_box", "custom") if k in layout}
                   if outgoing_doc else None),
    }


def document_json(doc: Document, open_tasks: list[InboxTask], lines: list | None = None,
                  history: list | None = None) -> dict:
    return {
        "id": doc.id,
        "direction": doc.direction,
        "status": doc.status,
        "number": doc.number,
        "notation": doc.notation,
        "number_notation": doc.number_notation,
        "identifier": doc.identifier,
        "issued_on": doc.issued_on.isoformat() if doc.issued_on else None,
        "doc_type": doc.doc_type,
        "doc_type_name": type_name(doc.doc_type),
        "subject": doc.subject,
        "sender_org_id": doc.sender_org_id,
        "sender_org_name": doc.sender_org_name,
        "receivers": doc.receivers or [],
        "signer_name": doc.signer_name,
        "signer_position": doc.signer_position,
        "urgency": doc.urgency,
        "due_on": doc.due_on.isoformat() if doc.due_on else None,
        "incoming_number": doc.incoming_number,
        "register_year": doc.register_year,
        "received_at": iso(doc.received_at),
        "sent_at": iso(doc.sent_at),
        "source": doc.source,
        "paper_copy": doc.paper_copy,
        "legal_standing": doc.legal_standing,
        "duplicate_of": doc.duplicate_of_id,
        "in_reply_to": doc.in_reply_to_id,
        "lines": [line_json(line) for line in (lines or [])],
        "refusal_reason": doc.refusal_reason,
        "notes": doc.notes,
        "attachments": [{"index": i, "name": a.name, "content_type": a.content_type, "size": a.size,
                         "sha256": a.sha256, "kind": a.kind, "scan_warnings": a.scan_warnings or []}
                        for i, a in enumerate(doc.attachments)],
        "signatures": signatures_json(doc),
        **outgoing_fields(doc),
        "history": [history_json(e) for e in history or ()],
        "open_tasks": [task_json(t) for t in open_tasks],
    }


def register_row(doc: Document) -> dict:
    """One row of the outgoing register."""
    return {"id": doc.id, "number": doc.outgoing_number, "number_notation": doc.number_notation,
            "issued_on": doc.issued_on.isoformat() if doc.issued_on else None, "doc_type": doc.doc_type,
            "subject": doc.subject, "signer_name": doc.signer_name,
            "receivers": [r.get("name") for r in doc.receivers or ()],
            "drafting_unit": doc.created_by.unit_code if doc.created_by else None,
            "sent_at": iso(doc.sent_at), "paper_copy": doc.paper_copy, "status": doc.status}


def delegation_json(d) -> dict:
    return {"id": d.id, "delegator": d.delegator.username, "delegate": d.delegate.username,
            "starts_on": d.starts_on.isoformat(), "ends_on": d.ends_on.isoformat(), "rights": d.rights,
            "revoked_at": iso(d.revoked_at), "in_force": d in delegations.in_force(d.delegate)}


def notification_json(n) -> dict:
    return {"id": n.id, "document_id": n.document_id, "kind": n.kind, "message": n.message,
            "created_at": iso(n.created_at)}


def outbox_json(m) -> dict:
    payload = m.payload or {}
    return {"id": m.id, "kind": m.kind, "key": m.key, "status": m.status, "document_id": m.document_id,
            "to": payload.get("to", []), "subject": payload.get("subject"), "body": payload.get("body"),
            "attempts": m.attempts, "last_error": m.last_error, "created_at": iso(m.created_at),
            "sent_at": iso(m.sent_at), "next_attempt_at": iso(m.next_attempt_at)}


def user_json(user) -> dict:
    return {"username": user.username, "full_name": user.full_name, "roles": user.roles,
            "unit": user.unit_code, "position": user.position}
