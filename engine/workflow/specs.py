"""Process versions: deploy diagrams as immutable rows and keep their parsed specs cached."""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine import clock
from engine.db import db
from engine.models import ProcessVersion
from engine.workflow.serialization import SERIALIZER

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@dataclass(frozen=True)
class ParsedVersion:
    spec: object
    subprocess_specs: dict

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


def parse(xml: str, process_id: str):
    _safe_xml(xml)
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(xml.encode("utf-8"))
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
            hit = _cache[key] = ParsedVersion(*parse(version.bpmn_xml, version.process_id))
    return hit


def latest(process_id: str) -> ProcessVersion | None:
    return (db.session.query(ProcessVersion).filter_by(process_id=process_id)
            .order_by(ProcessVersion.version.desc()).first())


def deploy(xml: str, *, created_by_id: int | None = None) -> ProcessVersion:
    """Store ``xml`` as a new version of its process unless it equals the latest version."""
    process_id = main_process_id(xml)
    parse(xml, process_id)  # refuse what SpiffWorkflow cannot run
    digest = hashlib.sha256(xml.encode("utf-8")).hexdigest()
    current = latest(process_id)
    if current is not None and current.sha256 == digest:
        return current
    version = ProcessVersion(process_id=process_id, version=(current.version + 1 if current else 1),
                             bpmn_xml=xml, sha256=digest, created_by_id=created_by_id,
                             created_at=clock.now())
    db.session.add(version)
    db.session.flush()
    return version


def deploy_directory(directory: Path = BPMN_DIR) -> list[ProcessVersion]:
    """Deploy every diagram file whose content changed since its latest version."""
    return [deploy(path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.bpmn"))]
