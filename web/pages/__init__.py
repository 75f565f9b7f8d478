"""Pages people use, one blueprint per part of the work."""
