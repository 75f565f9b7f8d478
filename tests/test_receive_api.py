"""The receive flow through the JSON API: arrival, verification, registration, refusal, duplicates."""
from __future__ import annotations

import hashlib
from datetime import datetime

from engine import clock
from engine.db import db
from engine.models import Attachment, Document, HistoryEvent, WorkflowInstance
from tests.conftest import incoming_meta, make_pdf


def test_clerk_receives_and_accepts_then_director_finds_it(api):
    created = api.receive()
    assert created.status_code == 201, created.json
    doc = created.json
    assert doc["status"] == "arrived" and doc["direction"] == "incoming"
    assert doc["incoming_number"] is None
    assert [t["name"] for t in doc["open_tasks"]] == ["verify"]
    assert doc["history"][0]["action"] == "arrived" and doc["history"][0]["actor"] == "vanthu"
    assert doc["legal_standing"] == "reference"

    verify = api.task("vanthu", doc["id"], "verify")
    assert verify and verify["role"] == "clerk"
    accepted = api.complete("vanthu", verify["id"], {"decision": "accept"})
    assert accepted.status_code == 200, accepted.json
    body = accepted.json
    assert body["status"] == "accepted"
    assert body["incoming_number"] == 1
    assert body["register_year"] == clock.today().year
    assert [t["name"] for t in body["open_tasks"]] == ["route"]
    assert "Vào sổ văn bản đến số 1" in body["history"][-1]["note"]

    route = api.task("giamdoc", doc["id"], "route")
    assert route is not None and route["assignee"] == "giamdoc"
    assert route["due_at"].endswith("+07:00")
    assert api.task("phogiamdoc", doc["id"], "route") is None
    assert api.task("vanthu", doc["id"], "verify") is None


def test_clerk_can_name_another_leader(api):
    doc = api.receive().json
    api.accept(doc["id"], leader="user:phogiamdoc")
    assert api.task("phogiamdoc", doc["id"], "route") is not None
    assert api.task("giamdoc", doc["id"], "route") is None


def test_accept_with_a_non_leader_is_refused(api):
    doc = api.receive().json
    response = api.accept(doc["id"], leader="user:cv.ldvl")
    assert response.status_code == 422
    assert "leader" in response.json["details"]
    assert api.get("vanthu", f"/documents/{doc['id']}").json["status"] == "arrived"


def test_numbers_are_sequential_and_restart_each_year(api):
    clock.set_time(datetime(2026, 12, 31, 9, 0, tzinfo=clock.VN_TZ))
    numbers = []
    for _ in range(3):
        doc = api.receive(meta=incoming_meta(issued_on="2026-12-30")).json
        numbers.append(api.accept(doc["id"]).json["incoming_number"])
    assert numbers == [1, 2, 3]
    clock.set_time(datetime(2027, 1, 4, 8, 0, tzinfo=clock.VN_TZ))
    api.tokens.clear()  # the old token expired after 30 idle minutes
    doc = api.receive(meta=incoming_meta(issued_on="2026-12-31")).json
    body = api.accept(doc["id"]).json
    assert (body["incoming_number"], body["register_year"]) == (1, 2027)


def test_refusal_needs_a_reason_and_is_recorded(api):
    doc = api.receive().json
    verify = api.task("vanthu", doc["id"], "verify")
    missing = api.complete("vanthu", verify["id"], {"decision": "refuse"})
    assert missing.status_code == 422 and "reason" in missing.json["details"]
    assert api.task("vanthu", doc["id"], "verify") is not None  # still open, nothing changed
    refused = api.complete("vanthu", verify["id"], {"decision": "refuse", "reason": "Thiếu phụ lục kèm theo"})
    assert refused.status_code == 200
    assert refused.json["status"] == "refused"
    assert refused.json["refusal_reason"] == "Thiếu phụ lục kèm theo"
    assert refused.json["incoming_number"] is None
    assert refused.json["open_tasks"] == []


