"""Links between documents respect visibility: no number or subject of a document one may not open."""
from __future__ import annotations

import json

from tests.conftest import DEMO_PASSWORD
from tests.test_lifecycle_api import complete, registered, route


def _draft(api, username, **meta):
    body = {"doc_type": "CV", "subject": "V/v trả lời", **meta}
    return api.client.post("/api/v1/documents/outgoing", headers=api.headers(username),
                           data={"metadata": json.dumps(body)}, content_type="multipart/form-data")


def test_a_draft_may_only_answer_a_document_its_drafter_can_see(api):
    hidden = registered(api, subject="V/v hồ sơ người có công — chỉ phòng LĐVL xử lý")
    route(api, hidden, {"lead": ["unit:ldvl"]})
    refused = _draft(api, "cv.ncc", in_reply_to=hidden)
    assert refused.status_code == 422 and "in_reply_to" in refused.json["details"]
    complete(api, "tp.ldvl", hidden, "assign", {"assignees": ["user:cv.ldvl"]})
    allowed = _draft(api, "cv.ldvl", in_reply_to=hidden)
    assert allowed.status_code == 201 and allowed.json["in_reply_to"] == hidden


def test_the_document_page_hides_replies_its_reader_may_not_open(api, client):
    doc_id = registered(api, subject="V/v kế hoạch đào tạo nghề")
    route(api, doc_id, {"lead": ["unit:ldvl"], "inform": ["unit:ncc"]})
    complete(api, "tp.ldvl", doc_id, "assign", {"assignees": ["user:cv.ldvl"]})
    reply = _draft(api, "cv.ldvl", in_reply_to=doc_id, subject="V/v phương án bí mật chưa trình").json
    client.post("/login", data={"username": "tp.ncc", "password": DEMO_PASSWORD})
    page = client.get(f"/documents/{doc_id}")
    assert page.status_code == 200 and "V/v kế hoạch đào tạo nghề" in page.get_data(as_text=True)
    assert "phương án bí mật" not in page.get_data(as_text=True)
    assert client.get(f"/documents/{reply['id']}").status_code == 404
    client.post("/logout")
    client.post("/login", data={"username": "cv.ldvl", "password": DEMO_PASSWORD})
    assert "phương án bí mật" in client.get(f"/documents/{doc_id}").get_data(as_text=True)
