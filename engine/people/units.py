"""Administration of the units: the department's divisions and affiliated units — create, rename,
deactivate (kept for the history, no longer offered for routing or sending), name the head."""
from __future__ import annotations

import re

from sqlalchemy import func

from engine import settings
from engine.db import db
from engine.errors import N_, Conflict, InvalidInput, NotFound
from engine.models import LineStatus, ProcessingLine, Role, Unit, User, UserRole
from engine.people import audit
from engine.people.directory import require_admin
from engine.tx import transaction
from engine.validation import ORG_ID, Fields

KINDS = ("division", "affiliated")
DIVISION_CODE = re.compile(r"^[a-z][a-z0-9_]{1,19}$")
KIND_LABELS = {"department": N_("Sở"), "division": N_("Phòng, ban thuộc Sở"), "affiliated": N_("Đơn vị trực thuộc")}


def get_unit(code: str) -> Unit:
    unit = db.session.get(Unit, str(code or ""))
    if unit is None:
        raise NotFound(N_("Không tìm thấy phòng, đơn vị."))
    return unit


def listing(*, active_only: bool = False) -> list[Unit]:
    query = db.session.query(Unit)
    if active_only:
        query = query.filter(Unit.active.is_(True))
    return query.order_by(Unit.position, Unit.code).all()


def _snapshot(unit: Unit) -> dict:
    return {"name": unit.name, "abbreviation": unit.abbreviation, "active": unit.active,
            "head": unit.head.username if unit.head else None}


def _head(value, unit_code: str, errors: dict) -> User | None:
    """The named head: an active person of the unit (given the unit-head role if they lack it)."""
    if value in (None, ""):
        return None
    user = db.session.query(User).filter_by(username=str(value).removeprefix("user:"), active=True).one_or_none()
    if user is None or user.unit_code != unit_code:
        errors["head"] = "Trưởng đơn vị phải là người đang làm việc trong đơn vị này."
        return None
    return user


def _set_head(unit: Unit, head: User | None) -> None:
    unit.head = head
    if head is not None and not head.has_role(Role.UNIT_HEAD):
        head.role_rows.append(UserRole(role=Role.UNIT_HEAD))


def create_unit(admin: User, data: dict) -> Unit:
    require_admin(admin)
    f = Fields(data)
    kind = f.choice("kind", KINDS, required=True)
    code = (f.text("code", required=True, max_len=35) or "").strip()
    name = f.text("name", required=True, max_len=300)
    abbreviation = f.text("abbreviation", max_len=30)
    if code and kind == "affiliated":
        code = code.upper()
        if not ORG_ID.match(code):
            f.errors["code"] = "Đơn vị trực thuộc dùng mã định danh, ví dụ 000.11.15.H47."
    elif code and kind == "division" and not DIVISION_CODE.match(code):
        f.errors["code"] = "Mã phòng: 2–20 ký tự chữ thường không dấu, số, gạch dưới (ví dụ: phapche)."
    if code and db.session.get(Unit, code) is not None:
        f.errors["code"] = "Mã này đã có."
    f.raise_if_errors()
    last = db.session.query(func.max(Unit.position)).scalar() or 0
    with transaction():
        unit = Unit(code=code, name=name, kind=kind, parent_code=settings.get("ORG_CODE"),
                    abbreviation=abbreviation or None, position=last + 1, active=True)
        db.session.add(unit)
        audit.record(admin, "unit_created", f"unit:{code}", {"kind": kind, **_snapshot(unit)})
    return unit


def open_lines(unit: Unit) -> int:
    return (db.session.query(func.count(ProcessingLine.id))
            .filter(ProcessingLine.unit_code == unit.code, ProcessingLine.status.in_(LineStatus.OPEN)).scalar())


def update_unit(admin: User, code: str, data: dict) -> Unit:
    """Rename, change the abbreviation or the head, deactivate or reactivate a unit."""
    require_admin(admin)
    unit = get_unit(code)
    f = Fields(data)
    changes: dict = {}
    if "name" in f.data:
        changes["name"] = f.text("name", required=True, max_len=300)
    if "abbreviation" in f.data:
        changes["abbreviation"] = f.text("abbreviation", max_len=30) or None
    if "head" in f.data:
        changes["head"] = _head(f.data.get("head"), unit.code, f.errors)
    if "active" in f.data:
        changes["active"] = f.flag("active", default=True)
    f.raise_if_errors()
    if unit.kind == "department" and changes.get("active") is False:
        raise InvalidInput(N_("Không thể ngừng sử dụng chính cơ quan."), details={"active": "department"})
    if changes.get("active") is False and unit.active:
        people = db.session.query(func.count(User.id)).filter_by(unit_code=unit.code, active=True).scalar()
        lines = open_lines(unit)
        if people or lines:
            raise Conflict(N_("%(name)s còn %(people)s người đang làm việc và %(lines)s văn bản đang xử lý: "
                              "chuyển người và bàn giao công việc trước khi ngừng sử dụng."),
                           code="unit_in_use", params={"name": unit.name, "people": people, "lines": lines},
                           details={"people": people, "lines": lines})
    before = _snapshot(unit)
    with transaction():
        for name in ("name", "abbreviation", "active"):
            if name in changes:
                setattr(unit, name, changes[name])
        if "head" in changes:
            _set_head(unit, changes["head"])
        db.session.flush()
        after = _snapshot(unit)
        changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if changed:
            action = ("unit_deactivated" if changed.get("active") == [True, False] else
                      "unit_reactivated" if changed.get("active") == [False, True] else "unit_updated")
            audit.record(admin, action, f"unit:{unit.code}", changed)
    return unit
