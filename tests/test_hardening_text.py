"""Text normalised at entry: one-line subjects, names without invisible characters, look-alike letters."""
from __future__ import annotations

from email import message_from_bytes, policy

from engine import clock
from engine.db import db
from engine.models import Document, User
from engine.notifications import mailer
from engine.notifications.notify import notify
from engine.tx import transaction
from tests.conftest import incoming_meta, make_pdf
from tests.test_mailer import MONDAY_9, queue, server, use_smtp  # noqa: F401 (server is a fixture)


def test_a_subject_with_line_breaks_is_stored_on_one_line_and_its_mail_is_sent(app, api, server):  # noqa: F811
    clock.set_time(MONDAY_9)
    use_smtp(app, server.port)
    doc = api.receive(meta=incoming_meta(subject="V/v chi trả\r\ntrợ cấp\nBcc: ke-xau@evil.example\ttháng 12",
                                         signer_name="Trần\nVăn Tân")).json
    assert doc["subject"] == "V/v chi trả trợ cấp Bcc: ke-xau@evil.example tháng 12"
    assert doc["signer_name"] == "Trần Văn Tân"
    queue(doc["id"])
    assert mailer.deliver_pending()["sent"] == 1
    (envelope,) = server.envelopes
    assert envelope.rcpt_tos == ["giamdoc@qoffice.local"]
    assert "\n" not in str(message_from_bytes(envelope.content, policy=policy.default)["Subject"])


def test_multi_line_notes_keep_their_lines_but_lose_invisible_characters(api):
    doc = api.receive(meta=incoming_meta(notes="Dòng một\nDòng hai\u200b\u202e")).json
    assert doc["notes"] == "Dòng một\nDòng hai"


def test_upload_names_lose_bidirectional_and_zero_width_characters(api):
    doc = api.receive(files=[("hop-dong\u202egnp.pdf", make_pdf()), ("bao\u200bcao\ufeff.pdf", make_pdf())]).json
    assert [a["name"] for a in doc["attachments"]] == ["hop-donggnp.pdf", "baocao.pdf"]


def test_a_notation_with_look_alike_letters_is_still_a_duplicate(api):
    first = api.receive(meta=incoming_meta(number="77", notation="QĐ-UBND", issued_on="2026-11-20")).json
    assert api.accept(first["id"]).status_code == 200
    for notation in ("QÐ-UBND", "QĐ-UВND", "ＱĐ-UBND"):  # Icelandic eth, Cyrillic В, full-width Q
        second = api.receive(meta=incoming_meta(number="77", notation=notation, issued_on="2026-11-20")).json
        warned = api.accept(second["id"])
        assert warned.status_code == 409 and warned.json["details"]["duplicate_of"] == first["id"], notation


def test_a_subject_stored_with_line_breaks_before_the_fix_still_gets_its_mail(app, api, server):  # noqa: F811
    clock.set_time(MONDAY_9)
    use_smtp(app, server.port)
    doc_id = api.receive().json["id"]
    with transaction():
        document = db.session.get(Document, doc_id)
        document.subject = "V/v cũ\r\nBcc: ke-xau@evil.example"
        leader = db.session.query(User).filter_by(username="giamdoc").one()
        notify([leader], document, "escalation", f"[Quá hạn] {document.subject}", "Nội dung", key="old")
    assert mailer.deliver_pending()["sent"] == 1
    assert server.envelopes[0].rcpt_tos == ["giamdoc@qoffice.local"]
