"""Moving running documents from one version of a process to another.

A dry run lists every running instance: it can move (with each open step mapped by element id to the
step it becomes), or it cannot, and why. Applying moves each instance in its own transaction with a
history entry on its document, so one instance that cannot move never holds back the others. Open steps
keep their task ids (the inbox rows stay, brought up to date); waiting timers are computed again from
the new diagram.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine import history
from engine.db import db
from engine.errors import N_, DomainError, InvalidInput, WorkflowFailure
from engine.models import ProcessVersion, User, WorkflowInstance
from engine.processes.deployment import require_owner, version
from engine.tx import transaction
from engine.validation import parse_id
from engine.workflow import runtime
from engine.workflow.serialization import SERIALIZER
from engine.workflow.specs import parsed

log = logging.getLogger(__name__)
OPEN = TaskState.READY | TaskState.WAITING | TaskState.STARTED
MAX_INSTANCES = 500  # per request; a larger backlog is moved in several runs


@dataclass
class Outcome:
    """What happens (or happened) to one running instance."""

    instance: WorkflowInstance
    status: str  # can_move | cannot_move | moved | failed
    mapping: list[dict] = field(default_factory=list)  # [{"from", "to", "name", "state"}] for open steps
    reasons: list[tuple[str, dict]] = field(default_factory=list)  # (message template, params)

    def as_dict(self, translate=lambda text: text) -> dict:
        """The outcome as JSON; ``translate`` renders the reasons in the reader's language."""
        doc = self.instance.document
        return {"instance_id": self.instance.id, "document_id": doc.id,
                "document": doc.number_notation or doc.subject[:80], "status": self.status,
                "mapping": self.mapping, "reasons": [translate(template) % params if params else translate(template)
                                                     for template, params in self.reasons]}


def _request(user: User, process_id: str, from_version, to_version,
              instance_ids) -> tuple[ProcessVersion, ProcessVersion, list[int] | None]:
    """The two versions and the instances asked for, once the person may and the input is sound."""
    require_owner(user)
    ids = _ids(instance_ids)
    numbers = parse_id(from_version), parse_id(to_version)  # 1.9, true, 1e400 are no version number
    if None in numbers:
        raise InvalidInput(N_("Hãy chọn phiên bản nguồn và phiên bản đích (số)."),
                           details={"from_version": "integer", "to_version": "integer"})
    if numbers[0] == numbers[1]:
        raise InvalidInput(N_("Phiên bản nguồn và phiên bản đích phải khác nhau."),
                           details={"to_version": "same as from_version"})
    return version(user, process_id, numbers[0]), version(user, process_id, numbers[1]), ids


def _running(source: ProcessVersion, instance_ids) -> list[WorkflowInstance]:
    query = (db.session.query(WorkflowInstance)
             .filter_by(process_version_id=source.id, status="running").order_by(WorkflowInstance.id))
    if instance_ids:
        query = query.filter(WorkflowInstance.id.in_(instance_ids))
    return query.limit(MAX_INSTANCES).all()


def plan(user: User, process_id: str, from_version, to_version, instance_ids=None) -> list[Outcome]:
    """The dry run: what would happen to each running instance of ``from_version`` (nothing is stored)."""
    source, target, ids = _request(user, process_id, from_version, to_version, instance_ids)
    outcomes = []
    for instance in _running(source, ids):
        try:
            loaded = runtime.load(instance, runtime.RunContext(actor=user))
            outcomes.append(_assess(loaded, target)[0])  # diffing reads the workflow, never changes it
        except Exception as exc:  # noqa: BLE001 - an unreadable instance is reported, the others still listed
            log.exception("assessing workflow instance %s failed", instance.id)
            outcomes.append(Outcome(instance, "cannot_move", reasons=[(N_("Không đọc được luồng: %(detail)s"),
                                                                      {"detail": str(exc)[:300]})]))
    return outcomes


def apply(user: User, process_id: str, from_version, to_version, instance_ids=None) -> list[Outcome]:
    """Move each running instance that can move, each in its own transaction with a history entry."""
    source, target, ids = _request(user, process_id, from_version, to_version, instance_ids)
    outcomes = []
    for instance_id in [i.id for i in _running(source, ids)]:
        outcomes.append(_move(user, instance_id, source.id, target.id))
    return outcomes


