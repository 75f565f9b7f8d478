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


YEAR = {"type": "integer", "minimum": 2000, "maximum": 2100}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]+$"},
    "description": "a key the client makes per upload: sent again with a retried request (after a lost "
                   "answer) it returns the same document (header Idempotent-Replayed: true) instead of "
                   "making a second one; reused for a different request → 422 idempotency_key_reused"}
UPLOADS = ("/documents/incoming", "/documents/outgoing", "/documents/{id}/files")


def complete_responses(spec: dict) -> dict:
    """The answers every operation can give, added where a part did not list them: 401 on secured
    operations, 404 where the path names something, 422 where the request carries input."""
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if operation.get("security"):
                responses.setdefault("401", err("missing, wrong or expired bearer token"))
            if "{" in path:
                responses.setdefault("404", err("not found, or not visible to the caller"))
            if path in UPLOADS and operation.get("requestBody"):
                operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
            if operation.get("requestBody") or operation.get("parameters"):
                responses.setdefault("422", err("invalid input (details name the fields)"))
            for parameter in operation.get("parameters", ()):
                if parameter.get("name") == "year":
                    parameter["schema"] = {**parameter.get("schema", {}), **YEAR}
    return spec
