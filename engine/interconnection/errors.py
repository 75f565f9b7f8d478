"""Why a package is not taken in (API.md "Interconnection": fixed error codes)."""
from __future__ import annotations

from engine.errors import DomainError, NotFound


class BadPackage(DomainError):
    """Malformed or hostile: DTD, entities, bad base64, missing required parts."""

    status = 422
    code = "bad_package"


class NotAddressedToUs(DomainError):
    status = 422
    code = "not_addressed_to_us"


class UnknownDocument(NotFound):
    """A status, recall, update or replacement about a document that never passed between us."""

    code = "unknown_document"
