"""What each person wants to be told by email: per kind of notification, at once, in the
twice-daily digest, or only in the app. Kinds the regulation makes mandatory are not optional."""
from __future__ import annotations

from sqlalchemy import bindparam, select

from engine.db import db, reading
from engine.errors import N_, InvalidInput
from engine.models import NotificationPreference, User
from engine.tx import transaction

CHANNELS = ("email", "digest", "off")
CHANNEL_LABELS = {"email": N_("Gửi thư ngay"), "digest": N_("Gộp vào thư tổng hợp đầu buổi"),
                  "off": N_("Chỉ thông báo trong hệ thống")}
# kind → (label, default channel). Urgent documents always go by email at once unless "off".
OPTIONAL = {
    "assigned": (N_("Được giao xử lý văn bản"), "email"),
    "awaiting_approval": (N_("Văn bản chờ tôi duyệt, ký hoặc ban hành"), "email"),
    "draft_returned": (N_("Dự thảo của tôi bị trả lại"), "email"),
    "opinion_arrived": (N_("Có ý kiến phối hợp gửi đến văn bản tôi chủ trì"), "email"),
    "routed_completed": (N_("Văn bản tôi phân công đã hoàn thành"), "digest"),
    "reply_abandoned": (N_("Dự thảo trả lời bị hủy, văn bản trở lại cho tôi"), "email"),
    "reminder": (N_("Nhắc việc sắp đến hạn"), "email"),
}
# Always emailed: urging, overdue escalation, urgent arrivals and issues, the digest itself.
MANDATORY = {"urge": N_("Đôn đốc xử lý"), "escalation": N_("Báo quá hạn"),
             "urgent_arrival": N_("Văn bản đến khẩn"), "urgent_issue": N_("Văn bản khẩn chờ phát hành"),
             "digest": N_("Thư tổng hợp đầu buổi"), "incident": N_("Sổ sự cố: báo mới, giao xử lý, đã đóng")}


def label(kind: str) -> str:
    return OPTIONAL[kind][0] if kind in OPTIONAL else MANDATORY.get(kind, kind)


def channels_of(user: User) -> dict[str, str]:
    """The user's channel for every optional kind (their choice or the default)."""
    chosen = dict(db.session.query(NotificationPreference.kind, NotificationPreference.channel)
                  .filter_by(user_id=user.id))
    return {kind: chosen.get(kind, default) for kind, (_label, default) in OPTIONAL.items()}


_CHOSEN = select(NotificationPreference.channel).where(NotificationPreference.user_id == bindparam("user_id"),
                                                      NotificationPreference.kind == bindparam("kind"))


def channel(user: User, kind: str, *, urgent: bool = False) -> str:
    """How a notification of ``kind`` reaches ``user`` by email: email, digest or off."""
    if kind not in OPTIONAL:
        return "email"
    with reading(NotificationPreference):
        row = db.session.scalar(_CHOSEN, {"user_id": user.id, "kind": kind})
    chosen = row or OPTIONAL[kind][1]
    return "email" if urgent and chosen == "digest" else chosen


def save(user: User, choices: dict) -> dict[str, str]:
    """Store the user's choices ``{kind: channel}``; unknown kinds or channels are refused."""
    if not isinstance(choices, dict):
        raise InvalidInput(N_("Dữ liệu phải là một đối tượng JSON."), details={"body": "object"})
    errors = {k: "Loại thông báo không chọn được." for k in choices if k not in OPTIONAL}
    errors.update({k: "Chọn: " + ", ".join(CHANNELS) for k, v in choices.items()
                   if k in OPTIONAL and v not in CHANNELS})
    if errors:
        raise InvalidInput(N_("Lựa chọn không hợp lệ."), details=errors)
    with transaction():
        rows = {r.kind: r for r in db.session.query(NotificationPreference).filter_by(user_id=user.id)}
        for kind, value in choices.items():
            if kind in rows:
                rows[kind].channel = value
            else:
                db.session.add(NotificationPreference(user_id=user.id, kind=kind, channel=value))
    return channels_of(user)
