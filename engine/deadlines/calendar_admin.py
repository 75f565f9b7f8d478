"""Editing the working-day calendar: the government's extra days off and make-up working days."""
from __future__ import annotations

from datetime import date

from engine.db import db
from engine.deadlines.calendar_service import current_calendar
from engine.deadlines.workcalendar import (
    KIND_EXTRA_DAY_OFF,
    KIND_EXTRA_WORKING_DAY,
    KIND_HOLIDAY,
)
from engine.errors import N_, Forbidden, InvalidInput, NotFound
from engine.models import CalendarDay, Role, User
from engine.tx import transaction
from engine.validation import FIRST_YEAR, LAST_YEAR, Fields, parse_day

KINDS = (KIND_EXTRA_DAY_OFF, KIND_EXTRA_WORKING_DAY)
KIND_LABELS = {KIND_HOLIDAY: N_("Ngày lễ, Tết"), KIND_EXTRA_DAY_OFF: N_("Ngày nghỉ bổ sung"),
               KIND_EXTRA_WORKING_DAY: N_("Ngày làm việc bù")}


def require_admin(user: User) -> None:
    if not user.has_role(Role.ADMIN):
        raise Forbidden(N_("Chỉ quản trị hệ thống được sửa lịch làm việc."))


def year_days(year: int) -> list[dict]:
    """Holidays, extra days off and make-up working days of ``year``, with the admin's notes."""
    notes = {row.day: row.note for row in db.session.query(CalendarDay)
             .filter(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))}
    days = []
    for day, name, kind in current_calendar().holidays_in_year(year):
        # The admin's note ("Nghỉ bù Tết …") says more than the generic name of an announced day.
        shown = name if kind == KIND_HOLIDAY else (notes.get(day) or name)
        days.append({"date": day, "name": shown, "kind": kind, "editable": day in notes})
    return days


def office_hours() -> list[list[str]]:
    return [[start.strftime("%H:%M"), end.strftime("%H:%M")] for start, end in current_calendar().office_hours]


def add_day(user: User, data: dict) -> CalendarDay:
    """Record an extra day off or a make-up working day (validated; one transaction)."""
    require_admin(user)
    f = Fields(data)
    day = f.day("date", required=True)
    kind = f.choice("kind", KINDS, required=True)
    note = f.line("note", max_len=300)
    if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
        f.errors["date"] = f"Ngày phải trong khoảng năm {FIRST_YEAR}–{LAST_YEAR}."
    if day and "date" not in f.errors:
        existing = db.session.get(CalendarDay, day)
        calendar = current_calendar()
        if existing is not None:
            f.errors["date"] = ("Ngày này đã là ngày nghỉ bổ sung." if existing.kind == KIND_EXTRA_DAY_OFF
                                else "Ngày này đã là ngày làm việc bù.") + " Một ngày chỉ có một loại; xóa trước nếu cần đổi."
        elif kind == KIND_EXTRA_WORKING_DAY and calendar.is_working_day(day):
            f.errors["date"] = "Ngày làm việc bù phải là thứ Bảy, Chủ nhật hoặc ngày lễ; ngày này vốn đã là ngày làm việc."
        elif kind == KIND_EXTRA_DAY_OFF and not calendar.is_working_day(day):
            f.errors["date"] = "Ngày nghỉ bổ sung phải là ngày làm việc; ngày này vốn đã là ngày nghỉ."
    f.raise_if_errors()
    with transaction():
        row = CalendarDay(day=day, kind=kind, note=note or None)
        db.session.add(row)
    return row


def remove_day(user: User, day) -> None:
    """Delete an extra day off or make-up working day (public holidays cannot be removed)."""
    require_admin(user)
    if not isinstance(day, date):
        try:
            day = parse_day(day)
        except ValueError:
            raise InvalidInput(N_("Ngày không hợp lệ (YYYY-MM-DD)."), details={"date": "invalid"}) from None
    with transaction():
        row = db.session.get(CalendarDay, day)
        if row is None:
            raise NotFound(N_("Ngày này không phải ngày nghỉ bổ sung hay ngày làm việc bù, không có gì để xóa."))
        db.session.delete(row)

