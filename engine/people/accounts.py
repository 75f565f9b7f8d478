"""Accounts: argon2 password hashes, lockout after repeated failures, API tokens."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from engine import clock
from engine.db import db
from engine.errors import N_, AuthFailed, Throttled
from engine.models import ApiToken, User

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
IDLE_TIMEOUT = timedelta(minutes=30)

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(username: str, password: str) -> User:
    """The user with these credentials; failures are counted and lock the account.

    Raises AuthFailed (bad credentials) or Throttled (locked for LOCKOUT after
    MAX_FAILURES failures). The failure counter is committed either way.
    """
    username = (username or "").strip()
    user = db.session.query(User).filter_by(username=username).one_or_none()
    now = clock.now()
    if user is not None and user.locked_until and user.locked_until > now:
        minutes = int((user.locked_until - now).total_seconds() // 60) + 1
        raise Throttled(N_("Tài khoản tạm khóa do đăng nhập sai nhiều lần. Thử lại sau %(minutes)s phút."),
                        params={"minutes": minutes})
    if user is None or not user.active or not password or not password_matches(user, password):
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILURES:
                user.locked_until, user.failed_logins = now + LOCKOUT, 0
            db.session.commit()
            if user.locked_until and user.locked_until > now:
                raise Throttled(N_("Tài khoản tạm khóa do đăng nhập sai nhiều lần. Thử lại sau %(minutes)s phút."),
                                params={"minutes": int(LOCKOUT.total_seconds() // 60)})
        raise AuthFailed(N_("Tên đăng nhập hoặc mật khẩu không đúng."))
    if user.failed_logins or user.locked_until:
        user.failed_logins, user.locked_until = 0, None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.commit()
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(user: User) -> str:
    """A new bearer token for ``user``; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    db.session.add(ApiToken(user_id=user.id, token_hash=_digest(token), created_at=now, last_used_at=now))
    db.session.commit()
    return token


def user_for_token(token: str) -> User | None:
    """The active user of a valid token, sliding its idle timeout; None if invalid or idle too long."""
    if not token:
        return None
    row = db.session.query(ApiToken).filter_by(token_hash=_digest(token), revoked=False).one_or_none()
    now = clock.now()
    if row is None or not row.user.active or now - row.last_used_at > IDLE_TIMEOUT:
        return None
    # Touch at most once a minute to keep read requests cheap.
    if now - row.last_used_at > timedelta(minutes=1):
        row.last_used_at = now
        db.session.commit()
    return row.user


def revoke_tokens(user: User) -> None:
    db.session.query(ApiToken).filter_by(user_id=user.id).update({"revoked": True})
