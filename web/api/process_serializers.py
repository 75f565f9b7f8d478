"""JSON shapes of processes, their versions, validation, migration and document progress (API.md
"Processes"); the pages of process owners use the same shapes for their scripts."""
from __future__ import annotations

from engine.models import ProcessVersion
from engine.processes.diagram import process_name
from web.api.serializers import iso


def process_json(version: ProcessVersion, running: int | None = None) -> dict:
    return {"id": version.process_id, "name": process_name(version.bpmn_xml) or version.process_id,
            **version_json(version, running)}


def version_json(version: ProcessVersion, running: int | None = None) -> dict:
    return {
        "version": version.version,
        "deployed_at": iso(version.created_at),
        "deployed_by": version.created_by.username if version.created_by else None,
        "deployed_by_name": version.created_by.full_name if version.created_by else None,
        "note": version.note,
        "sha256": version.sha256,
        **({"running": running} if running is not None else {}),
    }


def problems_json(problems) -> dict:
    return {"problems": [p.as_dict() for p in problems]}


def progress_json(item: dict) -> dict:
    return {**item, "started_at": iso(item["started_at"]), "updated_at": iso(item["updated_at"]),
            "tasks": [{**t, "since": iso(t["since"]), "due_at": iso(t["due_at"])} for t in item["tasks"]]}
