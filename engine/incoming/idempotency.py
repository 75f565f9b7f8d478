"""Retried uploads make one document: the ``Idempotency-Key`` of a request is stored with what it made.

A client that lost the answer to an upload (timeout, dropped connection) sends the same request
again with the same key and gets the same document back; a key reused for a different request is
refused. The key row is written in the transaction that creates the document, so a crash leaves
either both or neither.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from engine import clock
from engine.db import db
from engine.errors import N_, InvalidInput
from engine.models import Document, IdempotencyKey, User

KEY = re.compile(r"^[\x21-\x7e]{1,200}$")  # printable ASCII, as HTTP headers carry it
KEEP = timedelta(days=7)


class KeyReused(InvalidInput):
    code = "idempotency_key_reused"


@dataclass(frozen=True)
class Ticket:
    """What the creating transaction records beside its document."""

    user_id: int
    key: str
    fingerprint: str

    def remember(self, document: Document) -> None:
        """Call inside the transaction that creates or changes ``document``."""
        db.session.add(IdempotencyKey(user_id=self.user_id, key=self.key, fingerprint=self.fingerprint,
                                      document_id=document.id, created_at=clock.now()))


def fingerprint(action: str, meta, files) -> str:
    """A hash of the request: the action, its metadata and the bytes of its files."""
    digest = hashlib.sha256(action.encode())
    digest.update(json.dumps(meta, sort_keys=True, default=str, ensure_ascii=False).encode())
    for upload in files:
        digest.update(upload.name.encode() + b"\0" + hashlib.sha256(upload.data).digest())
    return digest.hexdigest()


def _earlier(ticket: Ticket) -> Document | None:
    row = db.session.query(IdempotencyKey).filter_by(user_id=ticket.user_id, key=ticket.key).one_or_none()
    if row is None:
        return None
    if row.fingerprint != ticket.fingerprint:
        raise KeyReused(N_("Khóa Idempotency-Key này đã dùng cho một yêu cầu khác."),
                        details={"Idempotency-Key": "Mỗi yêu cầu mới cần một khóa mới."})
    return db.session.get(Document, row.document_id)


def run(actor: User, key: str | None, action: str, meta, files,
        operation: Callable[[Ticket | None], Document]) -> tuple[Document, bool]:
    """``operation(ticket)`` once per key: (document, replayed). Without a key it simply runs."""
    if key is None:
        return operation(None), False
    if not KEY.match(key):
        raise InvalidInput(N_("Idempotency-Key không hợp lệ (1–200 ký tự ASCII in được)."),
                           details={"Idempotency-Key": "1–200 printable ASCII characters"})
    ticket = Ticket(actor.id, key, fingerprint(action, meta, files))
    earlier = _earlier(ticket)
    if earlier is not None:
        return earlier, True
    try:
        return operation(ticket), False
    except IntegrityError:
        # The same retry raced this one and committed first: answer with its document.
        earlier = _earlier(ticket)
        if earlier is None:
            raise
        return earlier, True


def forget_old() -> int:
    """Drop keys older than KEEP (a retry comes within minutes, not weeks)."""
    result = db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < clock.now() - KEEP))
    db.session.commit()
    return result.rowcount
