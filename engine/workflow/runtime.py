"""Running workflow instances: start, load, advance, save, and derive inbox rows.

Every function here works inside the caller's database transaction; the
caller (an engine operation) commits once, so domain rows, workflow state,
inbox rows and history change together or not at all.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Iterator
from uuid import UUID

import SpiffWorkflow.bpmn.specs.event_definitions.timer as _spiff_timer
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException, WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, select

from engine import clock
from engine.db import db
from engine.deadlines.calendar_service import expression_calendar_functions
from engine.errors import N_, TaskClosed, WorkflowFailure
from engine.models import (
    Document,
    InboxTask,
    ProcessingLine,
    ProcessVersion,
    Role,
    User,
    WorkflowInstance,
)
from engine.notifications import events
from engine.people.named import user_named
from engine.workflow import operators
from engine.workflow.scripting import DiagramCodeError, RestrictedEnvironment
from engine.workflow.serialization import SERIALIZER, STATE
from engine.workflow.specs import latest, parsed


class _ClockDatetime(datetime):
    """SpiffWorkflow's timers read ``datetime.now``; route it through engine.clock."""

    @classmethod
    def now(cls, tz=None):
        current = clock.now()
        return current.astimezone(tz) if tz else current.astimezone(timezone.utc).replace(tzinfo=None)


_spiff_timer.datetime = _ClockDatetime


@dataclass
class RunContext:
    """Who is acting, on whose behalf, and at what effective time, for operators and history."""

    actor: User | None = None
    on_behalf_of: User | None = None
    at: datetime | None = None
    entered_late: bool = False
    late_entry: dict | None = None  # the declared outage work entered late happened in {"outage_id", "reason"}
    document: Document | None = None
    task: InboxTask | None = None  # the user task being completed, if any
    instance: WorkflowInstance | None = None  # the instance whose engine is running
    line: ProcessingLine | None = None  # the processing line a line step works on, once its form read it
    # Transient values for operators that must never reach the serialized workflow state,
    # e.g. an unlocked signing key (the PIN typed at signing time). Lives for one request.
    secrets: dict = field(default_factory=dict)
    # Lets an operator bring the inbox rows up to date mid-run (a step may become ready and be
    # escalated within one engine pass, before the run's own inbox refresh).
    refresh_inbox: Callable[[], object] | None = None

    @property
    def when(self) -> datetime:
        return self.at or clock.now()


def now_iso() -> str:
    """The app clock's current time as an ISO string with +07:00 (for timer expressions)."""
    return clock.now().isoformat()


def expression_functions() -> dict:
    """Plain functions visible to diagram expressions (timers, gateways, parameters)."""
    calendar = expression_calendar_functions()

    def next_check(due_iso) -> str:
        """``due`` while it is ahead; once it has passed, the next working morning (a daily check)."""
        if due_iso and datetime.fromisoformat(str(due_iso)) > clock.now():
            return str(due_iso)
        return calendar["next_morning"](now_iso())

    return {**calendar, "now_iso": now_iso, "next_check": next_check}


class QOfficeScriptEngine(PythonScriptEngine):
    """Restricted expressions plus service operators from the allow-list."""

    def __init__(self, ctx: RunContext):
        super().__init__(environment=RestrictedEnvironment(expression_functions()))
        self.ctx = ctx

    def call_service(self, task, operation_name=None, operation_params=None, **kwargs):
        params = {k: v["value"] for k, v in (operation_params or {}).items()}
        fn = operators.get(operation_name)
        result = fn(self.ctx, **params)
        return json.dumps(result or {}, default=str)


@dataclass
class Loaded:
    instance: WorkflowInstance
    workflow: BpmnWorkflow
    ctx: RunContext
    # Inbox rows of an instance started in this run: it has no others, so they are not looked up.
    started_rows: list[InboxTask] | None = None

    def __post_init__(self):
        self.ctx.refresh_inbox = lambda: sync_inbox(self)


