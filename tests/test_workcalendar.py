from datetime import date, datetime, time, timedelta, timezone

import pytest

from engine.clock import VN_TZ
from engine.deadlines.workcalendar import (
    EXTRA_DAY_OFF_NAME,
    WorkCalendar,
    expression_functions,
)


def vn(*parts):
    return datetime(*parts, tzinfo=VN_TZ)


@pytest.fixture
def cal():
    return WorkCalendar()


# -- days ----------------------------------------------------------------------


def test_weekdays_work_and_weekends_do_not(cal):
    assert cal.is_working_day(date(2025, 5, 8))  # Thursday
    assert not cal.is_working_day(date(2025, 5, 10))  # Saturday
    assert not cal.is_working_day(date(2025, 5, 11))  # Sunday


def test_tet_2026_is_skipped(cal):
    # holidays 0.108 gives Mon 16/02 to Fri 20/02/2026 as the Tết break.
    for day in range(16, 21):
        assert not cal.is_working_day(date(2026, 2, day))
    assert cal.holiday_name(date(2026, 2, 17)) == "Tết Nguyên Đán"
    assert cal.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)
    assert cal.add_working_days(vn(2026, 2, 13, 9), 1) == vn(2026, 2, 23, 17)


def test_substituted_day_off_2025(cal):
    assert not cal.is_working_day(date(2025, 5, 2))
    assert cal.holiday_name(date(2025, 5, 2)).startswith("Ngày nghỉ")


def test_make_up_saturday_counts_as_working_day():
    saturday = date(2026, 8, 22)
    plain = WorkCalendar()
    swapped = WorkCalendar(extra_working_days=[saturday])
    assert not plain.is_working_day(saturday)
    assert swapped.is_working_day(saturday)
    assert swapped.holiday_name(saturday) is None
    # Fri 21/08 + 1 working day lands on the Saturday only when it is a make-up day.
    assert plain.add_working_days(vn(2026, 8, 21, 9), 1) == vn(2026, 8, 24, 17)
    assert swapped.add_working_days(vn(2026, 8, 21, 9), 1) == vn(2026, 8, 22, 17)


def test_extra_day_off_is_skipped():
    day_off = date(2025, 5, 12)  # a Monday
    cal = WorkCalendar(extra_days_off=[day_off])
    assert not cal.is_working_day(day_off)
    assert cal.holiday_name(day_off) == EXTRA_DAY_OFF_NAME
    assert cal.next_working_day(date(2025, 5, 9)) == date(2025, 5, 13)
    assert cal.add_working_days(vn(2025, 5, 9, 10), 1) == vn(2025, 5, 13, 17)


def test_extra_days_accept_custom_names():
    cal = WorkCalendar(extra_days_off={date(2025, 5, 12): "Nghỉ theo quyết định của UBND tỉnh"})
    assert cal.holiday_name(date(2025, 5, 12)) == "Nghỉ theo quyết định của UBND tỉnh"


def test_same_day_off_and_working_is_rejected():
    with pytest.raises(ValueError):
        WorkCalendar(extra_days_off=[date(2025, 5, 3)], extra_working_days=[date(2025, 5, 3)])


def test_holidays_in_year_lists_kinds_in_order():
    cal = WorkCalendar(extra_days_off=[date(2025, 12, 31)], extra_working_days=[date(2025, 4, 26)])
    rows = cal.holidays_in_year(2025)
    assert [row[0] for row in rows] == sorted(row[0] for row in rows)
    by_day = {day: (name, kind) for day, name, kind in rows}
    assert by_day[date(2025, 1, 1)] == ("Tết Dương lịch", "holiday")
    assert by_day[date(2025, 12, 31)] == (EXTRA_DAY_OFF_NAME, "extra_day_off")
    assert by_day[date(2025, 4, 26)][1] == "extra_working_day"
    assert all(day.year == 2025 for day in by_day)


def test_ordinary_day_has_no_holiday_name(cal):
    assert cal.holiday_name(date(2025, 5, 8)) is None


def test_working_day_on_or_after(cal):
    assert cal.working_day_on_or_after(date(2025, 5, 8)) == date(2025, 5, 8)
    assert cal.working_day_on_or_after(date(2025, 4, 30)) == date(2025, 5, 5)


# -- whole working days ------------------------------------------------------------