def test_same_sender_number_and_date_is_a_duplicate(api):
    meta = incoming_meta(number="215", notation="UBND-KGVX")
    first = api.receive(meta=meta).json
    assert api.accept(first["id"]).json["incoming_number"] == 1
    # The paper copy arrives later, scanned: other bytes, same identity.
    second = api.receive(meta=dict(meta, source="paper")).json
    warned = api.accept(second["id"])
    assert warned.status_code == 409
    assert warned.json["error"] == "duplicate"
    assert warned.json["details"]["duplicate_of"] == first["id"]
    assert "số 1" in warned.json["message"]
    assert api.get("vanthu", f"/documents/{second['id']}").json["incoming_number"] is None

    linked = api.complete("vanthu", api.task("vanthu", second["id"], "verify")["id"],
                          {"decision": "duplicate", "duplicate_of": first["id"]})
    assert linked.status_code == 200
    assert linked.json["duplicate_of"] == first["id"] and linked.json["status"] == "deleted"
    # No number was used by the duplicate: the next document gets 2.
    third = api.receive().json
    assert api.accept(third["id"]).json["incoming_number"] == 2


def test_same_file_bytes_is_a_duplicate(api):
    content = make_pdf("cùng một tệp")
    first = api.receive(files=[("a.pdf", content)]).json
    api.accept(first["id"])
    second = api.receive(meta=incoming_meta(sender_org_id="000.00.00.G22", sender_org_name="Văn phòng Chính phủ"),
                         files=[("b.pdf", content)]).json
    warned = api.accept(second["id"])
    assert warned.status_code == 409 and warned.json["details"]["duplicate_of"] == first["id"]
    confirmed = api.accept(second["id"], not_duplicate=True)
    assert confirmed.status_code == 200 and confirmed.json["incoming_number"] == 2


def test_paper_scan_with_near_identical_subject_is_a_duplicate(api):
    meta = incoming_meta(sender_org_id=None, sender_org_name="Sở Y tế tỉnh Quảng Nam", number="88",
                         subject="Về việc tăng cường phòng, chống dịch bệnh tại Đà Nẵng")
    first = api.receive(meta=meta).json
    api.accept(first["id"])
    typed_again = dict(meta, number="88B", source="paper",
                       subject="ve viec tang cuong phong, chong dich benh tai da nang")
    second = api.receive(meta=typed_again).json
    warned = api.accept(second["id"])
    assert warned.status_code == 409 and warned.json["details"]["duplicate_of"] == first["id"]


def test_secret_documents_are_refused_and_nothing_is_stored(api, app):
    for level in ("mat", "toi_mat", "tuyet_mat"):
        response = api.receive(meta=incoming_meta(secrecy=level))
        assert response.status_code == 422
        assert response.json["error"] == "secret_document"
        assert "mật" in response.json["message"].lower()
    assert db.session.query(Document).count() == 0
    assert db.session.query(Attachment).count() == 0
    files_dir = app.config["QOFFICE_FILES_DIR"]
    from pathlib import Path

    assert not Path(files_dir).exists() or not any(p.is_file() for p in Path(files_dir).rglob("*"))


def test_missing_fields_are_listed_and_nothing_is_stored(api):
    response = api.receive(meta={"secrecy": "none", "doc_type": "XX", "issued_on": "2026-13-01"})
    assert response.status_code == 422
    details = response.json["details"]
    for field in ("sender_org_name", "number", "notation", "subject", "doc_type", "issued_on"):
        assert field in details, field
    assert db.session.query(Document).count() == 0


def test_bad_metadata_json_and_missing_files(api):
    bad = api.client.post("/api/v1/documents/incoming", headers=api.headers("vanthu"),
                          data={"metadata": "{not json"}, content_type="multipart/form-data")
    assert bad.status_code == 422 and bad.json["error"] == "invalid"
    nofile = api.receive(files=[])
    assert nofile.status_code == 422 and "files" in nofile.json["details"]
    assert db.session.query(Document).count() == 0


def test_non_pdf_main_file_is_refused(api):
    response = api.receive(files=[("van-ban.pdf", b"Day khong phai la PDF, chi la van ban thuong.\n")])
    assert response.status_code == 422
    assert "PDF" in response.json["message"]
    assert db.session.query(Document).count() == 0


def test_oversized_file_is_refused(api, app):
    app.config["QOFFICE_MAX_FILE_BYTES"] = 2000
    big = make_pdf() + b"%" + b"x" * 5000 + b"\n"
    response = api.receive(files=[("lon.pdf", big)])
    assert response.status_code == 413
    assert response.json["error"] == "too_large"
    assert db.session.query(Document).count() == 0


def test_pdf_with_javascript_is_refused_as_dangerous(api):
    import io

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert(1)"))
    out = io.BytesIO()
    pdf.save(out)
    response = api.receive(files=[("doc.pdf", out.getvalue())])
    assert response.status_code == 422
    assert response.json["error"] == "dangerous_content"
    assert db.session.query(Document).count() == 0


