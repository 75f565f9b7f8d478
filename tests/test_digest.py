"""The twice-daily digest (R-CHECK-1): the department's for leaders, each unit's for its heads;
content, working days only, exactly once."""
from __future__ import annotations

from datetime import datetime

from engine import clock
from engine.db import db
from engine.deadlines import digest
from engine.models import CalendarDay, Notification, OutboxMessage, ProcessingLine
from engine.text import duration_vi
from engine.tx import transaction
from tests.test_lifecycle_api import registered, route

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=clock.VN_TZ)
THURSDAY_0730 = datetime(2026, 11, 26, 7, 30, tzinfo=clock.VN_TZ)
GIAMDOC = "Nguyễn Văn Ánh"
# Unit heads without a department-wide delegation: Văn phòng, Người có công and the ten affiliated units.
UNIT_HEADS = {"tp.vp", "tp.ncc", *(f"gd.dv{n:02d}" for n in range(1, 11))}


def digests(day="2026-11-26", slot="am") -> dict[str, OutboxMessage]:
    rows = db.session.query(OutboxMessage).filter(OutboxMessage.key.like(f"digest:{day}:{slot}:%")).all()
    return {row.payload["username"]: row for row in rows}


def backlog(api) -> dict:
    """Monday: one document waiting for routing, one routed for 1 working day, one due Thursday."""
    clock.set_time(MONDAY_9)
    waiting = registered(api, subject="V/v báo cáo tình hình giải quyết việc làm quý IV")
    late = registered(api, subject="V/v rà soát hồ sơ người có công tỉnh Quảng Nam", number="345",
                      notation="UBND-VX")
    assert route(api, late, {"lead": ["unit:ldvl"], "deadline": 1}).status_code == 200
    today = registered(api, subject="V/v kế hoạch đào tạo nghề cho lao động nông thôn")
    assert route(api, today, {"lead": ["unit:ncc"], "deadline": "2026-11-26"}).status_code == 200
    delegated = api.post("giamdoc", "/delegations", {"delegate": "user:tp.ldvl", "starts_on": "2026-11-23",
                                                     "ends_on": "2026-11-30", "rights": ["supervise"]})
    assert delegated.status_code == 201, delegated.json
    return {"waiting": waiting, "late": late, "today": today}


def test_morning_digest_lists_routing_overdue_by_unit_and_due_today(app, api):
    docs = backlog(api)
    clock.set_time(THURSDAY_0730)

    assert digest.send_digests() == 3 + len(UNIT_HEADS)
    sent = digests()
    # Leaders + the supervise delegate get the department's digest, every other unit head their unit's.
    assert set(sent) == {"giamdoc", "phogiamdoc", "tp.ldvl"} | UNIT_HEADS
    mail = sent["giamdoc"]
    assert mail.status == "pending" and mail.payload["to"] == ["giamdoc@qoffice.local"]
    assert mail.payload["subject"] == ("Q-Office: tổng hợp đầu buổi sáng 26/11/2026 — 1 văn bản chờ phân công, "
                                       "1 quá hạn, 1 đến hạn hôm nay")
    body = mail.payload["body"]
    routing, overdue, due_today = (body.split("1. ")[1].split("2. ")[0], body.split("2. ")[1].split("3. ")[0],
                                   body.split("3. ")[1])
    assert "V/v báo cáo tình hình giải quyết việc làm quý IV" in routing
    assert "chờ đồng chí phân công" in routing  # giamdoc's own routing task
    assert f"http://127.0.0.1:5000/documents/{docs['waiting']}" in routing
    assert "Phòng Lao động - Việc làm - Giáo dục nghề nghiệp: 1" in overdue
    assert "345/UBND-VX" in overdue and "V/v rà soát hồ sơ người có công" in overdue
    assert "Phòng Người có công" not in overdue
    line = db.session.query(ProcessingLine).filter_by(document_id=docs["late"], kind="lead").one()
    assert line.due_at < THURSDAY_0730
    late_by = duration_vi((THURSDAY_0730 - line.due_at).total_seconds())
    assert f"hạn {line.due_at.strftime('%H:%M %d/%m/%Y')}; quá hạn {late_by}" in overdue
    assert "Đang giữ: Phòng Lao động - Việc làm - Giáo dục nghề nghiệp (chưa phân công)" in overdue
    assert f"/documents/{docs['late']}" in overdue
    assert "V/v kế hoạch đào tạo nghề cho lao động nông thôn" in due_today and "hạn 17:00" in due_today
    # The deputy sees the same document as waiting for the director.
    assert f"chờ {GIAMDOC} phân công" in sent["phogiamdoc"].payload["body"].split("2. ")[0]
    assert db.session.query(Notification).filter_by(kind="digest").count() == 3 + len(UNIT_HEADS)
    # The head of Phòng Người có công sees their unit only: the document waiting to be assigned, due today.
    unit = sent["tp.ncc"].payload
    assert unit["subject"] == ("Q-Office: tổng hợp đầu buổi sáng 26/11/2026 — Phòng Người có công: "
                               "1 văn bản chờ giao chuyên viên, 0 quá hạn, 1 đến hạn hôm nay")
    assert "V/v kế hoạch đào tạo nghề cho lao động nông thôn" in unit["body"]
    assert "345/UBND-VX" not in unit["body"] and "quý IV" not in unit["body"]
    assert sent["gd.dv03"].payload["subject"].endswith("Trung tâm Bảo trợ xã hội Quảng Nam: không có việc tồn đọng")

    # A restart, or a second scheduler, queues nothing more.
    assert digest.send_digests() == 0
    assert digest.send_digests(datetime(2026, 11, 26, 7, 45, tzinfo=clock.VN_TZ)) == 0
    assert len(digests()) == 3 + len(UNIT_HEADS)

    # The afternoon one is a new digest.
    assert digest.send_digests(datetime(2026, 11, 26, 13, 30, tzinfo=clock.VN_TZ)) == 3 + len(UNIT_HEADS)
    assert {"giamdoc", "phogiamdoc", "tp.ldvl"} <= set(digests(slot="pm"))
    assert "đầu buổi chiều" in digests(slot="pm")["giamdoc"].payload["subject"]


