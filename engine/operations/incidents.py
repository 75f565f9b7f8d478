"""The incident register (R-SEC-3, Đ13.3, Đ19.3): anyone reports a security incident or a software
error; administrators assign it to one of them and close it with what was done; the register is
exported for the province's IT department."""
from __future__ import annotations

import csv
import io

from sqlalchemy import case

from engine import clock
from engine.db import db
from engine.errors import N_, Forbidden, InvalidInput, NotFound
from engine.models import Incident, IncidentKind, IncidentStatus, Role, User
from engine.notifications.notify import notify
from engine.text import spreadsheet_text
from engine.tx import transaction
from engine.validation import Fields


def report(user: User, data: dict) -> Incident:
    """Record what ``user`` reports and tell the administrators."""
    f = Fields(data)
    kind = f.choice("kind", IncidentKind.ALL, required=True)
    title = f.line("title", required=True, max_len=300)
    description = f.text("description", required=True, max_len=8000)
    page = f.line("page", max_len=500)
    f.raise_if_errors()
    with transaction():
        incident = Incident(kind=kind, title=title, description=description, page=page or None,
                            status=IncidentStatus.OPEN, reported_by_id=user.id, reported_at=clock.now())
        db.session.add(incident)
        db.session.flush()
        notify(administrators(), None, "incident", f"[Sự cố #{incident.id}] {title}",
               f"{user.full_name} báo {IncidentKind.LABELS[kind].lower()}:\n\n{description}\n\nTrang: {page or '—'}",
               key=f"incident:{incident.id}")
    return incident


def administrators() -> list[User]:
    return (db.session.query(User).filter(User.active.is_(True), User.role_rows.any(role=Role.ADMIN))
            .order_by(User.id).all())


def _require_admin(user: User) -> None:
    if not user.has_role(Role.ADMIN):
        raise Forbidden(N_("Chỉ quản trị hệ thống xử lý sổ sự cố."))


def get(user: User, incident_id) -> Incident:
    """An incident its reporter or an administrator may see."""
    incident = db.session.get(Incident, incident_id)
    if incident is None or not (user.has_role(Role.ADMIN) or incident.reported_by_id == user.id):
        raise NotFound(N_("Không tìm thấy sự cố."))
    return incident


def listing(user: User, status: str | None = None) -> list[Incident]:
    """Administrators see the register; everyone else the incidents they reported. Open ones first."""
    query = db.session.query(Incident)
    if not user.has_role(Role.ADMIN):
        query = query.filter(Incident.reported_by_id == user.id)
    if status in IncidentStatus.ALL:
        query = query.filter(Incident.status == status)
    closed_last = case((Incident.status == IncidentStatus.CLOSED, 1), else_=0)
    return query.order_by(closed_last, Incident.id.desc()).limit(500).all()


def assign(admin: User, incident_id, assignee_ref) -> Incident:
    """Give an open incident to an administrator to handle."""
    _require_admin(admin)
    incident = get(admin, incident_id)
    assignee = db.session.query(User).filter_by(username=str(assignee_ref or "").removeprefix("user:"),
                                                active=True).one_or_none()
    if assignee is None or not assignee.has_role(Role.ADMIN):
        raise InvalidInput(N_("Người xử lý phải là một quản trị hệ thống."), details={"assignee": "admin"})
    if incident.status == IncidentStatus.CLOSED:
        raise InvalidInput(N_("Sự cố đã đóng."), details={"status": "closed"})
    with transaction():
        incident.assignee_id, incident.status = assignee.id, IncidentStatus.ASSIGNED
        if assignee.id != admin.id:
            notify([assignee], None, "incident", f"[Sự cố #{incident.id}] giao cho đồng chí xử lý",
                   f"{admin.full_name} giao xử lý sự cố: {incident.title}", key=f"incident:{incident.id}:assign:"
                   f"{assignee.id}:{clock.now().isoformat(timespec='seconds')}")
    return incident


def close(admin: User, incident_id, resolution) -> Incident:
    """Close an incident with what was found and done."""
    _require_admin(admin)
    incident = get(admin, incident_id)
    f = Fields({"resolution": resolution})
    text = f.text("resolution", required=True, max_len=8000)
    f.raise_if_errors()
    with transaction():
        incident.status, incident.resolution, incident.closed_at = IncidentStatus.CLOSED, text, clock.now()
        if incident.assignee_id is None:
            incident.assignee_id = admin.id
        notify([incident.reported_by], None, "incident", f"[Sự cố #{incident.id}] đã xử lý xong",
               f"Sự cố «{incident.title}» đã được đóng.\n\nKết quả: {text}", key=f"incident:{incident.id}:closed")
    return incident


COLUMNS = ("Số", "Loại", "Tiêu đề", "Mô tả", "Trang", "Người báo", "Thời điểm báo", "Trạng thái", "Người xử lý",
           "Kết quả xử lý", "Thời điểm đóng")


def export_csv(admin: User) -> bytes:
    """The whole register as CSV (UTF-8 with BOM, so that Excel opens it with its Vietnamese intact)."""
    _require_admin(admin)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for i in db.session.query(Incident).order_by(Incident.id):
        writer.writerow([spreadsheet_text(value) for value in (
            i.id, IncidentKind.LABELS[i.kind], i.title, i.description, i.page or "", i.reported_by.full_name,
            i.reported_at.strftime("%d/%m/%Y %H:%M"), IncidentStatus.LABELS[i.status],
            i.assignee.full_name if i.assignee else "", i.resolution or "",
            i.closed_at.strftime("%d/%m/%Y %H:%M") if i.closed_at else "")])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
