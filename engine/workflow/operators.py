"""The allow-list of service-task operators that diagrams may call.

A diagram names an operator (``spiffworkflow:serviceTaskOperator id="document/register_incoming"``)
and passes parameters as restricted expressions. Only functions registered here
can run; each gets the run context (document, actor, time) and returns a
JSON-serialisable dict that lands in the task data.
"""
from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from typing import Callable

OPERATORS: dict[str, Callable] = {}
DESCRIPTIONS: dict[str, str] = {}
PARAMS: dict[str, tuple["Param", ...]] = {}
# A result like the operator's, for checking a diagram's expressions on a sample document
# before deploy (e.g. a timer computed from the signing time).
SAMPLES: dict[str, dict] = {}


@dataclass(frozen=True)
class Param:
    """A parameter a diagram passes to an operator: a restricted expression (e.g. ``'verify'``)."""

    name: str
    description: str
    required: bool = False
    example: str = ""

# Domain modules that register operators; imported once, lazily, to avoid import cycles.
_PROVIDERS = ("engine.incoming.registration", "engine.processing.lines", "engine.outgoing.preparing",
              "engine.outgoing.issuing", "engine.outgoing.sending", "engine.deadlines.escalation",
              "engine.processing.replies", "engine.interconnection.recall")


class DiagramReferenceError(LookupError):
    """A diagram names something that does not exist: an operator off the allow-list, an unknown
    audience, a processing line or person that is not there. The step fails as a diagram error;
    any other LookupError is a fault in the code and must not be reported as the diagram's."""


def operator(name: str, description: str, params: tuple[Param, ...] = (), sample: dict | None = None):
    """Register ``fn(ctx, **params) -> dict`` as the operator ``name`` with its parameters
    (Vietnamese descriptions for process owners; required ones are checked before deploy)."""

    def decorate(fn):
        OPERATORS[name] = fn
        DESCRIPTIONS[name] = description
        PARAMS[name] = tuple(params)
        if sample is not None:
            SAMPLES[name] = sample
        return fn

    return decorate


def get(name: str) -> Callable:
    load_all()
    try:
        return OPERATORS[name]
    except KeyError:
        raise DiagramReferenceError(f"operator '{name}' is not on the allow-list") from None


def params_of(name: str) -> tuple[Param, ...]:
    """The parameters of an operator: as declared, or for one registered without them, the keyword
    parameters of its function (without descriptions)."""
    load_all()
    if PARAMS.get(name):
        return PARAMS[name]
    signature = inspect.signature(OPERATORS[name])
    return tuple(Param(p.name, "") for p in list(signature.parameters.values())[1:]
                 if p.kind is p.POSITIONAL_OR_KEYWORD)


def load_all() -> None:
    for module in _PROVIDERS:
        importlib.import_module(module)
