"""Process versions: deploy diagrams as immutable rows and keep their parsed specs cached.

A call activity runs the version of the called process that was the newest when the calling
version was deployed (versions are immutable, so a running instance never sees its subprocess
change under it); deploying the caller again picks up a newer one.
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import undefer

from engine import clock
from engine.db import db, reading
from engine.models import ProcessVersion
from engine.workflow.serialization import SERIALIZER

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
SHIPPED_NOTE = "bpmn/"  # the note of a version deployed from the diagrams shipped with the software


@dataclass(frozen=True)
class ParsedVersion:
    spec: object
    subprocess_specs: dict
    lane_roles: dict  # lane name -> lane code of Role.LANES (a lane's "role" property, else its name)

    def spec_dict(self) -> dict:
        """The spec parts of a serialized workflow (what SpiffWorkflow's migrations of states saved
        by an older version expect next to the state)."""
        full = SERIALIZER.to_dict(BpmnWorkflow(self.spec, self.subprocess_specs))
        return {"spec": full["spec"], "subprocess_specs": full["subprocess_specs"]}


_cache: dict[tuple[int, str], ParsedVersion] = {}
_lock = threading.Lock()


def _safe_xml(xml: str) -> etree._Element:
    """Parse diagram XML with no entities, no DTD and no network."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    return etree.fromstring(xml.encode("utf-8"), parser)


def main_process_id(xml: str) -> str:
    """The id of the executable process of a diagram (the first one marked executable)."""
    root = _safe_xml(xml)
    processes = root.findall(f"{{{BPMN_NS}}}process")
    for proc in processes:
        if proc.get("isExecutable", "false") == "true":
            return proc.get("id")
    if processes:
        return processes[0].get("id")
    raise ValueError("diagram has no process")


def called_processes(root: etree._Element) -> set[str]:
    """Ids of the processes the call activities of a diagram call, other than its own processes."""
    own = {p.get("id") for p in root.iter(f"{{{BPMN_NS}}}process")}
    return {c.get("calledElement") for c in root.iter(f"{{{BPMN_NS}}}callActivity")
            if c.get("calledElement") and c.get("calledElement") not in own}


def dependencies(xml: str, before_id: int | None = None) -> dict[str, str]:
    """XML of every process a diagram calls (transitively): the newest deployed version, or the newest
    deployed before the version ``before_id``. A process that is not deployed is left out."""
    root = _safe_xml(xml)
    own = {p.get("id") for p in root.iter(f"{{{BPMN_NS}}}process")}
    found: dict[str, str] = {}
    pending = list(called_processes(root))
    while pending:
        process_id = pending.pop()
        if process_id in found or process_id in own:  # a process calling itself back is already here
            continue
        query = db.session.query(ProcessVersion).filter_by(process_id=process_id)
        if before_id is not None:
            query = query.filter(ProcessVersion.id < before_id)
        callee = query.order_by(ProcessVersion.version.desc()).first()
        if callee is None:
            continue
        found[process_id] = callee.bpmn_xml
        pending.extend(called_processes(_safe_xml(callee.bpmn_xml)))
    return found


def lane_roles(*xmls: str) -> dict[str, str]:
    """Lane name -> lane code (a key of Role.LANES): the lane's ``role`` property, else its name."""
    roles = {}
    for xml in xmls:
        for lane in _safe_xml(xml).iter(f"{{{BPMN_NS}}}lane"):
            name = lane.get("name") or ""
            prop = lane.find(f"{{{BPMN_NS}}}extensionElements/{{{SPIFF_NS}}}properties/"
                             f"{{{SPIFF_NS}}}property[@name='role']")
            roles[name] = prop.get("value", "") if prop is not None else name
    return roles


def parse(xml: str, process_id: str, called: dict[str, str] | None = None):
    """The spec of ``process_id`` and of the processes it calls (``called``: id -> XML)."""
    _safe_xml(xml)
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(xml.encode("utf-8"))
    for callee_xml in (called or {}).values():
        parser.add_bpmn_str(callee_xml.encode("utf-8"))
    return parser.get_spec(process_id), parser.get_subprocess_specs(process_id)


def parsed(version: ProcessVersion) -> ParsedVersion:
    """Parsed spec of a version, parsed once per process (versions never change)."""
    key = (version.id, version.sha256)  # several databases (tests) may share one process
    hit = _cache.get(key)
    if hit is not None:
        return hit
    with _lock:
        hit = _cache.get(key)
        if hit is None:
            called = dependencies(version.bpmn_xml, before_id=version.id)
            spec, subs = parse(version.bpmn_xml, version.process_id, called)
            hit = _cache[key] = ParsedVersion(spec, subs, lane_roles(version.bpmn_xml, *called.values()))
    return hit


def latest(process_id: str) -> ProcessVersion | None:
    with reading(ProcessVersion):
        return db.session.scalars(_LATEST, {"process_id": process_id}).first()


_LATEST = (select(ProcessVersion).where(ProcessVersion.process_id == bindparam("process_id"))
           .order_by(ProcessVersion.version.desc()).limit(1))


def newest_versions(*, with_xml: bool = False) -> list[ProcessVersion]:
    """The newest version of every process, by process id (``with_xml``: their diagrams read at once)."""
    newest = (db.session.query(ProcessVersion.process_id, func.max(ProcessVersion.version).label("version"))
              .group_by(ProcessVersion.process_id).subquery())
    query = (db.session.query(ProcessVersion)
             .join(newest, (ProcessVersion.process_id == newest.c.process_id)
                   & (ProcessVersion.version == newest.c.version))
             .order_by(ProcessVersion.process_id))
    return (query.options(undefer(ProcessVersion.bpmn_xml)) if with_xml else query).all()


def deploy(xml: str, *, created_by_id: int | None = None, note: str | None = None) -> ProcessVersion:
    """Store ``xml`` as a new version of its process unless it equals the latest version.

    Deploying the XML of an older version again is how a process is rolled back: it becomes the
    newest version, and the versions in between stay for the documents that run on them.
    """
    process_id = main_process_id(xml)
    parse(xml, process_id, dependencies(xml))  # refuse what SpiffWorkflow cannot run
    digest = hashlib.sha256(xml.encode("utf-8")).hexdigest()
    current = latest(process_id)
    if current is not None and current.sha256 == digest:
        return current
    version = ProcessVersion(process_id=process_id, version=(current.version + 1 if current else 1),
                             bpmn_xml=xml, sha256=digest, created_by_id=created_by_id,
                             created_at=clock.now(), note=note)
    db.session.add(version)
    db.session.flush()
    return version


def deploy_directory(directory: Path = BPMN_DIR) -> list[ProcessVersion]:
    """Deploy every shipped diagram whose content was never deployed before.

    A diagram file equal to any earlier version is skipped, so a restart never undoes what a process
    owner deployed in the browser; a file changed by a software update becomes the newest version.
    Callees first: a diagram's call activities resolve against what is already deployed.
    """
    diagrams = [path.read_text(encoding="utf-8") for path in sorted(directory.glob("*.bpmn"))]
    diagrams.sort(key=lambda xml: bool(called_processes(_safe_xml(xml))))  # stable: callers last
    deployed = []
    for xml in diagrams:
        digest = hashlib.sha256(xml.encode("utf-8")).hexdigest()
        known = (db.session.query(ProcessVersion.id)
                 .filter_by(process_id=main_process_id(xml), sha256=digest).first())
        if known is None:
            deployed.append(deploy(xml, note=SHIPPED_NOTE))
    return deployed
