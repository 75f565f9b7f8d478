"""Two Q-Office instances (different organisation codes, different databases) and the stand-in axis
on a real port: A issues to B, B takes it in and works on it, A sees every status; recalls accepted
and rejected; the axis down for a working day; the same package twice."""
from __future__ import annotations

import shutil
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from engine import clock
from engine.db import db
from engine.interconnection import delivery, polling
from engine.models import Document, Notification, User
from integrations.axis import HttpAxis
from tests import conftest
from tests.conftest import DEMO_PASSWORD, Api
from tests.integrations.axis_support import StandInAxis, free_port
from tests.test_lifecycle_api import complete, route
from tests.test_outgoing_api import create, outgoing_meta, step
from tests.test_web_auth import login

A, B = "000.00.15.H47", "000.00.00.H47"
TOKENS = {"token-a": A, "token-b": B}


class Instance:
    def __init__(self, app):
        self.app = app
        self.api = Api(app.test_client())

    @contextmanager
    def context(self):
        with self.app.app_context():
            yield
            db.session.remove()

    def deliver(self) -> dict:
        with self.context():
            return delivery.deliver_pending()

    def poll(self) -> dict:
        with self.context():
            return polling.poll()


def axis_config(url: str, token: str) -> dict:
    return {"QOFFICE_AXIS_URL": url, "QOFFICE_AXIS_TOKEN": token, "QOFFICE_AXIS_HTTP_RETRIES": 0,
            "QOFFICE_AXIS_TIMEOUT": 5}


@pytest.fixture
def exchange(app, template_dir, tmp_path):
    """A = the ``app`` fixture (Sở LĐTBXH); B = UBND tỉnh, its own database copied from the template."""
    from web import create_app

    axis = StandInAxis(tmp_path / "axis", TOKENS, port=free_port())
    app.config.update(axis_config(axis.url, "token-a"))
    folder = tmp_path / "b"
    folder.mkdir()
    database = None
    if conftest.POSTGRES_URL:
        database = "qoffice_test_" + uuid.uuid4().hex[:10]
        conftest._pg_admin(f"CREATE DATABASE {database} TEMPLATE {conftest.TEMPLATE_DB}")
    else:
        shutil.copy(template_dir / "qoffice.db", folder / "qoffice.db")
    app_b = create_app({**conftest._config(folder, database), "QOFFICE_PKI_DIR": str(template_dir / "pki"),
                        "QOFFICE_ORG_CODE": B, "QOFFICE_ORG_NAME": "Ủy ban nhân dân tỉnh Quảng Nam",
                        "QOFFICE_ORG_ABBREVIATION": "UBND", **axis_config(axis.url, "token-b")})
    yield Instance(app), Instance(app_b), axis
    axis.stop()
    with app_b.app_context():
        db.engine.dispose()
    if database:
        conftest._pg_admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def issue(instance: Instance, **meta) -> int:
    created = create(instance.api, meta=outgoing_meta(**meta))
    assert created.status_code == 201, created.json
    doc_id = created.json["id"]
    step(instance.api, "cv.ldvl", doc_id, "submit")
    step(instance.api, "tp.ldvl", doc_id, "review", {"decision": "approve"})
    step(instance.api, "giamdoc", doc_id, "sign", {"decision": "sign", "pin": DEMO_PASSWORD})
    sent = step(instance.api, "vanthu", doc_id, "issue", {"pin": DEMO_PASSWORD})
    assert sent["status"] == "sent"
    return doc_id


def arrived(b: Instance, subject: str) -> dict:
    items = b.api.get("vanthu", "/documents?direction=incoming&q=" + subject.split()[-1]).json["items"]
    match = [d for d in items if d["subject"] == subject]
    assert len(match) == 1, items
    return b.api.get("vanthu", f"/documents/{match[0]['id']}").json


def codes(a: Instance, doc_id: int) -> list[str]:
    (item,) = a.api.get("vanthu", f"/documents/{doc_id}/deliveries").json["items"]
    return [s["code"] for s in item["statuses"]]


