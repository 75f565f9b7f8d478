"""Signing in and a person's own account: lockout after repeated failures, the forced change of a
one-time password, changing one's password, signing out everywhere."""
from __future__ import annotations

from datetime import timedelta

from engine import clock
from engine.db import db
from engine.errors import N_, AuthFailed, Forbidden, InvalidInput, Throttled
from engine.models import Role, Throttle, User, UserSession
from engine.people import audit, passwords, sessions, throttle
from engine.tx import transaction

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)


class PasswordChangeRequired(Forbidden):
    """The account still has a one-time password: only changing it (or signing out) is allowed."""

    code = "password_change_required"


LOGIN_POLICY = throttle.Policy(limit=MAX_FAILURES, window=LOCKOUT, block=LOCKOUT)


def _login_prefix(username: str) -> str:
    return f"login:{username.strip().lower()}:"


def login_key(username: str, client_ip: str | None) -> str:
    """Failures are counted per account *and* client: a stranger guessing from elsewhere blocks only
    himself, never the owner's sign-in from her own desk."""
    return _login_prefix(username) + (client_ip or "-")


def authenticate(username: str, password: str, client_ip: str | None = None) -> User:
    """The user with these credentials. Raises AuthFailed (bad credentials) or Throttled (MAX_FAILURES
    failures from this client within LOCKOUT). Unknown usernames are counted and answered exactly like
    known ones, with the same work done, so that the answer does not tell which accounts exist."""
    username = (username or "").strip()[:80]
    key = login_key(username, client_ip)
    until = throttle.blocked_until(key)
    if until:
        raise _locked(until)
    user = db.session.query(User).filter_by(username=username).one_or_none() if username else None
    acceptable = bool(password) and len(password) <= passwords.MAX_LENGTH
    matches = passwords.verify(user.password_hash if user else passwords.decoy_hash(), password if acceptable else "")
    if user is None or not user.active or not acceptable or not matches:
        until = throttle.record_failure(key, LOGIN_POLICY)
        if until:
            raise _locked(until)
        raise AuthFailed(N_("Tên đăng nhập hoặc mật khẩu không đúng."))
    throttle.clear(key)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    db.session.commit()
    return user


def _locked(until) -> Throttled:
    minutes = max(1, int((until - clock.now()).total_seconds() // 60) + 1)
    return Throttled(N_("Đăng nhập sai nhiều lần; tạm khóa đăng nhập từ máy này. Thử lại sau %(minutes)s phút."),
                     params={"minutes": minutes})


def unlock(admin: User, username: str) -> int:
    """Lift every sign-in block on ``username`` (administrators); returns how many were lifted."""
    if not admin.has_role(Role.ADMIN):
        raise Forbidden(N_("Chỉ quản trị hệ thống được mở khóa đăng nhập."))
    with transaction():
        lifted = drop_sign_in_blocks(username)
        audit.record(admin, "sign_in_unlocked", f"user:{username}", {"clients": lifted})
    return lifted


def drop_sign_in_blocks(username: str) -> int:
    """Forget the sign-in failures of ``username`` from every client, in the caller's transaction."""
    rows = db.session.query(Throttle).filter(Throttle.key.startswith(_login_prefix(username), autoescape=True)).all()
    for row in rows:
        db.session.delete(row)
    return sum(1 for row in rows if row.blocked_until and row.blocked_until > clock.now())


def blocked_sign_ins(username: str) -> list:
    """The clients currently blocked from signing in as ``username`` (for the administrator)."""
    return throttle.blocked(_login_prefix(username))


def sign_in(username: str, password: str, kind: str, client: sessions.Client | None = None) -> tuple[User, str]:
    """Check the credentials and open a session of ``kind``; returns the user and the session secret."""
    user = authenticate(username, password, client.ip if client else None)
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
