"""Process administration (issue 11): validating and deploying the three shipped diagrams, the parsed-spec
cache hit vs miss, and the document diagram endpoint with 50,000 documents.

For the endpoint, 20 real documents are received and accepted (their receive flow waits at routing);
their documents, workflow instances and open inbox rows are then copied to 50,000 documents, so every
request reads a real serialized workflow among 50,000.
"""
from __future__ import annotations

import random
import statistics
import time
import uuid
from pathlib import Path

from bench.common import DEMO_PASSWORD, make_app
from bench.timing import measure

DOCUMENTS = 50_000
REAL = 20
SHIPPED = ("receive", "handle_line", "issue_sign_send")


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def validate_and_deploy(db):
    from engine.models import User
    from engine.processes import deployment
    from engine.processes.validation import validate

    owner = db.session.query(User).filter_by(username="quytrinh").one()
    bpmn = Path(__file__).resolve().parents[1] / "bpmn"
    new_versions = []
    for name in SHIPPED:
        xml = (bpmn / f"{name}.bpmn").read_text(encoding="utf-8")
        median, best = measure(lambda x=xml, n=name: validate(x, n))
        print(f"   validate {name:<16} median {median:7.1f} ms   best {best:7.1f} ms")
        samples = []
        for i in range(5):  # each a new version: the note differs, a trailing comment makes the XML differ
            started = time.perf_counter()
            new_versions.append(deployment.deploy(owner, name, xml + f"<!-- bench {i} -->\n", f"bench {i}"))
            samples.append(_ms(started))
        print(f"   deploy   {name:<16} median {statistics.median(samples):7.1f} ms   best {min(samples):7.1f} ms"
              "  (validate + store)")
    return new_versions


def spec_cache(new_versions):
    from engine.workflow.specs import parsed

    misses, hits = [], []
    for version in new_versions:  # never parsed yet: each first call is a miss
        started = time.perf_counter()
        parsed(version)
        misses.append(_ms(started))
        started = time.perf_counter()
        for _ in range(100):
            parsed(version)
        hits.append(_ms(started) / 100)
    print(f"   parsed spec: miss median {statistics.median(misses):7.2f} ms, "
          f"hit median {statistics.median(hits) * 1000:7.2f} µs")


def populate(db):
    """50,000 documents with real receive instances waiting at routing (copied from REAL real ones)."""
    from engine.incoming import registration
    from engine.incoming.uploads import Upload
    from engine.models import Document, InboxTask, User, WorkflowInstance
    from engine.processing import tasks
    from tests.conftest import incoming_meta, make_pdf

    clerk = db.session.query(User).filter_by(username="vanthu").one()
    for _ in range(REAL):
        doc = registration.receive(clerk, incoming_meta(), [Upload("a.pdf", make_pdf())])
        verify = db.session.query(InboxTask).filter_by(document_id=doc.id, name="verify", status="open").one()
        tasks.complete(verify.id, clerk, {"decision": "accept"})
    templates = db.session.query(Document).order_by(Document.id).all()
    instances = {i.document_id: i for i in db.session.query(WorkflowInstance)}
    open_rows = {r.document_id: r for r in db.session.query(InboxTask).filter_by(status="open")}
    columns = [c.name for c in Document.__table__.columns if c.name != "id"]
    next_id = max(d.id for d in templates) + 1
    docs, flows, rows = [], [], []
    for n in range(DOCUMENTS - len(templates)):
        template = templates[n % len(templates)]
        doc_id = next_id + n
        docs.append({**{c: getattr(template, c) for c in columns}, "id": doc_id, "incoming_number": doc_id,
                     "number": str(doc_id)})
        source = instances[template.id]
        flows.append(dict(id=doc_id, document_id=doc_id, process_version_id=source.process_version_id,
                          state=source.state, serializer_version=source.serializer_version, status="running",
                          lock_version=1, next_timer_due_at=source.next_timer_due_at, created_at=source.created_at,
                          updated_at=source.updated_at))
        row = open_rows[template.id]
        rows.append(dict(id=str(uuid.uuid4()), instance_id=doc_id + 1_000_000, document_id=doc_id, name=row.name,
                         title=row.title, role=row.role, assignee_id=row.assignee_id, due_at=row.due_at,
                         urgency_rank=row.urgency_rank, status="open", created_at=row.created_at))
    for start in range(0, len(docs), 5000):
        db.session.execute(Document.__table__.insert(), docs[start:start + 5000])
    offset = 1_000_000  # instance ids out of the way of the real ones
    for flow in flows:
        flow["id"] += offset
    for start in range(0, len(flows), 5000):
        db.session.execute(WorkflowInstance.__table__.insert(), flows[start:start + 5000])
        db.session.execute(InboxTask.__table__.insert(), rows[start:start + 5000])
    db.session.commit()
    return [d["id"] for d in docs]


def diagram_endpoint(app, db):
    ids = populate(db)
    client = app.test_client()
    token = client.post("/api/v1/session", json={"username": "giamdoc", "password": DEMO_PASSWORD}).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    rng = random.Random(11)
    sample = [rng.choice(ids) for _ in range(200)]
    first = client.get(f"/api/v1/documents/{sample[0]}/diagram", headers=headers).json
    assert first["items"][0]["current"] == ["route"]
    timings = []
    for doc_id in sample:
        started = time.perf_counter()
        response = client.get(f"/api/v1/documents/{doc_id}/diagram", headers=headers)
        timings.append(_ms(started))
        assert response.status_code == 200
    timings.sort()
    print(f"   {DOCUMENTS:,} documents ({db.engine.dialect.name}): GET /documents/<id>/diagram median "
          f"{statistics.median(timings):6.1f} ms, p95 {timings[int(len(timings) * 0.95)]:6.1f} ms "
          f"over {len(timings)} documents")


def run(workdir):
    app = make_app(workdir)
    with app.app_context():
        from engine.db import db

        spec_cache(validate_and_deploy(db))
        diagram_endpoint(app, db)
