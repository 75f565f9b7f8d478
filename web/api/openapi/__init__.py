"""The OpenAPI 3 description of the JSON API, one module per part of the API."""
from __future__ import annotations

from web.api.openapi import core, interconnection, outgoing, people, processes, processing, records


def openapi_document() -> dict:
    """The whole description: core paths, routing and processing, outgoing documents, people, interconnection,
    processes, records."""
    spec = outgoing.extend_openapi(processing.extend(core.core()))
    return records.extend(processes.extend(interconnection.extend(people.extend(spec))))
