"""Search inside documents: words only in the PDF text, with and without diacritics, ranked, with a
snippet; visibility exactly as the document list; filters; saved searches."""
from __future__ import annotations

import pytest

from engine.records import extraction
from integrations.pdf.compose import render_html_to_pdf
from tests.conftest import incoming_meta
from tests.test_lifecycle_api import registered, route

PDF_TEXT = ("Căn cứ Kế hoạch số 45/KH-UBND, Sở đề nghị các đơn vị khẩn trương hỗ trợ đồng bào vùng lũ "
            "huyện Tiên Phước, tỉnh Quảng Nam, báo cáo kết quả trước ngày 15/12/2026.")


@pytest.fixture(scope="module")
def text_pdf() -> bytes:
    return render_html_to_pdf(f"<html><body><h1>KẾ HOẠCH</h1><p>{PDF_TEXT}</p></body></html>")


def titles(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [item["subject"] for item in response.json["items"]]


def test_words_only_in_the_pdf_are_found_with_and_without_diacritics(app, api, text_pdf):
    with_text = api.receive(meta=incoming_meta(subject="V/v hỗ trợ khắc phục hậu quả thiên tai"),
                            files=[("ke-hoach.pdf", text_pdf)]).json["id"]
    subject_hit = api.receive(meta=incoming_meta(subject="V/v thăm hỏi đồng bào Tiên Phước")).json["id"]
    assert titles(api.get("vanthu", "/documents?q=Tiên Phước")) == ["V/v thăm hỏi đồng bào Tiên Phước"]

    assert extraction.extract_pending() == 2
    for q in ("tiên phước", "TIEN PHUOC", "tien  phuoc", "Tiên-Phước"):
        response = api.get("vanthu", f"/documents?q={q}")
        assert [i["id"] for i in response.json["items"]] == [subject_hit, with_text], q  # subject first
        assert response.json["total"] == 2
    found = api.get("vanthu", "/documents?q=dong bao vung lu").json["items"]
    assert [i["id"] for i in found] == [with_text]
    assert "đồng bào vùng lũ huyện Tiên Phước, tỉnh Quảng Nam" in found[0]["snippet"]
    assert found[0]["snippet_file"] == "ke-hoach.pdf"
    assert api.get("vanthu", "/documents?q=phuoc son").json["total"] == 0  # every word must match
    assert extraction.extract_pending() == 0  # each file is read once


def test_search_respects_visibility(app, api, text_pdf):
    doc = api.receive(meta=incoming_meta(subject="V/v kế hoạch năm 2027"), files=[("kh.pdf", text_pdf)]).json["id"]
    assert api.accept(doc).status_code == 200
    extraction.extract_pending()
    assert api.get("cv.ncc", "/documents?q=tien phuoc").json["total"] == 0
    assert api.get("tp.ncc", "/documents?q=tien phuoc").json["total"] == 0
    assert route(api, doc, {"lead": ["unit:ncc"]}).status_code == 200
    assert [i["id"] for i in api.get("tp.ncc", "/documents?q=tien phuoc").json["items"]] == [doc]
    assert api.get("cv.ncc", "/documents?q=tien phuoc").json["total"] == 0  # not assigned yet
    assert api.get("tp.ldvl", "/documents?q=tien phuoc").json["total"] == 0


def test_filters_and_bad_input(app, api):
    first = registered(api, subject="V/v chi trả trợ cấp tháng 11", doc_type="QĐ", issued_on="2026-11-02",
                       sender_org_id="000.00.00.G22", sender_org_name="Văn phòng Chính phủ")
    registered(api, subject="V/v chi trả trợ cấp tháng 10", doc_type="CV", issued_on="2026-10-02")
    assert titles(api.get("vanthu", "/documents?q=tro cap&doc_type=QĐ")) == ["V/v chi trả trợ cấp tháng 11"]
    assert titles(api.get("vanthu", "/documents?q=tro cap&date_from=2026-10-01&date_to=2026-10-31")) == [
        "V/v chi trả trợ cấp tháng 10"]
    assert [i["id"] for i in api.get("vanthu", "/documents?sender=van phong chinh phu").json["items"]] == [first]
    assert [i["id"] for i in api.get("vanthu", "/documents?sender=000.00.00.g22").json["items"]] == [first]
    route(api, first, {"lead": ["unit:ldvl"]})
    assert [i["id"] for i in api.get("giamdoc", "/documents?unit=ldvl").json["items"]] == [first]
    bad = api.get("vanthu", "/documents?date_from=2026-13-01&doc_type=XX&page=x")
    assert bad.status_code == 422
    assert set(bad.json["details"]) == {"date_from", "doc_type", "page"}
    assert bad.json["message"]
    assert api.get("vanthu", "/documents?date_from=2026-11-02&date_to=2026-11-01").status_code == 422


def test_saved_searches_belong_to_their_owner(app, api):
    created = api.post("cv.ldvl", "/searches", {"name": "Trợ cấp quý IV",
                                               "params": {"q": "trợ cấp", "direction": "incoming", "page": 3}})
    assert created.status_code == 201, created.json
    assert created.json["params"] == {"q": "trợ cấp", "direction": "incoming"}
    assert api.post("cv.ldvl", "/searches", {"name": "Trợ cấp quý IV", "params": {"q": "x"}}).status_code == 409
    assert api.post("cv.ldvl", "/searches", {"name": "", "params": {}}).status_code == 422
    assert api.post("cv.ldvl", "/searches", {"name": "Sai", "params": {"status": "lost"}}).status_code == 422
    assert api.get("cv.ncc", "/searches").json["items"] == []
    assert api.client.delete(f"/api/v1/searches/{created.json['id']}", headers=api.headers("cv.ncc")).status_code == 404
    assert [s["name"] for s in api.get("cv.ldvl", "/searches").json["items"]] == ["Trợ cấp quý IV"]
    assert api.client.delete(f"/api/v1/searches/{created.json['id']}",
                             headers=api.headers("cv.ldvl")).status_code == 204
    assert api.get("cv.ldvl", "/searches").json["items"] == []


def test_words_found_nearly_everywhere_list_newest_first(app, api, monkeypatch):
    from engine.records import search

    older = registered(api, subject="V/v kế hoạch năm 2027 kế hoạch kế hoạch")
    newer = registered(api, subject="V/v báo cáo theo kế hoạch")
    ranked = api.get("vanthu", "/documents?q=ke hoach").json["items"]
    assert [i["id"] for i in ranked] == [older, newer]  # more occurrences rank first, though older
    monkeypatch.setattr(search, "RANKED_AT_MOST", 1)
    newest = api.get("vanthu", "/documents?q=ke hoach").json
    assert [i["id"] for i in newest["items"]] == [newer, older]
    assert newest["total"] == 1 and newest["total_exact"] is False  # "more than 1"
    assert newest["items"][0]["score"] is None
    assert api.get("vanthu", "/documents?q=nam 2027").json["total_exact"] is True


def test_search_and_the_document_list_see_the_same_documents_for_everyone(app, api):
    """The search reads visibility as a set (access.visible_ids), the document page per document
    (access.visible_filter): every way of seeing a document gives both the same answer."""
    from datetime import timedelta

    from sqlalchemy import select

    from engine import clock
    from engine.db import db
    from engine.models import Document, User
    from engine.processing.access import visible_filter, visible_ids
    from tests.test_lifecycle_api import complete
    from tests.test_outgoing_api import create

    today = clock.today()
    assert api.post("giamdoc", "/delegations", {"delegate": "user:phogiamdoc", "starts_on": today.isoformat(),
                                                "ends_on": (today + timedelta(days=2)).isoformat(),
                                                "rights": ["route"]}).status_code == 201
    waiting = registered(api)  # giamdoc's routing task: seen by his delegate
    to_unit, to_person, informed, assigned = registered(api), registered(api), registered(api), registered(api)
    route(api, to_unit, {"lead": ["unit:ldvl"]})
    route(api, to_person, {"lead": ["user:cv.ncc"]})
    route(api, informed, {"lead": ["unit:ncc"], "inform": ["unit:ldvl"]})
    route(api, assigned, {"lead": ["unit:ncc"]})
    complete(api, "tp.ncc", assigned, "assign", {"assignees": ["user:cv.ncc"]})
    complete(api, "cv.ncc", assigned, "process", {"action": "report", "note": "Đã báo cáo."})
    draft = create(api, "cv.ldvl")
    assert draft.status_code == 201, draft.json

    with app.app_context():
        every = {i for (i,) in db.session.query(Document.id)}
        seen_by = {}
        for user in db.session.query(User):
            listed = {i for (i,) in db.session.query(Document.id).filter(visible_filter(user))}
            ids = visible_ids(user)
            searched = every if ids is None else {i for (i,) in db.session.execute(select(ids.c.id))}
            assert searched == listed, user.username
            seen_by[user.username] = listed
    assert waiting in seen_by["phogiamdoc"] and waiting not in seen_by["tp.ldvl"]
    assert {to_unit, informed} <= seen_by["tp.ldvl"] and to_person not in seen_by["tp.ldvl"]
    assert {to_person, assigned} <= seen_by["cv.ncc"] and to_unit not in seen_by["cv.ncc"]
    assert draft.json["id"] in seen_by["cv.ldvl"] and seen_by["cv.ldvl"] == {draft.json["id"]}
