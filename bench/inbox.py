"""Inbox query time with 50,000 documents (issue 3): views, filters, search, counts.

Documents and inbox rows are bulk-inserted (the query reads rows, not workflow state): 50,000
incoming documents, each with the verify and route tasks closed and one open task for one in ten.
"""
from __future__ import annotations

import random
from datetime import timedelta

from bench.common import make_app
from bench.timing import measure

DOCUMENTS = 50_000


def populate(db, rng, documents: int = DOCUMENTS):
    from engine import clock
    from engine.models import Document, DocumentText, InboxTask, User, WorkflowInstance
    from engine.records.fulltext import index_text
    from engine.text import fold

    users = {u.username: u for u in db.session.query(User)}
    open_roles = [("route", "leader", None, users["giamdoc"].id), ("assign", "unit_head", "ldvl", None),
                  ("assign", "unit_head", "ncc", None), ("process", "specialist", "ldvl", users["cv.ldvl"].id),
                  ("verify", "clerk", None, None)]
    senders = ["UBND tỉnh Quảng Nam", "Bộ Lao động - Thương binh và Xã hội", "Sở Tài chính", "Sở Y tế",
               "UBND huyện Duy Xuyên", "Văn phòng Chính phủ"]
    topics = ["chi trả trợ cấp", "đào tạo nghề", "người có công", "bảo trợ xã hội", "lao động việc làm",
              "phòng chống tệ nạn", "kế hoạch tài chính", "Đà Nẵng", "thanh tra"]
    now = clock.now()
    docs, tasks = [], []
    version_id = db.session.execute(db.text("select min(id) from process_versions")).scalar()
    for i in range(1, documents + 1):
        subject = f"V/v {rng.choice(topics)} đợt {i}"
        sender = rng.choice(senders)
        received = now - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
        docs.append(dict(id=i, direction="incoming", status="accepted", source="electronic", doc_type="CV",
                         subject=subject, sender_org_name=sender, number=str(i), notation="UBND-VX",
                         urgency=rng.choice(["normal"] * 8 + ["khan", "hoa_toc"]), urgency_rank=0,
                         received_at=received, created_at=received, register_year=2026, incoming_number=i,
                         search_text=fold(f"{subject} {i}/UBND-VX {sender}"), receivers=[], paper_copy=False,
                         legal_standing="reference", secrecy="none"))
    for start in range(0, len(docs), 10_000):
        chunk = docs[start:start + 10_000]
        db.session.execute(Document.__table__.insert(), chunk)
        # The search index rows the documents would have had (metadata only: no files here).
        db.session.execute(DocumentText.__table__.insert(), [dict(
            document_id=d["id"], meta=index_text(d["subject"], f"{d['number']}/{d['notation']}",
                                                 d["sender_org_name"]), body="", updated_at=now) for d in chunk])
    db.session.execute(WorkflowInstance.__table__.insert(), [dict(
        id=1, document_id=1, process_version_id=version_id, state="{}", serializer_version="1.5", status="completed",
        lock_version=1, created_at=now, updated_at=now)])
    for doc in docs:
        for name in ("verify", "route"):
            tasks.append(dict(id=f"{doc['id']}-{name}", instance_id=1, document_id=doc["id"], name=name, title=name,
                              role="clerk", unit_code=None, assignee_id=None, due_at=None, status="completed",
                              urgency_rank=0, created_at=doc["received_at"]))  # same keys in every row of a batch
        if doc["id"] % 10 == 0:
            name, role, unit, assignee = rng.choice(open_roles)
            tasks.append(dict(id=f"{doc['id']}-open", instance_id=1, document_id=doc["id"], name=name, title=name,
                              role=role, unit_code=unit, assignee_id=assignee, status="open",
                              urgency_rank={"normal": 0, "khan": 1, "hoa_toc": 3}[doc["urgency"]],
                              due_at=doc["received_at"] + timedelta(days=rng.randint(-10, 10)),
                              created_at=doc["received_at"]))
    for start in range(0, len(tasks), 10_000):
        db.session.execute(InboxTask.__table__.insert(), tasks[start:start + 10_000])
    db.session.commit()
    return users, len(tasks)


def run(workdir):
    app = make_app(workdir)
    rng = random.Random(2026)
    with app.app_context():
        from engine import documents
        from engine.db import db
        from engine.processing import task_list

        users, task_rows = populate(db, rng)
        print(f"   {DOCUMENTS:,} documents, {task_rows:,} inbox rows ({db.engine.dialect.name})")
        cases = [
            ("giamdoc: all tasks, page 1", lambda: task_list.inbox(users["giamdoc"], task_list.InboxFilter())),
            ("tp.ldvl: unit queue, page 1", lambda: task_list.inbox(users["tp.ldvl"],
                                                                     task_list.InboxFilter(view="queue"))),
            ("tp.ldvl: queue, page 20", lambda: task_list.inbox(users["tp.ldvl"],
                                                                 task_list.InboxFilter(view="queue", page=20))),
            ("giamdoc: urgency=hoa_toc", lambda: task_list.inbox(users["giamdoc"],
                                                                  task_list.InboxFilter(urgency="hoa_toc"))),
            ("vanthu: search 'da nang'", lambda: task_list.inbox(users["vanthu"], task_list.InboxFilter(q="da nang"))),
            ("tp.ldvl: counts of 4 views", lambda: task_list.counts(users["tp.ldvl"])),
            ("giamdoc: documents search 'tro cap'", lambda: documents.search(users["giamdoc"], q="tro cap")),
        ]
        for label, fn in cases:
            median, best = measure(fn)
            print(f"   {label:<40} median {median:7.1f} ms   best {best:7.1f} ms")
