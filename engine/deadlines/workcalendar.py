"""Working-day calendar: deadlines in working days and office hours, Vietnam time.

A day is a working day when it is Monday–Friday, not a public holiday according
to the ``holidays`` package (observed and substituted days included) and not an
announced extra day off; an announced make-up working day (usually a Saturday)
is a working day whatever else applies. The package does not know the yearly
civil-service swaps (it treats the make-up Saturday 2025-04-26 as an ordinary
Saturday, for instance), so callers pass the announced changes in.

No database and no Flask here: the web layer builds a ``WorkCalendar`` from its
tables and hands it to the workflow runtime.
"""
from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, timedelta

import holidays

from engine.clock import VN_TZ

EXTRA_DAY_OFF_NAME = "Ngày nghỉ bổ sung"
EXTRA_WORKING_DAY_NAME = "Ngày làm việc bù"

KIND_HOLIDAY = "holiday"
KIND_EXTRA_DAY_OFF = "extra_day_off"
KIND_EXTRA_WORKING_DAY = "extra_working_day"

DEFAULT_OFFICE_HOURS: tuple[tuple[time, time], ...] = (
    (time(7, 30), time(11, 30)),
    (time(13, 30), time(17, 0)),
)

_ONE_DAY = timedelta(days=1)

# Holiday data does not depend on a calendar's extra days, and the web layer
# may build a fresh WorkCalendar per request, so the package is consulted once
# per year for the whole process.
_package_cache: dict[int, dict[date, str]] = {}
_package_language: list[str | None] = []


def _holiday_language() -> str | None:
    # Older releases of the package lack the Vietnamese translation; English
    # names are better than a crash there.
    if not _package_language:
        languages = holidays.list_localized_countries().get("VN", ())
        _package_language.append("vi" if "vi" in languages else None)
    return _package_language[0]


def _package_holidays(year: int) -> dict[date, str]:
    cached = _package_cache.get(year)
    if cached is None:
        found = holidays.country_holidays("VN", years=year, language=_holiday_language())
        # A plain dict keeps lookups cheap and stops the package from lazily
        # adding other years when probed with a date outside ``year``.
        cached = {day: name for day, name in found.items() if day.year == year}
        _package_cache[year] = cached
    return cached


def _as_day_names(days: Iterable[date] | Mapping[date, str], default_name: str) -> dict[date, str]:
    if isinstance(days, Mapping):
        items = days.items()
    else:
        items = ((day, None) for day in days)
    result: dict[date, str] = {}
    for day, name in items:
        if isinstance(day, datetime) or not isinstance(day, date):
            raise TypeError(f"expected a date, got {day!r}")
        result[day] = name or default_name
    return result