def _diagram_error(exc: Exception) -> WorkflowFailure:
    detail = ("một ngày giờ tính ra vượt quá năm 9999 (hẹn giờ quá dài?)" if isinstance(exc, OverflowError)
              else str(exc)[:300])
    return WorkflowFailure(N_("Lỗi trong sơ đồ quy trình: %(detail)s"), params={"detail": detail})


def start(process_id: str, document: Document, data: dict | Callable[[], dict], ctx: RunContext) -> WorkflowInstance:
    """Start the latest version of ``process_id`` for ``document`` with initial ``data``.

    ``data`` may be a function called once the instance is flushed, for data naming rows that get
    their ids in that same flush (one flush instead of two).
    """
    version = latest(process_id)
    if version is None:
        raise WorkflowFailure(N_("Chưa triển khai quy trình %(name)s"), params={"name": process_id})
    p = parsed(version)
    ctx.document = document
    wf = BpmnWorkflow(p.spec, p.subprocess_specs, script_engine=QOfficeScriptEngine(ctx))
    now = clock.now()
    instance = WorkflowInstance(document_id=document.id, process_version_id=version.id, state="",
                                serializer_version="", created_at=now, updated_at=now)
    instance.process_version = version
    db.session.add(instance)
    db.session.flush()
    wf.get_tasks(state=TaskState.READY)[0].data.update(data() if callable(data) else data)
    ctx.instance = instance
    loaded = Loaded(instance, wf, ctx, started_rows=[])
    advance(loaded)
    save(loaded)
    return instance


def load(instance: WorkflowInstance, ctx: RunContext) -> Loaded:
    """Rebuild the SpiffWorkflow object of a stored instance."""
    p = parsed(instance.process_version)
    dct = json.loads(instance.state)
    dct.pop(STATE.VERSION_KEY, None)
    if instance.serializer_version == STATE.VERSION:
        wf = STATE.from_dict(dct, spec=p.spec, subprocess_specs=p.subprocess_specs)
    else:  # saved by an older SpiffWorkflow: its migrations work on the whole workflow, spec included
        dct.update(p.spec_dict())
        dct[SERIALIZER.VERSION_KEY] = instance.serializer_version
        SERIALIZER.migrate(dct)
        wf = SERIALIZER.from_dict(dct)
    ctx.document = ctx.document or instance.document
    ctx.instance = instance
    wf.script_engine = QOfficeScriptEngine(ctx)
    return Loaded(instance, wf, ctx)


MAX_ROUNDS = 100  # bounds the catch-up of a cycle timer after a long downtime
# What a step of a diagram raises when the diagram is at fault: SpiffWorkflow's errors, diagram code
# refused or out of budget, a name it gives that does not exist, a date it computes beyond year 9999
# (a timer's duration from the document's data). Anything else is a fault of Q-Office's code.
DIAGRAM_FAULTS = (SpiffWorkflowException, DiagramCodeError, operators.DiagramReferenceError, OverflowError)


def advance(loaded: Loaded) -> None:
    """Run engine steps and fire due timers until only user tasks and future timers remain.

    Inbox rows are refreshed between rounds, so a step escalated in the same pass in which it
    became ready (a deadline already past) is found open. A cycle timer that fell behind during
    downtime catches up within this one call; its escalations are keyed per day, so that is
    one email, never a burst.
    """
    wf = loaded.workflow
    try:
        wf.do_engine_steps()
        sync_inbox(loaded)
        for _ in range(MAX_ROUNDS):
            wf.refresh_timers()
            if not any(not t.task_spec.manual for t in _in_state(wf, TaskState.READY)):
                break
            wf.do_engine_steps()
            sync_inbox(loaded)
    except DIAGRAM_FAULTS as exc:
        raise _diagram_error(exc) from exc


def _in_state(wf: BpmnWorkflow, state: TaskState) -> Iterator:
    """The tasks of ``wf`` and of its subprocesses in ``state``, read off their task tables: cheaper
    than SpiffWorkflow's walk of the task tree, for callers that need no order."""
    for workflow in (wf, *wf.subprocesses.values()):
        for task in workflow.tasks.values():
            if task.state == state:
                yield task


