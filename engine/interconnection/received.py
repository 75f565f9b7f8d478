"""The log of packages taken in (one row each, unique key: a replayed package is recognised) and the
answer a package gets."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Callable

from sqlalchemy.exc import IntegrityError

from engine import clock
from engine.db import db
from engine.incoming.uploads import forget_unreferenced
from engine.interconnection.arrival import number_and_notation
from engine.models import ReceivedPackage
from engine.storage import store
from engine.tx import transaction
from integrations import edxml


@dataclass
class Outcome:
    kind: str  # document | status
    document_id: int
    business: str | None = None
    code: str | None = None
    duplicate: bool = False
    created: bool = False


def record(key: str, kind: str, pkg, data: bytes, via: str, *, business=None, code=None, document_id=None,
           outcome="taken", error=None, reason=None) -> ReceivedPackage:
    """The log row of one package (its bytes kept content-addressed for the record)."""
    digest, _created = store().put(data)
    sender = pkg.sender if pkg is not None else edxml.Organ("")
    number, notation = number_and_notation(pkg) if isinstance(pkg, edxml.DocumentPackage) else ("", "")
    row = ReceivedPackage(
        key=key, kind=kind, business=business, code=code, sender_code=sender.organ_id.strip().upper()[:35],
        sender_name=(sender.name or None) and sender.name[:300], document_id=document_id, outcome=outcome,
        edxml_document_id=(_doc_id(pkg) or "")[:300], error=error, reason=reason, via=via, size=len(data),
        package_sha256=digest, problems=list(getattr(pkg, "problems", []) or []) or None, received_at=clock.now(),
        details={"code": "/".join(filter(None, [number, notation])),
                 "promulgation_date": pkg.promulgation_date.raw} if isinstance(pkg, edxml.DocumentPackage) else None)
    db.session.add(row)
    return row


def _doc_id(pkg) -> str:
    if isinstance(pkg, edxml.DocumentPackage):
        return pkg.document_id
    if isinstance(pkg, edxml.StatusPackage):
        return pkg.response_for.document_id
    return ""


def refusal_key(pkg: edxml.DocumentPackage) -> str:
    """Outbox key of the one 02 a refused package gets (document ids run long: hashed)."""
    return f"refuse:{pkg.sender.organ_id}:{hashlib.sha256(pkg.document_id.encode('utf-8')).hexdigest()[:32]}"


def reply_ref(pkg: edxml.DocumentPackage) -> dict:
    number, notation = number_and_notation(pkg)
    return {"organ_id": pkg.sender.organ_id, "code": "/".join(filter(None, [number, notation])),
            "promulgation_date": pkg.promulgation_date.raw, "document_id": pkg.document_id}


def existing(key: str) -> ReceivedPackage | None:
    return db.session.query(ReceivedPackage).filter_by(key=key).one_or_none()


def store_once(key: str, work: Callable[[list], Outcome], duplicate: Callable[[ReceivedPackage], Outcome]) -> Outcome:
    """``work(new_blobs)`` in one transaction, which records the package under ``key`` (the caller saw no
    package with it). The same package sent to two workers at once is stored by one; the other loses
    on the key's uniqueness and answers ``duplicate(the winner's row)``."""
    new_blobs: list[str] = []
    try:
        with transaction():
            return work(new_blobs)
    except IntegrityError:
        forget_unreferenced(new_blobs)
        earlier = existing(key)
        if earlier is None:
            raise
        return duplicate(earlier)
    except BaseException:
        forget_unreferenced(new_blobs)
        raise
