import socket
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from integrations.mail import (
    MailError,
    SmtpSettings,
    SmtpTransport,
    build_message,
    send_message,
)

SUBJECT = "Văn bản quá hạn: 12/QĐ-UBND"
BODY = "Kính gửi đồng chí Trưởng phòng,\nVăn bản số 12/QĐ-UBND đã quá hạn xử lý.\nTrân trọng."


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CollectingHandler:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


def wait_for(items, count=1, timeout=5.0):
    deadline = time.monotonic() + timeout
    while len(items) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return items


@pytest.fixture
def smtp_server():
    handler = CollectingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, controller
    finally:
        controller.stop()


def accept_only(login: bytes, password: bytes):
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (login, password)
        # handled=False lets aiosmtpd answer 535 itself instead of leaving
        # the client waiting for a reply we never send.
        return AuthResult(success=ok, handled=False)

    return authenticator


def test_sends_vietnamese_mail(smtp_server):
    handler, controller = smtp_server
    settings = SmtpSettings(host="127.0.0.1", port=controller.port, sender="qoffice@sonv.quangnam.gov.vn", timeout=5)
    message = build_message(
        settings.sender,
        ["truongphong@sonv.quangnam.gov.vn", "vanthu@sonv.quangnam.gov.vn"],
        SUBJECT,
        BODY,
        html="<p>Văn bản <b>12/QĐ-UBND</b> đã quá hạn.</p>",
        headers={"X-QOffice-Document": "12/QĐ-UBND"},
    )

    send_message(settings, message)

    (envelope,) = wait_for(handler.envelopes)
    assert envelope.mail_from == "qoffice@sonv.quangnam.gov.vn"
    assert envelope.rcpt_tos == ["truongphong@sonv.quangnam.gov.vn", "vanthu@sonv.quangnam.gov.vn"]
    # The wire form stays 7-bit so that any relay accepts it.
    envelope.content.decode("ascii")
    received = message_from_bytes(envelope.content, policy=policy.default)
    assert str(received["Subject"]) == SUBJECT
    assert received.get_body(("plain",)).get_content().replace("\r\n", "\n").rstrip("\n") == BODY
    assert "12/QĐ-UBND" in received.get_body(("html",)).get_content()
    assert str(received["X-QOffice-Document"]) == "12/QĐ-UBND"
    assert received["Message-ID"].endswith("@sonv.quangnam.gov.vn>")
    assert received["Date"]


def test_transport_logs_in_when_username_set():
    handler = CollectingHandler()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=accept_only(b"qoffice", b"mat-khau-2025"),
        auth_require_tls=False,
    )
    controller.start()
    try:
        good = SmtpTransport(
            SmtpSettings(host="127.0.0.1", port=controller.port, username="qoffice", password="mat-khau-2025", timeout=5)
        )
        good.send(build_message(good.settings.sender, ["a@example.vn"], SUBJECT, BODY))
        assert len(wait_for(handler.envelopes)) == 1

        bad = SmtpTransport(
            SmtpSettings(host="127.0.0.1", port=controller.port, username="qoffice", password="sai", timeout=5)
        )
        with pytest.raises(MailError, match="đăng nhập"):
            bad.send(build_message(bad.settings.sender, ["a@example.vn"], SUBJECT, BODY))

        accented = SmtpTransport(
            SmtpSettings(host="127.0.0.1", port=controller.port, username="qoffice", password="mật-khẩu", timeout=5)
        )
        with pytest.raises(MailError, match="ASCII"):
            accented.send(build_message(accented.settings.sender, ["a@example.vn"], SUBJECT, BODY))
        assert len(handler.envelopes) == 1
    finally:
        controller.stop()


def test_unreachable_port_raises_mail_error():
    port = free_port()  # nothing listens once the probe socket is closed
    settings = SmtpSettings(host="127.0.0.1", port=port, timeout=2)
    message = build_message(settings.sender, ["a@example.vn"], SUBJECT, BODY)
    with pytest.raises(MailError, match=f"127.0.0.1:{port}") as caught:
        send_message(settings, message)
    assert isinstance(caught.value.__cause__, OSError)


def test_implicit_tls_against_plain_server_raises_mail_error(smtp_server):
    _handler, controller = smtp_server
    settings = SmtpSettings(host="127.0.0.1", port=controller.port, security="tls", timeout=2)
    with pytest.raises(MailError):
        send_message(settings, build_message(settings.sender, ["a@example.vn"], SUBJECT, BODY))


def test_build_message_defaults_and_overrides():
    message = build_message("Q-Office <qoffice@example.vn>", "a@example.vn", SUBJECT, BODY, message_id="<abc@example.vn>")
    assert message["To"] == "a@example.vn"
    assert message["Message-ID"] == "<abc@example.vn>"
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message.get_content().rstrip("\n") == BODY


def test_build_message_requires_recipients():
    with pytest.raises(ValueError):
        build_message("qoffice@example.vn", [], SUBJECT, BODY)


def test_header_injection_is_rejected():
    with pytest.raises(ValueError):
        build_message("qoffice@example.vn", ["a@example.vn"], "Chào\r\nBcc: x@example.vn", BODY)


def test_settings_validate_security_and_hide_password():
    with pytest.raises(ValueError):
        SmtpSettings(host="mail.example.vn", security="ssl")
    assert "bí-mật" not in repr(SmtpSettings(host="mail.example.vn", username="u", password="bí-mật"))
