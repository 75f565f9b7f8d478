"""Interconnection benchmark: take in a package with a 10 MB attachment; build and send 1,000 status
packages to the stand-in axis over HTTP; receive 1,000 document packages (documents per second).

``BENCH_INTERCONNECTION_N`` changes the 1,000.
"""
from __future__ import annotations

import io
import logging
import os
import time
import tracemalloc
from datetime import date
from pathlib import Path


def _pdf(text: str, padding: int = 0) -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Title"] = text
    if padding:
        # incompressible bytes in an unused stream make a scan-sized file
        pdf.Root.Padding = pdf.make_stream(os.urandom(padding))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _package(number: int, data: bytes) -> bytes:
    from integrations import edxml

    document_id = edxml.document_id("000.00.00.H47", date(2026, 11, 20), str(number), "UBND-KGVX")
    return edxml.build_document(edxml.DocumentPackage(
        sender=edxml.Organ("000.00.00.H47", "Ủy ban nhân dân tỉnh Quảng Nam"),
        receivers=[edxml.Organ("000.00.15.H47", "Sở LĐTBXH")], document_id=document_id,
        subject=f"V/v chi trả trợ cấp đợt {number}", code_number=str(number), code_notation="UBND-KGVX",
        promulgation_date=edxml.RawDate("2026/11/20", date(2026, 11, 20)), type_name="Công văn",
        business=edxml.Business(edxml.NEW, "", document_id),
        attachments=[edxml.Attachment("1", f"cv-{number}.pdf", data, "application/pdf")]))


def run(workdir: Path) -> None:
    from bench.common import make_app
    from engine.db import db
    from engine.interconnection import delivery, inbound
    from engine.models import OutboxMessage
    from engine.outbox import enqueue
    from engine.tx import transaction
    from integrations.axis import HttpAxis
    from tests.integrations.axis_support import StandInAxis

    n = int(os.environ.get("BENCH_INTERCONNECTION_N", "1000"))
    logging.getLogger().setLevel(logging.WARNING)
    app = make_app(workdir)
    with app.app_context():
        inbound.take_in(_package(0, _pdf("Khởi động")), via="axis")  # load the PDF and signature libraries once
        big = _package(1, _pdf("Bản scan 10 MB", padding=10 * 1024 * 1024))
        started = time.perf_counter()
        inbound.take_in(big, via="axis")
        elapsed = time.perf_counter() - started
        tracemalloc.start()
        inbound.take_in(_package(2, _pdf("Bản scan 10 MB", padding=10 * 1024 * 1024)), via="axis")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"   take in one package of {len(big) / 2 ** 20:.1f} MB (10 MB PDF): {elapsed * 1000:.0f} ms, "
              f"peak Python memory {peak / 2 ** 20:.0f} MB")
        with transaction():  # the three 01 replies of the packages above are not part of the next figure
            db.session.query(OutboxMessage).filter_by(kind="edxml_status").delete()

        axis = StandInAxis(workdir / "axis", {"bench-a": "000.00.15.H47", "bench-b": "000.00.00.H47"}).start()
        try:
            with transaction():
                for i in range(n):
                    enqueue("edxml_status", f"bench:status:{i}", {
                        "to_organ_id": "000.00.00.H47", "code": "03", "description": "Đã tiếp nhận",
                        "timestamp": "2026-11-20T09:00:00+07:00", "response_for": {
                            "organ_id": "000.00.00.H47", "code": f"{i}/UBND-KGVX", "promulgation_date": "2026/11/20",
                            "document_id": f"000.00.00.H47,2026/11/20,{i}/UBND-KGVX"}})
            sender = HttpAxis(axis.url, "bench-a", retries=0)
            started = time.perf_counter()
            sent = 0
            while sent < n:
                result = delivery.deliver_pending(sender, limit=200)
                if not result["sent"]:
                    break
                sent += result["sent"]
            elapsed = time.perf_counter() - started
            print(f"   build and send {sent} status packages over HTTP: {elapsed:.1f} s "
                  f"({sent / elapsed:.0f} packages/s)")
            assert db.session.query(OutboxMessage).filter_by(kind="edxml_status", status="sent").count() == n
        finally:
            axis.stop()

        small = _pdf("Công văn")
        packages = [_package(1000 + i, small.replace(b"/Title (C", f"/Title ({i} C".encode(), 1)) for i in range(n)]
        started = time.perf_counter()
        for data in packages:
            inbound.take_in(data, via="axis")
        elapsed = time.perf_counter() - started
        print(f"   receive {n} document packages (scan, verify, register arrival, start the flow): {elapsed:.1f} s "
              f"({n / elapsed:.1f} documents/s)")
