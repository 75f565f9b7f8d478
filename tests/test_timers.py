"""Deadlines as BPMN timers on the working-day calendar, swept by the scheduler with a moved clock."""
from __future__ import annotations

import threading
from datetime import date, datetime

import pytest

from engine import clock
from engine.db import db
from engine.deadlines.timer_sweep import sweep_timers
from engine.models import CalendarDay, OutboxMessage, WorkflowInstance
from tests.conftest import incoming_meta


def at(*args) -> datetime:
    return datetime(*args, tzinfo=clock.VN_TZ)


def move(api, moment: datetime) -> None:
    clock.set_time(moment)
    api.tokens.clear()  # tokens expire after 30 idle minutes


def emails(prefix: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return (db.session.query(OutboxMessage).filter(OutboxMessage.kind == "email",
                                                   OutboxMessage.key.startswith(prefix))
            .order_by(OutboxMessage.id).all())


def recipients(rows) -> set[str]:
    return {row.payload["username"] for row in rows}


def arrive(api, moment, **meta) -> int:
    move(api, moment)
    response = api.receive(meta=incoming_meta(issued_on=(moment.date()).isoformat(), **meta))
    assert response.status_code == 201, response.json
    return response.json["id"]


def sweep_until_idle(limit: int = 20) -> int:
    """Run the sweep as the scheduler would, tick after tick, until nothing is due."""
    total = 0
    for _ in range(limit):
        fired = sweep_timers()
        if not fired:
            return total
        total += fired
    raise AssertionError("timers kept firing")


def test_verify_deadline_is_end_of_working_day_and_escalates_once(api):
    doc_id = arrive(api, at(2026, 11, 25, 9, 0))  # a Wednesday
    verify = api.task("vanthu", doc_id, "verify")
    assert verify["due_at"] == "2026-11-25T17:00:00+07:00"
    instance = db.session.query(WorkflowInstance).filter_by(document_id=doc_id).one()
    assert instance.next_timer_due_at == at(2026, 11, 25, 17, 0)

    clock.set_time(at(2026, 11, 25, 16, 59))
    assert sweep_timers() == 0
    clock.set_time(at(2026, 11, 25, 17, 1))
    assert sweep_timers() == 1
    first = emails(f"escalate:{doc_id}:")
    assert recipients(first) == {"vanthu", "tp.vp", "giamdoc", "phogiamdoc"}
    mail = first[0].payload
    assert mail["subject"].startswith("[Quá hạn] Kiểm tra, tiếp nhận văn bản đến")
    assert "Đã quá hạn: 1 phút" in mail["body"] and "Hạn xử lý: 17:00 ngày 25/11/2026" in mail["body"]
    assert f"/documents/{doc_id}" in mail["body"]

    # Sweeping again in the same window sends nothing more.
    clock.set_time(at(2026, 11, 25, 17, 5))
    sweep_until_idle()
    assert len(emails(f"escalate:{doc_id}:")) == len(first)

    # Each following working morning while it stays overdue: Thursday, Friday; not on the weekend.
    for day, expected in ((26, 8), (27, 12), (28, 12), (29, 12), (30, 16)):
        clock.set_time(at(2026, 11, day, 7, 31))
        sweep_until_idle()
        assert len(emails(f"escalate:{doc_id}:")) == expected, day

    # Once verified, the verify escalations stop; routing is late already (its deadline counts from
    # arrival), so the leaders hear about that step instead.
    move(api, at(2026, 11, 30, 8, 0))
    assert api.accept(doc_id).status_code == 200
    clock.set_time(at(2026, 12, 1, 7, 31))
    sweep_until_idle()
    assert len(emails(f"escalate:{doc_id}:{verify['id']}:")) == 16
    route = emails(f"escalate:{doc_id}:{api.task('giamdoc', doc_id, 'route')['id']}:")
    assert recipients(route) == {"giamdoc", "phogiamdoc"} and len(route) == 4  # 30/11 and 1/12


def test_three_days_of_downtime_give_one_escalation_per_overdue_task(api):
    doc_id = arrive(api, at(2026, 11, 23, 9, 0))  # Monday; verify due Monday 17:00
    # The scheduler was down from Monday noon until Thursday 10:00.
    clock.set_time(at(2026, 11, 26, 10, 0))
    fired = sweep_until_idle()
    assert fired >= 1
    rows = emails(f"escalate:{doc_id}:")
    assert recipients(rows) == {"vanthu", "tp.vp", "giamdoc", "phogiamdoc"}
    assert len(rows) == 4, [r.key for r in rows]
    assert all(":2026-11-26:" in r.key for r in rows)


def test_restarted_or_concurrent_schedulers_send_each_escalation_once(app, api):
    doc_id = arrive(api, at(2026, 11, 25, 9, 0))
    clock.set_time(at(2026, 11, 25, 17, 2))
    results = []
    barrier = threading.Barrier(2)

    def scheduler():
        with app.app_context():
            barrier.wait()
            try:
                results.append(sweep_until_idle())
            finally:
                db.session.remove()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(results) >= 1
    assert len(emails(f"escalate:{doc_id}:")) == 4
    # A restart later in the same window finds nothing new to send.
    from web import create_app

    restarted = create_app(app.config)
    with restarted.app_context():
        sweep_until_idle()
    assert len(emails(f"escalate:{doc_id}:")) == 4


def test_urgent_arrival_notifies_at_once_and_escalates_within_working_hours(api):
    doc_id = arrive(api, at(2026, 11, 23, 10, 0), urgency="khan")
    notices = emails(f"urgent_arrival:{doc_id}:")
    assert recipients(notices) == {"vanthu", "giamdoc"}
    assert notices[0].payload["subject"].startswith("[KHẨN] Văn bản đến cần trình ngay")
    verify = api.task("vanthu", doc_id, "verify")
    assert verify["due_at"] == "2026-11-23T11:00:00+07:00"
    clock.set_time(at(2026, 11, 23, 11, 1))
    sweep_until_idle()
    assert recipients(emails(f"escalate:{doc_id}:")) == {"vanthu", "tp.vp", "giamdoc", "phogiamdoc"}
    # The leader must route within 2 working hours of arrival.
    move(api, at(2026, 11, 23, 11, 10))
    api.accept(doc_id)
    # 10:00 + 2 working hours: 1.5 h before lunch, 0.5 h after 13:30.
    assert api.task("giamdoc", doc_id, "route")["due_at"] == "2026-11-23T14:00:00+07:00"


@pytest.mark.parametrize("urgency", ["thuong_khan", "hoa_toc"])
def test_flash_documents_get_the_shortest_deadlines(api, urgency):
    doc_id = arrive(api, at(2026, 11, 23, 11, 0), urgency=urgency)  # 11:00: half an hour before lunch
    assert api.task("vanthu", doc_id, "verify")["due_at"] == "2026-11-23T11:30:00+07:00"
    api.accept(doc_id)
    # One working hour from 11:00 skips the lunch break: 11:30 + 30 min after 13:30.
    assert api.task("giamdoc", doc_id, "route")["due_at"] == "2026-11-23T14:00:00+07:00"


def test_friday_afternoon_arrival_is_routed_by_monday(api):
    doc_id = arrive(api, at(2026, 11, 27, 16, 0))  # Friday
    api.accept(doc_id)
    assert api.task("giamdoc", doc_id, "route")["due_at"] == "2026-11-30T17:00:00+07:00"


def test_a_holiday_period_is_skipped(api):
    doc_id = arrive(api, at(2026, 4, 29, 9, 0))  # Wednesday before 30/4 and 1/5
    api.accept(doc_id)
    assert api.task("giamdoc", doc_id, "route")["due_at"] == "2026-05-04T17:00:00+07:00"


def test_a_make_up_working_saturday_counts(api):
    db.session.add(CalendarDay(day=date(2026, 12, 5), kind="extra_working_day", note="Làm bù"))
    db.session.commit()
    doc_id = arrive(api, at(2026, 12, 4, 9, 0))  # Friday
    api.accept(doc_id)
    assert api.task("giamdoc", doc_id, "route")["due_at"] == "2026-12-05T17:00:00+07:00"


def test_processing_reminder_and_escalation_go_to_holder_unit_head_and_leaders(api):
    doc_id = arrive(api, at(2026, 11, 23, 9, 0))
    api.accept(doc_id)
    task = api.task("giamdoc", doc_id, "route")
    assert api.complete("giamdoc", task["id"], {"lead": ["user:cv.ldvl"], "deadline": 2}).status_code == 200
    process = api.task("cv.ldvl", doc_id, "process")
    # Two working days from Monday 23/11: Tuesday 24/11 is Ngày Văn hóa Việt Nam (a holiday in the
    # `holidays` package from 2026), so Wednesday and Thursday.
    assert process["due_at"] == "2026-11-26T17:00:00+07:00"
    clock.set_time(at(2026, 11, 25, 7, 29))
    sweep_until_idle()
    assert emails(f"remind:{doc_id}:") == []
    clock.set_time(at(2026, 11, 25, 7, 31))  # the working morning before the deadline
    sweep_until_idle()
    assert recipients(emails(f"remind:{doc_id}:")) == {"cv.ldvl"}
    clock.set_time(at(2026, 11, 26, 17, 1))
    sweep_until_idle()
    assert recipients(emails(f"escalate:{doc_id}:")) == {"cv.ldvl", "tp.ldvl", "giamdoc", "phogiamdoc"}


def test_sweep_loads_only_due_instances(api, monkeypatch):
    for hour in (8, 9, 10):
        arrive(api, at(2026, 11, 25, hour, 0))
    loaded = []
    from engine.workflow import runtime

    original = runtime.load

    def counting_load(instance, ctx):
        loaded.append(instance.id)
        return original(instance, ctx)

    monkeypatch.setattr(runtime, "load", counting_load)
    clock.set_time(at(2026, 11, 25, 12, 0))
    assert sweep_timers() == 0 and loaded == []


def test_escalation_email_reaches_a_real_smtp_server(app, api):
    from email import message_from_bytes, policy

    from engine.notifications import mailer
    from tests.test_mailer import Server, use_smtp

    server = Server().start()
    try:
        use_smtp(app, server.port)
        doc_id = arrive(api, at(2026, 11, 25, 9, 0), subject="V/v hỗ trợ người lao động bị ảnh hưởng bởi bão")
        clock.set_time(at(2026, 11, 25, 17, 30))
        sweep_until_idle()
        assert mailer.deliver_pending()["sent"] == 4
        assert mailer.deliver_pending()["sent"] == 0
        by_rcpt = {tuple(e.rcpt_tos): message_from_bytes(e.content, policy=policy.default) for e in server.envelopes}
        assert set(by_rcpt) == {("vanthu@qoffice.local",), ("tp.vp@qoffice.local",), ("giamdoc@qoffice.local",),
                                ("phogiamdoc@qoffice.local",)}
        mail = by_rcpt[("giamdoc@qoffice.local",)]
        assert mail["Subject"].startswith("[Quá hạn] Kiểm tra, tiếp nhận văn bản đến")
        body = mail.get_body(preferencelist=("plain",)).get_content()
        assert "V/v hỗ trợ người lao động bị ảnh hưởng bởi bão" in body
        assert "Đã quá hạn: 30 phút" in body and "Đang giữ: Văn thư" in body
        assert f"/documents/{doc_id}" in body
    finally:
        server.stop()


def test_a_fault_on_one_instance_does_not_hold_back_the_others_timers(api, monkeypatch):
    first = arrive(api, at(2026, 11, 24, 9, 0))  # due first, so swept first
    second = arrive(api, at(2026, 11, 25, 9, 0))
    from engine.workflow import runtime

    original = runtime.load
    first_instance = db.session.query(WorkflowInstance).filter_by(document_id=first).one().id

    def faulty_load(instance, ctx):
        if instance.id == first_instance:
            raise KeyError("a fault in the code")
        return original(instance, ctx)

    monkeypatch.setattr(runtime, "load", faulty_load)
    clock.set_time(at(2026, 11, 25, 17, 1))
    assert sweep_timers() == 1
    assert emails(f"escalate:{second}:") and not emails(f"escalate:{first}:")
    monkeypatch.setattr(runtime, "load", original)  # mended
    assert sweep_timers() == 0  # a failed instance waits before it is tried again
    clock.set_time(at(2026, 11, 25, 17, 7))  # five minutes later
    assert sweep_timers() == 1 and emails(f"escalate:{first}:")


def test_instances_failing_at_every_try_do_not_fill_the_sweep(api, monkeypatch):
    failing = [arrive(api, at(2026, 11, 24, 9, minute)) for minute in range(3)]  # due first, so swept first
    healthy = arrive(api, at(2026, 11, 25, 9, 0))
    from engine.workflow import runtime

    original = runtime.load
    poisoned = {i.id for i in db.session.query(WorkflowInstance).filter(WorkflowInstance.document_id.in_(failing))}

    def faulty_load(instance, ctx):
        if instance.id in poisoned:
            raise KeyError("a fault in the code")
        return original(instance, ctx)

    monkeypatch.setattr(runtime, "load", faulty_load)
    clock.set_time(at(2026, 11, 25, 17, 1))
    assert sweep_timers(limit=3) == 0  # the three failing ones fill this sweep
    clock.set_time(at(2026, 11, 25, 17, 2))
    assert sweep_timers(limit=3) == 1  # the next one reaches the document behind them
    assert emails(f"escalate:{healthy}:") and not any(emails(f"escalate:{d}:") for d in failing)
