"""SMTP adapter: build UTF-8 messages and hand them to a mail server.

Standalone on purpose (no Flask, no models) so notifications can be sent from
the scheduler or a CLI, and so tests can inject a fake transport.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

log = logging.getLogger(__name__)

SECURITY_MODES = ("none", "starttls", "tls")

# 7bit transfer encoding makes the body base64/quoted-printable, so Vietnamese
# text survives relays that do not announce 8BITMIME. smtplib adds the CRLF
# line endings itself when sending.
_POLICY = policy.default.clone(cte_type="7bit")


class MailError(Exception):
    """Sending failed; the message says where and why."""


@dataclass
class SmtpSettings:
    """Connection settings for one SMTP server."""

    host: str
    port: int = 25
    security: str = "none"  # "none" | "starttls" | "tls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = "qoffice@localhost"
    timeout: float = 10

    def __post_init__(self) -> None:
        if self.security not in SECURITY_MODES:
            raise ValueError(f"security must be one of {SECURITY_MODES}, got {self.security!r}")


def build_message(
    sender: str,
    to: list[str],
    subject: str,
    text: str,
    html: str | None = None,
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] | None = None,
) -> EmailMessage:
    """Build a UTF-8 message with a plain-text body, an optional HTML alternative and optional
    attachments ``(file name, content type, bytes)``."""
    if isinstance(to, str):
        # A bare string would be iterated character by character.
        to = [to]
    if not to:
        raise ValueError("at least one recipient is required")
    message = EmailMessage(policy=_POLICY)
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    if message_id is None:
        domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
        message_id = make_msgid(domain=domain)
    message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        if name in message:
            message.replace_header(name, value)
        else:
            message[name] = value
    message.set_content(text, charset="utf-8")
    if html is not None:
        message.add_alternative(html, subtype="html", charset="utf-8")
    for name, content_type, data in attachments or ():
        maintype, _, subtype = content_type.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream", filename=name)
    return message


def send_message(settings: SmtpSettings, message: EmailMessage) -> None:
    """Deliver ``message`` through the server in ``settings``; raises MailError on failure."""
    where = f"{settings.host}:{settings.port}"
    try:
        if settings.security == "tls":
            client = smtplib.SMTP_SSL(
                settings.host,
                settings.port,
                timeout=settings.timeout,
                context=ssl.create_default_context(),
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with client:
            if settings.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.username:
                try:
                    client.login(settings.username, settings.password or "")
                except UnicodeEncodeError as exc:
                    # smtplib encodes AUTH credentials as ASCII only.
                    raise MailError(
                        f"Tên đăng nhập hoặc mật khẩu máy chủ thư {where} chứa ký tự có dấu; "
                        "thư viện SMTP chỉ hỗ trợ ký tự ASCII"
                    ) from exc
            refused = client.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(f"Máy chủ thư {where} từ chối đăng nhập: {_reason(exc)}") from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise MailError(
            f"Máy chủ thư {where} từ chối mọi người nhận: {', '.join(exc.recipients)}"
        ) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"Không gửi được thư qua {where}: {_reason(exc)}") from exc
    if refused:
        # The others already got it, so raising would invite a retry that
        # sends duplicates; leave a trace for the administrator instead.
        log.warning("SMTP %s refused some recipients: %s", where, ", ".join(sorted(refused)))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        detail = exc.smtp_error
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        return f"{exc.smtp_code} {detail}"
    return str(exc) or type(exc).__name__


class SmtpTransport:
    """Injectable sender bound to one set of SMTP settings."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def send(self, message: EmailMessage) -> None:
        """Deliver ``message``; raises MailError on failure."""
        send_message(self.settings, message)
