"""A restricted environment for the code inside diagrams.

Diagram code is untrusted: every expression and script is compiled with
RestrictedPython and run with its guards; only plain functions are exposed,
never modules (a module in globals would be a way out).
"""
from __future__ import annotations

import ast
import sys
import time
from contextlib import contextmanager
from functools import lru_cache

from RestrictedPython import (
    compile_restricted_eval,
    compile_restricted_exec,
    safe_builtins,
)
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    safer_getattr,
)
from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment

# A run of diagram code may take this many steps (its own lines, and calls out of it) and this long:
# a loop in a script or a timer expression must not block the scheduler or a request. The functions
# it calls (the calendar …) are trusted and not traced inside.
MAX_STEPS = 200_000
MAX_SECONDS = 10.0
FILENAME = "<diagram>"
MAX_CONSTANT = 10**6  # huge literals only serve to build huge values (memory, time)
MAX_RANGE = 100_000


class DiagramCodeError(ValueError):
    """Code in a diagram does not compile under the restrictions, or ran out of its budget."""


def _range(*args):
    """range() for diagram code: sum(), list() … over a range run in C, beyond the step budget."""
    values = range(*args)
    if len(values) > MAX_RANGE:
        raise DiagramCodeError(f"range() trong sơ đồ tối đa {MAX_RANGE} phần tử")
    return values


_BUILTINS = dict(safe_builtins)
_BUILTINS.pop("__import__", None)
_BUILTINS.update({"min": min, "max": max, "sum": sum, "any": any, "all": all, "len": len,
                  "sorted": sorted, "dict": dict, "list": list, "enumerate": enumerate, "range": _range})
BUILTIN_NAMES = frozenset(_BUILTINS)  # what diagram code may call besides registered functions

_GUARDS = {
    "__builtins__": _BUILTINS,
    "_getattr_": safer_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_iter_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": lambda op, x, y: _INPLACE[op](x, y),
}
_INPLACE = {"+=": lambda x, y: x + y, "-=": lambda x, y: x - y, "*=": lambda x, y: x * y}


@contextmanager
def budget(max_steps: int = MAX_STEPS, max_seconds: float = MAX_SECONDS):
    """Stop diagram code run inside after ``max_steps`` steps or ``max_seconds``."""
    steps = 0
    deadline = time.monotonic() + max_seconds

    def tracer(frame, event, arg):
        nonlocal steps
        steps += 1
        if steps > max_steps or (steps % 1000 == 0 and time.monotonic() > deadline):
            raise DiagramCodeError("mã trong sơ đồ chạy quá lâu (vòng lặp không dừng?)")
        return tracer if frame.f_code.co_filename == FILENAME else None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        yield
    finally:
        sys.settrace(previous)


@lru_cache(maxsize=2048)
def compile_code(source: str, mode: str):
    """Compile diagram code ('eval' or 'exec') under RestrictedPython; raise DiagramCodeError."""
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise DiagramCodeError(f"lỗi cú pháp: {exc.msg}") from None
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            # No module is ever available to diagram code; say so at upload rather than at run time.
            raise DiagramCodeError("mã trong sơ đồ không được import")
        if isinstance(node, ast.Pow) or (isinstance(node, ast.Constant) and isinstance(node.value, int)
                                         and abs(node.value) > MAX_CONSTANT):
            # A single power or a giant literal runs in C, beyond the reach of the step budget.
            raise DiagramCodeError("mã trong sơ đồ không được dùng phép lũy thừa hay số quá lớn")
    result = (compile_restricted_eval if mode == "eval" else compile_restricted_exec)(source, filename=FILENAME)
    if result.errors or result.code is None:
        raise DiagramCodeError("; ".join(result.errors) or "không biên dịch được")
    return result.code


def validate(source: str, mode: str) -> list[str]:
    """Errors of a piece of diagram code, empty when it is acceptable (for diagram upload)."""
    try:
        compile_code(source, mode)
    except DiagramCodeError as exc:
        return [str(exc)]
    return []


class RestrictedEnvironment(TaskDataEnvironment):
    """TaskDataEnvironment that only runs RestrictedPython-compiled code."""

    def _globals(self, external_context):
        scope = dict(_GUARDS)
        scope.update(self.globals)
        scope.update(external_context or {})
        return scope

    def evaluate(self, expression, context, external_context=None):
        scope = self._globals(external_context)
        scope.update(context)
        code = compile_code(expression, "eval")
        with budget():
            return eval(code, scope)  # noqa: S307 - restricted code

    def execute(self, script, context, external_context=None):
        self.check_for_overwrite(context, external_context or {})
        code = compile_code(script, "exec")
        scope = self._globals(external_context)
        scope.update(context)
        with budget():
            exec(code, scope)  # noqa: S102 - restricted code
        hidden = set(_GUARDS) | set(self.globals) | set(external_context or {})
        for key in list(context):
            if key not in scope:
                context.pop(key)
        for key, value in scope.items():
            if key in hidden or key.startswith("_") or callable(value):
                continue
            context[key] = value
        return True
