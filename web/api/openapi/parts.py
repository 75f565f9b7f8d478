"""Building blocks shared by the parts of the OpenAPI description."""
from __future__ import annotations

SECURED = [{"bearer": []}]


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def err(description: str) -> dict:
    """An error response with the {error, message, details} body."""
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}


def ok(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}