def cancel(instance: WorkflowInstance, ctx: RunContext) -> None:
    """Cancel every open task of ``instance`` (its inbox rows close too) and mark it cancelled."""
    loaded = load(instance, ctx)
    loaded.workflow.cancel()
    sync_inbox(loaded)
    save(loaded, status="cancelled")


def save(loaded: Loaded, status: str | None = None) -> None:
    """Write the state back; the version column makes a stale save fail (StaleDataError)."""
    wf, instance = loaded.workflow, loaded.instance
    instance.state = STATE.serialize_json(wf)  # without the spec: that is the process version's
    instance.serializer_version = STATE.VERSION
    instance.next_timer_due_at = next_timer_due(wf)
    instance.status = status or ("completed" if wf.is_completed() else "running")
    instance.updated_at = clock.now()


def _timer_definitions(task) -> list[TimerEventDefinition]:
    """The timers a waiting task waits for: its own, or those among an event-based gateway's events."""
    definition = getattr(task.task_spec, "event_definition", None)
    if isinstance(definition, TimerEventDefinition):
        return [definition]
    if isinstance(definition, MultipleEventDefinition):
        return [d for d in definition.event_definitions if isinstance(d, TimerEventDefinition)]
    return []


def next_timer_due(wf: BpmnWorkflow) -> datetime | None:
    """Earliest due time of the waiting timer events (subprocesses and event-based gateways included)."""
    dues = []
    for task in _in_state(wf, TaskState.WAITING):
        for definition in _timer_definitions(task):
            value = definition.details(task).value
            if value is None:
                continue
            if isinstance(definition, CycleTimerEventDefinition):
                due = datetime.fromisoformat(value if isinstance(value, str) else value["next"])
            elif isinstance(definition, TimeDateEventDefinition):
                due = TimerEventDefinition.parse_time_or_duration(value)
            else:
                due = TimerEventDefinition.get_datetime(value)
            if due.tzinfo is None:
                due = due.replace(tzinfo=timezone.utc)
            dues.append(due)
    return clock.to_vn(min(dues)) if dues else None


def deliver(loaded: Loaded, message: str, payload: dict) -> bool:
    """Hand the message ``message`` to a waiting catch event and advance; False when nothing waits for it."""
    try:
        loaded.workflow.send_event(BpmnEvent(MessageEventDefinition(message), payload=payload))
    except WorkflowException:
        return False
    advance(loaded)
    return True


def ready_task(loaded: Loaded, task_id: str):
    try:
        task = loaded.workflow.get_task_from_id(UUID(task_id))
    except (TaskNotFoundException, ValueError):
        return None
    return task if task.state == TaskState.READY else None


def complete(loaded: Loaded, task_id: str, data: dict) -> None:
    """Complete the ready user task ``task_id`` with ``data`` and advance the workflow."""
    task = ready_task(loaded, task_id)
    if task is None:
        raise TaskClosed(N_("Công việc này đã được xử lý hoặc đã bị hủy."))
    task.data.update(data)
    try:
        task.run()
    except DIAGRAM_FAULTS as exc:
        raise _diagram_error(exc) from exc
    advance(loaded)


# --- inbox rows ---------------------------------------------------------------------------

def _evaluate_property(loaded: Loaded, task, name: str):
    source = (task.task_spec.extensions or {}).get("properties", {}).get(name)
    if not source:
        return None
    try:
        return loaded.workflow.script_engine.evaluate(task, source)
    except SpiffWorkflowException as exc:
        raise _diagram_error(exc) from exc


def _form_of(task) -> str | None:
    """The form the diagram names for a user task, when it is not the one named like the task."""
    form = (task.task_spec.extensions or {}).get("properties", {}).get("form")
    return form if form and form != task.task_spec.bpmn_id else None


def _resolve_user(value) -> User | None:
    """The active user named ``user:<username>``; a handed-over account resolves to its successor."""
    if not value:
        return None
    user = user_named(value)
    for _ in range(10):  # successor chains are short; the bound only guards against a cycle
        if user is None or user.active:
            return user
        user = user.successor
    return None


def _parse_due(value) -> datetime | None:
    if not value:
        return None
    due = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if due.tzinfo is None:
        due = due.replace(tzinfo=clock.VN_TZ)
    return due


