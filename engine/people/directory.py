"""Administration of user accounts (R-ACCOUNT-2, Đ21.4): create, edit, deactivate — never delete,
the history keeps them — and reset a password to a one-time one. Every change is audited."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func

from engine import clock
from engine.db import db
from engine.errors import N_, Conflict, Forbidden, InvalidInput, NotFound
from engine.models import Document, InboxTask, LineStatus, ProcessingLine, Role, Unit, User, UserRole
from engine.people import audit, passwords, sessions
from engine.text import fold
from engine.tx import transaction
from engine.validation import Fields

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[0-9+() .-]{6,30}$")
FIELDS = ("full_name", "email", "phone", "unit", "roles", "position", "active")
ROLE_NAMES = {**{r: r for r in Role.ALL}, **{fold(label): code for code, label in Role.LABELS.items()}}


@dataclass
class NewAccount:
    user: User
    one_time_password: str


def require_admin(user: User) -> None:
    if not user.has_role(Role.ADMIN):
        raise Forbidden(N_("Chỉ quản trị hệ thống được quản lý tài khoản và đơn vị."))


def get_user(username: str) -> User:
    user = db.session.query(User).filter_by(username=str(username or "")).one_or_none()
    if user is None:
        raise NotFound(N_("Không tìm thấy người dùng."))
    return user


def users(query: str | None = None, unit: str | None = None) -> list[User]:
    rows = db.session.query(User)
    if unit:
        rows = rows.filter(User.unit_code == unit)
    rows = rows.order_by(User.active.desc(), User.unit_code, User.username).all()
    if query:
        words = fold(query).split()
        rows = [u for u in rows if all(w in fold(f"{u.username} {u.full_name} {u.email or ''}") for w in words)]
    return rows


def parse_roles(value, errors: dict) -> list[str] | None:
    """Role codes (or their Vietnamese names) as a list, or one string separated by , ; | or spaces."""
    if isinstance(value, str):
        parts = [p for p in re.split(r"[,;|]", value) if p.strip()]
        if len(parts) == 1 and fold(parts[0]) not in ROLE_NAMES:
            parts = parts[0].split()
        value = parts
    if not isinstance(value, list) or not value:
        errors["roles"] = "Chọn ít nhất một vai trò: " + ", ".join(Role.ALL)
        return None
    roles = []
    for item in value:
        code = ROLE_NAMES.get(fold(str(item)))
        if code is None:
            errors["roles"] = f"{item}: vai trò không hợp lệ ({', '.join(Role.ALL)})."
            return None
        if code not in roles:
            roles.append(code)
    return sorted(roles)


def clean(data: dict, *, partial: bool) -> dict:
    """Validated account fields; with ``partial`` only those present in ``data``."""
    f = Fields(data)
    given = (lambda name: name in f.data) if partial else (lambda name: True)
    out: dict = {}
    if given("full_name"):
        out["full_name"] = f.text("full_name", required=True, max_len=200)
    if given("position"):
        out["position"] = f.text("position", max_len=200) or None
    if given("email"):
        email = f.text("email", max_len=200)
        if email and not EMAIL.match(email):
            f.errors["email"] = "Địa chỉ thư điện tử không hợp lệ."
        out["email"] = email.lower() if email else None
    if given("phone"):
        phone = f.text("phone", max_len=30)
        if phone and not PHONE.match(phone):
            f.errors["phone"] = "Số điện thoại chỉ gồm chữ số, dấu cách và + ( ) . -"
        out["phone"] = phone or None
    if given("unit"):
        code = f.text("unit", required=True, max_len=35)
        unit = db.session.get(Unit, code) if code else None
        if code and (unit is None or not unit.active):
            f.errors["unit"] = f"{code}: không có phòng, đơn vị đang hoạt động với mã này."
        out["unit"] = unit
    if given("roles"):
        out["roles"] = parse_roles(f.data.get("roles"), f.errors)
    if "active" in f.data:
        out["active"] = f.flag("active", default=True)
    f.raise_if_errors()
    return out


def clean_username(value, errors: dict) -> str | None:
    username = str(value or "").strip().lower()
    if not USERNAME.match(username):
        errors["username"] = "Tên đăng nhập 3–80 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang, gạch dưới."
        return None
    if db.session.query(User.id).filter(func.lower(User.username) == username).first() is not None:
        errors["username"] = "Tên đăng nhập đã có."
        return None
    return username


def build(cleaned: dict, username: str) -> NewAccount:
    """A new account (added to the session, not committed) with a one-time password."""
    secret = passwords.one_time_password()
    user = User(username=username, full_name=cleaned["full_name"], position=cleaned.get("position"),
                email=cleaned.get("email"), phone=cleaned.get("phone"), unit_code=cleaned["unit"].code,
                password_hash=passwords.hash_password(secret), active=cleaned.get("active", True),
                must_change_password=True, created_at=clock.now())
    user.role_rows = [UserRole(role=r) for r in cleaned["roles"]]
    db.session.add(user)
    return NewAccount(user, secret)


def create_user(admin: User, data: dict) -> NewAccount:
    """A new account with a one-time password that must be changed at the first sign-in."""
    require_admin(admin)
    errors: dict = {}
    username = clean_username((data or {}).get("username") if isinstance(data, dict) else None, errors)
    try:
        cleaned = clean(data, partial=False)
    except InvalidInput as error:
        error.details.update(errors)
        raise
    if errors:
        raise InvalidInput(N_("Dữ liệu chưa hợp lệ, vui lòng kiểm tra các trường được đánh dấu."), details=errors)
    with transaction():
        account = build(cleaned, username)
        audit.record(admin, "user_created", f"user:{username}", snapshot(account.user))
    return account


def snapshot(user: User) -> dict:
    return {"full_name": user.full_name, "email": user.email, "phone": user.phone, "unit": user.unit_code,
            "roles": sorted(r.role for r in user.role_rows), "position": user.position, "active": user.active}


def open_work(user: User) -> dict:
    """What would be stranded if ``user`` stopped working: open tasks, processing lines, drafts."""
    tasks = db.session.query(func.count(InboxTask.id)).filter_by(assignee_id=user.id, status="open").scalar()
    lines = (db.session.query(func.count(ProcessingLine.id))
             .filter(ProcessingLine.holder_id == user.id, ProcessingLine.status.in_(LineStatus.OPEN)).scalar())
    drafts = (db.session.query(func.count(Document.id))
              .filter(Document.direction == "outgoing", Document.created_by_id == user.id,
                      Document.status.in_(("draft", "in_review"))).scalar())
    return {"tasks": tasks, "lines": lines, "drafts": drafts}


def _other_active_admins(user: User) -> int:
    return (db.session.query(func.count(User.id)).join(UserRole)
            .filter(User.active.is_(True), UserRole.role == Role.ADMIN, User.id != user.id).scalar())


def update_user(admin: User, username: str, data: dict) -> User:
    """Change an account's details, unit, roles or active state (deactivating keeps everything)."""
    require_admin(admin)
    user = get_user(username)
    cleaned = clean(data, partial=True)
    before = snapshot(user)
    deactivating = cleaned.get("active") is False and user.active
    if deactivating:
        if user.id == admin.id:
            raise InvalidInput(N_("Không thể tự khóa tài khoản của mình."), details={"active": "self"})
        work = open_work(user)
        if any(work.values()):
            raise Conflict(N_("%(name)s còn công việc đang mở (%(tasks)s công việc, %(lines)s dòng xử lý, "
                              "%(drafts)s dự thảo): hãy bàn giao cho người khác thay vì chỉ khóa tài khoản."),
                           code="open_work", params={"name": user.full_name, **work}, details=work)
    losing_admin = user.has_role(Role.ADMIN) and (deactivating or ("roles" in cleaned
                                                                   and Role.ADMIN not in cleaned["roles"]))
    if losing_admin and _other_active_admins(user) == 0:
        raise InvalidInput(N_("Phải còn ít nhất một quản trị hệ thống đang hoạt động."), details={"roles": "admin"})
    with transaction():
        for name in ("full_name", "position", "email", "phone"):
            if name in cleaned:
                setattr(user, name, cleaned[name])
        if "unit" in cleaned:
            user.unit_code = cleaned["unit"].code
        if "roles" in cleaned:
            keep = {r.role: r for r in user.role_rows}
            user.role_rows = [keep.get(r) or UserRole(role=r) for r in cleaned["roles"]]
        if "active" in cleaned:
            user.active = cleaned["active"]
            if not user.active:
                sessions.revoke_all(user)
                for unit in db.session.query(Unit).filter_by(head_id=user.id):
                    unit.head_id = None
        db.session.flush()
        after = snapshot(user)
        changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if changed:
            action = ("user_deactivated" if deactivating else
                      "user_reactivated" if changed.get("active") == [False, True] else "user_updated")
            audit.record(admin, action, f"user:{user.username}", changed)
    return user


def reset_password(admin: User, username: str) -> str:
    """A new one-time password for ``username`` (forgotten password, suspected disclosure): every
    session of that account ends, the lockout is lifted, and the password must be changed at sign-in."""
    require_admin(admin)
    user = get_user(username)
    if not user.active:
        raise InvalidInput(N_("Tài khoản đã khóa; mở lại tài khoản trước khi cấp mật khẩu."),
                           details={"active": "inactive"})
    secret = passwords.one_time_password()
    with transaction():
        user.password_hash = passwords.hash_password(secret)
        user.must_change_password = True
        user.failed_logins, user.locked_until = 0, None
        ended = sessions.revoke_all(user)
        audit.record(admin, "password_reset", f"user:{user.username}", {"sessions_ended": ended})
    return secret
