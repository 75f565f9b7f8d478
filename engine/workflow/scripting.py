"""A restricted environment for the code inside diagrams.

Diagram code is untrusted: every expression and script is compiled with
RestrictedPython and run with its guards; only plain functions are exposed,
never modules (a module in globals would be a way out).
"""
from __future__ import annotations

import ast
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

_BUILTINS = dict(safe_builtins)
_BUILTINS.pop("__import__", None)
_BUILTINS.update({"min": min, "max": max, "sum": sum, "any": any, "all": all, "len": len,
                  "sorted": sorted, "dict": dict, "list": list, "enumerate": enumerate})
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


class DiagramCodeError(ValueError):
    """Code in a diagram does not compile under the restrictions."""


@lru_cache(maxsize=2048)
def compile_code(source: str, mode: str):
    """Compile diagram code ('eval' or 'exec') under RestrictedPython; raise DiagramCodeError."""
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise DiagramCodeError(f"lỗi cú pháp: {exc.msg}") from None
    if any(isinstance(node, (ast.Import, ast.ImportFrom)) for node in ast.walk(tree)):
        # No module is ever available to diagram code; say so at upload rather than at run time.
        raise DiagramCodeError("mã trong sơ đồ không được import")
    result = (compile_restricted_eval if mode == "eval" else compile_restricted_exec)(source)
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
        return eval(compile_code(expression, "eval"), scope)  # noqa: S307 - restricted code

    def execute(self, script, context, external_context=None):
        self.check_for_overwrite(context, external_context or {})
        code = compile_code(script, "exec")
        scope = self._globals(external_context)
        scope.update(context)
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
