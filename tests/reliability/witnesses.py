"""What the outside world saw: a real SMTP server and the stand-in axis on loopback, counting every
email and every package handed to them (a resent copy included)."""
from __future__ import annotations

import json
import threading
from collections import Counter, defaultdict
from email import message_from_bytes, policy
from pathlib import Path

from tests.integrations.axis_support import StandInAxis
from tests.test_mailer import Server

US_TOKEN, UBND_TOKEN = "token-so", "token-ubnd"


class MailWitness(Server):
    """aiosmtpd on 127.0.0.1, keeping every copy it accepted."""

    def received(self) -> tuple[Counter, dict[str, set[str]]]:
        """(copies per outbox key, Message-IDs seen per outbox key)."""
        copies, message_ids = Counter(), defaultdict(set)
        for envelope in list(self.envelopes):
            message = message_from_bytes(envelope.content, policy=policy.default)
            key = message["X-QOffice-Key"]
            copies[key] += len(envelope.rcpt_tos)
            message_ids[key].add(message["Message-ID"])
        return copies, message_ids


class AxisWitness(StandInAxis):
    """The stand-in axis, counting each POST of a package per idempotency key before it deduplicates."""

    def __init__(self, folder):
        super().__init__(folder, {US_TOKEN: "000.00.15.H47", UBND_TOKEN: "000.00.00.H47"})
        self.posts: Counter = Counter()
        self._lock = threading.Lock()
        inner = self.app.wsgi_app

        def counting(environ, start_response):
            if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"] == "/packages":
                with self._lock:
                    self.posts[environ.get("HTTP_IDEMPOTENCY_KEY", "")] += 1
            return inner(environ, start_response)

        self.app.wsgi_app = counting

    def post_as_ubnd(self, package: bytes) -> None:
        """The provincial People's Committee sends us a document through the axis."""
        client = self.app.test_client()
        response = client.post("/packages", data=package, headers={
            "Authorization": f"Bearer {UBND_TOKEN}", "X-Axis-To": "000.00.15.H47", "X-Axis-Type": "edoc",
            "Content-Type": "application/xml"})
        assert response.status_code == 201, response.data

    def messages(self) -> list[dict]:
        """Every message the axis keeps (one per sender, key and receiver)."""
        folder = Path(self.app.config["AXIS_STANDIN_DIR"]) / "messages"
        return [json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.json")]
