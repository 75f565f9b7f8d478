"""What must hold after any number of crashes, read from the database, the file store and what the
SMTP server and the axis received. Each check returns its figures and adds what is wrong to
``problems`` (the test requires that list empty)."""
from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from datetime import timedelta

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func

from engine import clock
from engine.db import db
from engine.incoming import uploads
from engine.models import (
    Attachment,
    Delivery,
    Document,
    InboxTask,
    Notification,
    OutboxMessage,
    ReceivedPackage,
    RegisterCounter,
    User,
    WorkflowInstance,
)
from engine.storage import store
from engine.workflow import runtime

FINAL = {"incoming": "completed", "axis": "completed", "outgoing": "sent"}
STATUS_CODES = ["01", "03", "04", "05", "06"]  # arrived, accepted, routed, in progress, completed
# Notices that depend on the clock or on people's choices, not on the lifecycle's steps (a run may cross 17:00).
TIMED = ("escalation", "reminder", "digest", "urge", "axis_failed")


def documents(lifecycles, problems: list) -> dict:
    """Every lifecycle made exactly one document, which reached its end; an outgoing one made exactly one
    internal copy for the unit it was sent to; nothing else exists."""
    expected = 0
    for life in lifecycles:
        direction = "outgoing" if life.kind == "outgoing" else "incoming"
        found = db.session.query(Document).filter_by(subject=life.subject, direction=direction).all()
        expected += 1
        if len(found) != 1:
            problems.append(f"{life.kind} {life.index}: {len(found)} documents")
            continue
        doc = found[0]
        if doc.id != life.doc_id or doc.status != FINAL[life.kind]:
            problems.append(f"{life.kind} {life.index}: document {doc.id} ({life.doc_id} expected) is {doc.status}")
        if life.kind == "outgoing":
            copies = db.session.query(Document).filter_by(subject=life.subject, direction="incoming").count()
            expected += 1
            if copies != 1:
                problems.append(f"outgoing {life.index}: {copies} internal copies")
    total = db.session.query(Document).count()
    if total != expected:
        problems.append(f"{total} documents in the database, {expected} expected")
    return {"documents": total}


def registers(problems: list) -> dict:
    """Both registers hold 1..n for each year, no gap and no number twice, and their counter says n."""
    figures = {}
    for register, year_col, number_col in (("incoming", Document.register_year, Document.incoming_number),
                                           ("outgoing", Document.outgoing_year, Document.outgoing_number)):
        by_year = defaultdict(list)
        for year, number in db.session.query(year_col, number_col).filter(number_col.isnot(None)):
            by_year[year].append(number)
        counters = {c.year: c.last_number for c in db.session.query(RegisterCounter).filter_by(register=register)}
        for year in set(by_year) | set(counters):
            numbers = sorted(by_year.get(year, []))
            if numbers != list(range(1, len(numbers) + 1)) or counters.get(year, 0) != len(numbers):
                doubles = [n for n, c in Counter(numbers).items() if c > 1]
                gaps = sorted(set(range(1, max(numbers, default=0) + 1)) - set(numbers))
                problems.append(f"{register} register {year}: {len(numbers)} numbers, counter "
                                f"{counters.get(year)}, gaps {gaps[:10]}, doubles {doubles[:10]}")
            figures[f"{register}_numbers"] = figures.get(f"{register}_numbers", 0) + len(numbers)
    return figures


def instances(problems: list) -> dict:
    """The ready user tasks of every stored workflow are exactly its open inbox rows; a finished
    document has neither."""
    checked = 0
    open_rows = defaultdict(set)
    for row in db.session.query(InboxTask).filter_by(status="open"):
        open_rows[row.instance_id].add(row.id)
    for instance in db.session.query(WorkflowInstance):
        loaded = runtime.load(instance, runtime.RunContext())
        ready = {str(t.id) for t in loaded.workflow.get_tasks(state=TaskState.READY, manual=True)}
        if ready != open_rows.get(instance.id, set()):
            problems.append(f"instance {instance.id} (document {instance.document_id}): ready {sorted(ready)}, "
                            f"open inbox rows {sorted(open_rows.get(instance.id, set()))}")
        if (instance.status == "completed") != loaded.workflow.is_completed():
            problems.append(f"instance {instance.id}: status {instance.status}, workflow completed "
                            f"{loaded.workflow.is_completed()}")
        checked += 1
    finished = (db.session.query(InboxTask.document_id).join(Document, Document.id == InboxTask.document_id)
                .filter(InboxTask.status == "open", Document.status.in_(("completed", "sent"))).distinct().all())
    if finished:
        problems.append(f"finished documents with open tasks: {[r[0] for r in finished]}")
    return {"instances": checked}


