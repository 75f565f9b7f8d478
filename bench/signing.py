"""Signing benchmark: compose a one-page document, sign it as the leader, issue it with the
organisation seal (number, date, timestamp from the demo TSA), verify both signatures.

Prints the median time of each step over a few runs, and the total sign (leader + seal) time; then
the same document signed and issued through the JSON API (the leader's sign task, the clerk's issue
task: everything a user waits for, with storing, the workflow, the registers and the outbox).
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path

RUNS = 7


def run(workdir: Path) -> None:
    import logging

    from bench.common import DEMO_PASSWORD, make_app
    from engine import settings
    from engine.db import db
    from engine.incoming import signatures
    from engine.models import Document, User
    from engine.outgoing import issuing, preparing, signing_keys
    from integrations.pdf.compose import render_draft
    from integrations.pdf.signing import (
        add_issue_fields,
        issue_with_seal,
        sign_as_leader,
    )

    app = make_app(workdir)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    with app.app_context():
        leader = db.session.query(User).filter_by(username="giamdoc").one()
        drafter = db.session.query(User).filter_by(username="cv.ldvl").one()
        doc = Document(direction="outgoing", status="approved", doc_type="CV", signer=leader, created_by=drafter,
                       subject="V/v rà soát nhu cầu đào tạo nghề năm 2026", urgency="normal",
                       receivers=[{"kind": "unit", "code": "ncc", "name": "Phòng Người có công"}],
                       body="Đề nghị các đơn vị rà soát, tổng hợp nhu cầu đào tạo nghề năm 2026.\n\n"
                            "Kết quả gửi về Sở trước ngày 15/12/2026.")
        times: dict[str, list[float]] = {k: [] for k in ("compose", "leader", "seal", "verify", "unlock")}
        sizes = {}
        for i in range(RUNS):
            t0 = time.perf_counter()
            rendered = render_draft(preparing.draft_layout(doc))
            pdf = add_issue_fields(rendered.pdf, number_box=rendered.number_box, date_box=rendered.date_box)
            t1 = time.perf_counter()
            key = signing_keys.open_signer("giamdoc", DEMO_PASSWORD, typed_by="giamdoc")
            signed = sign_as_leader(pdf, key, page=rendered.page_index, box=rendered.leader_box,
                                    name=leader.full_name, position=leader.position,
                                    image_png=issuing.signature_image("giamdoc"))
            t2 = time.perf_counter()
            seal = signing_keys.open_signer(signing_keys.seal_key_id(), DEMO_PASSWORD, typed_by="vanthu")
            issued = issue_with_seal(signed, seal, number_text=f"{i + 1:02d}/SLĐTBXH-LĐVL",
                                     date_text="ngày 26 tháng 11 năm 2026", seal_box=rendered.seal_box,
                                     page=rendered.page_index, timestamper=signing_keys.timestamper(),
                                     org_name=settings.get("ORG_NAME"), seal_png=issuing.seal_image())
            t3 = time.perf_counter()
            checks = signatures.verify_bytes(issued)
            t4 = time.perf_counter()
            signing_keys.open_signer("giamdoc", DEMO_PASSWORD, typed_by="giamdoc")
            times["unlock"].append(time.perf_counter() - t4)
            assert [c["ok"] for c in checks] == [True, True], checks
            for name, value in zip(times, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
                times[name].append(value)
            sizes = {"to sign": len(pdf), "signed": len(signed), "issued": len(issued)}
        med = {k: statistics.median(v) for k, v in times.items()}
        print(f"   one-page document, RSA-2048, median of {RUNS} runs (first run included)")
        print(f"   compose (weasyprint + number/date fields): {med['compose'] * 1000:7.1f} ms")
        print(f"   leader signature (PIN unlock + PAdES B-B): {med['leader'] * 1000:7.1f} ms")
        print(f"   organisation seal (PIN unlock + fill + B-T): {med['seal'] * 1000:5.1f} ms")
        print(f"   sign total (leader + seal):               {(med['leader'] + med['seal']) * 1000:7.1f} ms")
        print(f"   of which one PIN unlock (PKCS#12 file):  {med['unlock'] * 1000:7.1f} ms")
        print(f"   verify both signatures:                   {med['verify'] * 1000:7.1f} ms")
        print("   sizes: " + ", ".join(f"{k} {v / 1024:.0f} KB" for k, v in sizes.items()))
        db.session.rollback()
    _through_the_api(app)


def _through_the_api(app) -> None:
    import json

    from bench.common import DEMO_PASSWORD

    http = app.test_client()
    headers = {}
    for username in ("cv.ldvl", "tp.ldvl", "giamdoc", "vanthu"):
        response = http.post("/api/v1/session", json={"username": username, "password": DEMO_PASSWORD})
        headers[username] = {"Authorization": "Bearer " + response.json["token"]}

    def step(username: str, doc_id: int, name: str, form: dict) -> dict:
        tasks = http.get("/api/v1/tasks", headers=headers[username]).json["items"]
        task = next(t for t in tasks if t["document_id"] == doc_id and t["name"] == name)
        response = http.post(f"/api/v1/tasks/{task['id']}/complete", headers=headers[username], json=form)
        assert response.status_code == 200, response.json
        return response.json

    meta = {"doc_type": "CV", "subject": "V/v rà soát nhu cầu đào tạo nghề năm 2026", "urgency": "normal",
            "receivers": ["unit:ncc"], "signer": "user:giamdoc",
            "body": "Đề nghị các đơn vị rà soát, tổng hợp nhu cầu đào tạo nghề năm 2026."}
    times: dict[str, list[float]] = {"sign": [], "issue": []}
    for _ in range(RUNS):
        created = http.post("/api/v1/documents/outgoing", headers=headers["cv.ldvl"],
                            data={"metadata": json.dumps(meta, ensure_ascii=False)},
                            content_type="multipart/form-data")
        assert created.status_code == 201, created.json
        doc_id = created.json["id"]
        step("cv.ldvl", doc_id, "submit", {})
        step("tp.ldvl", doc_id, "review", {"decision": "approve"})
        for username, name, form in (("giamdoc", "sign", {"decision": "sign", "pin": DEMO_PASSWORD}),
                                     ("vanthu", "issue", {"pin": DEMO_PASSWORD})):
            started = time.perf_counter()
            done = step(username, doc_id, name, form)
            times[name].append(time.perf_counter() - started)
        assert done["status"] == "sent" and done["legal_standing"] == "legal", done["status"]
    med = {k: statistics.median(v) * 1000 for k, v in times.items()}
    print(f"   through the API (task list + completion, median of {RUNS}): sign {med['sign']:.1f} ms, "
          f"issue {med['issue']:.1f} ms, sign + issue {med['sign'] + med['issue']:.1f} ms")
