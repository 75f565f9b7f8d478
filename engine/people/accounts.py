"""Signing in and a person's own account: lockout after repeated failures, the forced change of a
one-time password, changing one's password, signing out everywhere."""
from __future__ import annotations

from datetime import timedelta

from engine import clock
from engine.db import db
from engine.errors import N_, AuthFailed, Forbidden, InvalidInput, Throttled
from engine.models import User, UserSession
from engine.people import audit, passwords, sessions
from engine.tx import transaction

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)


class PasswordChangeRequired(Forbidden):
    """The account still has a one-time password: only changing it (or signing out) is allowed."""

    code = "password_change_required"


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
    if (user is None or not user.active or not password or len(password) > passwords.MAX_LENGTH
            or not passwords.verify(user.password_hash, password)):
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
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    db.session.commit()
    return user


def sign_in(username: str, password: str, kind: str, client: sessions.Client | None = None) -> tuple[User, str]:
    """Check the credentials and open a session of ``kind``; returns the user and the session secret."""
    user = authenticate(username, password)
    return user, sessions.start(user, kind, client)


def require_password_changed(user: User) -> None:
    if user.must_change_password:
        raise PasswordChangeRequired(N_("Bạn cần đổi mật khẩu dùng một lần trước khi làm việc."))


def change_password(user: User, current: str, new: str, *, keep: UserSession | None = None) -> None:
    """Replace the user's password after checking the current one; every other session ends."""
    errors = {}
    if not isinstance(current, str) or not current or not passwords.verify(user.password_hash, current):
        errors["current"] = "Mật khẩu hiện tại không đúng."
    elif isinstance(new, str) and new == current:
        errors["new"] = "Mật khẩu mới phải khác mật khẩu hiện tại."
    if errors:
        raise InvalidInput(N_("Không đổi được mật khẩu."), details=errors)
    passwords.check_new(new, username=user.username, full_name=user.full_name)
    with transaction():
        user.password_hash = passwords.hash_password(new)
        user.must_change_password = False
        user.password_changed_at = clock.now()
        sessions.revoke_all(user, keep=keep)
        audit.record(user, "password_changed", f"user:{user.username}")


def sign_out_everywhere(user: User) -> int:
    """End every session of the user, this one included."""
    with transaction():
        ended = sessions.revoke_all(user)
        audit.record(user, "signed_out_everywhere", f"user:{user.username}", {"sessions": ended})
    return ended
