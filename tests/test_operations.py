"""Running the system: the incident register, the health check, backups verified by restoring them."""
from __future__ import annotations

import csv
import io
import shutil
import uuid
from datetime import timedelta

import pytest

from engine import clock
from engine.db import db
from engine.operations import backups, health
from tests.conftest import DEMO_PASSWORD, POSTGRES_URL, _pg_admin, make_pdf


def test_anyone_reports_an_incident_and_administrators_handle_it(client, api):
    client.post("/login", data={"username": "cv.ldvl", "password": DEMO_PASSWORD})
    page = client.get("/inbox").get_data(as_text=True)
    assert 'data-testid="report-incident"' in page and "page=/inbox" in page
    reported = client.post("/incidents/new", data={"kind": "security", "title": "Thư lừa đảo giả danh Sở",
                                                   "description": "Nhận thư yêu cầu nhập mật khẩu Q-Office.",
                                                   "page": "/inbox"})
    assert reported.status_code == 302
    incident_id = int(reported.headers["Location"].rsplit("/", 1)[1])
    assert "Thư lừa đảo" in api.get("quantri", "/notifications").json["items"][0]["message"]
    assert api.get("cv.ncc", f"/incidents/{incident_id}").status_code == 404  # not theirs
    assert api.client.patch(f"/api/v1/incidents/{incident_id}", headers=api.headers("cv.ldvl"),
                            json={"resolution": "x"}).status_code == 403
    assigned = api.client.patch(f"/api/v1/incidents/{incident_id}", headers=api.headers("quantri"),
                                json={"assignee": "quantri"})
    assert assigned.status_code == 200 and assigned.json["status"] == "assigned"
    closed = api.client.patch(f"/api/v1/incidents/{incident_id}", headers=api.headers("quantri"),
                              json={"resolution": "Đã chặn tên miền giả mạo, nhắc toàn Sở."})
    assert closed.status_code == 200 and closed.json["status"] == "closed"
    assert api.get("cv.ldvl", "/incidents").json["items"][0]["status"] == "closed"
    exported = api.get("quantri", "/incidents", query_string={"format": "csv"})
    assert exported.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert rows[0][0] == "Số" and rows[1][2] == "Thư lừa đảo giả danh Sở" and rows[1][7] == "Đã đóng"
    assert api.get("cv.ldvl", "/incidents", query_string={"format": "csv"}).status_code == 403
    bad = api.post("cv.ldvl", "/incidents", {"kind": "weather", "title": ""})
    assert bad.status_code == 422 and {"kind", "title", "description"} <= set(bad.json["details"])


def test_health_reports_each_part_and_the_scheduler_heartbeat(client, app):
    down = client.get("/healthz")
    assert down.status_code == 503 and down.json["checks"]["scheduler"]["ok"] is False
    assert down.json["checks"]["database"]["ok"] and down.json["checks"]["files"]["ok"]
    health.beat()
    up = client.get("/healthz")
    assert up.status_code == 200 and up.json["ok"] and up.json["checks"]["outbox"]["failed"] == 0
    clock.set_time(clock.now().replace(microsecond=0) + timedelta(minutes=10))
    assert client.get("/healthz").status_code == 503  # ten minutes without a beat: the scheduler is down


def test_health_reports_timers_the_sweep_leaves_waiting(client, api):
    from engine.deadlines.timer_sweep import sweep_timers
    from engine.models import WorkflowInstance

    doc_id = api.receive().json["id"]
    due = db.session.query(WorkflowInstance).filter_by(document_id=doc_id).one().next_timer_due_at
    clock.set_time(clock.to_vn(due) + timedelta(minutes=11))  # the verify deadline passed; nothing swept it
    health.beat()
    stuck = client.get("/healthz")
    assert stuck.status_code == 503 and stuck.json["checks"]["scheduler"]["ok"]
    assert stuck.json["checks"]["timers"] == {"ok": False, "overdue": 1, "oldest_overdue_age_seconds": 660}
    assert sweep_timers() == 1
    swept = client.get("/healthz").json["checks"]["timers"]  # (the outbox has waited too: no mail job ran)
    assert swept == {"ok": True, "overdue": 0, "oldest_overdue_age_seconds": 0}


def test_a_backup_restores_into_an_empty_installation(app, api, tmp_path):
    for _ in range(2):
        assert api.receive(files=[("van-ban.pdf", make_pdf()), ("phu-luc.pdf", make_pdf())]).status_code == 201
    app.config["QOFFICE_BACKUP_DIR"] = str(tmp_path / "backups")
    folder = backups.create()
    assert folder.name.startswith("qoffice-") and (folder / "manifest.json").is_file()
    result = backups.verify(folder)
    assert (result.documents, result.attachments, result.files) == (2, 4, 4)
    second = backups.create()  # unchanged files are hard links to the first backup's
    some = next((second / "files").glob("??/??/*"))
    assert some.stat().st_nlink >= 2

    if POSTGRES_URL:
        from sqlalchemy.engine import make_url

        name = "qoffice_restore_" + uuid.uuid4().hex[:8]
        _pg_admin(f"CREATE DATABASE {name}")
        target = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    else:
        target = f"sqlite:///{tmp_path / 'restored' / 'qoffice.db'}"
    try:
        restored = backups.restore(folder, target, str(tmp_path / "restored-files"))
        assert (restored.documents, restored.files) == (2, 4)
    finally:
        if POSTGRES_URL:
            _pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_damaged_backup_is_refused(app, api, tmp_path):
    api.receive()
    app.config["QOFFICE_BACKUP_DIR"] = str(tmp_path / "backups")
    folder = backups.create()
    victim = next((folder / "files").glob("??/??/*"))
    victim.unlink()
    shutil.copyfile(__file__, victim)  # replaced by other bytes
    with pytest.raises(backups.BackupError):
        backups.verify(folder)


def test_old_backups_are_pruned(app, api, tmp_path):
    api.receive()
    app.config.update(QOFFICE_BACKUP_DIR=str(tmp_path / "backups"), QOFFICE_BACKUP_KEEP=2)
    made = []
    for _ in range(3):
        clock.set_time(clock.now() + timedelta(minutes=1))
        made.append(backups.create().name)
    assert [p.name for p in backups.listing()] == made[:0:-1]
    db.session.rollback()
