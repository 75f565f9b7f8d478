"""Telling people: in-app notifications and email delivery from the outbox."""
