"""Timer sweep cost with 1,000 / 10,000 / 100,000 waiting workflows and 100 due (issue 4).

The 100 due workflows are real receive flows whose verify deadline has passed; the waiting ones
are copies of a real serialized receive flow whose next timer is in the future. The sweep must
cost what the due ones cost, whatever the number waiting.
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta

from bench.common import make_app

DUE = 100
WAITING = (1_000, 10_000, 100_000)


def run(workdir):
    from engine import clock

    for waiting in WAITING:
        folder = workdir / f"w{waiting}"
        folder.mkdir()
        app = make_app(folder)
        with app.app_context():
            from engine.db import db
            from engine.deadlines.timer_sweep import due_instance_ids, sweep_timers
            from engine.incoming import registration
            from engine.incoming.uploads import Upload
            from engine.models import User, WorkflowInstance
            from tests.conftest import incoming_meta, make_pdf

            clock.set_time(datetime(2026, 11, 25, 9, 0, tzinfo=clock.VN_TZ))
            clerk = db.session.query(User).filter_by(username="vanthu").one()
            for _ in range(DUE):
                registration.receive(clerk, incoming_meta(issued_on="2026-11-24"), [Upload("a.pdf", make_pdf())])
            template = db.session.query(WorkflowInstance).first()
            future = clock.now() + timedelta(days=30)
            rows = [dict(document_id=template.document_id, process_version_id=template.process_version_id,
                         state=template.state, serializer_version=template.serializer_version, status="running",
                         lock_version=1, next_timer_due_at=future + timedelta(seconds=i),
                         created_at=template.created_at, updated_at=template.updated_at) for i in range(waiting)]
            for start in range(0, len(rows), 5000):
                db.session.execute(WorkflowInstance.__table__.insert(), rows[start:start + 5000])
            db.session.commit()
            clock.set_time(datetime(2026, 11, 25, 17, 5, tzinfo=clock.VN_TZ))
            started = time.perf_counter()
            ids = due_instance_ids(clock.now(), 1000)
            select_ms = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            fired = sweep_timers(limit=1000)
            sweep_s = time.perf_counter() - started
            started = time.perf_counter()
            idle = sweep_timers(limit=1000)
            idle_ms = (time.perf_counter() - started) * 1000
            clock.set_time(None)
            print(f"   {waiting:>7,} waiting + {len(ids)} due: select due {select_ms:6.1f} ms, sweep {sweep_s:5.2f} s "
                  f"({sweep_s / max(fired, 1) * 1000:5.1f} ms per fired workflow, {fired} fired), "
                  f"next idle sweep {idle_ms:5.1f} ms ({idle} fired)")
            db.session.remove()
            db.engine.dispose()
