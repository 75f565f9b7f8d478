"""Monthly statistics per unit (R-REPORT-1, Đ11, Đ20, Đ21.6): documents received, completed on time
and late, open and overdue, in progress, average processing time in working days; the electronic
share of documents received and sent; a 12-month trend.

A unit's work on a document is its top-level lead processing line (the unit the leader named to
lead); "open and overdue" and "in progress" are counted at the end of the month (or now, for the
running month).
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import and_, or_, select

from engine import clock
from engine.db import db
from engine.deadlines.calendar_service import current_calendar
from engine.errors import N_, Forbidden, InvalidInput
from engine.models import Document, LineKind, ProcessingLine, Role, Unit, User

VIEWERS = (Role.LEADER, Role.CLERK, Role.ADMIN, Role.UNIT_HEAD)


@dataclass
class UnitStats:
    unit: str | None
    name: str
    received: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    in_progress: int = 0
    working_days: list[float] = field(default_factory=list)
    received_electronic: int = 0
    received_paper: int = 0
    sent_electronic: int = 0
    sent_paper: int = 0

    @property
    def completed(self) -> int:
        return self.on_time + self.late

    @property
    def average_days(self) -> float | None:
        return round(sum(self.working_days) / len(self.working_days), 1) if self.working_days else None

    @property
    def sent(self) -> int:
        return self.sent_electronic + self.sent_paper

    @property
    def electronic_sent_share(self) -> float | None:
        """Share (%) of documents sent electronically only (no paper copy)."""
        return round(100 * self.sent_electronic / self.sent, 1) if self.sent else None

    @property
    def electronic_received_share(self) -> float | None:
        total = self.received_electronic + self.received_paper
        return round(100 * self.received_electronic / total, 1) if total else None


@dataclass
class Statistics:
    month: date  # first day
    as_of: datetime
    units: list[UnitStats]
    total: UnitStats
    trend: list[tuple[date, int, int]]  # (month, received, completed), oldest first


def parse_month(value: str | None) -> date:
    """``YYYY-MM`` → its first day; this month when empty; InvalidInput otherwise."""
    if not value:
        return clock.today().replace(day=1)
    try:
        if not re.fullmatch(r"\d{4}-\d{1,2}", str(value)):  # a year of 20 digits overflows date()
            raise ValueError(value)
        year, month = (int(part) for part in str(value).split("-"))
        first = date(year, month, 1)
    except (TypeError, ValueError):
        raise InvalidInput(N_("Tháng không hợp lệ (YYYY-MM)."), details={"month": "YYYY-MM"}) from None
    if not 2000 <= first.year <= 2100 or first > clock.today():
        raise InvalidInput(N_("Tháng không hợp lệ (YYYY-MM)."), details={"month": "YYYY-MM, không sau tháng này"})
    return first


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def previous_month(first: date) -> date:
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.VN_TZ)


def authorize(user: User) -> None:
    if not user.has_role(*VIEWERS):
        raise Forbidden(N_("Bạn không có quyền xem thống kê."))


def lead_lines(start: datetime, end: datetime) -> list[ProcessingLine]:
    """Top-level lead lines alive at some point of [start, end)."""
    return db.session.execute(select(ProcessingLine).where(
        ProcessingLine.parent_id.is_(None), ProcessingLine.kind == LineKind.LEAD,
        ProcessingLine.unit_code.isnot(None), ProcessingLine.started_at < end,
        or_(ProcessingLine.finished_at.is_(None), ProcessingLine.finished_at >= start))).scalars().all()


def monthly(month: date) -> Statistics:
    """The statistics of ``month`` (its first day) for every unit of the department."""
    start, end = _start(month), _start(next_month(month))
    as_of = min(end, clock.now())
    rows = {code: UnitStats(code, name) for code, name in
            db.session.query(Unit.code, Unit.name).filter(Unit.kind != "department").order_by(Unit.position)}
    calendar = current_calendar()
    day_seconds = sum((e.hour * 60 + e.minute - s.hour * 60 - s.minute) * 60 for s, e in calendar.office_hours)
    lead_unit: dict[int, str] = {}
    for line in lead_lines(start, end):
        stats = rows.get(line.unit_code)
        if stats is None:
            continue
        lead_unit[line.document_id] = line.unit_code
        if start <= line.started_at < end:
            stats.received += 1
        if line.finished_at is not None and start <= line.finished_at < end:
            if line.due_at is None or line.finished_at <= line.due_at:
                stats.on_time += 1
            else:
                stats.late += 1
            stats.working_days.append(calendar.working_time_between(line.started_at, line.finished_at)
                                      .total_seconds() / day_seconds)
        elif line.started_at < as_of and (line.finished_at is None or line.finished_at >= as_of):
            if line.due_at is not None and line.due_at < as_of:
                stats.overdue += 1
            else:
                stats.in_progress += 1
    _electronic_share(rows, lead_unit, start, end)
    total = UnitStats(None, "Toàn Sở")
    for stats in rows.values():
        for name in ("received", "on_time", "late", "overdue", "in_progress", "sent_electronic", "sent_paper"):
            setattr(total, name, getattr(total, name) + getattr(stats, name))
        total.working_days += stats.working_days
    total.received_electronic, total.received_paper = _received_by_source(start, end)
    return Statistics(month=month, as_of=as_of, units=list(rows.values()), total=total, trend=trend(month))


def _received_by_source(start: datetime, end: datetime) -> tuple[int, int]:
    electronic = paper = 0
    for (source,) in db.session.execute(select(Document.source).where(
            Document.direction == "incoming", Document.received_at >= start, Document.received_at < end,
            or_(Document.incoming_number.isnot(None), Document.source == "internal"))):
        if source == "paper":
            paper += 1
        else:
            electronic += 1
    return electronic, paper


def _electronic_share(rows: dict[str, UnitStats], lead_unit: dict[int, str], start, end) -> None:
    received = db.session.execute(select(Document.id, Document.source).where(
        Document.direction == "incoming", Document.received_at >= start, Document.received_at < end))
    for doc_id, source in received:
        stats = rows.get(lead_unit.get(doc_id))
        if stats is not None:
            if source == "paper":
                stats.received_paper += 1
            else:
                stats.received_electronic += 1
    sent = db.session.execute(select(User.unit_code, Document.paper_copy).join(User, User.id == Document.created_by_id)
                              .where(Document.direction == "outgoing", Document.sent_at >= start,
                                     Document.sent_at < end))
    for unit_code, paper in sent:
        stats = rows.get(unit_code)
        if stats is not None:
            if paper:
                stats.sent_paper += 1
            else:
                stats.sent_electronic += 1


def trend(month: date, months: int = 12) -> list[tuple[date, int, int]]:
    """Documents received and completed by the units, month by month, ending with ``month``."""
    firsts = [month]
    while len(firsts) < months:
        firsts.insert(0, previous_month(firsts[0]))
    start, end = _start(firsts[0]), _start(next_month(month))
    received: dict[date, int] = defaultdict(int)
    completed: dict[date, int] = defaultdict(int)
    top_lead = and_(ProcessingLine.parent_id.is_(None), ProcessingLine.kind == LineKind.LEAD,
                    ProcessingLine.unit_code.isnot(None))
    for (started,) in db.session.execute(select(ProcessingLine.started_at).where(
            top_lead, ProcessingLine.started_at >= start, ProcessingLine.started_at < end)):
        received[clock.to_vn(started).date().replace(day=1)] += 1
    for (finished,) in db.session.execute(select(ProcessingLine.finished_at).where(
            top_lead, ProcessingLine.finished_at >= start, ProcessingLine.finished_at < end)):
        completed[clock.to_vn(finished).date().replace(day=1)] += 1
    return [(first, received[first], completed[first]) for first in firsts]


def statistics(user: User, month: date) -> Statistics:
    """The statistics of ``month`` if ``user`` may read them."""
    authorize(user)
    return monthly(month)