def _row_fields(loaded: Loaded, task, lane_roles: dict) -> dict:
    """What an inbox row says about a ready user task, read from its diagram version."""
    lane = task.task_spec.lane
    role = Role.LANES.get(lane_roles.get(lane, lane))
    if role is None:
        raise WorkflowFailure(N_("Làn '%(lane)s' của sơ đồ không ứng với vai trò nào."), params={"lane": lane})
    assignee = _resolve_user(_evaluate_property(loaded, task, "assignee"))
    unit = _evaluate_property(loaded, task, "unit")
    return {"name": task.task_spec.bpmn_id, "form": _form_of(task),
            "title": task.task_spec.bpmn_name or task.task_spec.bpmn_id, "role": role,
            "unit_code": str(unit).removeprefix("unit:") if unit else None,
            "assignee_id": assignee.id if assignee else None,
            "due_at": _parse_due(_evaluate_property(loaded, task, "due"))}


def sync_inbox(loaded: Loaded) -> list[InboxTask]:
    """Create inbox rows for newly ready user tasks and cancel rows whose task went away."""
    instance, wf = loaded.instance, loaded.workflow
    document = loaded.ctx.document or instance.document
    ready = {str(t.id): t for t in wf.get_tasks(state=TaskState.READY, manual=True)}
    with db.session.no_autoflush:
        created = _sync_rows(loaded, document, ready)
    events.tasks_ready(loaded.ctx, created)  # R-NOTIFY-1: whoever the new work is for is told
    return created


_OPEN_ROWS = select(InboxTask).where(InboxTask.instance_id == bindparam("instance_id"), InboxTask.status == "open")


def _open_rows(loaded: Loaded) -> dict[str, InboxTask]:
    """The open inbox rows of the instance as this transaction sees them: what the database holds,
    with the changes not flushed yet applied (rows of this engine run are flushed once, later)."""
    if loaded.started_rows is not None:
        return {r.id: r for r in loaded.started_rows if r.status == "open"}
    instance = loaded.instance
    stored = db.session.scalars(_OPEN_ROWS, {"instance_id": instance.id}).all()
    pending = [r for r in db.session.new if isinstance(r, InboxTask) and r.instance_id == instance.id]
    return {r.id: r for r in (*stored, *pending) if r.status == "open"}


def _sync_rows(loaded: Loaded, document: Document, ready: dict) -> list[InboxTask]:
    instance = loaded.instance
    lane_roles = parsed(instance.process_version).lane_roles
    rows = _open_rows(loaded)
    # The effective time: work entered late after an outage starts the next task when it was really done.
    now = loaded.ctx.when
    for row_id, row in rows.items():
        if row_id not in ready:
            row.status, row.closed_at = "cancelled", now
    created = []
    for task_id, task in ready.items():
        if task_id in rows:
            continue
        row = InboxTask(id=task_id, instance_id=instance.id, document_id=document.id,
                        urgency_rank=document.urgency_rank, status="open", created_at=now,
                        **_row_fields(loaded, task, lane_roles))
        # Relationships set by hand: a pending row does not load them from its keys before the flush.
        row.document = document
        row.assignee = db.session.get(User, row.assignee_id) if row.assignee_id else None
        db.session.add(row)
        created.append(row)
    if loaded.started_rows is not None:
        loaded.started_rows += created
    return created


def refresh_open_rows(loaded: Loaded) -> None:
    """Bring the open inbox rows of an instance in line with its (new) diagram version; a person who
    already holds a task (named, or who claimed it from the unit's queue) keeps it."""
    lane_roles = parsed(loaded.instance.process_version).lane_roles
    for row in db.session.query(InboxTask).filter_by(instance_id=loaded.instance.id, status="open"):
        task = ready_task(loaded, row.id)
        if task is None:
            continue
        fields = _row_fields(loaded, task, lane_roles)
        if row.assignee_id is not None:
            fields.pop("assignee_id")
        for key, value in fields.items():
            setattr(row, key, value)
    db.session.flush()


def version_of(instance: WorkflowInstance) -> ProcessVersion:
    return instance.process_version
