"""The organisation (R-ORG-1) and the demo users of API.md, created on first run: the department,
its divisions and its ten affiliated units, each unit with a head."""
from __future__ import annotations

import secrets

from engine import clock, settings
from engine.db import db
from engine.models import Unit, User, UserRole
from engine.models.org import Role
from engine.people.passwords import hash_password, verify

DIVISIONS = [
    ("vp", "Văn phòng Sở", "VP"),
    ("thanhtra", "Thanh tra Sở", "TTr"),
    ("khtc", "Phòng Kế hoạch - Tài chính", "KHTC"),
    ("ldvl", "Phòng Lao động - Việc làm - Giáo dục nghề nghiệp", "LĐVL"),
    ("ncc", "Phòng Người có công", "NCC"),
    ("btxh", "Phòng Bảo trợ xã hội", "BTXH"),
    ("tnxh", "Chi cục Phòng, chống tệ nạn xã hội", "TNXH"),
]

# Article 10.2a of the regulation.
AFFILIATED = [
    ("000.01.15.H47", "Cơ sở cai nghiện ma túy Quảng Nam"),
    ("000.02.15.H47", "Làng Hòa Bình Quảng Nam"),
    ("000.03.15.H47", "Trung tâm Bảo trợ xã hội Quảng Nam"),
    ("000.04.15.H47", "Trung tâm Công tác xã hội Quảng Nam"),
    ("000.05.15.H47", "Trung tâm Dịch vụ việc làm Quảng Nam"),
    ("000.06.15.H47", "Trung tâm Điều dưỡng người tâm thần Quảng Nam"),
    ("000.07.15.H47", "Trung tâm Nuôi dưỡng, điều dưỡng người có công Quảng Nam"),
    ("000.08.15.H47", "Trường Trung cấp nghề Bắc Quảng Nam"),
    ("000.09.15.H47", "Trường Trung cấp nghề Nam Quảng Nam"),
    ("000.10.15.H47", "Trường Trung cấp nghề Thanh niên Dân tộc - Miền núi Quảng Nam"),
]

DEMO_USERS = [
    # username, full name, position, unit, roles
    ("vanthu", "Trần Thị Thu", "Văn thư", "vp", [Role.CLERK]),
    ("giamdoc", "Nguyễn Văn Ánh", "Giám đốc", None, [Role.LEADER]),
    ("phogiamdoc", "Lê Thị Hồng", "Phó Giám đốc", None, [Role.LEADER]),
    ("tp.ldvl", "Phạm Minh Đức", "Trưởng phòng Lao động - Việc làm - GDNN", "ldvl", [Role.UNIT_HEAD]),
    ("cv.ldvl", "Hoàng Thị Lan", "Chuyên viên", "ldvl", [Role.SPECIALIST]),
    ("tp.ncc", "Võ Văn Dũng", "Trưởng phòng Người có công", "ncc", [Role.UNIT_HEAD]),
    ("cv.ncc", "Đặng Thị Mai", "Chuyên viên", "ncc", [Role.SPECIALIST]),
    ("tp.vp", "Trương Công Bình", "Chánh Văn phòng Sở", "vp", [Role.UNIT_HEAD]),
    ("quytrinh", "Bùi Quốc Huy", "Chuyên viên Văn phòng", "vp", [Role.PROCESS_OWNER]),
    ("quantri", "Ngô Thanh Tùng", "Quản trị hệ thống", "vp", [Role.ADMIN]),
]

# The head of each affiliated unit (Đ10.2a): username, full name, position.
AFFILIATED_HEADS = [
    ("gd.dv01", "Huỳnh Văn Phúc", "Giám đốc Cơ sở cai nghiện ma túy"),
    ("gd.dv02", "Lê Thị Ngọc Hà", "Giám đốc Làng Hòa Bình"),
    ("gd.dv03", "Nguyễn Đình Khoa", "Giám đốc Trung tâm Bảo trợ xã hội"),
    ("gd.dv04", "Trần Thị Kim Oanh", "Giám đốc Trung tâm Công tác xã hội"),
    ("gd.dv05", "Phan Văn Lộc", "Giám đốc Trung tâm Dịch vụ việc làm"),
    ("gd.dv06", "Đoàn Thị Thanh Tâm", "Giám đốc Trung tâm Điều dưỡng người tâm thần"),
    ("gd.dv07", "Võ Minh Quang", "Giám đốc Trung tâm Nuôi dưỡng, điều dưỡng người có công"),
    ("gd.dv08", "Nguyễn Thị Thu Hằng", "Hiệu trưởng Trường Trung cấp nghề Bắc Quảng Nam"),
    ("gd.dv09", "Lương Công Hiếu", "Hiệu trưởng Trường Trung cấp nghề Nam Quảng Nam"),
    ("gd.dv10", "Hồ Văn Thắng", "Hiệu trưởng Trường Trung cấp nghề Thanh niên Dân tộc - Miền núi"),
]
DEMO_USERS += [(username, name, position, code, [Role.UNIT_HEAD])
               for (username, name, position), (code, _unit) in zip(AFFILIATED_HEADS, AFFILIATED)]
# Units whose demo head is named on the unit (deputies would hold the role without being named).
DEMO_HEADS = {"vp": "tp.vp", "ldvl": "tp.ldvl", "ncc": "tp.ncc",
              **{code: username for (username, _n, _p), (code, _u) in zip(AFFILIATED_HEADS, AFFILIATED)}}


def ensure_organisation() -> None:
    """Create the department, its divisions and affiliated units if missing."""
    org_code = settings.get("ORG_CODE")
    if db.session.get(Unit, org_code) is None:
        db.session.add(Unit(code=org_code, name=settings.get("ORG_NAME"), kind="department",
                            abbreviation=settings.get("ORG_ABBREVIATION"), position=0))
    for pos, (code, name, abbr) in enumerate(DIVISIONS, start=1):
        if db.session.get(Unit, code) is None:
            db.session.add(Unit(code=code, name=name, kind="division", parent_code=org_code,
                                abbreviation=abbr, position=pos))
    for pos, (code, name) in enumerate(AFFILIATED, start=20):
        if db.session.get(Unit, code) is None:
            db.session.add(Unit(code=code, name=name, kind="affiliated", parent_code=org_code, position=pos))
    db.session.flush()


def ensure_demo_users(password: str | None) -> dict[str, str | None]:
    """Create missing demo users. Returns {username: password or None if unchanged}.

    With ``password`` every demo user ends up with it; otherwise new users get a
    random password, returned here so it can be printed once.
    """
    shown: dict[str, str | None] = {}
    org_code = settings.get("ORG_CODE")
    for username, full_name, position, unit, roles in DEMO_USERS:
        user = db.session.query(User).filter_by(username=username).one_or_none()
        if user is None:
            secret = password or secrets.token_urlsafe(9)
            user = User(username=username, full_name=full_name, position=position,
                        unit_code=unit or org_code, password_hash=hash_password(secret),
                        email=f"{username}@qoffice.local", created_at=clock.now())
            user.role_rows = [UserRole(role=r) for r in roles]
            db.session.add(user)
            shown[username] = secret
        elif password and not verify(user.password_hash, password):
            user.password_hash = hash_password(password)
            shown[username] = password
        else:
            shown[username] = password
    db.session.flush()
    for code, username in DEMO_HEADS.items():
        unit = db.session.get(Unit, code)
        if unit is not None and unit.head_id is None:
            unit.head = db.session.query(User).filter_by(username=username).one()
    db.session.flush()
    return shown
