"""Search at 200,000 documents with the text of two attachments each (issue 10): p50/p95 of a mix of
queries for an overseer (no visibility condition) and a unit head (visibility condition).

Long (bulk inserts of 200,000 index rows with ~3 KB of text each): its own bench name, not in the
default list. On PostgreSQL: BENCH_DATABASE_URL=postgresql+psycopg2://… python -m bench search
"""
from __future__ import annotations

import random
import statistics
import time
from datetime import timedelta

from bench.common import make_app

DOCUMENTS = 200_000
BATCH = 5_000
WORDS = ("chi trả trợ cấp ưu đãi người có công đào tạo nghề lao động việc làm bảo trợ xã hội hộ nghèo "
         "kế hoạch báo cáo quyết định thông báo hướng dẫn triển khai thực hiện đồng bào vùng lũ miền núi "
         "huyện xã thị trấn tỉnh Quảng Nam Tam Kỳ Hội An Tiên Phước Nam Giang Phước Sơn Bắc Trà My "
         "thanh tra tài chính ngân sách kinh phí hỗ trợ khắc phục thiên tai trẻ em bình đẳng giới").split()
RARE = ["Ałpha"] + [f"mãsố{n}" for n in range(50)]


def _text(rng, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def populate(db, rng):
    from engine import clock
    from engine.models import Document, DocumentText, ProcessingLine
    from engine.records.fulltext import index_text

    now = clock.now()
    for first in range(1, DOCUMENTS + 1, BATCH):
        docs, texts, lines = [], [], []
        for i in range(first, min(first + BATCH, DOCUMENTS + 1)):
            subject = "V/v " + _text(rng, 12)
            body = _text(rng, 450) + " " + _text(rng, 450)  # two attachments of ~450 words
            if i % 4_000 == 0:
                body += f" {RARE[i // 4_000 % len(RARE)]}"
            received = now - timedelta(minutes=i)
            docs.append(dict(id=i, direction="incoming", status="routed", source="electronic", doc_type="CV",
                             subject=subject, sender_org_name="UBND tỉnh Quảng Nam", number=str(i),
                             notation="UBND-VX", urgency="normal", urgency_rank=0, received_at=received,
                             created_at=received, register_year=2026, incoming_number=i, search_text="",
                             receivers=[], paper_copy=False, legal_standing="reference", secrecy="none"))
            texts.append(dict(document_id=i, meta=index_text(subject, f"{i}/UBND-VX", "UBND tỉnh Quảng Nam"),
                              body=index_text(body), updated_at=now))
            if i % 10 == 0:
                lines.append(dict(document_id=i, kind="lead", target_type="unit", unit_code="ldvl", status="waiting",
                                  started_at=received))
        db.session.execute(Document.__table__.insert(), docs)
        db.session.execute(DocumentText.__table__.insert(), texts)
        db.session.execute(ProcessingLine.__table__.insert(), lines)
        db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()


def run(workdir):
    app = make_app(workdir)
    rng = random.Random(200)
    with app.app_context():
        from engine.db import db
        from engine.models import User
        from engine.records.search import SearchFilter, find

        t0 = time.perf_counter()
        populate(db, rng)
        print(f"   {DOCUMENTS:,} documents with two attachments' text indexed in {time.perf_counter() - t0:.0f} s "
              f"({db.engine.dialect.name})")
        queries = ["tien phuoc", "Trợ cấp ưu đãi", "hộ nghèo Nam Giang", "mãsố7", "quyết định",
                   "đồng bào vùng lũ miền núi", "khắc phục thiên tai Bắc Trà My", "Tam Kỳ", "12345/UBND-VX",
                   "bình đẳng giới trẻ em"]
        for username in ("giamdoc", "tp.ldvl"):
            user = db.session.query(User).filter_by(username=username).one()
            times = []
            for _round in range(3):
                for q in queries:
                    start = time.perf_counter()
                    results = find(user, SearchFilter(q=q))
                    times.append((time.perf_counter() - start) * 1000)
                    db.session.rollback()
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            print(f"   {username:<8} {len(times)} searches: p50 {statistics.median(times):6.0f} ms   "
                  f"p95 {p95:6.0f} ms   max {times[-1]:6.0f} ms (last: {results.total:,} hits)")
