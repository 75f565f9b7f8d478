"""Outbox email delivery through a real SMTP server on loopback: once, with retries and backoff."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from engine import clock, outbox
from engine.db import db
from engine.models import Document, OutboxMessage, User
from engine.notifications import mailer
from engine.notifications.notify import notify
from engine.tx import transaction
from tests.conftest import incoming_meta, login
from tests.test_mail import CollectingHandler, free_port

SUBJECT = "Văn bản quá hạn: 12/QĐ-UBND về chính sách người có công"
BODY = "Kính gửi đồng chí Giám đốc,\nVăn bản số 12/QĐ-UBND đã quá hạn xử lý 2 ngày.\nTrân trọng."
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=clock.VN_TZ)


class Server:
    """An aiosmtpd server on 127.0.0.1 that can be started late on a port chosen early."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.handler = CollectingHandler()
        self.controller = None

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def envelopes(self):
        return self.handler.envelopes


@pytest.fixture
def server():
    s = Server().start()
    yield s
    s.stop()


def use_smtp(app, port: int):
    app.config.update(QOFFICE_SMTP_HOST="127.0.0.1", QOFFICE_SMTP_PORT=str(port),
                      QOFFICE_SMTP_SENDER="qoffice@sldtbxh.quangnam.gov.vn")


def queue(document_id: int | None, usernames=("giamdoc",), key="test:overdue") -> list[OutboxMessage]:
    with transaction():
        users = db.session.query(User).filter(User.username.in_(usernames)).all()
        document = db.session.get(Document, document_id) if document_id else None
        notify(users, document, "escalation", SUBJECT, BODY, key=key)
    return db.session.query(OutboxMessage).filter(OutboxMessage.key.like(key + ":%")).all()


def vietnamese_document(api) -> int:
    response = api.receive(meta=incoming_meta(subject="V/v chi trả trợ cấp ưu đãi người có công tháng 12"))
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_delivers_vietnamese_mail_once(app, api, server):
    clock.set_time(MONDAY_9)
    use_smtp(app, server.port)
    doc_id = vietnamese_document(api)
    (message,) = queue(doc_id)
    assert message.status == "pending"

    result = mailer.deliver_pending()
    assert result["sent"] == 1

    (envelope,) = server.envelopes
    assert envelope.mail_from == "qoffice@sldtbxh.quangnam.gov.vn"
    assert envelope.rcpt_tos == ["giamdoc@qoffice.local"]
    received = message_from_bytes(envelope.content, policy=policy.default)
    assert str(received["Subject"]) == SUBJECT
    assert received.get_body(("plain",)).get_content().replace("\r\n", "\n").rstrip("\n") == BODY
    assert received["Message-ID"].strip() == mailer.message_id(message.key, "qoffice@sldtbxh.quangnam.gov.vn")
    assert str(received["X-QOffice-Document"]) == str(doc_id)

    db.session.expire_all()
    row = db.session.get(OutboxMessage, message.id)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 1, MONDAY_9)

    assert mailer.deliver_pending()["sent"] == 0
    clock.advance(timedelta(hours=2))
    assert mailer.deliver_pending()["sent"] == 0
    assert len(server.envelopes) == 1
    # Queuing the same key again is a no-op too.
    assert queue(doc_id)[0].id == message.id and len(queue(doc_id)) == 1


def test_failure_backs_off_then_succeeds(app, api):
    clock.set_time(MONDAY_9)
    late = Server()  # the port is known, nothing listens yet
    use_smtp(app, late.port)
    (message,) = queue(vietnamese_document(api))

    result = mailer.deliver_pending()
    assert result == {"configured": True, "sent": 0, "retry": 1, "failed": 0, "skipped": 0}
    db.session.expire_all()
    row = db.session.get(OutboxMessage, message.id)
    assert row.status == "pending" and row.attempts == 1
    assert row.next_attempt_at == MONDAY_9 + timedelta(minutes=1)
    assert "127.0.0.1" in row.last_error

    # Not due yet: nothing is tried.
    clock.set_time(MONDAY_9 + timedelta(seconds=30))
    assert mailer.deliver_pending()["retry"] == 0
    # Second failure doubles the wait.
    clock.set_time(MONDAY_9 + timedelta(minutes=1))
    assert mailer.deliver_pending()["retry"] == 1
    db.session.expire_all()
    row = db.session.get(OutboxMessage, message.id)
    assert row.attempts == 2 and row.next_attempt_at == MONDAY_9 + timedelta(minutes=3)

    late.start()
    try:
        clock.set_time(MONDAY_9 + timedelta(minutes=3))
        assert mailer.deliver_pending()["sent"] == 1
        assert [e.rcpt_tos for e in late.envelopes] == [["giamdoc@qoffice.local"]]
    finally:
        late.stop()
    db.session.expire_all()
    row = db.session.get(OutboxMessage, message.id)
    assert row.status == "sent" and row.attempts == 3 and row.last_error is None


