"""Outgoing documents through the API: draft → review → sign (PIN) → issue (number, date, seal) → send.

The demo PKI is generated once per run by the template database (tests/conftest.py): every
leader's PIN is DEMO_PASSWORD, the organisation seal's PIN is the clerk's (also DEMO_PASSWORD).
"""
from __future__ import annotations

import io
import json
import shutil
import subprocess

import pytest

from engine import clock
from engine.db import db
from engine.models import Attachment, Document, OutboxMessage, RegisterCounter
from tests.conftest import DEMO_PASSWORD, make_pdf

BODY = ("Thực hiện Kế hoạch số 12/KH-UBND của UBND tỉnh, Sở Lao động - Thương binh và Xã hội đề nghị "
        "các đơn vị rà soát, tổng hợp danh sách người lao động cần hỗ trợ đào tạo nghề năm 2026.\n\n"
        "Đề nghị gửi kết quả về Sở trước ngày 15/12/2026 để tổng hợp, báo cáo.")


def outgoing_meta(**overrides) -> dict:
    meta = {"doc_type": "CV", "subject": "V/v rà soát nhu cầu đào tạo nghề năm 2026",
            "receivers": ["unit:ncc", "org:000.00.00.H47"], "urgency": "normal", "signer": "user:giamdoc",
            "body": BODY}
    meta.update(overrides)
    return meta


def create(api, username="cv.ldvl", meta=None, files=None):
    data = {"metadata": json.dumps(meta if meta is not None else outgoing_meta(), ensure_ascii=False)}
    if files:
        data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return api.client.post("/api/v1/documents/outgoing", headers=api.headers(username), data=data,
                           content_type="multipart/form-data")


def step(api, username, doc_id, name, form=None, status=200):
    task = api.task(username, doc_id, name)
    assert task is not None, f"{username} has no {name} task"
    response = api.complete(username, task["id"], form or {})
    assert response.status_code == status, response.json
    return response.json


def to_signing(api, meta=None, drafter="cv.ldvl", reviewer="tp.ldvl"):
    created = create(api, drafter, meta=meta)
    assert created.status_code == 201, created.json
    doc_id = created.json["id"]
    step(api, drafter, doc_id, "submit")
    if reviewer:
        step(api, reviewer, doc_id, "review", {"decision": "approve", "note": "Đồng ý trình ký"})
    return doc_id


def issued_bytes(api, doc):
    last = len(doc["attachments"]) - 1
    assert doc["attachments"][last]["kind"] == "issued"
    response = api.get("giamdoc", f"/documents/{doc['id']}/attachments/{last}")
    assert response.status_code == 200
    return response.data


