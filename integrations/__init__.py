"""Adapters to external systems (PDF signing, mail, edXML, ...), usable and testable without Flask or the app's models."""
