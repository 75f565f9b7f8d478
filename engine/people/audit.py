"""The audit trail of account and unit administration (who changed what, when)."""
from __future__ import annotations

from engine import clock
from engine.db import db
from engine.errors import N_
from engine.models import AuditEvent, User

ACTION_LABELS = {
    "user_created": N_("Tạo tài khoản"),
    "user_updated": N_("Sửa thông tin tài khoản"),
    "user_deactivated": N_("Khóa (ngừng sử dụng) tài khoản"),
    "user_reactivated": N_("Mở lại tài khoản"),
    "user_imported": N_("Tạo tài khoản từ danh sách nhập"),
    "password_reset": N_("Cấp lại mật khẩu dùng một lần"),
    "password_changed": N_("Tự đổi mật khẩu"),
    "signed_out_everywhere": N_("Đăng xuất khỏi mọi nơi"),
    "handover": N_("Bàn giao công việc và thu hồi tài khoản"),
    "unit_created": N_("Tạo phòng, đơn vị"),
    "unit_updated": N_("Sửa phòng, đơn vị"),
    "unit_deactivated": N_("Ngừng sử dụng phòng, đơn vị"),
    "unit_reactivated": N_("Dùng lại phòng, đơn vị"),
}


def record(actor: User | None, action: str, target: str, details: dict | None = None) -> AuditEvent:
    """Add one audit line in the caller's transaction. ``target`` is ``user:<name>`` or ``unit:<code>``."""
    event = AuditEvent(at=clock.now(), actor_id=actor.id if actor else None, action=action, target=target,
                       details=details or None)
    db.session.add(event)
    return event


def recent(target: str | None = None, limit: int = 100) -> list[AuditEvent]:
    query = db.session.query(AuditEvent)
    if target:
        query = query.filter(AuditEvent.target == target)
    return query.order_by(AuditEvent.id.desc()).limit(limit).all()


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)
