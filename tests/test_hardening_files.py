"""What crashes leave behind is swept safely; a retried upload makes one document (Idempotency-Key)."""
from __future__ import annotations

import io
import json
import os
import threading
import time
from datetime import timedelta

from engine import clock
from engine.db import db
from engine.incoming import uploads
from engine.models import Document
from engine.storage import store
from tests.conftest import incoming_meta, make_pdf

HOUR = 3600


def _age(path, seconds):
    old = time.time() - seconds
    os.utime(path, (old, old), follow_symlinks=False)


def test_the_sweep_removes_only_old_orphans_and_half_written_files(api):
    kept = api.receive().json["attachments"][0]["sha256"]
    files = store()
    orphan, _ = files.put(b"%PDF-1.7 written by a request that was killed before its commit")
    fresh, _ = files.put(b"%PDF-1.7 written by an upload still in its transaction")
    temp = files.path_for(orphan).parent / ".incoming-killed"
    temp.write_bytes(b"half a file")
    for path in (files.path_for(orphan), files.path_for(kept), temp):
        _age(path, 2 * HOUR)

    assert uploads.sweep_files() == {"orphans": 1, "temporary": 1}
    assert not files.path_for(orphan).exists() and not temp.exists()
    assert files.get(kept) and files.get(fresh)  # referenced, or too young to judge
    assert api.get("vanthu", "/documents/1/attachments/0").status_code == 200


def test_an_upload_reusing_an_old_orphan_keeps_it(api):
    data = make_pdf("Cùng một tệp")
    orphan, _ = store().put(data)
    _age(store().path_for(orphan), 2 * HOUR)
    doc = api.receive(files=[("cung-tep.pdf", data)]).json  # put() touches the existing blob
    assert doc["attachments"][0]["sha256"] == orphan
    assert uploads.sweep_files()["orphans"] == 0
    assert api.get("vanthu", f"/documents/{doc['id']}/attachments/0").data == data


def test_a_killed_sweep_leaves_nothing_missing(api):
    sha = api.receive().json["attachments"][0]["sha256"]
    target = store().path_for(sha)
    aside = target.with_name(f".sweep-{sha}")
    os.rename(target, aside)  # the sweep was killed right after renaming a blob aside
    uploads.sweep_files()
    assert target.exists() and not aside.exists()


def _upload(api, key, meta, data, user="vanthu"):
    body = {"metadata": json.dumps(meta, ensure_ascii=False), "files": [(io.BytesIO(data), "van-ban.pdf")]}
    headers = {**api.headers(user), "Idempotency-Key": key}
    return api.client.post("/api/v1/documents/incoming", headers=headers, data=body,
                           content_type="multipart/form-data")


def test_a_retried_upload_makes_one_document(api):
    meta, data = incoming_meta(), make_pdf()
    first = _upload(api, "may-scan-01:2026-12-01:0001", meta, data)
    again = _upload(api, "may-scan-01:2026-12-01:0001", meta, data)
    assert first.status_code == again.status_code == 201
    assert again.json["id"] == first.json["id"] and again.headers["Idempotent-Replayed"] == "true"
    assert db.session.query(Document).count() == 1
    other = _upload(api, "may-scan-01:2026-12-01:0001", incoming_meta(), make_pdf())
    assert other.status_code == 422 and other.json["error"] == "idempotency_key_reused"
    assert _upload(api, "bad key with spaces", meta, data).status_code == 422
    assert db.session.query(Document).count() == 1


