"""Helpers shared by the process tests: the shipped diagrams, deploying through the API, documents at a step."""
from __future__ import annotations

from pathlib import Path

from tests.conftest import incoming_meta

BPMN_DIR = Path(__file__).resolve().parents[1] / "bpmn"
DATA = Path(__file__).resolve().parent / "data"


def shipped(name: str) -> str:
    return (BPMN_DIR / f"{name}.bpmn").read_text(encoding="utf-8")


def deploy(api, xml: str, process_id: str = "receive", username: str = "quytrinh", note: str = "thử", dry_run=False):
    query = f"?note={note}" + ("&dry_run=1" if dry_run else "")
    return api.client.post(f"/api/v1/processes/{process_id}/versions{query}", data=xml.encode("utf-8"),
                           headers={**api.headers(username), "Content-Type": "application/xml"})


def arrived(api) -> int:
    """A new incoming document waiting at the clerk's verify step."""
    response = api.receive(meta=incoming_meta())
    assert response.status_code == 201, response.json
    return response.json["id"]


def at_route(api) -> int:
    """A registered incoming document waiting for the leader's routing."""
    doc_id = arrived(api)
    assert api.accept(doc_id).status_code == 200
    return doc_id


def versions(api, process_id: str = "receive") -> list[int]:
    return [v["version"] for v in api.get("quytrinh", f"/processes/{process_id}/versions").json["items"]]