def test_add_working_days_examples_from_notes(cal):
    assert cal.add_working_days(vn(2025, 4, 28, 9), 1) == vn(2025, 4, 29, 17)
    # 30/4, 1/5 and 2/5 are off.
    assert cal.add_working_days(vn(2025, 4, 29, 17, 5), 5) == vn(2025, 5, 9, 17)


def test_add_working_days_zero(cal):
    assert cal.add_working_days(vn(2025, 5, 8, 9), 0) == vn(2025, 5, 8, 17)
    assert cal.add_working_days(vn(2025, 5, 10, 9), 0) == vn(2025, 5, 12, 17)


def test_add_working_days_uses_vietnam_day_of_utc_input(cal):
    # 18:00 UTC on Sunday is already Monday 01:00 in Vietnam.
    start = datetime(2025, 5, 11, 18, 0, tzinfo=timezone.utc)
    result = cal.add_working_days(start, 1)
    assert result == vn(2025, 5, 13, 17)
    assert result.tzinfo == VN_TZ


def test_add_working_days_rejects_negative(cal):
    with pytest.raises(ValueError):
        cal.add_working_days(vn(2025, 5, 8, 9), -1)


def test_send_deadline_friday_afternoon_is_monday_morning(cal):
    assert cal.send_deadline(vn(2025, 5, 9, 16)) == vn(2025, 5, 12, 11, 30)


def test_send_deadline_signed_on_saturday(cal):
    assert cal.send_deadline(vn(2025, 5, 10, 9)) == vn(2025, 5, 12, 11, 30)


def test_end_of_working_day(cal):
    assert cal.end_of_working_day(vn(2025, 5, 8, 9)) == vn(2025, 5, 8, 17)
    assert cal.end_of_working_day(vn(2025, 5, 8, 17, 30)) == vn(2025, 5, 9, 17)
    assert cal.end_of_working_day(vn(2025, 5, 11, 10)) == vn(2025, 5, 12, 17)  # Sunday


def test_next_session_and_next_morning(cal):
    assert cal.next_session_start(vn(2025, 5, 8, 10)) == vn(2025, 5, 8, 13, 30)
    assert cal.next_session_start(vn(2025, 5, 8, 6)) == vn(2025, 5, 8, 7, 30)
    assert cal.next_session_start(vn(2025, 5, 9, 14)) == vn(2025, 5, 12, 7, 30)
    assert cal.next_morning_start(vn(2025, 5, 8, 6)) == vn(2025, 5, 9, 7, 30)
    assert cal.next_morning_start(vn(2025, 4, 29, 9)) == vn(2025, 5, 5, 7, 30)


# -- office time -------------------------------------------------------------------


def test_add_working_time_across_lunch(cal):
    assert cal.add_working_time(vn(2025, 5, 8, 11), timedelta(hours=1)) == vn(2025, 5, 8, 14)


def test_add_working_time_across_night(cal):
    assert cal.add_working_time(vn(2025, 5, 8, 16, 30), timedelta(hours=1)) == vn(2025, 5, 9, 8)
    # Arriving at night counts from the next session.
    assert cal.add_working_time(vn(2025, 5, 8, 22), timedelta(hours=1)) == vn(2025, 5, 9, 8, 30)


def test_add_working_time_across_weekend(cal):
    assert cal.add_working_time(vn(2025, 5, 9, 16, 30), timedelta(hours=1)) == vn(2025, 5, 12, 8)


def test_add_working_time_ending_at_close_stays_on_that_day(cal):
    assert cal.add_working_time(vn(2025, 5, 8, 16), timedelta(hours=1)) == vn(2025, 5, 8, 17)


def test_add_working_time_zero_moves_into_office_hours(cal):
    assert cal.add_working_time(vn(2025, 5, 8, 9), timedelta(0)) == vn(2025, 5, 8, 9)
    assert cal.add_working_time(vn(2025, 5, 8, 12), timedelta(0)) == vn(2025, 5, 8, 13, 30)


def test_add_working_time_full_week(cal):
    # 5 days x 7.5 h from Monday opening ends at Friday closing.
    assert cal.add_working_time(vn(2025, 5, 12, 7, 30), timedelta(hours=37.5)) == vn(2025, 5, 16, 17)


