"""What tripped a newcomer: the duplicate warning, English codes on Vietnamese screens, lost draft edits."""
from __future__ import annotations

import json

from engine.db import db
from engine.models import HistoryEvent
from tests.conftest import DEMO_PASSWORD, incoming_meta, make_pdf


def web_login(client, username):
    assert client.post("/login", data={"username": username, "password": DEMO_PASSWORD}).status_code == 302


def test_duplicate_warning_names_register_numbers_and_survives_a_failed_try(api, client):
    pdf = make_pdf("the same file")
    first = api.receive(meta=incoming_meta(number="77"), files=[("a.pdf", pdf)]).json
    api.accept(first["id"])
    second = api.receive(meta=incoming_meta(number="77"), files=[("b.pdf", pdf)]).json
    task = api.task("vanthu", second["id"], "verify")
    web_login(client, "vanthu")
    page = client.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert "Văn bản đến số 1/" in page and "same_identity" not in page and "same_file" not in page
    assert "Cùng cơ quan gửi, số/ký hiệu và ngày ban hành" in page
    # A wrong register number: the error says so and the candidates are still listed.
    wrong = client.post(f"/tasks/{task['id']}", data={"decision": "duplicate", "duplicate_number": "99/2026",
                                                      "leader": "user:giamdoc"})
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and 'data-testid="duplicate-warning"' in text and "Văn bản đến số 1/" in text
    year = api.get("vanthu", f"/documents/{first['id']}").json["register_year"]
    done = client.post(f"/tasks/{task['id']}", data={"decision": "duplicate", "duplicate_number": f"1/{year}",
                                                     "leader": "user:giamdoc"})
    assert done.status_code == 302
    linked = api.get("vanthu", f"/documents/{second['id']}").json
    assert linked["duplicate_of"] == first["id"] and linked["status"] == "deleted"


def test_draft_history_names_the_fields_in_vietnamese_and_only_real_changes(api):
    meta = {"doc_type": "CV", "subject": "V/v báo cáo quý IV", "receivers": ["unit:ncc"], "urgency": "normal",
            "signer": "user:giamdoc", "body": "Nội dung"}
    created = api.client.post("/api/v1/documents/outgoing", headers=api.headers("cv.ldvl"),
                              data={"metadata": json.dumps(meta, ensure_ascii=False)},
                              content_type="multipart/form-data").json
    patch = {"subject": "V/v báo cáo quý IV năm 2026", "doc_type": "CV", "notes": "Gấp",
             "layout": {"page": 0}}
    assert api.client.patch(f"/api/v1/documents/{created['id']}/draft", json=patch,
                            headers=api.headers("cv.ldvl")).status_code == 200
    assert api.client.patch(f"/api/v1/documents/{created['id']}/draft", json=patch,
                            headers=api.headers("cv.ldvl")).status_code == 200  # nothing changes: no line
    notes = [e.note for e in db.session.query(HistoryEvent).filter_by(document_id=created["id"],
                                                                      action="draft_updated")]
    assert notes == ["Sửa trích yếu, ghi chú, vị trí ô số, ngày, chữ ký"]


def test_saving_the_draft_before_submitting_keeps_the_edits(api, client):
    meta = {"doc_type": "CV", "subject": "V/v cũ", "receivers": ["unit:ncc"], "signer": "user:giamdoc",
            "body": "Nội dung"}
    doc = api.client.post("/api/v1/documents/outgoing", headers=api.headers("cv.ldvl"),
                          data={"metadata": json.dumps(meta, ensure_ascii=False)},
                          content_type="multipart/form-data").json
    web_login(client, "cv.ldvl")
    form = {"doc_type": "CV", "subject": "V/v mới sửa", "urgency": "normal", "signer": "user:giamdoc",
            "receivers": "unit:ncc", "body": "Nội dung", "then": "submit"}
    response = client.post(f"/documents/{doc['id']}/draft", data=form)
    submit = next(t for t in doc["open_tasks"] if t["name"] == "submit")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/tasks/{submit['id']}")
    assert api.get("cv.ldvl", f"/documents/{doc['id']}").json["subject"] == "V/v mới sửa"


def test_delegation_error_speaks_vietnamese(api):
    bad = api.post("giamdoc", "/delegations", {"delegate": "user:phogiamdoc", "starts_on": "2026-01-01",
                                               "ends_on": "2099-01-01", "rights": ["everything"]})
    assert bad.status_code == 422
    message = bad.json["details"]["rights"]
    assert "phân công xử lý văn bản" in message and "ký số văn bản phát hành" in message
    assert "route" not in message and "supervise" not in message