def test_no_digest_on_days_off_but_on_a_make_up_saturday(app, api):
    clock.set_time(MONDAY_9)
    registered(api, subject="V/v triển khai chính sách bảo trợ xã hội")
    sunday = datetime(2026, 11, 29, 7, 30, tzinfo=clock.VN_TZ)
    national_day = datetime(2026, 9, 2, 7, 30, tzinfo=clock.VN_TZ)
    saturday = datetime(2026, 11, 28, 7, 30, tzinfo=clock.VN_TZ)
    assert digest.send_digests(sunday) == 0
    assert digest.send_digests(national_day) == 0
    assert digest.send_digests(saturday) == 0
    assert db.session.query(OutboxMessage).filter(OutboxMessage.key.like("digest:%")).count() == 0

    with transaction():
        db.session.add(CalendarDay(day=saturday.date(), kind="extra_working_day", note="Làm bù"))
    assert digest.send_digests(saturday) == 2 + len(UNIT_HEADS) + 1  # tp.ldvl heads a unit too
    assert set(digests("2026-11-28")) == {"giamdoc", "phogiamdoc", "tp.ldvl"} | UNIT_HEADS


def test_quiet_day_still_sends_a_short_digest(app):
    clock.set_time(THURSDAY_0730)
    assert digest.send_digests() == 3 + len(UNIT_HEADS)
    mail = digests()["phogiamdoc"]
    assert mail.payload["subject"] == "Q-Office: tổng hợp đầu buổi sáng 26/11/2026 — không có việc tồn đọng"
    assert "Không có việc tồn đọng" in mail.payload["body"]


def test_inactive_leader_gets_nothing(app):
    from engine.models import User

    clock.set_time(THURSDAY_0730)
    with transaction():
        db.session.query(User).filter_by(username="phogiamdoc").one().active = False
    assert digest.send_digests() == 2 + len(UNIT_HEADS)
    assert "giamdoc" in digests() and "phogiamdoc" not in digests()


def test_scheduler_jobs(app):
    from apscheduler.schedulers.background import BackgroundScheduler

    from web.jobs import add_jobs

    scheduler = BackgroundScheduler(timezone=clock.VN_TZ)
    add_jobs(app, scheduler)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert {"outbox_email", "digest_0730", "digest_1330"} <= set(jobs)
    assert jobs["outbox_email"].trigger.interval.total_seconds() == 60
    assert jobs["outbox_email"].max_instances == 1 and jobs["outbox_email"].coalesce
    saturday_noon = datetime(2026, 11, 28, 12, 0, tzinfo=clock.VN_TZ)
    # Saturday afternoon still fires (a make-up Saturday is possible); Sunday is skipped.
    assert jobs["digest_1330"].trigger.get_next_fire_time(None, saturday_noon) == \
        datetime(2026, 11, 28, 13, 30, tzinfo=clock.VN_TZ)
    assert jobs["digest_0730"].trigger.get_next_fire_time(None, saturday_noon) == \
        datetime(2026, 11, 30, 7, 30, tzinfo=clock.VN_TZ)