def test_backoff_is_capped_and_gives_up(app):
    assert [mailer.backoff(n).total_seconds() // 60 for n in (1, 2, 3, 4, 7, 8, 20)] == [1, 2, 4, 8, 60, 60, 60]
    clock.set_time(MONDAY_9)
    app.config.update(QOFFICE_MAIL_MAX_ATTEMPTS=2)
    use_smtp(app, free_port())
    (message,) = queue(None, key="test:give-up")
    mailer.deliver_pending()
    clock.advance(timedelta(minutes=1))
    assert mailer.deliver_pending()["failed"] == 1
    db.session.expire_all()
    row = db.session.get(OutboxMessage, message.id)
    assert row.status == "failed" and row.attempts == 2 and row.last_error
    clock.advance(timedelta(hours=5))
    assert mailer.deliver_pending() == {"configured": True, "sent": 0, "retry": 0, "failed": 0, "skipped": 0}


def test_stale_claim_is_retried_and_edxml_rows_left_alone(app, server):
    clock.set_time(MONDAY_9)
    use_smtp(app, server.port)
    (message,) = queue(None, key="test:stale")
    with transaction():
        row = db.session.get(OutboxMessage, message.id)
        row.status, row.next_attempt_at = "sending", MONDAY_9 + outbox.CLAIM_FOR  # a worker died mid-send
        db.session.add(OutboxMessage(kind="edxml_status", key="test:edxml", payload={"code": "01"},
                                     status="pending", created_at=MONDAY_9, next_attempt_at=MONDAY_9))
    assert mailer.deliver_pending()["sent"] == 0  # the claim still holds
    clock.advance(outbox.CLAIM_FOR + timedelta(seconds=1))
    assert mailer.deliver_pending()["sent"] == 1
    assert len(server.envelopes) == 1
    db.session.expire_all()
    edxml = db.session.query(OutboxMessage).filter_by(key="test:edxml").one()
    assert edxml.status == "pending" and edxml.attempts == 0


def test_without_smtp_mail_waits_and_is_readable_by_the_administrator(app, api, client):
    clock.set_time(MONDAY_9)
    doc_id = vietnamese_document(api)
    (message,) = queue(doc_id, usernames=("giamdoc",))
    assert mailer.smtp_settings() is None
    assert mailer.deliver_pending() == {"configured": False, "sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).status == "pending"

    assert login(client, "vanthu").status_code == 302
    assert client.get("/admin/mail").status_code == 403
    assert client.get(f"/admin/mail/{message.id}").status_code == 403
    client.post("/logout")

    assert login(client, "quantri").status_code == 302
    page = client.get("/admin/mail")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert SUBJECT in html and "giamdoc@qoffice.local" in html and "Chờ gửi" in html
    assert "QOFFICE_SMTP_HOST" in html
    assert 'href="/admin/mail"' in client.get("/inbox").get_data(as_text=True)
    detail = client.get(f"/admin/mail/{message.id}").get_data(as_text=True)
    assert "Văn bản số 12/QĐ-UBND đã quá hạn xử lý 2 ngày." in detail

    outbox = api.get("quantri", "/outbox?kind=email")
    assert outbox.status_code == 200
    item = next(i for i in outbox.json["items"] if i["id"] == message.id)
    assert item["status"] == "pending" and item["to"] == ["giamdoc@qoffice.local"] and item["body"] == BODY
    assert api.get("vanthu", "/outbox?kind=email").status_code == 403


def test_held_mail_of_a_user_without_address_is_never_sent(app, server):
    clock.set_time(MONDAY_9)
    use_smtp(app, server.port)
    with transaction():
        db.session.query(User).filter_by(username="phogiamdoc").one().email = None
    (message,) = queue(None, usernames=("phogiamdoc",), key="test:held")
    assert message.status == "held"
    assert mailer.deliver_pending()["sent"] == 0 and server.envelopes == []


def test_two_concurrent_deliveries_send_each_message_once(app, server):
    clock.set_time(MONDAY_9)
    use_smtp(app, server.port)
    messages = queue(None, usernames=("giamdoc", "phogiamdoc", "tp.ldvl", "tp.ncc", "cv.ldvl", "cv.ncc",
                                      "vanthu", "quantri"), key="test:concurrent")
    assert len(messages) == 8
    db.session.remove()
    results, errors = [], []
    start = threading.Barrier(2)

    def worker():
        try:
            with app.app_context():
                start.wait()
                results.append(mailer.deliver_pending())
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sum(r["sent"] for r in results) == 8
    ids = sorted(str(message_from_bytes(e.content, policy=policy.default)["Message-ID"]).strip() for e in server.envelopes)
    assert len(ids) == 8 and len(set(ids)) == 8
    assert db.session.query(OutboxMessage).filter(OutboxMessage.key.like("test:concurrent:%"),
                                                  OutboxMessage.status == "sent").count() == 8


def test_row_without_recipients_fails_at_once(app, server):
    clock.set_time(MONDAY_9)
    use_smtp(app, server.port)
    from engine.outbox import enqueue

    with transaction():
        enqueue("email", "test:nobody", {"to": [], "subject": SUBJECT, "body": BODY})
    assert mailer.deliver_pending()["failed"] == 1
    db.session.expire_all()
    row = db.session.query(OutboxMessage).filter_by(key="test:nobody").one()
    assert row.status == "failed" and row.attempts == 1 and "người nhận" in row.last_error
    assert server.envelopes == []
