"""Where a document stands: for each of its workflow instances (receive, each processing line, the outgoing
flow) the diagram version it runs on, the elements already done, the steps open now (who holds them and
since when) and the timers waiting."""
from __future__ import annotations

from SpiffWorkflow.util.task import TaskState

from engine.db import db
from engine.models import Document, InboxTask, Role, Unit, WorkflowInstance
from engine.workflow import runtime

CURRENT = TaskState.READY | TaskState.STARTED


def document_diagrams(document: Document) -> list[dict]:
    """The instances of a document, oldest first, with their progress on their diagrams."""
    instances = (db.session.query(WorkflowInstance).filter_by(document_id=document.id)
                 .order_by(WorkflowInstance.id).all())
    open_rows = {}
    for row in (db.session.query(InboxTask).filter_by(document_id=document.id, status="open")
                .order_by(InboxTask.created_at)):
        open_rows.setdefault(row.instance_id, []).append(row)
    return [_progress(instance, open_rows.get(instance.id, [])) for instance in instances]


def _progress(instance: WorkflowInstance, rows: list[InboxTask]) -> dict:
    workflow = runtime.load(instance, runtime.RunContext()).workflow
    completed, current, waiting = [], [], []
    for task in workflow.get_tasks(skip_subprocesses=True):
        element = task.task_spec.bpmn_id
        if not element:
            continue  # SpiffWorkflow's own joins and splits
        if task.state == TaskState.COMPLETED:
            completed.append(element)
        elif task.state & CURRENT:
            current.append(element)
        elif task.state == TaskState.WAITING:
            waiting.append(element)
    version = instance.process_version
    return {
        "instance_id": instance.id, "process_id": version.process_id, "version": version.version,
        "name": workflow.spec.description or version.process_id, "status": instance.status,
        "started_at": instance.created_at, "updated_at": instance.updated_at,
        "completed": _unique(completed), "current": _unique(current), "waiting": _unique(set(waiting) - set(current)),
        "tasks": [_task(row) for row in rows],
    }


def _task(row: InboxTask) -> dict:
    if row.assignee is not None:
        holder = row.assignee.full_name
    elif row.unit_code:
        unit = db.session.get(Unit, row.unit_code)
        holder = unit.name if unit else row.unit_code
    else:
        holder = Role.LABELS.get(row.role, row.role)
    return {"task_id": row.id, "element_id": row.name, "title": row.title, "role": row.role, "unit": row.unit_code,
            "assignee": row.assignee.username if row.assignee else None, "holder": holder,
            "since": row.created_at, "due_at": row.due_at}


def _unique(ids) -> list[str]:
    return sorted(set(ids))
