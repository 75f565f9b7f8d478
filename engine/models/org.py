"""Organisation: units, users, roles."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import AwareDateTime, db
from engine.errors import N_


class Role:
    """Role codes. Diagram lanes use the CamelCase names in LANES."""

    CLERK = "clerk"
    LEADER = "leader"
    UNIT_HEAD = "unit_head"
    SPECIALIST = "specialist"
    PROCESS_OWNER = "process_owner"
    ADMIN = "admin"
    ALL = (CLERK, LEADER, UNIT_HEAD, SPECIALIST, PROCESS_OWNER, ADMIN)
    LANES = {"Clerk": CLERK, "Leader": LEADER, "UnitHead": UNIT_HEAD, "Specialist": SPECIALIST,
             "Drafter": SPECIALIST}
    LABELS = {
        CLERK: N_("Văn thư"),
        LEADER: N_("Lãnh đạo Sở"),
        UNIT_HEAD: N_("Lãnh đạo phòng, đơn vị"),
        SPECIALIST: N_("Chuyên viên"),
        PROCESS_OWNER: N_("Quản lý quy trình"),
        ADMIN: N_("Quản trị hệ thống"),
    }


class Unit(db.Model):
    """The department, its internal divisions and its affiliated units."""

    __tablename__ = "units"
    code: Mapped[str] = mapped_column(String(35), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))  # department | division | affiliated
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"))
    abbreviation: Mapped[str | None] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(default=0)
    # A deactivated unit keeps its history but is no longer offered for routing or sending.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The head (trưởng phòng, giám đốc đơn vị); deputies hold the unit-head role without being named here.
    head_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", use_alter=True))

    head: Mapped["User | None"] = relationship(foreign_keys=[head_id], post_update=True)


class User(db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(30))
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(AwareDateTime())
    created_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    # Set on handover (R-ACCOUNT-1): work that would still reach this user goes to the successor.
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A one-time password (new account, reset) must be replaced at the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    password_changed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_code])
    role_rows: Mapped[list["UserRole"]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    successor: Mapped["User | None"] = relationship(remote_side=[id], foreign_keys=[successor_id])

    @property
    def roles(self) -> list[str]:
        return sorted(r.role for r in self.role_rows)

    def has_role(self, *roles: str) -> bool:
        mine = {r.role for r in self.role_rows}
        return any(r in mine for r in roles)

    # Flask-Login protocol, kept here so that web/ needs no wrapper class.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(30))
