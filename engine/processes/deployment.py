"""Processes and their versions for process owners: who may see and change them, the list, validation,
deploy with who and why, and rolling back by deploying an older version again."""
from __future__ import annotations

import hashlib

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from engine.db import db
from engine.errors import N_, Conflict, Forbidden, InvalidInput, NotFound
from engine.models import ProcessVersion, Role, User, WorkflowInstance
from engine.processes import diagram
from engine.processes.validation import validate
from engine.tx import transaction
from engine.validation import parse_id
from engine.workflow import specs

MAX_NOTE = 1000


class DiagramInvalid(InvalidInput):
    """A diagram with problems: refused as a whole; ``problems`` names every element at fault."""

    code = "invalid_diagram"

    def __init__(self, problems: list[diagram.Problem]):
        super().__init__(N_("Sơ đồ có %(count)s lỗi, chưa được triển khai."), params={"count": len(problems)},
                         details={"problems": [p.as_dict() for p in problems]})
        self.problems = problems


def can_view(user: User) -> bool:
    """Process owners edit processes; leaders may look at them."""
    return user.has_role(Role.PROCESS_OWNER, Role.LEADER)


def require_viewer(user: User) -> None:
    if not can_view(user):
        raise Forbidden(N_("Chỉ người quản lý quy trình và lãnh đạo được xem quy trình."))


def require_owner(user: User) -> None:
    if not user.has_role(Role.PROCESS_OWNER):
        raise Forbidden(N_("Chỉ người quản lý quy trình được thay đổi quy trình."))


def process_list(user: User) -> list[ProcessVersion]:
    """The newest version of every process, by process id."""
    require_viewer(user)
    return specs.newest_versions()


def versions(user: User, process_id: str) -> list[ProcessVersion]:
    """Every version of a process, newest first."""
    require_viewer(user)
    rows = (db.session.query(ProcessVersion).filter_by(process_id=process_id)
            .order_by(ProcessVersion.version.desc()).all())
    if not rows:
        raise NotFound(N_("Không có quy trình %(name)s."), params={"name": process_id})
    return rows


def version(user: User, process_id: str, number: int | None = None) -> ProcessVersion:
    """One version of a process (the newest when ``number`` is None)."""
    require_viewer(user)
    query = db.session.query(ProcessVersion).filter_by(process_id=process_id)
    if number is None:
        row = query.order_by(ProcessVersion.version.desc()).first()
    elif parse_id(number) is None:  # beyond what the database can even compare
        row = None
    else:
        row = query.filter_by(version=number).one_or_none()
    if row is None:
        raise NotFound(N_("Không có phiên bản này của quy trình %(name)s."), params={"name": process_id})
    return row


def running_counts(process_id: str) -> dict[int, int]:
    """Version number -> how many documents still run on it."""
    rows = (db.session.query(ProcessVersion.version, func.count(WorkflowInstance.id))
            .join(WorkflowInstance, WorkflowInstance.process_version_id == ProcessVersion.id)
            .filter(ProcessVersion.process_id == process_id, WorkflowInstance.status == "running")
            .group_by(ProcessVersion.version))
    return dict(rows.all())


def check(user: User, process_id: str | None, data: bytes | str) -> list[diagram.Problem]:
    """The problems of a diagram a process owner wants to deploy (nothing is stored)."""
    require_owner(user)
    return validate(diagram.decode(data), process_id)


def deploy(user: User, process_id: str | None, data: bytes | str, note: str | None = None,
           *, restored_from: int | None = None) -> ProcessVersion:
    """Validate and store a new version (one transaction); new documents start on it, running ones keep
    theirs. Refused as a whole, with every problem named, when anything is wrong."""
    require_owner(user)
    xml = diagram.decode(data)
    note = _note(note, restored_from)
    problems = validate(xml, process_id)
    if problems:
        raise DiagramInvalid(problems)
    pid = process_id or diagram.main_process(diagram.parse(xml)[0]).get("id")
    current = specs.latest(pid)
    if current is not None and current.sha256 == hashlib.sha256(xml.encode("utf-8")).hexdigest():
        raise Conflict(N_("Sơ đồ giống hệt phiên bản %(version)s đang dùng: không có gì để triển khai."),
                       code="no_change", params={"version": current.version})
    try:
        with transaction():
            return specs.deploy(xml, created_by_id=user.id, note=note)
    except IntegrityError:
        raise Conflict(N_("Người khác vừa triển khai quy trình này; hãy tải lại và thử lại."),
                       code="concurrent_deploy") from None


def rollback(user: User, process_id: str, number: int, note: str | None = None) -> ProcessVersion:
    """Deploy the diagram of an older version again, as the newest version."""
    old = version(user, process_id, number)
    return deploy(user, process_id, old.bpmn_xml, note, restored_from=old.version)


def _note(note: str | None, restored_from: int | None) -> str | None:
    text = " ".join((note or "").split())
    if restored_from is not None:
        text = f"Quay lại phiên bản {restored_from}" + (f": {text}" if text else "")
    if len(text) > MAX_NOTE:
        raise InvalidInput(N_("Lý do triển khai quá dài (tối đa %(max)s ký tự)."), params={"max": MAX_NOTE},
                           details={"note": "too long"})
    return text or None
