"""Running workflows kept in memory from one step of an instance to the next.

Rebuilding a SpiffWorkflow object from its stored state is a good part of every step. The workflow a
step saved is kept once its transaction commits, keyed by exactly what was stored: the instance, its
process version and the state text itself. A later step that reads the same state takes the object
instead of rebuilding it; any other writer (another worker process, the scheduler, a restore from
backup) stores another state, so a kept object can never stand for a state it was not saved as.
A rolled-back step keeps nothing, and an object is taken out while a step uses it, so two requests
never share one.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy import event
from sqlalchemy.orm import Session

SIZE = 256  # instances; a few hundred steps in flight at once in a department
_KEPT: OrderedDict[tuple, object] = OrderedDict()
_LOCK = threading.Lock()
_SAVED = "qoffice.workflows saved"


def take(instance):
    """The workflow kept for the instance's stored state, now the caller's alone; None when not kept."""
    with _LOCK:
        return _KEPT.pop((instance.id, instance.process_version_id, instance.state), None)


def keep_when_committed(session: Session, instance, workflow, state: str) -> None:
    """Keep ``workflow`` (just serialized as ``state``) if the current transaction commits."""
    session.info.setdefault(_SAVED, {})[instance.id] = (instance, workflow, state)


def clear() -> None:
    with _LOCK:
        _KEPT.clear()


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    saved = session.info.pop(_SAVED, None)
    for instance, workflow, state in (saved or {}).values():
        # Read without loading: a state replaced later in the transaction, or expired by a rolled-back
        # savepoint, is not what was committed for this object.
        values = instance.__dict__
        if values.get("state") is not state or "process_version_id" not in values:
            continue
        with _LOCK:
            _KEPT[(values["id"], values["process_version_id"], state)] = workflow
            while len(_KEPT) > SIZE:
                _KEPT.popitem(last=False)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_SAVED, None)
