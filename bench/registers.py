"""The yearly incoming register with 25,000 rows (issue 10): rows read from the database, XLSX and
PDF of the whole year (time, pages, peak memory of this process; targets < 10 s, < 60 s and < 1 GiB),
plus text extraction of a 50-page PDF.

Documents and processing lines are bulk-inserted.
"""
from __future__ import annotations

import io
import random
import resource
import time
from datetime import datetime, timedelta

import pikepdf

from bench.common import make_app

ROWS = 25_000


def populate(db):
    from engine import clock
    from engine.models import Document, ProcessingLine

    rng = random.Random(10)
    start = datetime(2026, 1, 2, 8, 0, tzinfo=clock.VN_TZ)
    senders = ["Ủy ban nhân dân tỉnh Quảng Nam", "Bộ Lao động - Thương binh và Xã hội", "Sở Tài chính",
               "UBND huyện Tiên Phước", "Văn phòng Chính phủ"]
    docs, lines = [], []
    for i in range(1, ROWS + 1):
        received = start + timedelta(minutes=i * 20)
        docs.append(dict(id=i, direction="incoming", status="routed", source=rng.choice(["electronic"] * 4 + ["paper"]),
                         doc_type="CV", subject=f"V/v chi trả trợ cấp ưu đãi người có công đợt {i}"
                         + (" và hỗ trợ đồng bào vùng lũ các huyện miền núi" if i % 3 == 0 else ""),
                         sender_org_name=rng.choice(senders), number=str(i % 900 + 1), notation="UBND-KGVX",
                         issued_on=received.date(), urgency="normal", urgency_rank=0, received_at=received,
                         created_at=received, register_year=2026, incoming_number=i, search_text="", receivers=[],
                         paper_copy=False, legal_standing="reference", secrecy="none"))
        lines.append(dict(document_id=i, kind="lead", target_type="unit", unit_code=rng.choice(["ldvl", "ncc", "btxh"]),
                          status="waiting", started_at=received + timedelta(hours=2)))
    db.session.execute(Document.__table__.insert(), docs)
    db.session.execute(ProcessingLine.__table__.insert(), lines)
    db.session.commit()


def run(workdir):
    app = make_app(workdir)
    with app.app_context():
        from engine.db import db
        from engine.models import User
        from engine.records import registers
        from integrations.pdf.text import extract_text
        from reports import registers as files

        populate(db)
        clerk = db.session.query(User).filter_by(username="vanthu").one()
        t0 = time.perf_counter()
        reg = registers.register(clerk, registers.RegisterFilter(kind="incoming", year=2026))
        t1 = time.perf_counter()
        xlsx = files.to_xlsx(reg)
        t2 = time.perf_counter()
        print(f"   {len(reg.rows):,} rows read in {t1 - t0:.1f} s ({db.engine.dialect.name})")
        print(f"   XLSX of {len(reg.rows):,} rows: {t2 - t1:.1f} s, {len(xlsx) / 1024 / 1024:.1f} MiB")
        cpu, wall = time.process_time(), time.perf_counter()
        pdf = files.export(reg, "pdf")[0]
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with pikepdf.open(io.BytesIO(pdf)) as read_back:
            pages = len(read_back.pages)
        print(f"   PDF of {len(reg.rows):,} rows: {wall:.1f} s wall, {cpu:.1f} s CPU, {len(pdf) / 1024 / 1024:.1f} MiB, "
              f"{pages:,} pages, peak memory of the process {peak:.0f} MiB (targets 60 s, 1 GiB)")

        from integrations.pdf.compose import render_html_to_pdf

        page = "Quyết định về việc chi trả trợ cấp ưu đãi người có công với cách mạng tỉnh Quảng Nam. " * 30
        fifty = render_html_to_pdf("<html><body>" + "".join(
            f'<p style="page-break-after:always">Trang {i}. {page}</p>' for i in range(50)) + "</body></html>")
        t0 = time.perf_counter()
        text = extract_text(fifty)
        print(f"   text extraction of a 50-page PDF: {(time.perf_counter() - t0) * 1000:.0f} ms "
              f"({text.pages} pages, {len(text.text):,} characters)")