def test_a_issues_to_b_and_sees_every_status(exchange):
    a, b, axis = exchange
    axis.start()
    subject = f"V/v báo cáo kết quả chi trả {uuid.uuid4().hex[:6]}"
    doc_id = issue(a, subject=subject, receivers=[f"org:{B}"])
    assert a.deliver()["sent"] == 1
    (item,) = a.api.get("vanthu", f"/documents/{doc_id}/deliveries").json["items"]
    assert (item["agency_id"], item["agency_name"], item["state"], item["attempts"]) == (
        B, "Ủy ban nhân dân tỉnh Quảng Nam", "sent", 1)
    assert a.deliver()["sent"] == 0  # exactly once

    assert b.poll()["taken"] == 1
    incoming = arrived(b, subject)
    assert incoming["status"] == "arrived" and incoming["source"] == "electronic"
    assert (incoming["sender_org_id"], incoming["number_notation"]) == (A, "01/SLĐTBXH-LĐVL")
    assert incoming["legal_standing"] == "legal"  # the leader's and the seal's signatures verified at B
    verify = b.api.task("vanthu", incoming["id"], "verify")
    assert verify is not None
    login(b.api.client, "vanthu")
    queue = b.api.client.get("/interconnection").get_data(as_text=True)
    assert "Văn bản điện tử từ trục liên thông" in queue and subject in queue
    assert b.api.complete("vanthu", verify["id"], {"decision": "accept"}).status_code == 200
    assert b.deliver()["sent"] == 2  # 01 arrived, 03 registered
    assert a.poll()["taken"] == 2
    assert codes(a, doc_id) == ["01", "03"]

    route(b.api, incoming["id"], {"lead": ["unit:ldvl"]})
    complete(b.api, "tp.ldvl", incoming["id"], "assign", {"assignees": ["user:cv.ldvl"]})
    done = complete(b.api, "cv.ldvl", incoming["id"], "process", {"action": "report", "note": "Đã xử lý."})
    assert done["status"] == "completed"
    assert b.deliver()["sent"] == 3
    a.poll()
    assert codes(a, doc_id) == ["01", "03", "04", "05", "06"]
    (item,) = a.api.get("vanthu", f"/documents/{doc_id}/deliveries").json["items"]
    assert item["statuses"][-1]["description"].startswith("Đã hoàn thành")
    login(a.api.client, "vanthu")
    page = a.api.client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert "Gửi qua trục liên thông" in page and "Ủy ban nhân dân tỉnh Quảng Nam" in page
    assert "Đã xử lý xong" in page and "Gói tin edXML" in page and "Thu hồi văn bản" in page
    assert a.api.client.get(f"/documents/{doc_id}/edxml?to={B}").data.startswith(b"<?xml")

    # What A serves as "the package sent to B" is what B got; taken in again it changes nothing.
    package = a.api.get("vanthu", f"/documents/{doc_id}/edxml?to={B}")
    assert package.status_code == 200 and package.mimetype == "application/xml"
    stored = Path(axis.app.config["AXIS_STANDIN_DIR"], "messages").glob("*.edxml")
    assert package.data in [p.read_bytes() for p in stored]
    HttpAxis(axis.url, "token-a", retries=0).send(package.data, receivers=[B], kind="edoc", key="replayed")
    assert b.poll() == {"configured": True, "taken": 0, "duplicate": 1, "rejected": 0, "errors": 0}
    again = b.api.client.post("/api/v1/interconnection/packages", data=package.data,
                              headers={**b.api.headers("vanthu"), "Content-Type": "application/xml"})
    assert again.status_code == 200 and again.json["duplicate"] and again.json["document_id"] == incoming["id"]
    with b.context():
        assert db.session.query(Document).filter_by(subject=subject).count() == 1
    assert a.api.get("vanthu", f"/documents/{doc_id}/edxml?to=000.00.02.H47").json["error"] == "unknown_delivery"


