"""The OpenAPI 3 description of the JSON API, one module per part of the API."""
from __future__ import annotations

from web.api.openapi import core, interconnection, operations, outgoing, people, processes, processing, records
from web.api.openapi.parts import complete_responses


def openapi_document() -> dict:
    """The whole description: core paths, routing and processing, outgoing documents, people, interconnection,
    processes, records, operations; then the answers every operation can give."""
    spec = outgoing.extend_openapi(processing.extend(core.core()))
    spec = records.extend(processes.extend(interconnection.extend(people.extend(spec))))
    return complete_responses(operations.extend(spec))
