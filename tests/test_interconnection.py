"""Packages from other agencies through the API of one Q-Office: documents taken in once and waiting
in the clerk's verify queue, statuses, refusals, hostile packages; the agency directory; annexes."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import tempfile
import zipfile
from datetime import date

from engine import clock
from engine.db import db
from engine.models import Document, OutboxMessage, ReceivedPackage
from integrations import edxml
from tests.conftest import make_pdf, next_number

US = "000.00.15.H47"
UBND = "000.00.00.H47"


def package(*, sender=UBND, to=US, files=None, business=edxml.NEW, document_id=None, **overrides) -> bytes:
    """A document package from another agency (a PDF unless ``files`` says otherwise)."""
    number = next_number()  # same sender, number and date would be the same document
    today = clock.today()
    document_id = document_id or edxml.document_id(sender, today, number, "UBND-KGVX")
    values = dict(
        sender=edxml.Organ(sender, "Ủy ban nhân dân tỉnh Quảng Nam"), receivers=[edxml.Organ(to, "Sở LĐTBXH")],
        document_id=document_id, subject=f"V/v chi trả trợ cấp {number}", code_number=number,
        code_notation="UBND-KGVX", promulgation_date=edxml.RawDate(edxml.format_date(today), today),
        type_name="Công văn", signer_name="Trần Văn Tân", signer_position="Phó Chủ tịch", priority=0,
        business=edxml.Business(business, "", document_id),
        attachments=[edxml.Attachment(str(i), name, data, mime) for i, (name, data, mime) in
                     enumerate(files or [("cong-van.pdf", make_pdf(), "application/pdf")], start=1)])
    values.update(overrides)
    return edxml.build_document(edxml.DocumentPackage(**values))


def post(api, data: bytes, username="vanthu"):
    return api.client.post("/api/v1/interconnection/packages", data=data, headers={
        **api.headers(username), "Content-Type": "application/xml"})


def test_document_package_becomes_an_incoming_document_once(api):
    data = package(priority=1, due_date=edxml.RawDate("2030/02/30"))
    first = post(api, data)
    assert first.status_code == 201, first.json
    assert first.json == {"kind": "document", "document_id": first.json["document_id"], "business": "new"}
    doc_id = first.json["document_id"]
    doc = api.get("vanthu", f"/documents/{doc_id}").json
    assert doc["status"] == "arrived" and doc["source"] == "electronic" and doc["sender_org_id"] == UBND
    assert doc["urgency"] == "khan" and doc["doc_type"] == "CV" and doc["subject"].startswith("V/v chi trả")
    assert doc["due_on"] is None and "2030/02/30" in doc["notes"]  # impossible date kept in the notes
    assert [a["name"] for a in doc["attachments"]] == ["cong-van.pdf"]
    assert doc["history"][0]["action"] == "arrived_axis"
    verify = api.task("vanthu", doc_id, "verify")
    assert verify is not None and verify["role"] == "clerk"
    again = post(api, data)
    assert again.status_code == 200 and again.json["duplicate"] is True and again.json["document_id"] == doc_id
    assert db.session.query(Document).filter_by(sender_org_id=UBND).count() == 1
    codes = [m.payload["code"] for m in db.session.query(OutboxMessage).filter_by(kind="edxml_status")]
    assert codes == ["01"]
    reply = db.session.query(OutboxMessage).filter_by(kind="edxml_status").one().payload
    assert reply["response_for"]["document_id"] == edxml.parse(
        data, max_bytes=10 ** 8, max_attachment_bytes=10 ** 8).document_id


def test_office_attachments_of_any_kind_go_through_the_scanner(api):
    xlsx = io.BytesIO()
    with zipfile.ZipFile(xlsx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    archive_zip = io.BytesIO()
    with zipfile.ZipFile(archive_zip, "w") as archive:
        archive.writestr("ghi-chu.txt", "ghi chú")
    files = [("cong-van.docx", xlsx.getvalue(), "application/zip"), ("bang.xlsx", xlsx.getvalue(), "application/zip"),
             ("tai-lieu.zip", archive_zip.getvalue(), "application/zip"), ("van-ban.pdf", make_pdf(), "application/pdf")]
    taken = post(api, package(files=files))
    assert taken.status_code == 201, taken.json
    names = [a["name"] for a in api.get("vanthu", f"/documents/{taken.json['document_id']}").json["attachments"]]
    assert names == ["cong-van.docx", "bang.xlsx", "tai-lieu.zip", "van-ban.pdf"]
    exe = post(api, package(files=[("hoa-don.pdf", b"MZ\x90\x00" + b"\0" * 200, "application/pdf")]))
    assert exe.status_code == 422 and exe.json["error"] == "dangerous_content"


def test_refused_packages_store_nothing(api):
    before = db.session.query(Document).count()
    assert post(api, b"<edXML><broken>").json["error"] == "bad_package"
    evil = b'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><edXML>&x;</edXML>'
    refused = post(api, evil)
    assert refused.status_code == 422 and refused.json["error"] == "bad_package" and "DTD" in refused.json["message"]
    other = post(api, package(to="000.00.02.H47"))
    assert other.status_code == 422 and other.json["error"] == "not_addressed_to_us"
    revoke = post(api, package(business=edxml.REVOKE, attachments=[]))
    assert revoke.status_code == 404 and revoke.json["error"] == "unknown_document"
    status = edxml.build_status(edxml.StatusPackage(edxml.Organ(UBND), edxml.ResponseFor(US, "1/X", "", "nope"), "03"))
    unknown = post(api, status)
    assert unknown.status_code == 404 and unknown.json["error"] == "unknown_document"
    assert post(api, package(), username="cv.ldvl").status_code == 403
    assert db.session.query(Document).count() == before
    assert db.session.query(ReceivedPackage).count() == 0


def test_oversized_package_is_413(api, app):
    app.config["QOFFICE_EDXML_MAX_PACKAGE_BYTES"] = 2000
    response = post(api, package())
    assert response.status_code == 413 and response.json["error"] == "too_large"


def test_secret_package_is_refused_with_status_02(api):
    data = package(sphere="Mật")
    refused = post(api, data)
    assert refused.status_code == 422 and refused.json["error"] == "secret_document"
    assert post(api, data).status_code == 422
    replies = db.session.query(OutboxMessage).filter_by(kind="edxml_status").all()
    assert [(m.payload["code"], m.payload["to_organ_id"]) for m in replies] == [("02", UBND)]
    assert "mật" in replies[0].payload["description"].lower()
    assert db.session.query(Document).filter_by(sender_org_id=UBND).count() == 0


def test_clerk_refusal_sends_02_with_the_reason(api):
    doc_id = post(api, package()).json["document_id"]
    task = api.task("vanthu", doc_id, "verify")
    assert api.complete("vanthu", task["id"], {"decision": "refuse", "reason": "Thiếu chữ ký số"}).status_code == 200
    replies = {m.payload["code"]: m.payload for m in db.session.query(OutboxMessage).filter_by(kind="edxml_status")}
    assert set(replies) == {"01", "02"} and replies["02"]["description"].endswith("Thiếu chữ ký số")


def test_update_and_replace_attach_to_the_original(api):
    document_id = edxml.document_id(UBND, date(2026, 1, 5), "77", "UBND-KGVX")
    doc_id = post(api, package(document_id=document_id)).json["document_id"]
    update = package(document_id=document_id, business=edxml.UPDATE, subject="V/v chi trả trợ cấp (bổ sung)",
                     files=[("bo-sung.pdf", make_pdf(), "application/pdf")])
    updated = post(api, update)
    assert updated.status_code == 200 and updated.json == {"kind": "document", "document_id": doc_id,
                                                            "business": "update"}
    assert post(api, update).json["duplicate"] is True
    doc = api.get("vanthu", f"/documents/{doc_id}").json
    assert doc["subject"] == "V/v chi trả trợ cấp (bổ sung)" and len(doc["attachments"]) == 2
    assert doc["history"][-1]["action"] == "updated_by_sender"
    new_id = edxml.document_id(UBND, date(2026, 1, 6), "78", "UBND-KGVX")
    replace = package(document_id=new_id, business=edxml.REPLACE, code_number="78",
                      files=[("thay-the.pdf", make_pdf(), "application/pdf")])
    replace = replace.replace(f"<edXML:DocumentId>{new_id}</edXML:DocumentId><edXML:BussinessDocType>".encode(),
                              f"<edXML:DocumentId>{document_id}</edXML:DocumentId><edXML:BussinessDocType>".encode())
    replaced = post(api, replace)
    assert replaced.status_code == 200 and replaced.json["business"] == "replace", replaced.json
    doc = api.get("vanthu", f"/documents/{doc_id}").json
    assert doc["number"] == "78" and doc["attachments"][-1]["kind"] == "replacement"
    notices = db.session.query(OutboxMessage).filter(OutboxMessage.key.like("replaced_by_sender:%")).all()
    assert {m.payload["username"] for m in notices} >= {"vanthu"}


def test_agency_directory(api):
    found = api.get("cv.ldvl", "/agencies?q=noi vu").json["items"]
    assert {"id": "000.00.02.H47", "name": "Sở Nội vụ tỉnh Quảng Nam", "parent_id": UBND} in found
    assert all("Nội vụ" in a["name"] for a in found)
    assert len(api.get("cv.ldvl", "/agencies").json["items"]) > 30


def test_agency_csv_import(app):
    from engine.errors import Forbidden, InvalidInput
    from engine.interconnection import agencies
    from engine.models import User

    admin = db.session.query(User).filter_by(username="quantri").one()
    clerk = db.session.query(User).filter_by(username="vanthu").one()
    csv = "code,name,parent_code\n000.00.50.H47,Ban Quản lý các khu kinh tế tỉnh Quảng Nam,000.00.00.H47\n"
    try:
        agencies.import_csv(clerk, csv.encode())
        raise AssertionError("a clerk imported the directory")
    except Forbidden:
        pass
    result = agencies.import_csv(admin, csv.encode("utf-8-sig"))
    assert result == {"added": 1, "updated": 0, "deactivated": 0}
    assert agencies.search("khu kinh te")[0].code == "000.00.50.H47"
    try:
        agencies.import_csv(admin, b"code,name\nabc,\n000.00.51.H47,Ok\n")
        raise AssertionError("a bad line was accepted")
    except InvalidInput as error:
        assert set(error.details) == {"line 2"}
    assert agencies.get("000.00.51.H47") is None  # nothing imported from a file with a bad line
    replaced = agencies.import_csv(admin, csv.encode(), replace=True)
    assert replaced["deactivated"] > 30 and [a.code for a in agencies.search()] == ["000.00.50.H47"]


def test_receivers_come_from_the_directory_and_the_pdf_names_them(api):
    from tests.test_outgoing_api import create, outgoing_meta

    unknown = create(api, meta=outgoing_meta(receivers=["org:000.99.99.H47"]))
    assert unknown.status_code == 422 and "danh bạ" in unknown.json["details"]["receivers"]
    created = create(api, meta=outgoing_meta(receivers=["org:000.00.02.H47", "unit:ncc"]))
    assert created.status_code == 201
    assert created.json["receivers"][0]["name"] == "Sở Nội vụ tỉnh Quảng Nam"
    preview = api.get("cv.ldvl", f"/documents/{created.json['id']}/preview").data
    text = pdf_text(preview)
    assert "Sở Nội vụ tỉnh Quảng Nam" in " ".join(text.split()) and "000.00.02.H47" not in text


def pdf_text(data: bytes) -> str:
    assert shutil.which("pdftotext"), "poppler-utils is a test dependency (scripts/system-deps.sh)"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return subprocess.run(["pdftotext", f.name, "-"], capture_output=True, text=True, timeout=60).stdout


def test_openapi_documents_the_interconnection(client):
    spec = client.get("/api/v1/openapi.json").json
    for path in ("/interconnection/packages", "/documents/{id}/edxml", "/documents/{id}/deliveries",
                 "/documents/{id}/recall", "/agencies"):
        assert path in spec["paths"], path
    assert json.dumps(spec).count("bad_package") >= 1


def test_leaders_see_what_other_agencies_have_not_received_or_accepted(app, client):
    from datetime import timedelta

    from engine.interconnection import tracking
    from engine.interconnection.outbound import record_status
    from engine.models import Delivery, User
    from engine.tx import transaction
    from tests.test_web_auth import login

    now = clock.now()
    with transaction():
        doc = Document(direction="outgoing", status="sent", doc_type="CV", subject="V/v báo cáo chậm", number="09",
                       notation="SLĐTBXH-VP", created_at=now)
        db.session.add(doc)
        db.session.flush()
        rows = {}
        for code, agency, sent in (("000.00.02.H47", "Sở Nội vụ", 6), ("000.00.03.H47", "Sở Tài chính", 6),
                                   ("000.00.04.H47", "Sở Kế hoạch và Đầu tư", 6), (UBND, "UBND tỉnh", 0)):
            rows[code] = Delivery(document_id=doc.id, agency_code=code, agency_name=agency, edxml_document_id="x",
                                  state="sent", queued_at=now, sent_at=now - timedelta(days=sent))
            db.session.add(rows[code])
        db.session.flush()
        record_status(rows["000.00.03.H47"], "01", now, "Đã đến", None, "t1")
        record_status(rows["000.00.04.H47"], "01", now, "Đã đến", None, "t1")
        record_status(rows["000.00.04.H47"], "03", now, "Đã tiếp nhận", None, "t2")
    leader = db.session.query(User).filter_by(username="giamdoc").one()
    late = {(item.delivery.agency_code, item.missing) for item in tracking.late_deliveries(leader)}
    assert late == {("000.00.02.H47", "01"), ("000.00.03.H47", "03")}
    login(client, "giamdoc")
    page = client.get("/overview").get_data(as_text=True)
    assert "Sở Nội vụ" in page and "Chưa đến nơi nhận (01)" in page and "Chưa được tiếp nhận (03)" in page
    login(client, "cv.ldvl")
    assert "Sở Nội vụ" not in client.get("/overview").get_data(as_text=True)


def test_polling_takes_packages_in_and_logs_those_it_refuses(app, client, tmp_path):
    from engine.interconnection import polling
    from integrations.axis import FolderAxis
    from tests.test_web_auth import login

    inbox = tmp_path / "axis" / "inbox"
    inbox.mkdir(parents=True)
    good = package()
    (inbox / "edoc-1.edxml").write_bytes(good)
    (inbox / "edoc-2.edxml").write_bytes(package(files=[("hoa-don.pdf", b"MZ\x90\x00" + b"\0" * 200, "application/pdf")]))
    (inbox / "edoc-3.edxml").write_bytes(b"<edXML><unclosed>")
    (inbox / "edoc-4.edxml").write_bytes(good)  # the same package again
    axis = FolderAxis(tmp_path / "axis")
    assert polling.poll(axis) == {"configured": True, "taken": 1, "duplicate": 1, "rejected": 2, "errors": 0}
    assert list(inbox.glob("*.edxml")) == []  # every package acknowledged
    assert polling.poll(axis)["taken"] == 0
    rejected = db.session.query(ReceivedPackage).filter_by(outcome="rejected").order_by(ReceivedPackage.id).all()
    assert [r.sender_code for r in rejected] == [UBND, ""] and "nguy hiểm" in rejected[0].error
    refusals = [m.payload for m in db.session.query(OutboxMessage).filter_by(kind="edxml_status")
                if m.payload["code"] == "02"]
    assert len(refusals) == 1 and "nguy hiểm" in refusals[0]["description"]
    login(client, "vanthu")
    page = client.get("/interconnection").get_data(as_text=True)
    assert "Gói tin đến bị từ chối" in page and "nguy hiểm" in page and "V/v chi trả trợ cấp" in page


def test_recalling_a_document_not_yet_handed_to_the_axis_holds_it_back(app):
    from engine.interconnection import recall
    from engine.interconnection.outbound import queue_document
    from engine.models import Attachment, Delivery, User
    from engine.storage import store
    from engine.tx import transaction

    now = clock.now()
    with transaction():
        doc = Document(direction="outgoing", status="sent", doc_type="CV", subject="V/v gửi nhầm", number="10",
                       notation="SLĐTBXH-VP", issued_on=now.date(), created_at=now,
                       receivers=[{"ref": f"org:{UBND}", "kind": "org", "code": UBND, "name": "UBND tỉnh"}])
        db.session.add(doc)
        db.session.flush()
        data = make_pdf()
        issued = Attachment(document_id=doc.id, position=0, name="10.pdf", content_type="application/pdf",
                            size=len(data), sha256=store().put(data)[0], kind="issued", created_at=now)
        db.session.add(issued)
        queue_document(doc, issued, doc.receivers[0])
    clerk = db.session.query(User).filter_by(username="vanthu").one()
    recall.recall(clerk, doc, {"reason": "Gửi nhầm nơi nhận"})
    rows = {m.key: m.status for m in db.session.query(OutboxMessage).filter_by(document_id=doc.id)}
    assert rows == {f"send:{doc.id}:{UBND}": "held"}  # no revoke package: the document never left
    delivery = db.session.query(Delivery).filter_by(document_id=doc.id).one()
    assert delivery.recall_state == "accepted" and [s.code for s in delivery.statuses] == ["13"]
    assert db.session.get(Document, doc.id).status == "recalled"
