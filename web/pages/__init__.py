"""Pages people use, one blueprint per part of the work."""
from web.pages import (
    account,
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
)

BLUEPRINTS = (documents.bp, incoming.bp, processing.bp, outgoing.bp, people.bp, notifications.bp, admin.bp,
              account.bp, interconnection.bp, operations.bp, processes.bp, records.bp)
