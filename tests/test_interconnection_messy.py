"""Packages as other agencies' software really sends them: the same change twice in other bytes, the
same package to two workers at once, long or invisible subjects, one ContentId for several files."""
from __future__ import annotations

from datetime import date

import pytest

from engine.db import db
from engine.interconnection import inbound, recall
from engine.models import Document, OutboxMessage, ReceivedPackage
from integrations import edxml
from tests.conftest import make_pdf
from tests.test_interconnection import UBND, package, post


def arrived(api) -> tuple[str, int]:
    document_id = edxml.document_id(UBND, date(2026, 1, 5), "77", "UBND-KGVX")
    taken = post(api, package(document_id=document_id))
    assert taken.status_code == 201, taken.json
    return document_id, taken.json["document_id"]


def update_of(document_id: str) -> bytes:
    return package(document_id=document_id, business=edxml.UPDATE, subject="V/v chi trả trợ cấp (bổ sung)",
                   files=[("bo-sung.pdf", make_pdf(), "application/pdf")])


def attachments(api, doc_id: int) -> list[str]:
    return [a["name"] for a in api.get("vanthu", f"/documents/{doc_id}").json["attachments"]]


def test_the_same_update_in_other_bytes_is_applied_once(api):
    document_id, doc_id = arrived(api)
    update = update_of(document_id)
    assert post(api, update).status_code == 200
    # The same update again, as another hop of the axis writes it: line breaks between elements.
    again = post(api, update.replace(b"><", b">\r\n<"))
    assert again.status_code == 200 and again.json["duplicate"] is True
    assert attachments(api, doc_id) == ["cong-van.pdf", "bo-sung.pdf"]
    history = api.get("vanthu", f"/documents/{doc_id}").json["history"]
    assert [h["action"] for h in history].count("updated_by_sender") == 1


@pytest.fixture
def racing(monkeypatch):
    """The other worker's copy of the package commits between our look for it and our own commit."""
    def race(module):
        monkeypatch.setattr(module, "existing", lambda key: None)
    return race


def test_a_change_taken_in_by_two_workers_at_once_is_applied_once(api, racing):
    document_id, doc_id = arrived(api)
    update = update_of(document_id)
    assert post(api, update).status_code == 200
    racing(inbound)
    again = post(api, update)
    assert again.status_code == 200 and again.json == {"kind": "document", "document_id": doc_id,
                                                        "business": "update", "duplicate": True}
    assert attachments(api, doc_id) == ["cong-van.pdf", "bo-sung.pdf"]


def test_a_recall_request_taken_in_by_two_workers_at_once_is_one_request(api, racing):
    document_id, doc_id = arrived(api)
    revoke = package(document_id=document_id, business=edxml.REVOKE, attachments=[])
    assert post(api, revoke).status_code in (200, 201)
    racing(recall)
    again = post(api, revoke)
    assert again.status_code == 200 and again.json["duplicate"] is True and again.json["document_id"] == doc_id
    assert db.session.query(ReceivedPackage).filter_by(business="revoke").count() == 1


def test_a_secret_package_taken_in_by_two_workers_at_once_is_refused_once(api, racing):
    data = package(sphere="Tối mật")
    assert post(api, data).json["error"] == "secret_document"
    racing(inbound)
    again = post(api, data)
    assert again.status_code == 422 and again.json["error"] == "secret_document"
    assert db.session.query(OutboxMessage).filter_by(kind="edxml_status").count() == 1


def test_a_document_id_in_decomposed_letters_is_the_same_document(api):
    import unicodedata

    document_id = edxml.document_id(UBND, date(2026, 1, 5), "12", "TB-SỞYTẾ")
    assert post(api, package(document_id=document_id)).status_code == 201
    again = post(api, package(document_id=unicodedata.normalize("NFD", document_id)))
    assert again.status_code == 200 and again.json["duplicate"] is True
    assert db.session.query(Document).filter_by(sender_org_id=UBND).count() == 1


def test_an_ordinary_document_of_the_front_is_not_taken_for_a_secret_one(api):
    taken = post(api, package(sphere="Mặt trận Tổ quốc Việt Nam tỉnh"))
    assert taken.status_code == 201, taken.json


def test_subjects_are_one_visible_line_of_bounded_length(api):
    taken = post(api, package(subject="V/v chi trả\r\ntrợ cấp\u202e tháng 12\u200b " + "x" * 3000))
    assert taken.status_code == 201, taken.json
    doc = api.get("vanthu", f"/documents/{taken.json['document_id']}").json
    assert doc["subject"].startswith("V/v chi trả trợ cấp tháng 12 xxx") and len(doc["subject"]) == 1000
    assert "Trích yếu dài quá 1000 ký tự" in doc["notes"]


def test_files_sharing_one_content_id_all_arrive(api):
    data = package(files=[("cong-van.pdf", make_pdf(), "application/pdf"),
                          ("phu-luc.pdf", make_pdf(), "application/pdf")]).replace(b"cid:2<", b"cid:1<")
    taken = post(api, data)
    assert taken.status_code == 201, taken.json
    assert attachments(api, taken.json["document_id"]) == ["cong-van.pdf", "phu-luc.pdf"]


def test_our_own_package_echoed_back_is_refused(api):
    from tests.test_interconnection import US

    echoed = post(api, package(sender=US))
    assert echoed.status_code == 422 and echoed.json["error"] == "bad_package"
    assert "chính cơ quan này" in echoed.json["message"]
    assert db.session.query(Document).count() == 0


def test_a_recall_refused_here_and_asked_again_is_a_new_request(api):
    document_id, doc_id = arrived(api)
    revoke = package(document_id=document_id, business=edxml.REVOKE, attachments=[])
    assert post(api, revoke).status_code in (200, 201)
    task = api.task("vanthu", doc_id, "decide_recall")
    assert api.complete("vanthu", task["id"], {"decision": "reject", "note": "Đã xử lý xong"}).status_code == 200
    again = post(api, revoke)
    assert again.status_code in (200, 201) and not again.json.get("duplicate"), again.json
    assert api.task("vanthu", doc_id, "decide_recall") is not None
    assert post(api, revoke).json["duplicate"] is True  # while that one waits, the same is the same
