"""Pages people use, one blueprint per part of the work."""
from web.pages import (
    admin,
    documents,
    incoming,
    notifications,
    outgoing,
    people,
    processing,
    records,
)

BLUEPRINTS = (documents.bp, incoming.bp, processing.bp, outgoing.bp, people.bp, notifications.bp, admin.bp,
              records.bp)
