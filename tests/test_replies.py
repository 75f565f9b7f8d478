"""A reply keeps the incoming document open: issued → completed; abandoned or rejected → back to
the holder; the reply carries the deadline; overdue replies escalate."""
from __future__ import annotations

from datetime import datetime, timedelta

from engine import clock
from engine.db import db
from engine.deadlines.timer_sweep import sweep_timers
from engine.deadlines.calendar_service import current_calendar
from engine.models import Document, Notification, OutboxMessage, User
from tests.conftest import DEMO_PASSWORD
from tests.test_lifecycle_api import complete, registered, route

REPLY = {"body": "Sở Lao động - Thương binh và Xã hội trả lời như sau: đã rà soát đầy đủ.",
         "signer": "user:giamdoc", "receivers": ["org:000.00.00.H47"]}


def reply_started(api, deadline_days=5):
    doc_id = registered(api)
    route(api, doc_id, {"lead": ["user:cv.ldvl"], "deadline": deadline_days})
    doc = complete(api, "cv.ldvl", doc_id, "process", {"action": "reply", "note": "Soạn công văn trả lời"})
    lead = next(line for line in doc["lines"] if line["kind"] == "lead")
    return doc_id, lead, lead["reply_document_id"]


def test_reply_keeps_the_document_open_until_the_reply_is_issued(api):
    doc_id, lead, reply_id = reply_started(api)
    assert lead["status"] == "in_progress" and reply_id
    incoming = api.get("giamdoc", f"/documents/{doc_id}").json
    assert incoming["status"] == "in_progress" and api.task("cv.ldvl", doc_id, "process") is None

    reply = api.get("cv.ldvl", f"/documents/{reply_id}").json
    assert reply["due_on"] == lead["due_at"][:10]  # the deadline travels with the reply
    submit = next(t for t in reply["open_tasks"] if t["name"] == "submit")
    assert submit["due_at"] == lead["due_at"]

    assert api.client.patch(f"/api/v1/documents/{reply_id}/draft", json=REPLY,
                            headers=api.headers("cv.ldvl")).status_code == 200
    complete(api, "cv.ldvl", reply_id, "submit")
    complete(api, "tp.ldvl", reply_id, "review", {"decision": "approve"})
    complete(api, "giamdoc", reply_id, "sign", {"decision": "sign", "pin": DEMO_PASSWORD})
    assert api.get("giamdoc", f"/documents/{doc_id}").json["status"] == "in_progress"  # signed is not issued
    issued = complete(api, "vanthu", reply_id, "issue", {"pin": DEMO_PASSWORD})
    assert issued["status"] == "sent"

    done = api.get("giamdoc", f"/documents/{doc_id}").json
    assert done["status"] == "completed"
    lead = next(line for line in done["lines"] if line["kind"] == "lead")
    assert lead["status"] == "done" and lead["result"] == "reply"
    assert issued["number_notation"] in lead["note"]
    # The leader who routed it hears that it is completed, once.
    told = (db.session.query(User.username).join(Notification, Notification.user_id == User.id)
            .filter(Notification.kind == "routed_completed", Notification.document_id == doc_id).all())
    assert told == [("giamdoc",)]


def test_abandoned_reply_puts_the_line_back_to_its_holder(api):
    doc_id, _lead, reply_id = reply_started(api)
    refused = api.complete("cv.ldvl", api.task("cv.ldvl", reply_id, "submit")["id"], {"decision": "abandon"})
    assert refused.status_code == 422 and "note" in refused.json["details"]  # a reason is required
    dropped = complete(api, "cv.ldvl", reply_id, "submit",
                       {"decision": "abandon", "note": "Đã trả lời qua điện thoại, không cần công văn"})
    assert dropped["status"] == "deleted" and dropped["open_tasks"] == []

    incoming = api.get("giamdoc", f"/documents/{doc_id}").json
    assert incoming["status"] == "in_progress"
    lead = next(line for line in incoming["lines"] if line["kind"] == "lead")
    assert lead["status"] == "in_progress" and lead["reply_document_id"] is None
    assert any(h["action"] == "reply_abandoned" and "điện thoại" in h["note"] for h in incoming["history"])
    # Back with its holder, who now files it instead.
    assert api.task("cv.ldvl", doc_id, "process") is not None
    # The holder hears it once, with the reason (not a second, bare "new task" notice).
    back = db.session.query(Notification).filter_by(document_id=doc_id).order_by(Notification.id.desc()).first()
    assert back.kind == "reply_abandoned" and "điện thoại" in back.body
    filed = complete(api, "cv.ldvl", doc_id, "process", {"action": "file", "note": "Lưu hồ sơ"})
    assert filed["status"] == "completed"


def test_reply_rejected_for_good_by_the_signer_goes_back_too(api):
    doc_id, _lead, reply_id = reply_started(api)
    api.client.patch(f"/api/v1/documents/{reply_id}/draft", json=REPLY, headers=api.headers("cv.ldvl"))
    complete(api, "cv.ldvl", reply_id, "submit")
    complete(api, "tp.ldvl", reply_id, "review", {"decision": "approve"})
    rejected = complete(api, "giamdoc", reply_id, "sign",
                        {"decision": "reject", "note": "Không trả lời bằng văn bản"})
    assert rejected["status"] == "deleted"
    assert api.task("cv.ldvl", doc_id, "process") is not None
    # The drafter is told that the draft will not be issued.
    assert db.session.query(Notification).filter(Notification.kind == "draft_returned",
                                                 Notification.document_id == reply_id).count() == 1


def test_overdue_reply_escalates_once_a_day(api):
    doc_id, lead, reply_id = reply_started(api, deadline_days=1)
    due = clock.to_vn(datetime.fromisoformat(lead["due_at"]))

    def escalations():
        return sorted(m.key.rsplit(":", 2)[-2:] for m in db.session.query(OutboxMessage)
                      .filter(OutboxMessage.key.like(f"escalate:{doc_id}:reply:%")))

    clock.set_time(due - timedelta(minutes=5))
    sweep_timers()
    assert escalations() == []  # not yet due
    clock.set_time(due + timedelta(minutes=5))
    sweep_timers()
    sweep_timers()
    day = due.date().isoformat()
    assert escalations() == [[day, u] for u in ("cv.ldvl", "giamdoc", "phogiamdoc", "tp.ldvl")]
    next_morning = current_calendar().next_morning_start(due) + timedelta(minutes=1)
    clock.set_time(next_morning)
    sweep_timers()
    assert len(escalations()) == 8 and [next_morning.date().isoformat(), "cv.ldvl"] in escalations()
    assert db.session.get(Document, doc_id).status == "in_progress"
