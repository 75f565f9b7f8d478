"""Notifications (R-NOTIFY-1, Đ18.4b): each event once, in the app and by email as each person chose;
the unit head's digest delivered over SMTP at the moved 07:30 clock."""
from __future__ import annotations

from datetime import datetime
from email import message_from_bytes, policy

from engine import clock
from engine.db import db
from engine.deadlines import digest
from engine.models import Notification, OutboxMessage, User
from engine.notifications import mailer
from tests.test_lifecycle_api import complete, registered, route
from tests.test_mailer import server, use_smtp  # noqa: F401 - the aiosmtpd fixture

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=clock.VN_TZ)
THURSDAY_0730 = datetime(2026, 11, 26, 7, 30, tzinfo=clock.VN_TZ)


def notices(username: str, kind: str | None = None) -> list[Notification]:
    query = (db.session.query(Notification).join(User, User.id == Notification.user_id)
             .filter(User.username == username))
    if kind:
        query = query.filter(Notification.kind == kind)
    return query.order_by(Notification.id).all()


def test_each_assignment_is_told_once_in_the_app_and_by_email(api):
    doc_id = registered(api)
    # The leader who must route hears of it (the clerk who accepted does not hear of her own act).
    assert [n.kind for n in notices("giamdoc", "assigned")] == ["assigned"]
    assert notices("vanthu", "assigned") == []
    route(api, doc_id, {"lead": ["unit:ldvl"], "coordinate": ["user:cv.ncc"]})
    assert len(notices("tp.ldvl", "assigned")) == 1  # the unit's queue: its head
    assert len(notices("cv.ncc", "assigned")) == 1
    complete(api, "tp.ldvl", doc_id, "assign", {"assignees": ["user:cv.ldvl"]})
    (told,) = notices("cv.ldvl", "assigned")
    mail = db.session.query(OutboxMessage).filter_by(key=told.key).one()
    assert mail.payload["to"] == ["cv.ldvl@qoffice.local"] and "Xử lý văn bản (chủ trì)" in mail.payload["subject"]
    assert "/tasks/" in mail.payload["body"] and told.delivery == "email"
    # A coordination opinion reaches the lead, once.
    complete(api, "cv.ncc", doc_id, "contribute", {"opinion": "Đề nghị bổ sung danh sách đối tượng"})
    (opinion,) = notices("cv.ldvl", "opinion_arrived")
    assert "Đề nghị bổ sung" in db.session.query(OutboxMessage).filter_by(key=opinion.key).one().payload["body"]
    # Completion reaches the routing leader, once; nobody is told twice of anything.
    complete(api, "cv.ldvl", doc_id, "process", {"action": "file", "note": "Lưu"})
    assert len(notices("giamdoc", "routed_completed")) == 1
    keys = [n.key for n in db.session.query(Notification)]
    assert len(keys) == len(set(keys))
    # Unread badge.
    response = api.client.post("/login", data={"username": "cv.ldvl", "password": "Mat-khau-demo-2026"})
    assert response.status_code == 302
    page = api.client.get("/inbox").get_data(as_text=True)
    assert 'data-testid="unread-count">2<' in page


def test_a_person_may_take_assignments_in_the_digest_but_urgent_ones_come_at_once(api):
    prefs = api.client.put("/api/v1/notifications/preferences", json={"assigned": "digest"},
                           headers=api.headers("cv.ldvl"))
    assert prefs.status_code == 200
    assert next(i for i in prefs.json["items"] if i["kind"] == "assigned")["channel"] == "digest"
    bad = api.client.put("/api/v1/notifications/preferences", json={"escalation": "off", "assigned": "sms"},
                         headers=api.headers("cv.ldvl"))
    assert bad.status_code == 422 and set(bad.json["details"]) == {"escalation", "assigned"}

    normal = registered(api)
    route(api, normal, {"lead": ["user:cv.ldvl"]})
    (waiting,) = notices("cv.ldvl", "assigned")
    assert waiting.delivery == "digest"
    assert db.session.query(OutboxMessage).filter_by(key=waiting.key).count() == 0

    urgent = registered(api, urgency="khan")
    route(api, urgent, {"lead": ["user:cv.ldvl"]})
    told = notices("cv.ldvl", "assigned")[-1]
    assert told.delivery == "email" and db.session.query(OutboxMessage).filter_by(key=told.key).count() == 1


def test_unit_head_digest_by_smtp_at_0730(app, api, server):  # noqa: F811
    use_smtp(app, server.port)
    clock.set_time(MONDAY_9)
    late = registered(api, subject="V/v rà soát hồ sơ người có công năm 2026")
    route(api, late, {"lead": ["unit:ncc"], "deadline": 1})
    waiting = registered(api, subject="V/v chi trả trợ cấp tháng 12")
    route(api, waiting, {"lead": ["unit:ncc"], "deadline": 5})
    api.client.put("/api/v1/notifications/preferences", json={"assigned": "digest"}, headers=api.headers("tp.ncc"))
    other = registered(api, subject="V/v đào tạo nghề")
    route(api, other, {"lead": ["unit:ncc"], "deadline": 5})

    clock.set_time(THURSDAY_0730)
    assert digest.send_digests() > 0
    assert mailer.deliver_pending()["sent"] > 0
    mails = {}
    for envelope in server.envelopes:
        message = message_from_bytes(envelope.content, policy=policy.default)
        if message["Subject"].startswith("Q-Office: tổng hợp"):
            mails[envelope.rcpt_tos[0]] = message
    head = mails["tp.ncc@qoffice.local"]
    assert head["Subject"].startswith("Q-Office: tổng hợp đầu buổi sáng 26/11/2026 — Phòng Người có công:")
    text = head.get_body(("plain",)).get_content()
    assert "1. Văn bản chờ giao chuyên viên xử lý: 3" in text
    assert "V/v rà soát hồ sơ người có công năm 2026" in text.split("2. ")[1].split("3. ")[0]  # overdue
    # The assignment tp.ncc chose to read in the digest is in it, and only once.
    assert "Thông báo của đồng chí từ lần tổng hợp trước: 1" in text and "V/v đào tạo nghề" in text
    assert notices("tp.ncc", "assigned")[-1].delivery == "digested"
    # The director's digest is the department's, not the unit's.
    assert "1. Văn bản chờ phân công xử lý" in mails["giamdoc@qoffice.local"].get_body(("plain",)).get_content()
    # Once only: a second run sends nothing new.
    before = len(server.envelopes)
    assert digest.send_digests() == 0
    mailer.deliver_pending()
    assert len(server.envelopes) == before