def test_concurrent_retries_make_one_document(app, api):
    meta, data = incoming_meta(), make_pdf()
    headers = api.headers("vanthu")
    barrier, answers = threading.Barrier(3), []

    def retry():
        client = app.test_client()
        body = {"metadata": json.dumps(meta, ensure_ascii=False), "files": [(io.BytesIO(data), "van-ban.pdf")]}
        barrier.wait()
        answers.append(client.post("/api/v1/documents/incoming", headers={**headers, "Idempotency-Key": "k-42"},
                                   data=body, content_type="multipart/form-data"))

    threads = [threading.Thread(target=retry) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert len({a.json["id"] for a in answers}) == 1
    db.session.expire_all()
    assert db.session.query(Document).count() == 1


def test_old_keys_are_forgotten(api):
    from engine.incoming import idempotency

    meta, data = incoming_meta(), make_pdf()
    _upload(api, "k-old", meta, data)
    clock.set_time(clock.now() + timedelta(days=8))
    api.tokens.clear()
    assert idempotency.forget_old() == 1
    assert _upload(api, "k-old", meta, data).status_code == 201  # a new request now, a new document
    assert db.session.query(Document).count() == 2


def test_a_double_submitted_incoming_form_registers_one_document(client):
    from tests.conftest import DEMO_PASSWORD

    client.post("/login", data={"username": "vanthu", "password": DEMO_PASSWORD})
    page = client.get("/documents/incoming/new").get_data(as_text=True)
    request_id = page.split('name="request_id" value="')[1].split('"')[0]
    form = {**incoming_meta(), "request_id": request_id}
    data = make_pdf()
    for _ in range(2):
        response = client.post("/documents/incoming/new", content_type="multipart/form-data",
                               data={**form, "files": [(io.BytesIO(data), "van-ban.pdf")]})
        assert response.status_code == 302
    assert db.session.query(Document).count() == 1


def test_the_idempotency_key_is_documented(client):
    spec = client.get("/api/v1/openapi.json").json
    for path in ("/documents/incoming", "/documents/outgoing", "/documents/{id}/files"):
        names = [p["name"] for p in spec["paths"][path]["post"].get("parameters", [])]
        assert "Idempotency-Key" in names, path


# --- what the upload scanner finds reaches the clerk ---------------------------------------------

def _cut(pdf: bytes) -> bytes:
    return pdf[: len(pdf) - 30]  # the end of the file (xref, %%EOF) is missing


def test_a_cut_pdf_is_refused_as_the_main_text_and_flagged_as_an_annex(api, client):
    from tests.conftest import DEMO_PASSWORD

    refused = api.receive(files=[("van-ban.pdf", _cut(make_pdf()))])
    assert refused.status_code == 422 and "bị hỏng hoặc không đầy đủ" in refused.json["message"]
    assert db.session.query(Document).count() == 0
    doc = api.receive(files=[("van-ban.pdf", make_pdf()), ("phu-luc.pdf", _cut(make_pdf()))]).json
    warnings = doc["attachments"][1]["scan_warnings"]
    assert doc["attachments"][0]["scan_warnings"] == [] and {w["code"] for w in warnings} >= {"pdf_no_eof"}
    client.post("/login", data={"username": "vanthu", "password": DEMO_PASSWORD})
    page = client.get(f"/documents/{doc['id']}").get_data(as_text=True)
    assert 'data-testid="scan-warnings"' in page and "thiếu dấu kết thúc" in page


def test_office_macros_and_password_protected_archives_are_refused(api):
    from tests.integrations.test_scan import _ole_with_macro, _zip

    macro = api.receive(files=[("van-ban.pdf", make_pdf()), ("bang-luong.xls", _ole_with_macro())])
    assert macro.status_code == 422 and macro.json["error"] == "dangerous_content"
    locked = bytearray(_zip({"bi-mat.pdf": b"x" * 500}))
    locked[6] |= 0x1
    locked[locked.find(b"PK\x01\x02") + 8] |= 0x1
    archive = api.receive(files=[("van-ban.pdf", make_pdf()), ("ho-so.zip", bytes(locked))])
    assert archive.status_code == 422 and "zip_encrypted" in archive.json["details"]["findings"]
    assert db.session.query(Document).count() == 0


def test_the_files_of_one_request_share_the_scanner_s_work_budget(api, monkeypatch):
    import pikepdf

    def busy_pdf() -> bytes:  # a few hundred objects, as a long vector drawing has thousands
        pdf = pikepdf.new()
        pdf.add_blank_page()
        pdf.Root.Junk = pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(N=i)) for i in range(300)])
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()

    monkeypatch.setattr(uploads, "MAX_PDF_OBJECTS_PER_REQUEST", 500)  # the first file takes most of it
    taken = api.receive(files=[("van-ban.pdf", busy_pdf()), ("phu-luc.pdf", busy_pdf())])
    assert taken.status_code == 201, taken.json
    files = api.get("vanthu", f"/documents/{taken.json['id']}").json["attachments"]
    assert not files[0].get("scan_warnings")
    assert [w["code"] for w in files[1]["scan_warnings"]] == ["pdf_not_fully_scanned"]
