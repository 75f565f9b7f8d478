"""The allow-list of service-task operators that diagrams may call.

A diagram names an operator (``spiffworkflow:serviceTaskOperator id="document/register_incoming"``)
and passes parameters as restricted expressions. Only functions registered here
can run; each gets the run context (document, actor, time) and returns a
JSON-serialisable dict that lands in the task data.
"""
from __future__ import annotations

import importlib
from typing import Callable

OPERATORS: dict[str, Callable] = {}
DESCRIPTIONS: dict[str, str] = {}

# Domain modules that register operators; imported once, lazily, to avoid import cycles.
_PROVIDERS = ("engine.incoming.registration", "engine.processing.lines", "engine.outgoing.preparing",
              "engine.outgoing.issuing", "engine.outgoing.sending", "engine.deadlines.escalation",
              "engine.processing.replies", "engine.interconnection.recall")


def operator(name: str, description: str):
    """Register ``fn(ctx, **params) -> dict`` as the operator ``name``."""

    def decorate(fn):
        OPERATORS[name] = fn
        DESCRIPTIONS[name] = description
        return fn

    return decorate


def get(name: str) -> Callable:
    load_all()
    try:
        return OPERATORS[name]
    except KeyError:
        raise LookupError(f"operator '{name}' is not on the allow-list") from None


def load_all() -> None:
    for module in _PROVIDERS:
        importlib.import_module(module)
