"""Outages the administrator declares (R-OUTAGE-1, Đ16.2): the only periods into which work done on
paper may be entered late, with its real time."""
from __future__ import annotations

from datetime import datetime, timedelta

from engine import clock
from engine.db import db
from engine.errors import N_, Forbidden, InvalidInput
from engine.models import Outage, Role, User
from engine.tx import transaction
from engine.validation import ISO_MOMENT, Fields

MAX_LENGTH = timedelta(days=31)


def parse_moment(value, field: str) -> datetime:
    """An ISO 8601 date and time, Vietnam time when no offset is given; InvalidInput otherwise."""
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) and ISO_MOMENT.match(value) else None
        if moment is not None:
            moment = (moment if moment.tzinfo else moment.replace(tzinfo=clock.VN_TZ)).astimezone(clock.VN_TZ)
    except (ValueError, OverflowError):  # OverflowError: an offset that moves it before year 1 or past 9999
        moment = None
    if moment is None:
        raise InvalidInput(N_("Thời điểm không hợp lệ."), details={field: "YYYY-MM-DDTHH:MM[:SS][+07:00]"})
    return moment


def declare(admin: User, data: dict) -> Outage:
    """Record an outage that has ended: its period and reason (administrators only)."""
    if not admin.has_role(Role.ADMIN):
        raise Forbidden(N_("Chỉ quản trị hệ thống được khai báo sự cố ngừng hoạt động."))
    f = Fields(data)
    reason = f.text("reason", required=True, max_len=2000)
    f.raise_if_errors()
    starts, ends = parse_moment(f.data.get("starts_at"), "starts_at"), parse_moment(f.data.get("ends_at"), "ends_at")
    if not starts < ends <= clock.now():
        raise InvalidInput(N_("Sự cố phải có thời điểm bắt đầu trước thời điểm kết thúc, và đã kết thúc."),
                           details={"ends_at": "starts_at < ends_at ≤ bây giờ"})
    if starts.year < clock.now().year - 1:
        # Late entry only reaches this year (earlier registers are closed): an older outage is a typo.
        raise InvalidInput(N_("Sự cố khai báo phải bắt đầu từ năm %(year)s trở đi."),
                           params={"year": clock.now().year - 1}, details={"starts_at": "≥ 01/01 năm trước"})
    if ends - starts > MAX_LENGTH:
        raise InvalidInput(N_("Một sự cố khai báo tối đa %(days)s ngày."), params={"days": MAX_LENGTH.days},
                           details={"ends_at": f"≤ {MAX_LENGTH.days} ngày"})
    with transaction():
        outage = Outage(starts_at=starts, ends_at=ends, reason=reason, declared_by_id=admin.id,
                        declared_at=clock.now())
        db.session.add(outage)
    return outage


def listing(limit: int = 100) -> list[Outage]:
    return db.session.query(Outage).order_by(Outage.starts_at.desc()).limit(limit).all()


def covering(moment: datetime) -> Outage | None:
    """The declared outage ``moment`` falls in, if any."""
    return (db.session.query(Outage).filter(Outage.starts_at <= moment, Outage.ends_at >= moment)
            .order_by(Outage.id).first())
