"""The application's working-day calendar: settings plus the editable calendar table."""
from __future__ import annotations

import threading
import time as time_module
from datetime import datetime, time, timedelta

from sqlalchemy import event
from sqlalchemy.orm import Session

from engine import settings
from engine.clock import VN_TZ
from engine.db import db
from engine.deadlines.workcalendar import WorkCalendar, expression_functions
from engine.models.calendar import CalendarDay

_lock = threading.Lock()
_cached: dict = {}  # (database URL, office hours) -> (built at, monotonic seconds; calendar)
# Another process's edits (the web app vs. the scheduler) are seen within this many seconds;
# this process's own edits at once (see _table_changed).
TTL_SECONDS = 30.0


def parse_office_hours(text: str) -> tuple:
    """'07:30-11:30,13:30-17:00' -> ((time(7,30), time(11,30)), (time(13,30), time(17,0)))."""
    sessions = []
    for part in text.split(","):
        start, end = part.strip().split("-")
        sessions.append((time.fromisoformat(start.strip()), time.fromisoformat(end.strip())))
    return tuple(sessions)


def current_calendar() -> WorkCalendar:
    """The calendar built from settings and the table.

    Called for every workflow load and every deadline shown, so it is cached instead of reading
    the table each time; an edit in this process clears the cache at once.
    """
    key = (str(db.engine.url), settings.get("OFFICE_HOURS"))
    hit = _cached.get(key)
    if hit is not None and time_module.monotonic() - hit[0] < TTL_SECONDS:
        return hit[1]
    rows = db.session.query(CalendarDay.day, CalendarDay.kind).all()
    calendar = WorkCalendar(
        extra_days_off=[d for d, k in rows if k == "extra_day_off"],
        extra_working_days=[d for d, k in rows if k == "extra_working_day"],
        office_hours=parse_office_hours(key[1]),
    )
    with _lock:
        _cached[key] = (time_module.monotonic(), calendar)
    return calendar


@event.listens_for(Session, "after_flush")
def _table_changed(session, _flush_context) -> None:
    if any(isinstance(obj, CalendarDay) for obj in (*session.new, *session.dirty, *session.deleted)):
        with _lock:
            _cached.clear()


def reminder_moment(calendar: WorkCalendar, due: datetime) -> datetime:
    """Start of office hours on the working day before ``due``'s day (when a reminder is useful)."""
    day = due.astimezone(VN_TZ).date() - timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return datetime.combine(day, calendar.day_start, tzinfo=VN_TZ)


def expression_calendar_functions() -> dict:
    """Calendar functions for diagram expressions, returning ISO strings with +07:00."""
    calendar = current_calendar()

    def reminder_before(due_iso: str) -> str:
        return reminder_moment(calendar, datetime.fromisoformat(str(due_iso))).isoformat()

    return {**expression_functions(calendar), "reminder_before": reminder_before}
