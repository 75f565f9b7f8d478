"""Wrong signing and issuing PINs are throttled like passwords, counted atomically."""
from __future__ import annotations

import threading
from datetime import timedelta

from engine import clock
from engine.db import db
from engine.people import throttle
from tests.conftest import DEMO_PASSWORD
from tests.test_outgoing_api import to_signing


def test_five_wrong_pins_block_the_key_for_fifteen_minutes(api):
    doc_id = to_signing(api)
    task = api.task("giamdoc", doc_id, "sign")
    for attempt in range(4):
        wrong = api.complete("giamdoc", task["id"], {"decision": "sign", "pin": f"sai-{attempt}"})
        assert wrong.status_code == 422 and wrong.json["error"] == "bad_pin"
    fifth = api.complete("giamdoc", task["id"], {"decision": "sign", "pin": "sai-5"})
    assert fifth.status_code == 429 and fifth.json["error"] == "throttled"
    right = api.complete("giamdoc", task["id"], {"decision": "sign", "pin": DEMO_PASSWORD})
    assert right.status_code == 429  # even the right PIN waits: no guessing continues meanwhile
    assert api.get("giamdoc", f"/documents/{doc_id}").json["status"] == "approved"
    clock.set_time(clock.now() + timedelta(minutes=16))
    api.tokens.clear()
    signed = api.complete("giamdoc", task["id"], {"decision": "sign", "pin": DEMO_PASSWORD})
    assert signed.status_code == 200 and signed.json["status"] == "signed"


def test_parallel_failures_are_all_counted(app):
    policy = throttle.Policy(limit=1000, window=timedelta(minutes=15), block=timedelta(minutes=15))
    barrier = threading.Barrier(8)

    def fail():
        with app.app_context():
            barrier.wait()
            for _ in range(5):
                throttle.record_failure("pin:test:key", policy)
            db.session.remove()

    threads = [threading.Thread(target=fail) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    from engine.models import Throttle

    db.session.expire_all()
    assert db.session.get(Throttle, "pin:test:key").failures == 40