def test_working_time_between(cal):
    assert cal.working_time_between(vn(2025, 5, 8, 11), vn(2025, 5, 8, 14)) == timedelta(hours=1)
    assert cal.working_time_between(vn(2025, 5, 9, 16), vn(2025, 5, 12, 8)) == timedelta(hours=1, minutes=30)
    assert cal.working_time_between(vn(2025, 5, 12, 8), vn(2025, 5, 9, 16)) == -timedelta(hours=1, minutes=30)
    assert cal.working_time_between(vn(2025, 5, 10, 8), vn(2025, 5, 11, 20)) == timedelta(0)


def test_working_time_between_inverts_add_working_time(cal):
    start = vn(2025, 4, 29, 15, 10)
    delta = timedelta(hours=9, minutes=20)
    assert cal.working_time_between(start, cal.add_working_time(start, delta)) == delta


def test_custom_office_hours():
    cal = WorkCalendar(office_hours=((time(7), time(11, 30)), (time(13), time(16, 30))))
    assert cal.add_working_days(vn(2025, 5, 8, 9), 1) == vn(2025, 5, 9, 16, 30)
    assert cal.send_deadline(vn(2025, 5, 8, 9)) == vn(2025, 5, 9, 11, 30)
    assert cal.add_working_time(vn(2025, 5, 8, 11), timedelta(hours=1)) == vn(2025, 5, 8, 13, 30)


def test_bad_office_hours_rejected():
    with pytest.raises(ValueError):
        WorkCalendar(office_hours=((time(13), time(17)), (time(7), time(11))))
    with pytest.raises(ValueError):
        WorkCalendar(office_hours=())


# -- timezone discipline -----------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda c, m: c.add_working_days(m, 1),
        lambda c, m: c.end_of_working_day(m),
        lambda c, m: c.send_deadline(m),
        lambda c, m: c.add_working_time(m, timedelta(hours=1)),
        lambda c, m: c.working_time_between(m, vn(2025, 5, 9, 9)),
        lambda c, m: c.next_session_start(m),
        lambda c, m: c.next_morning_start(m),
    ],
)
def test_naive_datetimes_are_rejected(cal, call):
    with pytest.raises(ValueError):
        call(cal, datetime(2025, 5, 8, 9))


# -- expression helpers ------------------------------------------------------------


def test_expression_functions_return_vietnam_iso_strings(cal):
    fns = expression_functions(cal)
    assert set(fns) == {
        "add_working_days",
        "end_of_working_day",
        "send_deadline",
        "add_working_hours",
        "add_working_minutes",
        "next_morning",
    }
    assert fns["add_working_days"]("2025-04-28T09:00:00+07:00", 1) == "2025-04-29T17:00:00+07:00"
    assert fns["end_of_working_day"]("2025-05-08T17:30:00+07:00") == "2025-05-09T17:00:00+07:00"
    assert fns["send_deadline"]("2025-05-09T16:00:00+07:00") == "2025-05-12T11:30:00+07:00"
    assert fns["add_working_hours"]("2025-05-08T11:00:00+07:00", 1.5) == "2025-05-08T14:30:00+07:00"
    assert fns["add_working_minutes"]("2025-05-09T16:30:00+07:00", 45) == "2025-05-12T07:45:00+07:00"
    assert fns["next_morning"]("2025-05-09T10:00:00+07:00") == "2025-05-12T07:30:00+07:00"


def test_expression_functions_accept_datetimes_and_utc(cal):
    fns = expression_functions(cal)
    assert fns["add_working_days"](vn(2025, 4, 28, 9), 1) == "2025-04-29T17:00:00+07:00"
    # 02:00Z is 09:00 in Vietnam.
    assert fns["add_working_days"]("2025-04-28T02:00:00+00:00", 1.0) == "2025-04-29T17:00:00+07:00"
    assert fns["send_deadline"]("2025-05-09T09:00:00Z").endswith("+07:00")


def test_expression_functions_reject_naive_and_garbage(cal):
    fns = expression_functions(cal)
    with pytest.raises(ValueError):
        fns["send_deadline"]("2025-05-09T16:00:00")
    with pytest.raises(ValueError):
        fns["next_morning"]("ngày mai")
    with pytest.raises(ValueError):
        fns["add_working_days"]("2025-05-09T16:00:00+07:00", 1.5)