def _ids(instance_ids):
    if instance_ids in (None, "", []):
        return None
    values = instance_ids if isinstance(instance_ids, (list, tuple)) else [instance_ids]
    ids = [parse_id(v) for v in values]
    if None in ids:
        raise InvalidInput(N_("Mã luồng (instance) không hợp lệ."), details={"instances": "integers"})
    return ids


def _assess(loaded: runtime.Loaded, target: ProcessVersion):
    """The outcome for one loaded instance and, when it can move, the diffs to apply."""
    wf = loaded.workflow
    outcome = Outcome(loaded.instance, "can_move")
    new = parsed(target)
    top, subs = diff_workflow(SERIALIZER.registry, wf, new.spec, new.subprocess_specs)
    removed = set(top.removed)
    for sub_id, sub_diff in subs.items():
        if sub_diff is None:
            outcome.reasons.append((N_("Quy trình con %(name)s không còn trong phiên bản mới."),
                                    {"name": wf.subprocesses[sub_id].spec.name}))
        else:
            removed |= set(sub_diff.removed)
    for task in wf.get_tasks(state=OPEN):
        if not task.task_spec.bpmn_id:
            continue
        step = {"from": task.task_spec.bpmn_id, "name": task.task_spec.bpmn_name or task.task_spec.bpmn_id,
                "state": TaskState.get_name(task.state)}
        if task in removed:
            outcome.reasons.append((N_("Bước đang mở “%(name)s” (%(id)s) không còn trong phiên bản mới."),
                                    {"name": step["name"], "id": step["from"]}))
            step["to"] = None
        else:
            aligned = _aligned(task, top, subs)
            step["to"] = aligned.bpmn_id if aligned is not None else step["from"]
        outcome.mapping.append(step)
    if outcome.reasons:
        outcome.status = "cannot_move"
    return outcome, top, subs, new


def _aligned(task, top, subs):
    if task in top.alignment:
        return top.alignment[task]
    for sub_diff in subs.values():
        if sub_diff is not None and task in sub_diff.alignment:
            return sub_diff.alignment[task]
    return None


def _move(user: User, instance_id: int, source_id: int, target_id: int) -> Outcome:
    instance = db.session.get(WorkflowInstance, instance_id)
    target = db.session.get(ProcessVersion, target_id)
    try:
        with transaction():
            if instance.process_version_id != source_id or instance.status != "running":
                raise WorkflowFailure(N_("Luồng này vừa thay đổi (đã chuyển hoặc đã kết thúc)."))
            ctx = runtime.RunContext(actor=user)
            loaded = runtime.load(instance, ctx)
            outcome, top, subs, new = _assess(loaded, target)
            if outcome.status != "can_move":
                return outcome
            _migrate(loaded.workflow, top, subs, new)
            old_number = instance.process_version.version
            instance.process_version = target
            instance.process_version_id = target.id
            runtime.advance(loaded)
            runtime.refresh_open_rows(loaded)
            runtime.save(loaded)
            history.record(instance.document, "process_migrated", ctx,
                           note=f"Quy trình {target.process_id}: phiên bản {old_number} → {target.version}",
                           details={"instance_id": instance.id, "mapping": outcome.mapping})
            outcome.status = "moved"
            return outcome
    except Exception as exc:  # noqa: BLE001 - one instance failing (rolled back) must not stop the others
        if not isinstance(exc, (DomainError, SpiffWorkflowException)):
            log.exception("migrating workflow instance %s failed", instance_id)
        db.session.expire_all()
        instance = db.session.get(WorkflowInstance, instance_id)
        detail = exc.text() if isinstance(exc, DomainError) else str(exc)[:300]
        return Outcome(instance, "failed", reasons=[(N_("Không chuyển được: %(detail)s"), {"detail": detail})])


def _migrate(wf, top, subs, new) -> None:
    migrate_workflow(top, wf, new.spec)
    for sub_id, sub_diff in subs.items():
        sub = wf.subprocesses[sub_id]
        migrate_workflow(sub_diff, sub, new.subprocess_specs[sub.spec.name])
    wf.subprocess_specs = new.subprocess_specs
