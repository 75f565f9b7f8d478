"""Server-side sessions of browsers and API clients: create, resume (sliding idle timeout), list, end.

The browser's cookie and the API's bearer token carry a random secret; the database keeps its
SHA-256 and the facts a person needs to recognise a session (when, from where, which browser).
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from engine import clock
from engine.db import db
from engine.errors import N_, NotFound
from engine.models import User, UserSession
from engine.tx import transaction

IDLE_TIMEOUT = timedelta(minutes=30)  # Đ23.1e
MAX_AGE = timedelta(hours=12)  # however active, a session (a copied cookie, a leaked token) ends within a day
TOUCH_EVERY = timedelta(minutes=1)  # refreshing last_used_at at most this often keeps reads cheap
KINDS = ("web", "api")


@dataclass(frozen=True)
class Client:
    """Where a sign-in comes from (shown in the list of sessions)."""

    ip: str | None = None
    user_agent: str | None = None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def start(user: User, kind: str, client: Client | None = None) -> str:
    """Open a session for ``user`` and return its secret (shown once, never stored)."""
    if kind not in KINDS:
        raise ValueError(kind)
    secret = secrets.token_urlsafe(32)
    now = clock.now()
    client = client or Client()
    with transaction():
        db.session.add(UserSession(user_id=user.id, kind=kind, token_hash=_digest(secret), created_at=now,
                                   last_used_at=now, client_ip=(client.ip or None) and client.ip[:64],
                                   user_agent=(client.user_agent or None) and client.user_agent[:300]))
    return secret


# Read on every request, with the person, their roles and their unit that every request needs next
# (permissions; the department named in status packages): built once, so that SQLAlchemy finds it
# compiled without rebuilding it.
_FIND = (select(UserSession).options(joinedload(UserSession.user).joinedload(User.role_rows),
                                     joinedload(UserSession.user).joinedload(User.unit))
         .where(UserSession.token_hash == bindparam("token_hash"), UserSession.kind == bindparam("kind"),
                UserSession.revoked_at.is_(None)))


def find(secret: str | None, kind: str) -> UserSession | None:
    """The open session of ``kind`` with this secret, whatever its idle time; None if unknown or ended."""
    if not secret:
        return None
    return (db.session.scalars(_FIND, {"token_hash": _digest(secret), "kind": kind})
            .unique().one_or_none())


def keep_alive(row: UserSession) -> bool:
    """Restart the idle timer of an open session; False (and the session ended for good) when it was
    idle too long or its user was deactivated."""
    now = clock.now()
    if now - row.last_used_at > IDLE_TIMEOUT or now - row.created_at > MAX_AGE or not row.user.active:
        row.revoked_at = now
        db.session.commit()
        return False
    if now - row.last_used_at > TOUCH_EVERY:
        row.last_used_at = now
        db.session.commit()
    return True


def resume(secret: str | None, kind: str) -> UserSession | None:
    """The live session for ``secret`` with its idle timer restarted; None when unknown, ended or idle."""
    row = find(secret, kind)
    return row if row is not None and keep_alive(row) else None


def listing(user: User) -> list[UserSession]:
    """The user's open sessions, most recently used first."""
    cutoff = clock.now() - IDLE_TIMEOUT
    return (db.session.query(UserSession)
            .filter(UserSession.user_id == user.id, UserSession.revoked_at.is_(None),
                    UserSession.last_used_at >= cutoff)
            .order_by(UserSession.last_used_at.desc()).all())


def end(user: User, session_id: int) -> None:
    """End one of the user's own sessions."""
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != user.id:
        raise NotFound(N_("Không tìm thấy phiên đăng nhập."))
    with transaction():
        if row.revoked_at is None:
            row.revoked_at = clock.now()


def end_current(row: UserSession | None) -> None:
    if row is not None and row.revoked_at is None:
        with transaction():
            row.revoked_at = clock.now()


def revoke_all(user: User, *, keep: UserSession | None = None) -> int:
    """End every open session of ``user`` (except ``keep``) in the caller's transaction."""
    query = update(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    return db.session.execute(query.values(revoked_at=clock.now())
                              .execution_options(synchronize_session=False)).rowcount
