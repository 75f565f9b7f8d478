"""The monthly report of electronic document handling (R-REPORT-1, Đ20.2): on the first working day
of a month, the previous month's statistics go by email, as a PDF, to the leaders, the Chánh Văn
phòng (head of the Office) and the configured external address (the province's information
department, QOFFICE_REPORT_EMAIL).

The job runs every working morning; before the first working day of the month it does nothing,
and from then on the outbox keys (one per month and recipient) make every later run a no-op — so
a scheduler that was down on that day still sends the report once when it is back (until the 10th).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Callable

from engine import clock, settings
from engine.db import db
from engine.deadlines.calendar_service import current_calendar
from engine.models import OutboxMessage, Role, User, UserRole
from engine.notifications.notify import notify
from engine.outbox import enqueue
from engine.records.statistics import Statistics, monthly, previous_month
from engine.storage import store
from engine.tx import transaction

# Days of the month during which a report not sent yet (scheduler down) is still sent.
CATCH_UP_DAYS = 10


def first_working_day(month: date) -> date:
    return current_calendar().working_day_on_or_after(month)


def recipients() -> list[User]:
    """Active leaders, then the heads of the Office (QOFFICE_OFFICE_UNIT, default ``vp``)."""
    office = settings.get("OFFICE_UNIT") or "vp"
    people = (db.session.query(User).join(UserRole)
              .filter(User.active.is_(True), (UserRole.role == Role.LEADER)
                      | ((UserRole.role == Role.UNIT_HEAD) & (User.unit_code == office)))
              .order_by(User.id).all())
    return list(dict.fromkeys(people))


def external_addresses() -> list[str]:
    value = settings.get("REPORT_EMAIL") or ""
    return [a.strip() for a in str(value).split(",") if "@" in a]


def body_for(stats: Statistics) -> str:
    total = stats.total
    share = lambda v: f"{v} %" if v is not None else "—"  # noqa: E731
    return "\n".join([
        f"Báo cáo tình hình gửi, nhận và xử lý văn bản điện tử tháng {stats.month:%m/%Y} "
        f"của {settings.get('ORG_NAME')} (tệp PDF đính kèm).", "",
        f"- Văn bản các đơn vị nhận xử lý: {total.received}",
        f"- Hoàn thành đúng hạn: {total.on_time}; trễ hạn: {total.late}",
        f"- Quá hạn chưa xong: {total.overdue}; đang xử lý trong hạn: {total.in_progress}",
        f"- Thời gian xử lý trung bình: {total.average_days if total.average_days is not None else '—'} ngày làm việc",
        f"- Văn bản đến điện tử / giấy: {total.received_electronic} / {total.received_paper} "
        f"(tỷ lệ điện tử {share(total.electronic_received_share)})",
        f"- Văn bản đi chỉ gửi điện tử / kèm bản giấy: {total.sent_electronic} / {total.sent_paper} "
        f"(tỷ lệ điện tử {share(total.electronic_sent_share)})", "",
        "Thư tự động từ hệ thống Q-Office (Điều 20.2 Quy chế).",
    ])


def send_monthly_report(render_pdf: Callable[[Statistics], bytes], now: datetime | None = None) -> int:
    """Queue last month's report once it is the first working day of this month (or later);
    returns how many emails were queued. ``render_pdf`` turns the statistics into the PDF."""
    now = clock.to_vn(now) if now is not None else clock.now()
    this_month = now.date().replace(day=1)
    if not first_working_day(this_month) <= now.date() <= this_month.replace(day=CATCH_UP_DAYS):
        return 0
    month = previous_month(this_month)
    key = f"monthly-report:{month:%Y-%m}"
    people, addresses = recipients(), external_addresses()
    pending = [u for u in people if not _queued(f"{key}:{u.username}")]
    pending_external = [a for a in addresses if not _queued(f"{key}:external:{a}")]
    if not pending and not pending_external:
        return 0
    stats = monthly(month)
    digest, _created = store().put(render_pdf(stats))
    files = [{"name": f"bao-cao-van-ban-dien-tu-{month:%Y-%m}.pdf", "content_type": "application/pdf",
              "sha256": digest}]
    subject = f"Báo cáo văn bản điện tử tháng {month:%m/%Y} — {settings.get('ORG_SHORT_NAME')}"
    body = body_for(stats)
    with transaction():
        queued = notify(pending, None, "monthly_report", subject, body, key=key, attachments=files)
        for address in pending_external:
            if enqueue("email", f"{key}:external:{address}",
                       {"to": [address], "subject": subject, "body": body, "attachments": files}):
                queued += 1
    return queued


def _queued(key: str) -> bool:
    return db.session.query(OutboxMessage.id).filter_by(key=key).first() is not None