def test_only_clerks_receive_and_verify(api):
    denied = api.receive(username="cv.ldvl")
    assert denied.status_code == 403 and denied.json["error"] == "forbidden"
    doc = api.receive().json
    verify_id = doc["open_tasks"][0]["id"]
    for username in ("giamdoc", "cv.ldvl"):
        response = api.complete(username, verify_id, {"decision": "accept"})
        assert response.status_code in (403, 404)
    assert api.get("vanthu", f"/documents/{doc['id']}").json["status"] == "arrived"


def test_completing_a_task_twice_is_a_conflict(api):
    doc = api.receive().json
    verify_id = doc["open_tasks"][0]["id"]
    assert api.complete("vanthu", verify_id, {"decision": "accept"}).status_code == 200
    again = api.complete("vanthu", verify_id, {"decision": "refuse", "reason": "x"})
    assert again.status_code == 409 and again.json["error"] == "task_closed"
    assert api.get("vanthu", f"/documents/{doc['id']}").json["status"] == "accepted"


def test_unknown_task_and_document(api):
    assert api.complete("vanthu", "00000000-0000-0000-0000-000000000000").status_code == 404
    assert api.get("vanthu", "/documents/999999").status_code == 404
    assert api.get("vanthu", "/documents/999999").json["error"] == "not_found"


def test_a_specialist_not_involved_cannot_see_the_document(api):
    doc = api.receive().json
    assert api.get("cv.ncc", f"/documents/{doc['id']}").status_code == 404
    assert api.get("cv.ncc", f"/documents/{doc['id']}/attachments/0").status_code == 404
    assert api.get("cv.ncc", "/documents").json["total"] == 0


def test_attachment_download_is_byte_identical(api):
    content = make_pdf()
    doc = api.receive(files=[("Công văn số 12.pdf", content)]).json
    assert doc["attachments"][0]["sha256"] == hashlib.sha256(content).hexdigest()
    assert doc["attachments"][0]["name"] == "Công văn số 12.pdf"
    download = api.get("giamdoc", f"/documents/{doc['id']}/attachments/0")
    assert download.status_code == 200 and download.data == content
    assert api.get("giamdoc", f"/documents/{doc['id']}/attachments/5").status_code == 404


def test_file_names_are_sanitised(api):
    doc = api.receive(files=[("../../etc/passwd\x00.pdf", make_pdf())]).json
    name = doc["attachments"][0]["name"]
    assert "/" not in name and "\x00" not in name and ".." not in name.split("_")[0]


def test_search_ignores_diacritics_and_case(api):
    api.receive(meta=incoming_meta(subject="Về việc hỗ trợ người lao động tại Đà Nẵng"))
    api.receive(meta=incoming_meta(subject="Kế hoạch tuyển sinh năm 2027"))
    for q in ("da nang", "ĐÀ NẴNG", "ho tro nguoi lao dong"):
        found = api.get("giamdoc", "/documents", query_string={"q": q}).json
        assert found["total"] == 1, q
        assert "Đà Nẵng" in found["items"][0]["subject"]
    assert api.get("giamdoc", "/documents", query_string={"q": "UBND-KGVX"}).json["total"] == 2
    assert api.get("giamdoc", "/documents", query_string={"status": "accepted"}).json["total"] == 0


def test_workflow_state_history_and_status_change_together(api):
    doc = api.receive().json
    api.accept(doc["id"])
    instance = db.session.query(WorkflowInstance).filter_by(document_id=doc["id"]).one()
    assert instance.status == "running" and instance.lock_version >= 2
    actions = [e.action for e in db.session.query(HistoryEvent).filter_by(document_id=doc["id"])]
    assert actions == ["arrived", "registered"]


def test_openapi_document_describes_the_contract(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    for path in ("/session", "/documents/incoming", "/documents", "/documents/{id}", "/tasks",
                 "/tasks/{id}/complete"):
        assert path in spec["paths"], path


def test_every_api_route_is_in_the_openapi_document(app, client):
    import re

    spec = client.get("/api/v1/openapi.json").json
    documented = {(re.sub(r"\{[^}]+\}", "{}", path), method.upper())
                  for path, ops in spec["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule.endswith("openapi.json"):
            continue
        path = re.sub(r"<[^>]+>", "{}", rule.rule[len("/api/v1"):])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, (method, rule.rule)