def test_draft_review_sign_issue_send(api, tmp_path):
    created = create(api)
    assert created.status_code == 201, created.json
    doc = created.json
    assert doc["direction"] == "outgoing" and doc["status"] == "draft" and doc["drafter"] == "user:cv.ldvl"
    assert doc["signer"] == "user:giamdoc" and doc["signer_name"] == "Nguyễn Văn Ánh"
    assert [r["ref"] for r in doc["receivers"]] == ["unit:ncc", "org:000.00.00.H47"]
    assert [t["name"] for t in doc["open_tasks"]] == ["submit"]
    doc_id = doc["id"]
    preview = api.get("cv.ldvl", f"/documents/{doc_id}/preview")
    assert preview.status_code == 200 and preview.data.startswith(b"%PDF")

    submitted = step(api, "cv.ldvl", doc_id, "submit")
    assert submitted["status"] == "in_review"
    assert [a["kind"] for a in submitted["attachments"]] == ["to_sign"]
    review = api.task("tp.ldvl", doc_id, "review")
    assert review["unit"] == "ldvl" and review["assignee"] is None
    assert api.task("tp.ncc", doc_id, "review") is None

    approved = step(api, "tp.ldvl", doc_id, "review", {"decision": "approve"})
    assert approved["status"] == "approved"
    sign = api.task("giamdoc", doc_id, "sign")
    assert sign["assignee"] == "giamdoc"

    # A wrong PIN signs nothing and says so.
    wrong = api.complete("giamdoc", sign["id"], {"decision": "sign", "pin": "sai-ma-pin"})
    assert wrong.status_code == 422 and wrong.json["error"] == "bad_pin"
    missing = api.complete("giamdoc", sign["id"], {"decision": "sign"})
    assert missing.status_code == 422 and "pin" in missing.json["details"]
    after = api.get("giamdoc", f"/documents/{doc_id}").json
    assert after["status"] == "approved" and [a["kind"] for a in after["attachments"]] == ["to_sign"]

    signed = step(api, "giamdoc", doc_id, "sign", {"decision": "sign", "pin": DEMO_PASSWORD})
    assert signed["status"] == "signed" and signed["signed_at"]
    assert [a["kind"] for a in signed["attachments"]] == ["to_sign", "signed"]
    leader_sig = [s for s in signed["signatures"] if s["attachment"] == 1]
    assert len(leader_sig) == 1 and leader_sig[0]["ok"] and leader_sig[0]["signer"] == "Nguyễn Văn Ánh"
    issue = api.task("vanthu", doc_id, "issue")
    assert issue["role"] == "clerk"
    # normal urgency: at the latest the next working morning (11:30)
    assert issue["due_at"].endswith("11:30:00+07:00")
    assert "pin" not in json.dumps(db.session.get(Document, doc_id).history[-1].details or {})

    wrong = api.complete("vanthu", issue["id"], {"pin": "000000"})
    assert wrong.status_code == 422 and wrong.json["error"] == "bad_pin"
    assert db.session.query(RegisterCounter).filter_by(register="outgoing").count() == 0

    sent = step(api, "vanthu", doc_id, "issue", {"pin": DEMO_PASSWORD})
    year = clock.today().year
    assert sent["status"] == "sent" and sent["sent_at"]
    assert sent["number"] == "01" and sent["notation"] == "SLĐTBXH-LĐVL"
    assert sent["number_notation"] == "01/SLĐTBXH-LĐVL" and sent["outgoing_number"] == 1
    assert sent["issued_on"] == clock.today().isoformat() and sent["outgoing_year"] == year
    assert sent["legal_standing"] == "legal"
    assert [a["kind"] for a in sent["attachments"]] == ["to_sign", "signed", "issued"]
    final = [s for s in sent["signatures"] if s["attachment"] == 2]
    assert [(s["field"], s["intact"], s["valid"], s["trusted"]) for s in final] == [
        ("LanhDao", True, True, True), ("CoQuan", True, True, True)]
    assert final[0]["modification"] == "form_filling" and final[1]["modification"] == "none"
    assert all(s["reason"] == "Chữ ký hợp lệ" for s in final)
    actions = [h["action"] for h in sent["history"]]
    for expected in ("draft_created", "submitted", "approved", "signed", "issued", "sent"):
        assert expected in actions
    statuses = [h["status"] for h in sent["history"] if h["status"]]
    assert statuses == ["draft", "in_review", "approved", "signed", "issued", "sent"]

    # Internal receiver: an internal incoming document in the unit head's queue.
    ncc = next(r for r in sent["receivers"] if r["ref"] == "unit:ncc")
    assert ncc["status"] == "delivered"
    internal = api.get("tp.ncc", f"/documents/{ncc['document_id']}").json
    assert internal["direction"] == "incoming" and internal["source"] == "internal"
    assert internal["number_notation"] == "01/SLĐTBXH-LĐVL" and internal["legal_standing"] == "legal"
    assert internal["attachments"][0]["sha256"] == sent["attachments"][2]["sha256"]
    assign = api.task("tp.ncc", internal["id"], "assign")
    assert assign is not None and assign["unit"] == "ncc"
    # External receiver: one outbox row for the interconnection axis.
    rows = db.session.query(OutboxMessage).filter_by(kind="edxml_document", document_id=doc_id).all()
    assert [r.key for r in rows] == [f"send:{doc_id}:000.00.00.H47"]
    assert rows[0].payload["number"] == "01" and rows[0].payload["file"]["sha256"] == sent["attachments"][2]["sha256"]

    register = api.get("vanthu", f"/registers/outgoing?year={year}").json["items"]
    assert [(r["number"], r["number_notation"]) for r in register] == [(1, "01/SLĐTBXH-LĐVL")]

    pdf = issued_bytes(api, sent)
    (tmp_path / "issued.pdf").write_bytes(pdf)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(tmp_path / "issued.pdf"), "-"], capture_output=True, text=True,
                              timeout=60).stdout
        assert "01/SLĐTBXH-LĐVL" in text and f"năm {year}" in text and "Nguyễn Văn Ánh" in text


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils (pdfsig) not installed")
def test_issued_pdf_accepted_by_pdfsig_and_trusted_in_nss(api, app, tmp_path):
    doc_id = to_signing(api, outgoing_meta(doc_type="QĐ", subject="Về việc phê duyệt kế hoạch đào tạo nghề",
                                           receivers=["unit:ldvl"]))
    step(api, "giamdoc", doc_id, "sign", {"decision": "sign", "pin": DEMO_PASSWORD})
    sent = step(api, "vanthu", doc_id, "issue", {"pin": DEMO_PASSWORD})
    assert sent["number_notation"] == "01/QĐ-SLĐTBXH"
    f = tmp_path / "issued.pdf"
    f.write_bytes(issued_bytes(api, sent))
    run = subprocess.run(["pdfsig", "-nocert", str(f)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("Signature Validation: Signature is Valid.") == 2, run.stdout
    leader, seal = run.stdout.split("Signature #2:")
    assert "Signature Field Name: LanhDao" in leader and "Not total document signed" in leader
    assert "Signature Field Name: CoQuan" in seal and "Total document signed" in seal
    if shutil.which("certutil"):
        from pathlib import Path

        nss = tmp_path / "nss"
        nss.mkdir()
        root = Path(app.config["QOFFICE_PKI_DIR"]) / "root-ca.cert.pem"
        subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True, capture_output=True)
        subprocess.run(["certutil", "-A", "-d", f"sql:{nss}", "-n", "qoffice-demo-root", "-t", "CT,C,C", "-i",
                        str(root)], check=True, capture_output=True)
        trusted = subprocess.run(["pdfsig", "-nssdir", f"sql:{nss}", str(f)], capture_output=True, text=True,
                                 timeout=60).stdout
        assert trusted.count("Certificate Validation: Certificate is Trusted.") == 2, trusted


def test_review_return_and_sign_return_go_back_to_the_drafter(api):
    created = create(api)
    doc_id = created.json["id"]
    step(api, "cv.ldvl", doc_id, "submit")
    no_note = api.complete("tp.ldvl", api.task("tp.ldvl", doc_id, "review")["id"], {"decision": "return"})
    assert no_note.status_code == 422 and "note" in no_note.json["details"]
    returned = step(api, "tp.ldvl", doc_id, "review", {"decision": "return", "note": "Bổ sung căn cứ pháp lý"})
    assert returned["status"] == "draft"
    event = returned["history"][-1]
    assert event["action"] == "returned_review" and event["note"] == "Bổ sung căn cứ pháp lý"
    assert api.task("cv.ldvl", doc_id, "submit") is not None

    # The drafter edits the draft, then submits again.
    edited = api.client.patch(f"/api/v1/documents/{doc_id}/draft", headers=api.headers("cv.ldvl"),
                              json={"body": "Căn cứ Nghị định 30/2020/NĐ-CP.\n\n" + BODY})
    assert edited.status_code == 200, edited.json
    assert edited.json["body"].startswith("Căn cứ")
    assert api.client.patch(f"/api/v1/documents/{doc_id}/draft", headers=api.headers("cv.ncc"),
                            json={"subject": "x"}).status_code in (403, 404)
    step(api, "cv.ldvl", doc_id, "submit")
    not_editable = api.client.patch(f"/api/v1/documents/{doc_id}/draft", headers=api.headers("cv.ldvl"),
                                    json={"subject": "Sửa sau khi trình"})
    assert not_editable.status_code == 403
    step(api, "tp.ldvl", doc_id, "review", {"decision": "approve"})
    back = step(api, "giamdoc", doc_id, "sign", {"decision": "return", "note": "Sửa lại nơi nhận"})
    assert back["status"] == "draft" and back["history"][-1]["action"] == "returned_sign"
    assert not any(a["kind"] == "signed" for a in back["attachments"])
    step(api, "cv.ldvl", doc_id, "submit")
    step(api, "tp.ldvl", doc_id, "review", {"decision": "approve"})
    signed = step(api, "giamdoc", doc_id, "sign", {"decision": "sign", "pin": DEMO_PASSWORD})
    assert signed["status"] == "signed"
    assert [a["kind"] for a in signed["attachments"]] == ["to_sign", "to_sign", "to_sign", "signed"]


def test_drafting_validation(api):
    bad = create(api, meta=outgoing_meta(receivers=["unit:khong-co"], signer="user:cv.ncc", doc_type="XX"))
    assert bad.status_code == 422
    assert {"receivers", "signer", "doc_type"} <= set(bad.json["details"])
    secret = create(api, meta=outgoing_meta(secrecy="mat"))
    assert secret.status_code == 422 and secret.json["error"] == "secret_document"
    assert create(api, "vanthu").status_code == 403
    # Nothing to sign yet: submit says what is missing.
    empty = create(api, meta=outgoing_meta(body=None, receivers=[]))
    assert empty.status_code == 201
    task = api.task("cv.ldvl", empty.json["id"], "submit")
    refused = api.complete("cv.ldvl", task["id"], {})
    assert refused.status_code == 422 and {"body", "receivers"} <= set(refused.json["details"])


def test_pdf_with_javascript_refused_on_draft_upload(api):
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")))
    out = io.BytesIO()
    pdf.save(out)
    before = db.session.query(Document).count()
    refused = create(api, meta=outgoing_meta(body=None), files=[("du-thao.pdf", out.getvalue())])
    assert refused.status_code == 422 and refused.json["error"] == "dangerous_content"
    assert db.session.query(Document).count() == before
    ok = create(api, meta=outgoing_meta(body=None), files=[("du-thao.pdf", make_pdf())])
    assert ok.status_code == 201
    again = api.client.post(f"/api/v1/documents/{ok.json['id']}/files", headers=api.headers("cv.ldvl"),
                            data={"files": [(io.BytesIO(out.getvalue()), "v2.pdf")]},
                            content_type="multipart/form-data")
    assert again.status_code == 422 and again.json["error"] == "dangerous_content"


def test_uploaded_final_pdf_with_adjusted_boxes(api, tmp_path):
    import weasyprint

    from tests.integrations.pdf_support import DOC_HTML, LEADER_BOX, NUMBER_BOX

    final = weasyprint.HTML(string=DOC_HTML).write_pdf()
    meta = outgoing_meta(doc_type="QĐ", body=None, receivers=["org:000.00.00.H47"],
                         layout={"number_box": list(NUMBER_BOX), "leader_box": list(LEADER_BOX), "page": 0})
    created = create(api, "tp.ldvl", meta=meta, files=[("quyet-dinh.pdf", final)])
    assert created.status_code == 201, created.json
    doc_id = created.json["id"]
    assert created.json["layout"]["custom"]["number_box"] == [float(v) for v in NUMBER_BOX]
    # A unit head's own draft needs no review.
    approved = step(api, "tp.ldvl", doc_id, "submit")
    assert approved["status"] == "approved" and approved["layout"]["mode"] == "uploaded"
    assert approved["layout"]["leader_box"] == [float(v) for v in LEADER_BOX]
    step(api, "giamdoc", doc_id, "sign", {"decision": "sign", "pin": DEMO_PASSWORD})
    sent = step(api, "vanthu", doc_id, "issue", {"pin": DEMO_PASSWORD})
    assert sent["status"] == "sent" and sent["legal_standing"] == "legal"
    final_sigs = [s for s in sent["signatures"] if s["attachment"] == len(sent["attachments"]) - 1]
    assert len(final_sigs) == 2 and all(s["ok"] for s in final_sigs)
    assert db.session.query(OutboxMessage).filter_by(key=f"send:{doc_id}:000.00.00.H47").count() == 1


def test_reply_from_process_follows_the_same_flow(api):
    from tests.conftest import incoming_meta

    incoming = api.receive(meta=incoming_meta(sender_org_id="000.00.00.H47")).json
    assert api.accept(incoming["id"]).status_code == 200
    route = api.task("giamdoc", incoming["id"], "route")
    assert api.complete("giamdoc", route["id"], {"lead": ["user:cv.ldvl"]}).status_code == 200
    replied = step(api, "cv.ldvl", incoming["id"], "process", {"action": "reply", "note": "Soạn trả lời"})
    reply_id = next(line for line in replied["lines"] if line["kind"] == "lead")["reply_document_id"]
    draft = api.get("cv.ldvl", f"/documents/{reply_id}").json
    assert draft["in_reply_to"] == incoming["id"] and [r["ref"] for r in draft["receivers"]] == ["org:000.00.00.H47"]
    task = api.task("cv.ldvl", reply_id, "submit")
    assert api.complete("cv.ldvl", task["id"], {}).status_code == 422  # no text, no signer yet
    edited = api.client.patch(f"/api/v1/documents/{reply_id}/draft", headers=api.headers("cv.ldvl"),
                              json={"body": BODY, "signer": "user:phogiamdoc"})
    assert edited.status_code == 200, edited.json
    step(api, "cv.ldvl", reply_id, "submit")
    step(api, "tp.ldvl", reply_id, "review", {"decision": "approve"})
    signed = step(api, "phogiamdoc", reply_id, "sign", {"decision": "sign", "pin": DEMO_PASSWORD})
    assert signed["signer_position"] == "Phó Giám đốc"
    sent = step(api, "vanthu", reply_id, "issue", {"pin": DEMO_PASSWORD})
    assert sent["status"] == "sent" and sent["number_notation"] == "01/SLĐTBXH-LĐVL"


def test_numbers_are_consecutive_with_leading_zero(api):
    numbers = []
    for _ in range(2):
        doc_id = to_signing(api, outgoing_meta(receivers=["org:000.00.00.H47"]))
        step(api, "giamdoc", doc_id, "sign", {"decision": "sign", "pin": DEMO_PASSWORD})
        numbers.append(step(api, "vanthu", doc_id, "issue", {"pin": DEMO_PASSWORD})["number_notation"])
    assert numbers == ["01/SLĐTBXH-LĐVL", "02/SLĐTBXH-LĐVL"]


def test_openapi_describes_outgoing(client):
    spec = client.get("/api/v1/openapi.json").json
    for path in ("/documents/outgoing", "/documents/{id}/draft", "/documents/{id}/files", "/documents/{id}/preview"):
        assert path in spec["paths"], path
    for schema in ("OutgoingMetadata", "SubmitForm", "ReviewForm", "SignForm", "IssueForm"):
        assert schema in spec["components"]["schemas"], schema


def test_attachment_rows_are_never_rewritten(api):
    doc_id = to_signing(api)
    step(api, "giamdoc", doc_id, "sign", {"decision": "sign", "pin": DEMO_PASSWORD})
    before = {a.id: a.sha256 for a in db.session.query(Attachment).filter_by(document_id=doc_id)}
    step(api, "vanthu", doc_id, "issue", {"pin": DEMO_PASSWORD})
    after = {a.id: a.sha256 for a in db.session.query(Attachment).filter_by(document_id=doc_id)}
    assert all(after[k] == v for k, v in before.items()) and len(after) == len(before) + 1


def test_delegate_signs_with_own_key_and_pin_is_never_stored(api):
    from engine.models import HistoryEvent, WorkflowInstance

    today = clock.today().isoformat()
    delegated = api.post("giamdoc", "/delegations", {"delegate": "user:phogiamdoc", "starts_on": today,
                                                     "ends_on": today, "rights": ["sign"]})
    assert delegated.status_code == 201, delegated.json
    doc_id = to_signing(api)
    task = api.task("phogiamdoc", doc_id, "sign")
    assert task is not None and task["assignee"] == "giamdoc"
    signed = step(api, "phogiamdoc", doc_id, "sign", {"decision": "sign", "pin": DEMO_PASSWORD})
    event = signed["history"][-1]
    assert event["action"] == "signed" and event["actor"] == "phogiamdoc" and event["on_behalf_of"] == "giamdoc"
    assert signed["signer_name"] == "Lê Thị Hồng"
    step(api, "vanthu", doc_id, "issue", {"pin": DEMO_PASSWORD})
    states = " ".join(i.state for i in db.session.query(WorkflowInstance).filter_by(document_id=doc_id))
    notes = " ".join(str(e.note) + str(e.details) for e in db.session.query(HistoryEvent).filter_by(document_id=doc_id))
    assert DEMO_PASSWORD not in states and DEMO_PASSWORD not in notes and '"pin"' not in states


def test_a_timestamp_authority_that_does_not_answer_issues_nothing_and_says_so(api, app):
    import socket

    with socket.socket() as closed:  # a port nothing listens on: the TSA is down
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    doc_id = to_signing(api)
    step(api, "giamdoc", doc_id, "sign", {"decision": "sign", "pin": DEMO_PASSWORD})
    app.config["QOFFICE_TSA_URL"] = f"http://127.0.0.1:{port}/tsa"
    try:
        task = api.task("vanthu", doc_id, "issue")
        down = api.complete("vanthu", task["id"], {"pin": DEMO_PASSWORD})
    finally:
        del app.config["QOFFICE_TSA_URL"]
    assert down.status_code == 503 and down.json["error"] == "timestamp_unavailable"
    assert "dấu thời gian" in down.json["message"] and "chưa được ban hành" in down.json["message"]
    after = api.get("vanthu", f"/documents/{doc_id}").json
    assert after["status"] == "signed" and after["number"] is None
    assert [a["kind"] for a in after["attachments"]] == ["to_sign", "signed"]
    assert db.session.query(RegisterCounter).filter_by(register="outgoing").count() == 0
    packages = db.session.query(OutboxMessage).filter_by(document_id=doc_id, kind="edxml_document")
    assert packages.count() == 0
    # The task is still there; once the TSA answers again the clerk issues it with the first number.
    sent = step(api, "vanthu", doc_id, "issue", {"pin": DEMO_PASSWORD})
    assert sent["status"] == "sent" and sent["number"] == "01" and packages.count() == 1


def _certified_no_changes(pdf: bytes, tmp_path) -> bytes:
    """``pdf`` certified by another agency's software with DocMDP "no changes allowed"."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from integrations.pdf import pki
    from integrations.pdf._sync import run_blocking

    paths = pki.create_pki(tmp_path / "other-agency", "Ủy ban nhân dân tỉnh Quảng Nam",
                           [pki.Person("khac", "Người Khác", "Chánh Văn phòng", "pin-1")], "seal-1")
    signer = signers.SimpleSigner.load_pkcs12(str(paths.directory / "khac.p12"), passphrase=b"pin-1")
    meta = signers.PdfSignatureMetadata(field_name="Certified", certify=True,
                                        docmdp_permissions=fields.MDPPerm.NO_CHANGES)
    pdf_signer = signers.PdfSigner(meta, signer=signer)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    return run_blocking(lambda: pdf_signer.async_sign_pdf(writer)).getvalue()  # an event loop may be running


def test_a_draft_already_signed_elsewhere_is_refused_at_submission_in_plain_vietnamese(api, tmp_path):
    import weasyprint

    from tests.integrations.pdf_support import DOC_HTML, LEADER_BOX, NUMBER_BOX

    locked = _certified_no_changes(weasyprint.HTML(string=DOC_HTML).write_pdf(), tmp_path)
    meta = outgoing_meta(doc_type="QĐ", body=None, receivers=["org:000.00.00.H47"],
                         layout={"number_box": list(NUMBER_BOX), "leader_box": list(LEADER_BOX), "page": 0})
    created = create(api, "tp.ldvl", meta=meta, files=[("quyet-dinh.pdf", locked)])
    assert created.status_code == 201, created.json
    doc_id = created.json["id"]
    refused = step(api, "tp.ldvl", doc_id, "submit", status=422)
    assert refused["message"] == ("Tệp PDF quyet-dinh.pdf đã có chữ ký số nên không thêm được số, ngày và chữ "
                                  "ký của Q-Office. Hãy tải lên bản chưa ký.")
    after = api.get("tp.ldvl", f"/documents/{doc_id}").json
    assert after["status"] == "draft" and api.task("tp.ldvl", doc_id, "submit") is not None
