"""Delegation (ủy quyền, Đ17.4): a leader lets a named person route, supervise, permit issue or sign."""
from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, or_, select

from engine import clock, settings
from engine.db import db, reading, transaction_cache
from engine.errors import N_, Forbidden, NotFound
from engine.models import Delegation, Role, User
from engine.tx import transaction
from engine.validation import Fields

RIGHTS = ("route", "supervise", "issue", "sign")
RIGHT_LABELS = {"route": N_("Phân công xử lý văn bản"), "supervise": N_("Giám sát, đôn đốc"),
                "issue": N_("Cho phép phát hành"), "sign": N_("Ký số văn bản phát hành")}
# Which user tasks each right covers (the task's BPMN id). Permitting issue is not signing.
RIGHT_TASKS = {"route": ("route",), "sign": ("sign",), "issue": ("issue",), "supervise": ()}
MAX_DAYS = 90  # a delegation covers an absence, not a post: longer needs a new decision
STAFF_ROLES = (Role.LEADER, Role.UNIT_HEAD, Role.SPECIALIST, Role.CLERK)


def rights_for_task(task_name: str) -> tuple[str, ...]:
    return tuple(r for r, names in RIGHT_TASKS.items() if task_name in names)


def in_force(delegate: User, on: date | None = None) -> list[Delegation]:
    """Delegations to ``delegate`` in force on ``on`` (today by default)."""
    return _in_force("to", delegate.id, on or clock.today())


def delegates_of(delegator: User, on: date | None = None) -> list[Delegation]:
    """Delegations from ``delegator`` in force on ``on`` (today by default)."""
    return _in_force("from", delegator.id, on or clock.today())


# Asked on every task list and task completion: the statements are built once.
_IN_FORCE = {direction: select(Delegation).where(column == bindparam("user_id"), Delegation.revoked_at.is_(None),
                                                 Delegation.starts_on <= bindparam("on"),
                                                 Delegation.ends_on >= bindparam("on"))
             for direction, column in (("to", Delegation.delegate_id), ("from", Delegation.delegator_id))}


def _in_force(direction: str, user_id: int, on: date) -> list[Delegation]:
    # One request asks this several times (the task list's four views, authorising a task, telling
    # the delegates of a new task's holder): read once per transaction.
    cache = transaction_cache("delegations in force", changed_by=Delegation)
    key = (direction, user_id, on)
    if key not in cache:
        with reading(Delegation):
            cache[key] = db.session.scalars(_IN_FORCE[direction], {"user_id": user_id, "on": on}).all()
    return list(cache[key])


def delegator_for(delegate: User, principal_id: int, task_name: str) -> User | None:
    """The delegator ``principal_id`` if they delegated a right covering ``task_name`` to ``delegate``."""
    wanted = set(rights_for_task(task_name))
    for d in in_force(delegate):
        if d.delegator_id == principal_id and wanted & set(d.rights) and d.delegator.active:
            return d.delegator
    return None


def has_right(user: User, right: str) -> bool:
    """True for leaders, and for people a leader delegated ``right`` to (in force today)."""
    if user.has_role(Role.LEADER):
        return True
    return any(right in d.rights for d in in_force(user))


def create(leader: User, data: dict) -> Delegation:
    if not leader.has_role(Role.LEADER):
        raise Forbidden(N_("Chỉ lãnh đạo Sở được ủy quyền."))
    f = Fields(data)
    delegate_ref = f.line("delegate", required=True, max_len=100)
    starts_on = f.day("starts_on", required=True)
    ends_on = f.day("ends_on", required=True)
    rights = data.get("rights") if isinstance(data, dict) else None
    if not isinstance(rights, list) or not rights or any(r not in RIGHTS for r in rights):
        f.errors["rights"] = "Chọn ít nhất một quyền: " + ", ".join(RIGHT_LABELS[r].lower() for r in RIGHTS)
    delegate = None
    if delegate_ref:
        delegate = db.session.query(User).filter_by(username=delegate_ref.removeprefix("user:"),
                                                    active=True).one_or_none()
        if delegate is None or delegate.id == leader.id:
            f.errors["delegate"] = "Người được ủy quyền không hợp lệ."
    if starts_on and starts_on < clock.today():
        f.errors["starts_on"] = "Không ủy quyền lùi ngày: ngày bắt đầu từ hôm nay trở đi."
    if starts_on and ends_on and ends_on < starts_on:
        f.errors["ends_on"] = "Ngày kết thúc phải sau ngày bắt đầu."
    elif starts_on and ends_on and (ends_on - starts_on).days + 1 > MAX_DAYS:
        f.errors["ends_on"] = f"Một lần ủy quyền tối đa {MAX_DAYS} ngày."
    if delegate is not None and not f.errors.get("rights"):
        refused = [RIGHT_LABELS[r] for r in rights if not may_receive(delegate, r)]
        if refused:
            f.errors["delegate"] = ("Người này không được nhận quyền: " + ", ".join(refused)
                                    + ". Ký số chỉ ủy quyền cho lãnh đạo Sở; cho phép phát hành chỉ cho văn thư "
                                    "hoặc Chánh Văn phòng.")
    if not f.errors:
        taken = _overlapping(leader, set(rights), starts_on, ends_on)
        if taken:
            f.errors["rights"] = "Đã ủy quyền trong khoảng thời gian này: " + ", ".join(RIGHT_LABELS[r] for r in taken)
    f.raise_if_errors()
    with transaction():
        delegation = Delegation(delegator_id=leader.id, delegate_id=delegate.id, starts_on=starts_on,
                                ends_on=ends_on, rights=sorted(set(rights)), created_at=clock.now())
        db.session.add(delegation)
    return delegation


def may_receive(delegate: User, right: str) -> bool:
    """Whether ``delegate`` may be given ``right``: signing only to a leader, permitting issue only to a
    clerk or the Chánh Văn phòng, and nothing to an account that is not staff (administrator …)."""
    if right == "sign":
        return delegate.has_role(Role.LEADER)
    if right == "issue":
        return delegate.has_role(Role.CLERK) or (delegate.has_role(Role.UNIT_HEAD)
                                                 and delegate.unit_code == settings.get("OFFICE_UNIT"))
    return delegate.has_role(*STAFF_ROLES)


def _overlapping(leader: User, rights: set[str], starts_on: date, ends_on: date) -> list[str]:
    """The rights among ``rights`` that ``leader`` already delegated for some day of the period."""
    current = (db.session.query(Delegation)
               .filter(Delegation.delegator_id == leader.id, Delegation.revoked_at.is_(None),
                       Delegation.starts_on <= ends_on, Delegation.ends_on >= starts_on).all())
    return sorted(rights & {r for d in current for r in d.rights})


def revoke(user: User, delegation_id: int) -> Delegation:
    delegation = db.session.get(Delegation, delegation_id)
    if delegation is None:
        raise NotFound(N_("Không tìm thấy ủy quyền."))
    if delegation.delegator_id != user.id and not user.has_role(Role.ADMIN):
        raise Forbidden(N_("Chỉ người ủy quyền được thu hồi ủy quyền này."))
    with transaction():
        if delegation.revoked_at is None:
            delegation.revoked_at = clock.now()
    return delegation


def listing(user: User) -> list[Delegation]:
    return (db.session.query(Delegation)
            .filter(or_(Delegation.delegator_id == user.id, Delegation.delegate_id == user.id))
            .order_by(Delegation.id.desc()).all())

