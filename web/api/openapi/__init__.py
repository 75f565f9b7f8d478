"""The OpenAPI 3 description of the JSON API, one module per part of the API."""
from __future__ import annotations

from web.api.openapi import core, outgoing, processes, processing


def openapi_document() -> dict:
    """The whole description: core paths, routing and processing, outgoing documents, processes."""
    return processes.extend(outgoing.extend_openapi(processing.extend(core.core())))