def _local(moment: datetime) -> datetime:
    if not isinstance(moment, datetime):
        raise TypeError(f"expected a datetime, got {moment!r}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("calendar times must be timezone-aware")
    return moment.astimezone(VN_TZ)


def _at(day: date, clock_time: time) -> datetime:
    return datetime.combine(day, clock_time, tzinfo=VN_TZ)


class WorkCalendar:
    """Working days and office hours for deadline arithmetic (all results in Vietnam time)."""

    def __init__(
        self,
        extra_days_off: Iterable[date] | Mapping[date, str] = (),
        extra_working_days: Iterable[date] | Mapping[date, str] = (),
        office_hours: Iterable[tuple[time, time]] = DEFAULT_OFFICE_HOURS,
    ) -> None:
        self._extra_off = _as_day_names(extra_days_off, EXTRA_DAY_OFF_NAME)
        self._extra_work = _as_day_names(extra_working_days, EXTRA_WORKING_DAY_NAME)
        both = sorted(set(self._extra_off) & set(self._extra_work))
        if both:
            raise ValueError(f"dates both off and working: {', '.join(d.isoformat() for d in both)}")

        sessions = tuple((start, end) for start, end in office_hours)
        if not sessions:
            raise ValueError("office_hours needs at least one session")
        previous_end: time | None = None
        for start, end in sessions:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("office hours are local wall-clock times; drop tzinfo")
            if not start < end:
                raise ValueError(f"office session {start}–{end} ends before it starts")
            if previous_end is not None and start < previous_end:
                raise ValueError("office sessions must be in order and not overlap")
            previous_end = end
        self.office_hours = sessions
        self.day_start = sessions[0][0]
        self.morning_end = sessions[0][1]
        self.day_end = sessions[-1][1]

    # -- days ---------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        """True if ``d`` is a working day."""
        if d in self._extra_work:
            return True
        if d.weekday() >= 5 or d in self._extra_off:
            return False
        return d not in _package_holidays(d.year)

    def holiday_name(self, d: date) -> str | None:
        """Vietnamese name of the holiday or extra day off on ``d``, None if not a day off for that reason."""
        if d in self._extra_work:
            return None
        name = _package_holidays(d.year).get(d)
        if name is not None:
            return name
        return self._extra_off.get(d)

    def holidays_in_year(self, year: int) -> list[tuple[date, str, str]]:
        """``(date, name, kind)`` for every holiday, extra day off and make-up working day of ``year``."""
        rows: dict[date, tuple[date, str, str]] = {}
        for day, name in self._extra_off.items():
            if day.year == year:
                rows[day] = (day, name, KIND_EXTRA_DAY_OFF)
        # A package holiday keeps its own name even if also announced as extra.
        for day, name in _package_holidays(year).items():
            rows[day] = (day, name, KIND_HOLIDAY)
        for day, name in self._extra_work.items():
            if day.year == year:
                rows[day] = (day, name, KIND_EXTRA_WORKING_DAY)
        return [rows[day] for day in sorted(rows)]

    def next_working_day(self, d: date) -> date:
        """First working day strictly after ``d``."""
        d += _ONE_DAY
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def working_day_on_or_after(self, d: date) -> date:
        """``d`` if it is a working day, otherwise the next one."""
        return d if self.is_working_day(d) else self.next_working_day(d)

    # -- deadlines in whole days -------------------------------------------

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """Close of office on the n-th working day after ``start``'s day (n=0: that day, or the next working one)."""
        n = operator.index(n)
        if n < 0:
            raise ValueError("n must not be negative")
        day = _local(start).date()
        if n == 0:
            day = self.working_day_on_or_after(day)
        for _ in range(n):
            day = self.next_working_day(day)
        return _at(day, self.day_end)

    def end_of_working_day(self, moment: datetime) -> datetime:
        """Close of office today if today is a working day still open, otherwise on the next working day."""
        local = _local(moment)
        day = local.date()
        if self.is_working_day(day) and local < _at(day, self.day_end):
            return _at(day, self.day_end)
        return _at(self.next_working_day(day), self.day_end)

    def send_deadline(self, signed_at: datetime) -> datetime:
        """End of the morning session on the first working day after the signing date."""
        day = self.next_working_day(_local(signed_at).date())
        return _at(day, self.morning_end)

    def next_session_start(self, moment: datetime) -> datetime:
        """First start of an office session strictly after ``moment``."""
        local = _local(moment)
        day = local.date()
        if self.is_working_day(day):
            for start, _end in self.office_hours:
                candidate = _at(day, start)
                if candidate > local:
                    return candidate
        return _at(self.next_working_day(day), self.day_start)

    def next_morning_start(self, moment: datetime) -> datetime:
        """Office opening on the first working day strictly after ``moment``'s day."""
        return _at(self.next_working_day(_local(moment).date()), self.day_start)

    # -- deadlines in office time ------------------------------------------

    def _sessions_from(self, local: datetime):
        """Yield ``(start, end)`` of office sessions that end after ``local``, clipped to start no earlier."""
        day = local.date()
        if not self.is_working_day(day):
            day = self.next_working_day(day)
        while True:
            for start, end in self.office_hours:
                session_end = _at(day, end)
                if session_end <= local:
                    continue
                yield max(_at(day, start), local), session_end
            day = self.next_working_day(day)

    def add_working_time(self, start: datetime, delta: timedelta) -> datetime:
        """Moment when ``delta`` of office time has elapsed after ``start``.

        Time outside sessions does not count, so a start at night counts from the
        next session; with a zero delta the result is the first office moment at
        or after ``start``.
        """
        if delta < timedelta(0):
            raise ValueError("delta must not be negative")
        remaining = delta
        for session_start, session_end in self._sessions_from(_local(start)):
            available = session_end - session_start
            # "<=" keeps a deadline that lands exactly on closing time on that
            # day rather than carrying it over to the next session.
            if remaining <= available:
                return session_start + remaining
            remaining -= available
        raise AssertionError("unreachable: the session generator is infinite")

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Office time between ``a`` and ``b``; negative when ``b`` is before ``a``."""
        a, b = _local(a), _local(b)
        if b < a:
            return -self.working_time_between(b, a)
        total = timedelta(0)
        day = a.date()
        last = b.date()
        while day <= last:
            if self.is_working_day(day):
                for start, end in self.office_hours:
                    low = max(_at(day, start), a)
                    high = min(_at(day, end), b)
                    if high > low:
                        total += high - low
            day += _ONE_DAY
        return total


# -- functions for BPMN timer expressions ------------------------------------


def _parse_moment(value: str | datetime) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"not an ISO date-time: {value!r}") from exc
    return _local(value)


def _whole_number(value: int | float | str) -> int:
    # Task data may carry day counts as floats or strings from forms.
    if isinstance(value, str):
        value = float(value.strip())
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"working days must be a whole number, got {value!r}")
        return int(value)
    return operator.index(value)


def expression_functions(cal: WorkCalendar) -> dict[str, Callable[..., str]]:
    """Plain functions over ISO strings (or aware datetimes) for the script environment; results are ISO with +07:00."""

    def add_working_days(start_iso, n):
        """End of office hours on the n-th working day after the start's day."""
        return cal.add_working_days(_parse_moment(start_iso), _whole_number(n)).isoformat()

    def end_of_working_day(iso):
        """Close of office on that day, or on the next working day if already closed."""
        return cal.end_of_working_day(_parse_moment(iso)).isoformat()

    def send_deadline(iso):
        """End of the morning session on the next working day after signing."""
        return cal.send_deadline(_parse_moment(iso)).isoformat()

    def add_working_hours(iso, hours):
        """Moment after the given office hours have elapsed."""
        return cal.add_working_time(_parse_moment(iso), timedelta(hours=float(hours))).isoformat()

    def add_working_minutes(iso, minutes):
        """Moment after the given office minutes have elapsed."""
        return cal.add_working_time(_parse_moment(iso), timedelta(minutes=float(minutes))).isoformat()

    def next_morning(iso):
        """Office opening on the next working day after that day."""
        return cal.next_morning_start(_parse_moment(iso)).isoformat()

    return {
        "add_working_days": add_working_days,
        "end_of_working_day": end_of_working_day,
        "send_deadline": send_deadline,
        "add_working_hours": add_working_hours,
        "add_working_minutes": add_working_minutes,
        "next_morning": next_morning,
    }