def test_recall_accepted_and_rejected(exchange):
    a, b, axis = exchange
    axis.start()
    tag = uuid.uuid4().hex[:6]
    kept_id = issue(a, subject=f"V/v kế hoạch giữ lại {tag}", receivers=[f"org:{B}"])
    gone_id = issue(a, subject=f"V/v kế hoạch thu hồi {tag}", receivers=[f"org:{B}", "unit:ncc"])
    a.deliver()
    b.poll()
    kept, gone = arrived(b, f"V/v kế hoạch giữ lại {tag}"), arrived(b, f"V/v kế hoạch thu hồi {tag}")
    b.api.accept(kept["id"])  # registered at B; the other one still waits for the clerk
    internal = next(r for r in a.api.get("vanthu", f"/documents/{gone_id}").json["receivers"] if r["kind"] == "unit")

    # Statuses carry whole seconds: people act seconds apart, this test within one unless the clock moves.
    clock.advance(timedelta(minutes=1))
    assert a.api.post("vanthu", f"/documents/{gone_id}/recall", {}).status_code == 422
    assert a.api.post("cv.ldvl", f"/documents/{gone_id}/recall", {"reason": "x"}).status_code in (403, 404)
    recalled = a.api.post("vanthu", f"/documents/{gone_id}/recall", {"reason": "Sai số liệu phụ lục"})
    assert recalled.status_code == 200 and recalled.json["status"] == "recalled"
    assert a.api.post("giamdoc", f"/documents/{kept_id}/recall", {"reason": "Đổi nội dung"}).status_code == 200
    again = a.api.post("vanthu", f"/documents/{gone_id}/recall", {"reason": "lần nữa"})
    assert again.status_code == 409
    copy = a.api.get("tp.ncc", f"/documents/{internal['document_id']}")
    assert copy.json["status"] == "recalled" and copy.json["open_tasks"] == []  # the unit's copy at once

    assert a.deliver()["sent"] == 2
    assert b.poll()["taken"] == 2
    clock.advance(timedelta(minutes=1))
    task = b.api.task("vanthu", gone["id"], "decide_recall")
    assert task is not None and task["role"] == "clerk"
    login(b.api.client, "vanthu")
    form = b.api.client.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert "Sai số liệu phụ lục" in form and "Đồng ý thu hồi" in form
    assert b.api.complete("vanthu", task["id"], {"decision": "accept"}).status_code == 200
    gone_now = b.api.get("vanthu", f"/documents/{gone['id']}").json
    assert gone_now["status"] == "recalled" and gone_now["open_tasks"] == []
    assert gone_now["history"][-1]["action"] == "recalled" and "Sai số liệu phụ lục" in gone_now["history"][-1]["note"]
    task = b.api.task("vanthu", kept["id"], "decide_recall")
    no_reason = b.api.complete("vanthu", task["id"], {"decision": "reject"})
    assert no_reason.status_code == 422 and "note" in no_reason.json["details"]
    assert b.api.complete("vanthu", task["id"], {"decision": "reject", "note": "Đã phân công xử lý"}).status_code == 200
    kept_now = b.api.get("vanthu", f"/documents/{kept['id']}").json
    assert kept_now["status"] == "accepted" and [t["name"] for t in kept_now["open_tasks"]] == ["route"]

    b.deliver()
    a.poll()
    assert codes(a, gone_id)[-2:] == ["13", "15"] and codes(a, kept_id)[-2:] == ["13", "16"]
    states = {d: a.api.get("vanthu", f"/documents/{d}/deliveries").json["items"][0]["recall_state"]
              for d in (gone_id, kept_id)}
    assert states == {gone_id: "accepted", kept_id: "rejected"}
    actions = [h["action"] for h in a.api.get("vanthu", f"/documents/{kept_id}").json["history"]]
    assert actions[-2:] == ["recall_requested", "recall_rejected"] or "recall_rejected" in actions


def test_axis_down_for_a_working_day_then_everything_delivered_once(exchange):
    a, _b, axis = exchange  # the axis is not started: nothing listens on its port
    doc_id = issue(a, receivers=[f"org:{B}"])
    clock.set_time(clock.now())
    for _ in range(48):  # a whole day of tries every half hour
        a.deliver()
        clock.advance(timedelta(minutes=30))
    a.api.tokens.clear()  # sessions end after 30 idle minutes: sign in again
    (item,) = a.api.get("vanthu", f"/documents/{doc_id}/deliveries").json["items"]
    assert item["state"] == "failed" and item["attempts"] >= 8 and "kết nối" in item["last_error"]
    alerted = {n.user_id for n in db.session.query(Notification).filter_by(kind="axis_failed", document_id=doc_id)}
    names = {db.session.get(User, uid).username for uid in alerted}
    assert names == {"vanthu", "tp.vp"}  # the clerk and the Chánh Văn phòng, once each
    page = a.api.client.get(f"/documents/{doc_id}")  # not signed in: redirected, nothing leaks
    assert page.status_code in (302, 401)

    axis.start()
    clock.advance(timedelta(hours=1))
    assert a.deliver()["sent"] == 1
    clock.advance(timedelta(hours=2))
    assert a.deliver()["sent"] == 0
    a.api.tokens.clear()
    (item,) = a.api.get("vanthu", f"/documents/{doc_id}/deliveries").json["items"]
    assert item["state"] == "sent" and item["last_error"] is None
    assert len(HttpAxis(axis.url, "token-b", retries=0).received()) == 1
