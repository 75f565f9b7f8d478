"""What the speed work on the hot paths must keep true: the tabs of the task list count what each
view lists, the list reads a fixed number of statements however many tasks it shows, facts cached
for a transaction follow changes made in it and last until it ends, a step answers with what it
stored, and workflow states saved the older way still load."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event

from engine import clock
from engine.db import db
from tests.test_lifecycle_api import complete, registered, route


@contextmanager
def statements():
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_each_tab_counts_what_its_view_lists_and_the_total_is_all_views(api):
    today = clock.today()
    assert api.post("giamdoc", "/delegations", {"delegate": "user:tp.ldvl", "starts_on": today.isoformat(),
                                                "ends_on": (today + timedelta(days=2)).isoformat(),
                                                "rights": ["route"]}).status_code == 201
    queued, informed, own = registered(api), registered(api), registered(api)
    registered(api)  # still waits for routing: in tp.ldvl's delegated view
    route(api, queued, {"lead": ["unit:ldvl"]})
    route(api, informed, {"lead": ["unit:ncc"], "inform": ["unit:ldvl"]})
    route(api, own, {"lead": ["user:tp.ldvl"]})

    listing = api.get("tp.ldvl", "/tasks").json
    views = {view: api.get("tp.ldvl", "/tasks", query_string={"view": view}).json
             for view in ("mine", "queue", "delegated", "info")}
    assert {view: body["total"] for view, body in views.items()} == listing["counts"]
    assert listing["counts"] == {"mine": 1, "queue": 1, "delegated": 1, "info": 1}
    assert listing["total"] == len(listing["items"]) == 4
    assert sorted(t["id"] for t in listing["items"]) == sorted(t["id"] for v in views.values() for t in v["items"])
    assert all(body["counts"] == listing["counts"] for body in views.values())
    # A filter narrows the total, not the tabs.
    narrowed = api.get("tp.ldvl", "/tasks", query_string={"q": "khong co trich yeu nay"}).json
    assert narrowed["total"] == 0 and narrowed["items"] == [] and narrowed["counts"] == listing["counts"]


def test_pages_of_a_list_merge_its_sources_in_one_order_without_overlap_or_gap(api):
    from engine.models.documents import Urgency

    # tp.ldvl's list draws on two sources: tasks assigned to them, and their unit's queue.
    for urgency, deadline, lead in (("normal", 5, "user:tp.ldvl"), ("khan", 3, "unit:ldvl"),
                                    ("normal", 2, "unit:ldvl"), ("hoa_toc", None, "user:tp.ldvl"),
                                    ("normal", None, "unit:ldvl"), ("khan", 1, "user:tp.ldvl"),
                                    ("normal", 2, "user:tp.ldvl")):
        form = {"lead": [lead], **({"deadline": deadline} if deadline else {})}
        assert route(api, registered(api, urgency=urgency), form).status_code == 200
    whole = api.get("tp.ldvl", "/tasks").json["items"]
    assert len(whole) == 7 and {t["assignee"] for t in whole} == {"tp.ldvl", None}
    # Most urgent first, then the earliest deadline, those without one last, then the oldest.
    assert whole == sorted(whole, key=lambda t: (-Urgency.RANK[t["urgency"]], t["due_at"] is None,
                                                 t["due_at"] or "", t["created_at"]))
    pages = [api.get("tp.ldvl", "/tasks", query_string={"per_page": 2, "page": page}).json for page in (1, 2, 3, 4, 5)]
    assert [t["id"] for page in pages for t in page["items"]] == [t["id"] for t in whole]
    assert [len(page["items"]) for page in pages] == [2, 2, 2, 1, 0] and {p["total"] for p in pages} == {7}
    mine = api.get("tp.ldvl", "/tasks", query_string={"view": "mine", "per_page": 3, "page": 2}).json
    assert [t["id"] for t in mine["items"]] == [t["id"] for t in whole if t["assignee"] == "tp.ldvl"][3:6]
    # A filter pages the same order.
    normal = [t["id"] for t in whole if t["urgency"] == "normal"]
    narrowed = api.get("tp.ldvl", "/tasks", query_string={"urgency": "normal", "per_page": 2, "page": 2}).json
    assert narrowed["total"] == len(normal) == 4 and [t["id"] for t in narrowed["items"]] == normal[2:4]


def test_the_task_list_reads_as_many_statements_for_twenty_tasks_as_for_one(api):
    api.get("giamdoc", "/tasks")  # sign in first
    registered(api)
    with statements() as one:
        assert api.get("giamdoc", "/tasks").json["total"] == 1
    for _ in range(19):
        registered(api)
    with statements() as twenty:
        body = api.get("giamdoc", "/tasks").json
    assert body["total"] == 20 and all(t["document"]["subject"] for t in body["items"])
    assert len(twenty) == len(one) <= 5


def test_a_delegation_written_in_a_transaction_is_seen_by_that_transaction(app):
    from engine.models import Delegation, User
    from engine.processing import delegations

    leader = db.session.query(User).filter_by(username="giamdoc").one()
    deputy = db.session.query(User).filter_by(username="phogiamdoc").one()
    today = clock.today()
    assert delegations.in_force(deputy) == []
    db.session.add(Delegation(delegator_id=leader.id, delegate_id=deputy.id, starts_on=today, ends_on=today,
                              rights=["route"], created_at=clock.now()))
    assert [d.delegator_id for d in delegations.in_force(deputy)] == [leader.id]
    assert delegations.delegator_for(deputy, leader.id, "route") == leader
    db.session.execute(db.update(Delegation).values(revoked_at=clock.now()))
    assert delegations.in_force(deputy) == [] and delegations.delegates_of(leader) == []
    db.session.rollback()


def test_a_fact_cached_for_a_transaction_survives_its_flushes_but_not_its_end(app):
    from engine.models import Unit
    from engine.people.named import user_named

    unit = db.session.query(Unit).first()
    with statements() as first:
        leader = user_named("user:giamdoc")
    unit.name += " (đổi tên)"
    db.session.flush()  # another kind of row written: the person looked up is still the same person
    with statements() as again:
        assert user_named("user:giamdoc") is leader
    assert first and not again
    db.session.rollback()
    with statements() as after:
        assert user_named("user:giamdoc").username == "giamdoc"
    assert after  # a new transaction reads again


def test_the_document_answered_after_a_step_is_the_one_stored(api):
    doc_id = registered(api)
    answered = route(api, doc_id, {"lead": ["user:cv.ldvl"]}).json
    stored = api.get("giamdoc", f"/documents/{doc_id}").json
    assert answered["status"] == stored["status"] == "in_progress"
    assert answered["history"] == stored["history"] and answered["lines"] == stored["lines"]
    assert answered["attachments"] == stored["attachments"] and len(answered["attachments"]) == 1


def test_a_workflow_saved_by_an_older_serializer_still_loads_and_runs(api):
    from engine.models import WorkflowInstance

    doc_id = registered(api)
    instance = db.session.query(WorkflowInstance).filter_by(document_id=doc_id).one()
    # Written before the state was stored without its spec: SpiffWorkflow migrates it with the spec.
    instance.serializer_version = "1.4"
    db.session.commit()
    done = route(api, doc_id, {"lead": ["user:cv.ldvl"]})
    assert done.status_code == 200, done.json
    db.session.expire_all()
    assert db.session.get(WorkflowInstance, instance.id).serializer_version == "1.5"
    assert complete(api, "cv.ldvl", doc_id, "process", {"action": "file"})["status"] == "completed"


def test_the_task_list_page_reads_as_many_statements_for_twenty_tasks_as_for_one(client, api):
    from tests.test_web_auth import login

    registered(api)
    login(client, "giamdoc")
    with statements() as one:
        assert client.get("/inbox").status_code == 200
    for _ in range(19):
        registered(api)
    with statements() as twenty:
        page = client.get("/inbox").get_data(as_text=True)
    assert page.count('href="/tasks/') == 20
    assert len(twenty) == len(one)  # was one or two more statements per task (columns the list had not read)
