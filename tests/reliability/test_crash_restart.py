"""``kill -9`` of the web app and of the scheduler at random moments while documents go through their
whole lives (incoming through the API and through the axis to completion, outgoing to issue and
sending), each server started again at once: nothing is lost, doubled or left inconsistent.

On SQLite in the first pass of ``make test`` and on PostgreSQL in its second. ``make soak`` runs the
same with QOFFICE_SOAK_LIFECYCLES=1000 (and prints the figures).
"""
from __future__ import annotations

import json
import os

from tests.reliability import invariants
from tests.reliability.rig import Plan, Rig

SOAK = int(os.environ.get("QOFFICE_SOAK_LIFECYCLES") or 0)


def test_nothing_lost_doubled_or_inconsistent_across_kill_9(app, app_config, tmp_path):
    plan = Plan(lifecycles=SOAK, workers=4, kill_every=(2.0, 15.0), min_kills=20) if SOAK else \
        Plan(lifecycles=3, workers=2, kill_every=(2.0, 5.0), min_kills=2)
    with Rig(app_config, tmp_path, web_workers=2 if SOAK else 1) as rig:
        rig.run(plan)
        drained = rig.drain(app)
        problems: list[str] = []
        figures = {
            "database": app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0], "seed": plan.seed,
            "lifecycles": len(rig.lifecycles) + len(rig.reference), "seconds": round(rig.elapsed),
            "reference_seconds": round(rig.reference_seconds),
            "web_kills": rig.web.kills, "scheduler_kills": rig.scheduler.kills,
            "requests": rig.stats.requests, "requests_retried": rig.stats.retried,
            "conflicts": dict(rig.stats.conflicts), "server_errors": len(rig.stats.server_errors),
            "drained": drained,
            **invariants.documents([*rig.reference.values(), *rig.lifecycles], problems),
            **invariants.registers(problems),
            **invariants.instances(problems),
            **invariants.notifications(rig, problems),
            **invariants.emails(rig.mail, problems),
            **invariants.packages(rig, problems),
            **invariants.files(problems),
            "problems": len(problems),
        }
    print("\nreliability figures:", json.dumps(figures, ensure_ascii=False), *problems[:50], sep="\n")
    assert rig.stats.server_errors == []
    assert problems == []
    assert rig.web.kills >= plan.min_kills and rig.scheduler.kills >= plan.min_kills