def notifications(rig, problems: list) -> dict:
    """Each lifecycle told the same people of the same steps as its undisturbed reference."""
    def told(life) -> Counter:
        ids = [d.id for d in db.session.query(Document).filter_by(subject=life.subject)]
        rows = db.session.query(Notification.kind, User.username).join(User, User.id == Notification.user_id) \
            .filter(Notification.document_id.in_(ids), Notification.kind.notin_(TIMED))
        return Counter(rows)

    reference = {kind: told(life) for kind, life in rig.reference.items()}
    for life in rig.lifecycles:
        missing = reference[life.kind] - told(life)
        if missing:
            problems.append(f"{life.kind} {life.index}: notifications missing {dict(missing)}")
    return {"notifications": db.session.query(Notification).count()}


def emails(mail, problems: list) -> dict:
    """Every email queued was delivered; a copy sent again after a crash carries the same Message-ID, so
    the recipient's mail system shows it once."""
    copies, message_ids = mail.received()
    rows = db.session.query(OutboxMessage).filter_by(kind="email").all()
    keys = {row.key for row in rows}
    for row in rows:
        if row.status != "sent" or copies[row.key] < 1:
            problems.append(f"email {row.key}: {row.status}, received {copies[row.key]} times")
        elif len(message_ids[row.key]) != 1:
            problems.append(f"email {row.key} received under Message-IDs {message_ids[row.key]}")
    strangers = set(copies) - keys
    if strangers:
        problems.append(f"emails nobody queued: {sorted(strangers)[:5]}")
    emailed = db.session.query(Notification).filter_by(delivery="email").count()
    if emailed != len(rows):
        problems.append(f"{emailed} notifications to email, {len(rows)} emails queued")
    return {"emails": len(rows), "emails_resent": sum(copies.values()) - len(set(copies) & keys)}


def packages(rig, problems: list) -> dict:
    """Every package queued is on the axis exactly once (resent copies carry the same idempotency key);
    every status of an incoming document went back once; every axis package was taken in once."""
    ours = [m for m in rig.axis.messages() if m["from"] == "000.00.15.H47"]
    on_axis = Counter(m["key"] for m in ours)
    rows = db.session.query(OutboxMessage).filter(OutboxMessage.kind.like("edxml_%")).all()
    for row in rows:
        if row.status != "sent" or on_axis[row.key] != 1:
            problems.append(f"package {row.key}: {row.status}, {on_axis[row.key]} on the axis")
    if set(on_axis) - {row.key for row in rows}:
        problems.append(f"packages on the axis nobody queued: {sorted(set(on_axis) - {r.key for r in rows})[:5]}")
    for life in [*rig.reference.values(), *rig.lifecycles]:
        if life.kind == "outgoing":
            states = [d.state for d in db.session.query(Delivery).filter_by(document_id=life.doc_id)]
            if states != ["sent"]:
                problems.append(f"outgoing {life.index}: deliveries {states}")
            continue
        codes = sorted(row.payload["code"] for row in rows
                       if row.kind == "edxml_status" and row.document_id == life.doc_id)
        if codes != STATUS_CODES:
            problems.append(f"{life.kind} {life.index}: status replies {codes}")
    axis_lives = sum(1 for life in [*rig.reference.values(), *rig.lifecycles] if life.kind == "axis")
    taken = db.session.query(ReceivedPackage).filter_by(outcome="taken").count()
    waiting = [m for m in rig.axis.messages() if m["to"] == "000.00.15.H47" and m["status"] != "DONE"]
    if taken != axis_lives or waiting:
        problems.append(f"{axis_lives} packages sent to us, {taken} taken in, {len(waiting)} not acknowledged")
    return {"packages": len(rows), "packages_resent": sum(rig.axis.posts.values()) - len(on_axis)}


def files(problems: list) -> dict:
    """Every stored file has its sha256 and size; after the nightly sweep no orphan blob or half-written
    temporary file of a killed upload is left, and every referenced blob is still there."""
    root = store()
    checked = 0
    for sha, size in db.session.query(Attachment.sha256, Attachment.size).distinct():
        path = root.path_for(sha)
        data = path.read_bytes() if path.exists() else None
        if data is None or hashlib.sha256(data).hexdigest() != sha or len(data) != size:
            problems.append(f"file {sha}: {'missing' if data is None else 'wrong content'}")
        checked += 1
    with clock.frozen(clock.now() + timedelta(days=2)):
        swept = uploads.sweep_files()
    left = sorted(p.name for p in root.root.glob("??/??/.*"))
    referenced = uploads.referenced([p.name for p in root.root.glob("??/??/*") if not p.name.startswith(".")])
    orphans = {p.name for p in root.root.glob("??/??/*") if not p.name.startswith(".")} - referenced
    if left or orphans:
        problems.append(f"after the sweep: temporary files {left[:5]}, orphan blobs {sorted(orphans)[:5]}")
    missing = [sha for (sha,) in db.session.query(Attachment.sha256).distinct() if not root.path_for(sha).exists()]
    if missing:
        problems.append(f"the sweep removed files in use: {missing[:5]}")
    return {"files": checked, "swept_orphans": swept["orphans"], "swept_temporary": swept["temporary"],
            "attachments": db.session.query(func.count(Attachment.id)).scalar()}
