"""Editing the working-day calendar through the API and the administrator's page."""
from __future__ import annotations

from datetime import date, datetime

from engine import clock
from engine.db import db
from engine.deadlines.calendar_service import current_calendar
from engine.models import CalendarDay
from tests.test_mailer import login

MAKE_UP_SATURDAY = "2026-12-05"
EXTRA_DAY_OFF = "2026-12-04"  # a Friday


def stored() -> dict:
    db.session.expire_all()
    return {row.day.isoformat(): row.kind for row in db.session.query(CalendarDay)}


def test_admin_adds_days_and_the_calendar_honours_them(app, api):
    clock.set_time(datetime(2026, 11, 23, 9, 0, tzinfo=clock.VN_TZ))
    assert not current_calendar().is_working_day(date(2026, 12, 5))
    assert current_calendar().is_working_day(date(2026, 12, 4))

    made = api.post("quantri", "/calendar/days", {"date": MAKE_UP_SATURDAY, "kind": "extra_working_day",
                                                  "note": "Làm bù cho ngày nghỉ Tết Dương lịch"})
    assert made.status_code == 201, made.json
    assert made.json == {"date": MAKE_UP_SATURDAY, "kind": "extra_working_day",
                         "note": "Làm bù cho ngày nghỉ Tết Dương lịch"}
    off = api.post("quantri", "/calendar/days", {"date": EXTRA_DAY_OFF, "kind": "extra_day_off"})
    assert off.status_code == 201, off.json

    calendar = current_calendar()
    assert calendar.is_working_day(date(2026, 12, 5))
    assert not calendar.is_working_day(date(2026, 12, 4))
    # Thursday + 1 working day skips the extra Friday off and lands on the make-up Saturday.
    assert calendar.add_working_days(datetime(2026, 12, 3, 10, 0, tzinfo=clock.VN_TZ), 1) == \
        datetime(2026, 12, 5, 17, 0, tzinfo=clock.VN_TZ)

    # Everybody signed in may read the calendar.
    year = api.get("vanthu", "/calendar?year=2026")
    assert year.status_code == 200
    assert year.json["year"] == 2026
    assert year.json["office_hours"] == [["07:30", "11:30"], ["13:30", "17:00"]]
    days = {d["date"]: d for d in year.json["days"]}
    assert days[MAKE_UP_SATURDAY] == {"date": MAKE_UP_SATURDAY, "name": "Làm bù cho ngày nghỉ Tết Dương lịch",
                                      "kind": "extra_working_day"}
    assert days[EXTRA_DAY_OFF]["kind"] == "extra_day_off" and days[EXTRA_DAY_OFF]["name"] == "Ngày nghỉ bổ sung"
    assert days["2026-09-02"] == {"date": "2026-09-02", "name": "Quốc khánh", "kind": "holiday"}
    assert days["2026-01-01"]["kind"] == "holiday"
    assert api.get("vanthu", "/calendar").json["year"] == 2026  # the current year by default
    assert app.test_client().get("/api/v1/calendar").status_code == 401

    assert api.client.delete(f"/api/v1/calendar/days/{EXTRA_DAY_OFF}",
                             headers=api.headers("quantri")).status_code == 204
    assert current_calendar().is_working_day(date(2026, 12, 4))
    missing = api.client.delete(f"/api/v1/calendar/days/{EXTRA_DAY_OFF}", headers=api.headers("quantri"))
    assert missing.status_code == 404 and missing.json["error"] == "not_found"
    assert stored() == {MAKE_UP_SATURDAY: "extra_working_day"}


