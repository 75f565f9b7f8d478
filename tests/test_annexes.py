"""Annexes (phụ lục) of an outgoing document: never the text the leader signs, even when uploaded
after the main file; sealed by the organisation on issue when they are PDFs; sent with it."""
from __future__ import annotations

import io
import json
import zipfile

from engine.db import db
from engine.models import Document
from engine.storage import store
from integrations import edxml
from tests.conftest import DEMO_PASSWORD, make_pdf
from tests.test_outgoing_api import outgoing_meta, step


def workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


def test_annex_uploaded_after_the_main_file_is_not_what_gets_signed(api):
    main = make_pdf("Văn bản chính")
    meta = outgoing_meta(body=None, doc_type="KH", receivers=["org:000.00.00.H47", "unit:ncc"])
    created = api.client.post("/api/v1/documents/outgoing", headers=api.headers("cv.ldvl"), data={
        "metadata": json.dumps(meta, ensure_ascii=False), "files": [(io.BytesIO(main), "ke-hoach.pdf")]},
        content_type="multipart/form-data")
    assert created.status_code == 201, created.json
    doc_id = created.json["id"]
    annex_pdf, sheet = make_pdf("Phụ lục danh sách"), workbook()
    added = api.client.post(f"/api/v1/documents/{doc_id}/files", headers=api.headers("cv.ldvl"), data={
        "annexes": [(io.BytesIO(annex_pdf), "phu-luc-1.pdf"), (io.BytesIO(sheet), "phu-luc-2.xlsx")]},
        content_type="multipart/form-data")
    assert added.status_code == 201, added.json
    assert [a["kind"] for a in added.json["attachments"]] == ["draft", "annex", "annex"]

    submitted = step(api, "cv.ldvl", doc_id, "submit")
    assert submitted["layout"]["mode"] == "uploaded"
    assert db.session.get(Document, doc_id).layout["source_sha256"] == created.json["attachments"][0]["sha256"]
    step(api, "tp.ldvl", doc_id, "review", {"decision": "approve"})
    step(api, "giamdoc", doc_id, "sign", {"decision": "sign", "pin": DEMO_PASSWORD})
    sent = step(api, "vanthu", doc_id, "issue", {"pin": DEMO_PASSWORD})
    kinds = [a["kind"] for a in sent["attachments"]]
    assert kinds == ["draft", "annex", "annex", "to_sign", "signed", "annex_issued", "annex_issued", "issued"]
    by_attachment: dict[int, list] = {}
    for s in sent["signatures"]:
        by_attachment.setdefault(s["attachment"], []).append((s["field"], s["ok"]))
    assert by_attachment[7] == [("LanhDao", True), ("CoQuan", True)]  # the main file: leader and seal
    assert by_attachment[5] == [("CoQuan_PhuLuc", True)]  # the PDF annex: the organisation only
    assert 6 not in by_attachment and sent["attachments"][6]["sha256"] == added.json["attachments"][2]["sha256"]
    issued = next(h for h in sent["history"] if h["action"] == "issued")
    assert "2 phụ lục" in issued["note"] and "không ký số" not in issued["note"]

    # The package for the other agency carries the main file first, then both annexes.
    package = api.get("vanthu", f"/documents/{doc_id}/edxml?to=000.00.00.H47").data
    parsed = edxml.parse(package, max_bytes=10 ** 8, max_attachment_bytes=10 ** 8)
    assert [a.name for a in parsed.attachments] == [sent["attachments"][7]["name"], "phu-luc-1.pdf", "phu-luc-2.xlsx"]
    assert parsed.attachments[0].data == store().get(sent["attachments"][7]["sha256"])
    assert parsed.appendixes == ["phu-luc-1.pdf", "phu-luc-2.xlsx"]
    # The unit of the department gets them too.
    ncc = next(r for r in sent["receivers"] if r["kind"] == "unit")
    copy = api.get("tp.ncc", f"/documents/{ncc['document_id']}").json
    assert [a["kind"] for a in copy["attachments"]] == ["original", "annex", "annex"]
