"""Search at 200,000 documents with the text of two attachments each (issue 10): p50/p95 of a mix of
queries for an overseer (no visibility condition), a unit head and a specialist (what they may see).

Long (bulk inserts of 200,000 index rows with ~800 words of text each): its own bench name, not in the
default list. On PostgreSQL: BENCH_DATABASE_URL=postgresql+psycopg2://… python -m bench search
"""
from __future__ import annotations

import random
import statistics
import time
import unicodedata
from datetime import timedelta

from bench.common import make_app

DOCUMENTS = 200_000
BATCH = 5_000
ATTACHMENT_WORDS = 400
POOL = 5_000
# Words of real letters follow Zipf's law: a few syllables are everywhere, most are rare. The
# vocabulary is the domain's words first, then generated Vietnamese syllables, weighted 1/rank.
FUNCTION_WORDS = "của và các cho về việc theo được có trong với này tại đã là người văn bản số năm tháng ngày".split()
CONTENT_WORDS = ("chi trả trợ cấp ưu đãi công đào tạo nghề lao động làm bảo xã hội hộ nghèo kế hoạch báo cáo quyết "
          "định thông hướng dẫn triển khai thực hiện đồng bào vùng lũ miền núi huyện thị trấn tỉnh Quảng Nam "
          "Tam Kỳ Hội An thanh tra tài chính ngân sách kinh phí hỗ trợ khắc phục thiên tai trẻ em bình đẳng "
          "giới Tiên Phước Nam Giang Phước Sơn Bắc Trà My").split()
ONSETS = "b c ch d đ g h kh l m n ng nh ph qu s t th tr v x".split()
RHYMES = "a ai an ang anh ao at ay e em en eo i ia im in inh it o oa oan oi om on ong ot u ua ui um un ung uy".split()
TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")


def vocabulary() -> list[str]:
    """Function words at the top, then syllables, with the domain's content words spread over ranks
    100 … ~5,000 (a place name is rarer than "của")."""
    syllables = [unicodedata.normalize("NFC", onset + rhyme[0] + tone + rhyme[1:])
                 for tone in TONES for onset in ONSETS for rhyme in RHYMES]
    random.Random(1).shuffle(syllables)
    words = FUNCTION_WORDS + syllables
    for index, word in enumerate(dict.fromkeys(CONTENT_WORDS)):
        words.insert(100 + 60 * index, word)
    return list(dict.fromkeys(words))


def _text(rng, vocab, weights, words: int) -> str:
    return " ".join(rng.choices(vocab, cum_weights=weights, k=words))


def populate(db, rng):
    from engine import clock
    from engine.models import Document, DocumentText, ProcessingLine
    from engine.records.fulltext import index_text

    vocab = vocabulary()
    weights, total = [], 0.0
    for rank in range(1, len(vocab) + 1):
        total += 1 / rank
        weights.append(total)
    # Attachments are drawn from a pool of distinct texts (folding 400,000 texts would dominate the run).
    pool = [index_text(_text(rng, vocab, weights, ATTACHMENT_WORDS)) for _ in range(POOL)]
    now = clock.now()
    for first in range(1, DOCUMENTS + 1, BATCH):
        docs, texts, lines = [], [], []
        for i in range(first, min(first + BATCH, DOCUMENTS + 1)):
            subject = "V/v " + _text(rng, vocab, weights, 12)
            body = f"{rng.choice(pool)} {rng.choice(pool)}"  # two attachments
            received = now - timedelta(minutes=i)
            docs.append(dict(id=i, direction="incoming", status="routed", source="electronic", doc_type="CV",
                             subject=subject, sender_org_name="UBND tỉnh Quảng Nam", number=str(i),
                             notation="UBND-VX", urgency="normal", urgency_rank=0, received_at=received,
                             created_at=received, register_year=2026, incoming_number=i, search_text="",
                             receivers=[], paper_copy=False, legal_standing="reference", secrecy="none"))
            texts.append(dict(document_id=i, meta=index_text(subject, f"{i}/UBND-VX", "UBND tỉnh Quảng Nam"),
                              body=body, updated_at=now))
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
        queries = ["Tiên Phước", "tro cap uu dai", "hộ nghèo Nam Giang", "văn bản", "quyết định",
                   "đồng bào vùng lũ miền núi", "khắc phục thiên tai Bắc Trà My", "Tam Kỳ", "12345/UBND-VX",
                   "bình đẳng giới trẻ em"]
        for username in ("giamdoc", "tp.ldvl", "cv.ldvl"):
            user = db.session.query(User).filter_by(username=username).one()
            times, hits = [], {}
            for _round in range(3):
                for q in queries:
                    start = time.perf_counter()
                    hits[q] = find(user, SearchFilter(q=q)).total
                    times.append((time.perf_counter() - start) * 1000)
                    db.session.rollback()
            slowest = sorted(zip(times, queries * 3), reverse=True)[:3]
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            print(f"   {username:<8} {len(times)} searches: p50 {statistics.median(times):6.0f} ms   "
                  f"p95 {p95:6.0f} ms   max {times[-1]:6.0f} ms")
            print("            hits: " + ", ".join(f"{q!r} {n:,}" for q, n in hits.items()))
            print("            slowest: " + ", ".join(f"{q!r} {t:.0f} ms" for t, q in slowest))
