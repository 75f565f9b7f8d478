"""APScheduler wiring: jobs run inside an app context, one scheduler process only."""
from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from engine.clock import VN_TZ
from engine.deadlines import digest, timer_sweep
from engine.incoming import idempotency, uploads
from engine.notifications import mailer
from engine.operations import backups, health
from engine.records import extraction, monthly_report
from reports import statistics as statistics_report

log = logging.getLogger(__name__)


def _in_app(app, fn):
    def run():
        with app.app_context():
            try:
                fn()
            except Exception:  # a failing job must not kill the scheduler
                log.exception("scheduled job %s failed", fn.__name__)

    run.__name__ = fn.__name__
    return run


def _every(app, scheduler, fn, seconds: int, job_id: str) -> None:
    """A frequent job, run at once when the scheduler starts: a scheduler restarted after a crash
    catches up on due timers and queued mail without waiting a whole interval."""
    seconds = int(app.config.get("QOFFICE_SCHEDULER_INTERVAL") or seconds)
    scheduler.add_job(_in_app(app, fn), "interval", seconds=seconds, id=job_id, name=job_id, max_instances=1,
                      coalesce=True, next_run_time=datetime.now(VN_TZ))


def add_jobs(app, scheduler) -> None:
    from engine.interconnection import delivery, polling

    _every(app, scheduler, timer_sweep.sweep_timers, 30, "timer_sweep")
    _every(app, scheduler, mailer.deliver_pending, 60, "outbox_email")
    _every(app, scheduler, delivery.deliver_pending, 60, "axis_send")
    _every(app, scheduler, polling.poll, 60, "axis_poll")
    # Its own fixed pace: /healthz judges the scheduler by the age of the last beat.
    scheduler.add_job(_in_app(app, health.beat), "interval", seconds=30, id="heartbeat", max_instances=1,
                      coalesce=True, next_run_time=datetime.now(VN_TZ))
    add_records_jobs(app, scheduler)
    # Mon–Sat because make-up working Saturdays exist; send_digests itself skips days off.
    for hour, minute in ((7, 30), (13, 30)):
        scheduler.add_job(_in_app(app, digest.send_digests), "cron", day_of_week="mon-sat", hour=hour,
                          minute=minute, timezone=VN_TZ, id=f"digest_{hour:02d}{minute:02d}",
                          max_instances=1, coalesce=True, misfire_grace_time=3600)
    # Nightly: a verified backup, then what crashes leave in the file store, and Idempotency-Keys nobody will retry any more.
    scheduler.add_job(_in_app(app, backups.create), "cron", hour=1, minute=30, timezone=VN_TZ, id="backup",
                      max_instances=1, coalesce=True, misfire_grace_time=6 * 3600)
    scheduler.add_job(_in_app(app, uploads.sweep_files), "cron", hour=2, minute=15, timezone=VN_TZ,
                      id="file_sweep", max_instances=1, coalesce=True, misfire_grace_time=6 * 3600)
    scheduler.add_job(_in_app(app, idempotency.forget_old), "cron", hour=2, minute=45, timezone=VN_TZ,
                      id="idempotency_keys", max_instances=1, coalesce=True, misfire_grace_time=6 * 3600)


def add_records_jobs(app, scheduler) -> None:
    """Text extraction of new files, and the monthly report."""
    scheduler.add_job(_in_app(app, extraction.extract_pending), "interval", seconds=10, id="text_extraction",
                      max_instances=1, coalesce=True)
    # Every morning Mon–Sat: the report goes out on the first working day of the month (or the first
    # run after it, should the scheduler have been down); the outbox key makes later runs no-ops.
    scheduler.add_job(_in_app(app, send_monthly_report), "cron", day_of_week="mon-sat", hour=7,
                      minute=45, timezone=VN_TZ, id="monthly_report", max_instances=1, coalesce=True,
                      misfire_grace_time=3600)


def send_monthly_report():
    return monthly_report.send_monthly_report(statistics_report.to_pdf)


def start_background_scheduler(app) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=VN_TZ)
    add_jobs(app, scheduler)
    scheduler.start()
    return scheduler


def run_blocking_scheduler(app) -> None:
    scheduler = BlockingScheduler(timezone=VN_TZ)
    add_jobs(app, scheduler)
    scheduler.start()