def test_bad_inputs_are_refused_with_vietnamese_messages_and_nothing_stored(app, api):
    assert api.post("quantri", "/calendar/days", {"date": MAKE_UP_SATURDAY,
                                                  "kind": "extra_working_day"}).status_code == 201
    cases = [
        ({"date": "2026-11-25", "kind": "extra_working_day"}, "vốn đã là ngày làm việc"),  # a Wednesday
        ({"date": "2026-11-29", "kind": "extra_day_off"}, "vốn đã là ngày nghỉ"),  # a Sunday
        ({"date": "2026-09-02", "kind": "extra_day_off"}, "vốn đã là ngày nghỉ"),  # National Day
        ({"date": MAKE_UP_SATURDAY, "kind": "extra_day_off"}, "Một ngày chỉ có một loại"),
        ({"date": MAKE_UP_SATURDAY, "kind": "extra_working_day"}, "đã là ngày làm việc bù"),
        ({"date": "2026-13-01", "kind": "extra_day_off"}, "Ngày không hợp lệ"),
        ({"date": "1899-12-01", "kind": "extra_day_off"}, "Ngày phải trong khoảng năm"),
        ({"kind": "extra_day_off"}, "Bắt buộc nhập"),
    ]
    for body, message in cases:
        response = api.post("quantri", "/calendar/days", body)
        assert response.status_code == 422, body
        assert response.json["error"] == "invalid"
        assert message in response.json["details"]["date"], (body, response.json)
        assert "Dữ liệu chưa hợp lệ" in response.json["message"]
    wrong_kind = api.post("quantri", "/calendar/days", {"date": "2026-11-27", "kind": "holiday"})
    assert wrong_kind.status_code == 422 and "kind" in wrong_kind.json["details"]
    too_long = api.post("quantri", "/calendar/days", {"date": "2026-11-27", "kind": "extra_day_off",
                                                      "note": "x" * 301})
    assert too_long.status_code == 422 and "note" in too_long.json["details"]
    not_json = api.client.post("/api/v1/calendar/days", headers=api.headers("quantri"), data="2026-11-27")
    assert not_json.status_code == 422
    bad_year = api.get("vanthu", "/calendar?year=abc")
    assert bad_year.status_code == 422 and "Năm không hợp lệ" in bad_year.json["message"]
    assert api.client.delete("/api/v1/calendar/days/hom-nay", headers=api.headers("quantri")).status_code == 422
    assert stored() == {MAKE_UP_SATURDAY: "extra_working_day"}


def test_only_administrators_change_the_calendar(app, api):
    for username in ("vanthu", "giamdoc"):
        response = api.post(username, "/calendar/days", {"date": "2026-11-27", "kind": "extra_day_off"})
        assert response.status_code == 403 and response.json["error"] == "forbidden"
        assert "quản trị" in response.json["message"]
    assert api.post("quantri", "/calendar/days", {"date": MAKE_UP_SATURDAY,
                                                  "kind": "extra_working_day"}).status_code == 201
    refused = api.client.delete(f"/api/v1/calendar/days/{MAKE_UP_SATURDAY}", headers=api.headers("giamdoc"))
    assert refused.status_code == 403
    assert stored() == {MAKE_UP_SATURDAY: "extra_working_day"}


def test_calendar_page(app, client):
    clock.set_time(datetime(2026, 11, 23, 9, 0, tzinfo=clock.VN_TZ))
    login(client, "vanthu")
    assert client.get("/admin/calendar").status_code == 403
    assert client.post("/admin/calendar/days", data={"date": "2026-11-27", "kind": "extra_day_off"}).status_code == 403
    client.post("/logout")

    login(client, "quantri")
    page = client.get("/admin/calendar?year=2026").get_data(as_text=True)
    assert "Lịch làm việc năm 2026" in page and "Quốc khánh" in page and 'name="csrf_token"' in page
    assert 'href="/admin/calendar"' in page  # the admin's nav link

    added = client.post("/admin/calendar/days", data={"date": MAKE_UP_SATURDAY, "kind": "extra_working_day",
                                                      "note": "Làm bù ngày 02/01/2027"})
    assert added.status_code == 302 and added.headers["Location"].endswith("/admin/calendar?year=2026")
    page = client.get("/admin/calendar?year=2026").get_data(as_text=True)
    assert "Làm bù ngày 02/01/2027" in page and "Đã thêm vào lịch: Ngày làm việc bù 05/12/2026." in page
    assert current_calendar().is_working_day(date(2026, 12, 5))

    refused = client.post("/admin/calendar/days", data={"date": "2026-11-25", "kind": "extra_working_day"})
    assert refused.status_code == 422
    assert "Ngày làm việc bù phải là thứ Bảy, Chủ nhật hoặc ngày lễ" in refused.get_data(as_text=True)
    assert stored() == {MAKE_UP_SATURDAY: "extra_working_day"}

    removed = client.post(f"/admin/calendar/days/{MAKE_UP_SATURDAY}/delete")
    assert removed.status_code == 302
    assert stored() == {}
    assert not current_calendar().is_working_day(date(2026, 12, 5))
    assert "Đã xóa ngày 05/12/2026 khỏi lịch." in client.get("/admin/calendar?year=2026").get_data(as_text=True)
