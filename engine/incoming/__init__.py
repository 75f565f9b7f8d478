"""Incoming documents: arrival, checks of what enters (files, signatures, duplicates), the clerk's
verification and registration."""
