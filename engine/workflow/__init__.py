"""Workflow runtime: diagrams (process versions), restricted scripting, operators, instances."""
