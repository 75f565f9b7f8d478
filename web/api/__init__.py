"""JSON API v1 (contract: API.md; description: /api/v1/openapi.json), one module per part of the work.

Importing the route modules registers their views on the ``api`` blueprint of web/api/base.py.
"""
from web.api import (  # noqa: F401
    admin,
    documents,
    incoming,
    interconnection,
    notifications,
    operations,
    outgoing,
    people,
    processes,
    processing,
    records,
    session,
)
from web.api.base import api

__all__ = ["api"]
