"""Form handlers of user tasks: validate what a person submits and turn it into task data.

A handler is ``fn(ctx, document, form: dict) -> dict``; it raises InvalidInput
(422) or a Conflict (409) and must not change anything itself.
"""
from __future__ import annotations

from typing import Callable

from engine.workflow import operators

FORMS: dict[str, Callable] = {}


def form(name: str):
    def decorate(fn):
        FORMS[name] = fn
        return fn

    return decorate


def handler(name: str) -> Callable | None:
    operators.load_all()
    return FORMS.get(name)
