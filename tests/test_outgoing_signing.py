"""Signing through the app configuration, verification of incoming PDFs, send deadlines and urgency.

- incoming PDFs signed by an official of the sending agency are "legal" (another agency's valid signature
  is not; a revoked certificate is not when revocation lists are configured); tampered bytes, a content change after
  signing, an untrusted root and an expired certificate are each "reference", with the reason;
- the send deadline (next working morning) escalates by email when the clerk does not issue,
  again each working morning, never twice a day; an urgent document is announced to the clerk
  at once and must be issued within 30 working minutes;
- a PKCS#11 token (SoftHSM2) configured as the key store signs the same way.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from engine import clock
from engine.db import db
from engine.deadlines.timer_sweep import sweep_timers
from engine.models import Notification, OutboxMessage, WorkflowInstance
from tests.conftest import DEMO_PASSWORD, incoming_meta, make_pdf
from tests.test_outgoing_api import outgoing_meta, step, to_signing

VN = clock.VN_TZ
ORG_NAME = "Sở Lao động - Thương binh và Xã hội tỉnh Quảng Nam"
REASON_OK = "Chữ ký hợp lệ"
REASON_TAMPERED = "Tài liệu đã bị thay đổi sau khi ký (mã băm không khớp)"
REASON_MODIFIED = "Nội dung tài liệu bị sửa đổi sau khi ký"
REASON_UNTRUSTED = "Chứng thư số không chuỗi được tới CA tin cậy"
REASON_EXPIRED = "Chứng thư số đã hết hạn hoặc chưa có hiệu lực"


# --- incoming PDFs ------------------------------------------------------------------------------

def _pki_dir(app) -> Path:
    return Path(app.config["QOFFICE_PKI_DIR"])


def sign_pdf(data: bytes, signer) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    meta = signers.PdfSignatureMetadata(field_name="ChuKy", md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES)
    from integrations.pdf._sync import (
        run_blocking,  # safe under Playwright's running event loop
    )

    pdf_signer = signers.PdfSigner(meta, signer=signer)
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    return run_blocking(lambda: pdf_signer.async_sign_pdf(writer)).getvalue()


def signed_by(app, key_id="giamdoc", pin=DEMO_PASSWORD, directory=None, title="Van ban ky so ASCII") -> bytes:
    from integrations.pdf.keys import Pkcs12KeyStore

    signer = Pkcs12KeyStore(directory or _pki_dir(app)).open_signer(key_id, pin)
    return sign_pdf(make_pdf(title), signer)


def replace_page_contents(pdf: bytes) -> bytes:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = w.root["/Pages"]["/Kids"][0].get_object()
    page[generic.NameObject("/Contents")] = w.add_object(generic.StreamObject(
        stream_data=b"BT /F1 30 Tf 100 400 Td (SUA DOI) Tj ET"))
    w.update_container(page)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def receive(api, pdf: bytes):
    response = api.receive(meta=incoming_meta(), files=[("van-ban.pdf", pdf)])
    assert response.status_code == 201, response.json
    return response.json


def _official_of(app, directory, org_name="Ủy ban nhân dân tỉnh Quảng Nam", username="chutich"):
    """A key of an official of another agency, certified by the (trusted) demo CA."""
    from integrations.pdf import pki

    now = datetime.now(clock.VN_TZ)
    issued = pki.issue_cert(pki.load_pki(_pki_dir(app)), pki.Person(username, "Lê Trí Thanh", "Chủ tịch", "1234"),
                            org_name, not_before=now - timedelta(days=30), not_after=now + timedelta(days=700))
    issued.write_p12(directory, username)
    return issued


def test_incoming_pdf_signed_by_an_official_of_the_sender_is_legal(api, app, tmp_path):
    _official_of(app, tmp_path)
    doc = receive(api, signed_by(app, "chutich", "1234", tmp_path))
    assert doc["legal_standing"] == "legal"
    (sig,) = doc["signatures"]
    assert sig["signer"] == "Lê Trí Thanh" and sig["intact"] and sig["valid"] and sig["trusted"]
    assert sig["modification"] == "none" and sig["reason"] == REASON_OK and sig["signed_at"]
    assert sig["from_sender"] and sig["signer_organization"] == "Ủy ban nhân dân tỉnh Quảng Nam"
    assert sig["revocation"] == "not_checked"
    abbreviated = api.receive(meta=incoming_meta(sender_org_name="UBND tỉnh Quảng Nam"),
                              files=[("van-ban.pdf", signed_by(app, "chutich", "1234", tmp_path, title="Khac"))]).json
    assert abbreviated["legal_standing"] == "legal"
    unsigned = receive(api, make_pdf())
    assert unsigned["legal_standing"] == "reference" and unsigned["signatures"] == []


def test_a_valid_signature_of_another_agency_does_not_make_a_document_legal(api, app, client):
    doc = receive(api, signed_by(app))  # signed by this department's director, "sent" by the province
    (sig,) = doc["signatures"]
    assert sig["reason"] == REASON_OK and sig["trusted"] and not sig["from_sender"]
    assert doc["legal_standing"] == "reference"
    client.post("/login", data={"username": "vanthu", "password": DEMO_PASSWORD})
    page = client.get(f"/documents/{doc['id']}").get_data(as_text=True)
    assert 'data-testid="not-from-sender"' in page and "Người ký không thuộc cơ quan gửi" in page


def test_revocation_is_checked_against_the_configured_lists(api, app, tmp_path):
    from integrations.pdf import pki

    revoked = _official_of(app, tmp_path)
    _official_of(app, tmp_path, username="phochutich")
    crl_dir = tmp_path / "crl"
    crl_dir.mkdir()
    for name, der in pki.issue_crls(pki.load_pki(_pki_dir(app)), [revoked.cert_pem]).items():
        (crl_dir / name).write_bytes(der)
    app.config["QOFFICE_CRL_DIR"] = str(crl_dir)
    bad = receive(api, signed_by(app, "chutich", "1234", tmp_path))
    assert bad["legal_standing"] == "reference" and bad["signatures"][0]["reason_code"] == "revoked"
    good = receive(api, signed_by(app, "phochutich", "1234", tmp_path))
    assert good["legal_standing"] == "legal" and good["signatures"][0]["revocation"] == "checked"


def test_tampered_incoming_pdf_is_for_reference_with_the_reason(api, app):
    good = signed_by(app)
    bad = good.replace(b"Van ban ky so ASCII", b"Van ban ky so XXXXX")
    assert len(bad) == len(good) and bad != good
    doc = receive(api, bad)
    assert doc["legal_standing"] == "reference"
    (sig,) = doc["signatures"]
    assert not sig["intact"] and sig["reason"] == REASON_TAMPERED


def test_content_change_after_signing(api, app):
    doc = receive(api, replace_page_contents(signed_by(app)))
    assert doc["legal_standing"] == "reference"
    (sig,) = doc["signatures"]
    assert sig["intact"] and sig["modification"] == "other" and sig["reason"] == REASON_MODIFIED


def test_untrusted_root_and_expired_certificate(api, app, tmp_path):
    from integrations.pdf import pki

    person = pki.Person("giamdoc", "Nguyễn Văn Ánh", "Giám đốc", "1234")
    pki.issue_rogue_cert(person, ORG_NAME).write_p12(tmp_path, "rogue")
    rogue = receive(api, signed_by(app, "rogue", "1234", tmp_path))
    assert rogue["legal_standing"] == "reference"
    assert rogue["signatures"][0]["signer"] == "Nguyễn Văn Ánh" and not rogue["signatures"][0]["trusted"]
    assert rogue["signatures"][0]["reason"] == REASON_UNTRUSTED
    pki.issue_expired_cert(pki.load_pki(_pki_dir(app)), person, ORG_NAME).write_p12(tmp_path, "expired")
    expired = receive(api, signed_by(app, "expired", "1234", tmp_path))
    assert expired["legal_standing"] == "reference" and expired["signatures"][0]["reason"] == REASON_EXPIRED


# --- send deadline, urgency -----------------------------------------------------------------

def _audience() -> set[str]:
    """Clerks, the chief of the Office (head of vp) and the leaders."""
    from engine.models import User

    users = db.session.query(User).filter(User.active.is_(True)).all()
    return {u.username for u in users if u.has_role("clerk", "leader") or (u.has_role("unit_head")
                                                                          and u.unit_code == "vp")}


def _escalations(doc_id) -> list[OutboxMessage]:
    return (db.session.query(OutboxMessage)
            .filter(OutboxMessage.kind == "email", OutboxMessage.key.like(f"escalate:{doc_id}:%"))
            .order_by(OutboxMessage.id).all())


def test_send_deadline_escalates_once_per_working_morning(api):
    clock.set_time(datetime(2026, 11, 26, 9, 0, tzinfo=VN))  # Thursday
    doc_id = to_signing(api)
    step(api, "giamdoc", doc_id, "sign", {"decision": "sign", "pin": DEMO_PASSWORD})
    issue = api.task("vanthu", doc_id, "issue")
    assert issue["due_at"] == "2026-11-27T11:30:00+07:00"  # the next working morning

    clock.set_time(datetime(2026, 11, 27, 11, 0, tzinfo=VN))
    sweep_timers()
    assert _escalations(doc_id) == []

    clock.set_time(datetime(2026, 11, 27, 11, 31, tzinfo=VN))  # Friday, deadline missed
    sweep_timers()
    first = _escalations(doc_id)
    assert {m.payload["username"] for m in first} == _audience() >= {"vanthu", "giamdoc", "phogiamdoc"}
    assert all(":2026-11-27:" in m.key for m in first)
    assert "Quá hạn" in first[0].payload["subject"]
    api.tokens.clear()  # tokens expire after 30 idle minutes of the (moved) clock
    assert api.get("vanthu", "/tasks").json["items"][0]["overdue"] is True

    clock.set_time(datetime(2026, 11, 27, 16, 0, tzinfo=VN))
    sweep_timers()
    assert len(_escalations(doc_id)) == len(first)  # never twice the same day

    clock.set_time(datetime(2026, 11, 30, 7, 31, tzinfo=VN))  # Monday morning (weekend skipped)
    sweep_timers()
    second = _escalations(doc_id)[len(first):]
    assert {m.payload["username"] for m in second} == _audience()
    assert all(":2026-11-30:" in m.key for m in second)
    sweep_timers()
    assert len(_escalations(doc_id)) == len(first) + len(second)

    clock.set_time(datetime(2026, 11, 30, 9, 0, tzinfo=VN))
    api.tokens.clear()
    sent = step(api, "vanthu", doc_id, "issue", {"pin": DEMO_PASSWORD})
    assert sent["status"] == "sent" and sent["issued_on"] == "2026-11-30"
    clock.set_time(datetime(2026, 12, 1, 7, 31, tzinfo=VN))
    sweep_timers()
    assert len(_escalations(doc_id)) == len(first) + len(second)  # issued: the loop ends
    instance = db.session.query(WorkflowInstance).filter_by(document_id=doc_id).one()
    assert instance.status == "completed"


def test_urgent_document_announced_at_once_with_a_short_deadline(api):
    clock.set_time(datetime(2026, 11, 26, 9, 0, tzinfo=VN))
    doc_id = to_signing(api, outgoing_meta(urgency="hoa_toc"))
    assert not db.session.query(OutboxMessage).filter(OutboxMessage.key.like(f"urgent_issue:{doc_id}:%")).count()
    signed = step(api, "giamdoc", doc_id, "sign", {"decision": "sign", "pin": DEMO_PASSWORD})
    assert signed["status"] == "signed"
    notices = db.session.query(OutboxMessage).filter(OutboxMessage.key.like(f"urgent_issue:{doc_id}:%")).all()
    assert [m.payload["username"] for m in notices] == ["vanthu"]
    assert "HỎA TỐC" in notices[0].payload["subject"]
    assert db.session.query(Notification).filter_by(document_id=doc_id, kind="urgent_issue").count() == 1
    issue = api.task("vanthu", doc_id, "issue")
    assert issue["due_at"] == "2026-11-26T09:30:00+07:00" and issue["urgency"] == "hoa_toc"
    # urgent first in the clerk's inbox
    normal_id = to_signing(api)
    step(api, "giamdoc", normal_id, "sign", {"decision": "sign", "pin": DEMO_PASSWORD})
    items = [t for t in api.get("vanthu", "/tasks").json["items"] if t["name"] == "issue"]
    assert [t["document_id"] for t in items] == [doc_id, normal_id]
    clock.set_time(datetime(2026, 11, 26, 9, 31, tzinfo=VN))
    sweep_timers()  # 30 working minutes after signing
    assert {m.payload["username"] for m in _escalations(doc_id)} == _audience()
    assert _escalations(normal_id) == []


# --- PKCS#11 (SoftHSM2) through the app configuration ------------------------------------------

SOFTHSM_LIBS = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so")
TOKEN, USER_PIN, SO_PIN = "qoffice-app", "246810", "13579111"


def _softhsm_lib():
    return next((p for p in SOFTHSM_LIBS if os.path.exists(p)), None)


@pytest.fixture
def softhsm_app(app, tmp_path):
    if shutil.which("softhsm2-util") is None or _softhsm_lib() is None:
        pytest.skip("softhsm2 not installed (apt-get install softhsm2)")
    pkcs11 = pytest.importorskip("pkcs11")
    from integrations.pdf.keys import import_p12_into_pkcs11

    lib = _softhsm_lib()
    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    old = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    module = pkcs11.lib(lib)
    try:
        module.reinitialize()  # SoftHSM reads SOFTHSM2_CONF when (re)initialised; one module per process
        subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--so-pin", SO_PIN,
                        "--pin", USER_PIN], check=True, capture_output=True, timeout=60)
        module.reinitialize()
        pki_dir = _pki_dir(app)
        for key_id in ("giamdoc", "org-seal"):
            import_p12_into_pkcs11(lib, TOKEN, USER_PIN, p12=(pki_dir / f"{key_id}.p12").read_bytes(),
                                   p12_pin=DEMO_PASSWORD, label=key_id)
        app.config.update(QOFFICE_SIGNING_BACKEND="pkcs11", QOFFICE_PKCS11_LIB=lib, QOFFICE_PKCS11_TOKEN=TOKEN)
        yield app
    finally:
        if old is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = old
        module.reinitialize()


def test_pkcs11_token_signs_through_the_app_configuration(softhsm_app, api):
    from engine.outgoing import signing_keys
    from integrations.pdf.keys import Pkcs11KeyStore

    assert isinstance(signing_keys.key_store(), Pkcs11KeyStore)
    doc_id = to_signing(api)
    task = api.task("giamdoc", doc_id, "sign")
    wrong = api.complete("giamdoc", task["id"], {"decision": "sign", "pin": DEMO_PASSWORD})  # the file PIN
    assert wrong.status_code == 422 and wrong.json["error"] == "bad_pin"
    step(api, "giamdoc", doc_id, "sign", {"decision": "sign", "pin": USER_PIN})
    sent = step(api, "vanthu", doc_id, "issue", {"pin": USER_PIN})
    assert sent["status"] == "sent" and sent["legal_standing"] == "legal"
    final = [s for s in sent["signatures"] if s["attachment"] == len(sent["attachments"]) - 1]
    assert [(s["field"], s["ok"]) for s in final] == [("LanhDao", True), ("CoQuan", True)]
    assert final[0]["signer"] == "Nguyễn Văn Ánh" and final[1]["timestamped"]


def test_demo_pki_keys_follow_the_demo_passwords(app, tmp_path):
    from engine.outgoing import signing_keys
    from integrations.pdf.keys import BadPin, Pkcs12KeyStore

    app.config["QOFFICE_PKI_DIR"] = str(tmp_path / "pki")
    created = signing_keys.ensure_demo_pki({"giamdoc": "pin-1", "phogiamdoc": "pin-2", "vanthu": "pin-3",
                                            "cv.ldvl": "x"})
    assert set(created) >= {"root-ca", "intermediate-ca", "tsa", "org-seal", "giamdoc", "phogiamdoc"}
    assert "cv.ldvl" not in created  # only leaders get personal keys
    store = Pkcs12KeyStore(tmp_path / "pki")
    store.open_signer("giamdoc", "pin-1")
    store.open_signer("org-seal", "pin-3")
    assert signing_keys.ensure_demo_pki({"giamdoc": "pin-1", "vanthu": "pin-3"}) == []  # idempotent
    assert signing_keys.ensure_demo_pki({"giamdoc": "new-pin", "vanthu": None}) == ["giamdoc"]
    with pytest.raises(BadPin):
        store.open_signer("giamdoc", "pin-1")
    store.open_signer("giamdoc", "new-pin")
    assert oct((tmp_path / "pki" / "giamdoc.p12").stat().st_mode & 0o777) == "0o600"
