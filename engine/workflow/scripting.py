"""A restricted environment for the code inside diagrams.

Diagram code is untrusted: every expression and script is compiled with
RestrictedPython and run with its guards; only plain functions are exposed,
never modules (a module in globals would be a way out).
"""
from __future__ import annotations

import ast
import re
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
from RestrictedPython.transformer import RestrictingNodeTransformer
from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment

# A run of diagram code may take this many steps (its own lines, and calls out of it) and this long:
# a loop in a script or a timer expression must not block the scheduler or a request. The functions
# it calls (the calendar …) are trusted and not traced inside.
MAX_STEPS = 200_000
MAX_SECONDS = 10.0
FILENAME = "<diagram>"
MAX_CONSTANT = 10**6  # huge literals only serve to build huge values (memory, time)
MAX_RANGE = 100_000
# One C call can build a value of any size, beyond the reach of the step budget: "x" * n, [0] * n,
# 1 << n, "x".ljust(n), f"{x:>{n}}". Values diagram code builds stay within these.
MAX_SIZE = 1_000_000  # characters of a text, items of a list
MAX_BITS = 256  # of an integer (dates, counts and durations need 64)
MAX_FORMAT_WIDTH = 1000
_SEQUENCES = (str, bytes, list, tuple)
_PADDING = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs"})


class DiagramCodeError(ValueError):
    """Code in a diagram does not compile under the restrictions, or ran out of its budget."""


def _range(*args):
    """range() for diagram code: sum(), list() … over a range run in C, beyond the step budget."""
    values = range(*args)
    if len(values) > MAX_RANGE:
        raise DiagramCodeError(f"range() trong sơ đồ tối đa {MAX_RANGE} phần tử")
    return values


def _too_big(what: str):
    return DiagramCodeError(f"mã trong sơ đồ tạo ra {what} quá lớn")


def _bounded(op: str, left, right):
    """``left <op> right`` for the operators that can build a huge value in one step, within the limits."""
    if op == "Add":
        if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES) and len(left) + len(right) > MAX_SIZE:
            raise _too_big("chuỗi hoặc danh sách")
        return left + right
    if op == "Mult":
        for sequence, times in ((left, right), (right, left)):
            if isinstance(sequence, _SEQUENCES) and isinstance(times, int) and len(sequence) * times > MAX_SIZE:
                raise _too_big("chuỗi hoặc danh sách")
        if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_BITS:
            raise _too_big("số")
        return left * right
    if isinstance(left, int) and isinstance(right, int) and (right < 0 or left.bit_length() + right > MAX_BITS):
        raise _too_big("số")  # negative shifts raise in C anyway; large ones allocate first
    return left << right


def _getattr(obj, name, *default):
    if isinstance(obj, (str, bytes)) and name in _PADDING:
        raise DiagramCodeError(f"mã trong sơ đồ không được dùng .{name}() (tạo chuỗi dài tùy ý)")
    return safer_getattr(obj, name, *default)


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's rules, plus: the operators that build values route through ``_bounded_``, and
    a format spec has a fixed width of at most MAX_FORMAT_WIDTH."""

    _BOUNDED = (ast.Add, ast.Mult, ast.LShift)

    def visit_BinOp(self, node):
        node = self.node_contents_visit(node)
        if not isinstance(node.op, self._BOUNDED):
            return node
        call = ast.Call(func=ast.Name(id="_bounded_", ctx=ast.Load()),
                        args=[ast.Constant(type(node.op).__name__), node.left, node.right], keywords=[])
        return ast.fix_missing_locations(ast.copy_location(call, node))

    def visit_FormattedValue(self, node):
        spec = node.format_spec
        if spec is not None:
            parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
            if any(not isinstance(p, ast.Constant) for p in parts):
                self.error(node, "định dạng trong f-string phải cố định")
            elif any(int(n) > MAX_FORMAT_WIDTH for p in parts for n in re.findall(r"\d+", str(p.value))):
                self.error(node, f"độ rộng định dạng trong f-string tối đa {MAX_FORMAT_WIDTH}")
        return self.node_contents_visit(node)


_BUILTINS = dict(safe_builtins)
_BUILTINS.pop("__import__", None)
_BUILTINS.pop("pow", None)  # pow(10, pow(10, 8)): the power operator is refused, so is its function
for _name, _value in list(_BUILTINS.items()):
    if isinstance(_value, type) and issubclass(_value, BaseException) and not issubclass(_value, Exception):
        del _BUILTINS[_name]  # SystemExit, KeyboardInterrupt …: they would stop a worker, not a step
_BUILTINS.update({"min": min, "max": max, "sum": sum, "any": any, "all": all, "len": len,
                  "sorted": sorted, "dict": dict, "list": list, "enumerate": enumerate, "range": _range})
BUILTIN_NAMES = frozenset(_BUILTINS)  # what diagram code may call besides registered functions

_GUARDS = {
    "__builtins__": _BUILTINS,
    "_getattr_": _getattr,
    "_bounded_": _bounded,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_iter_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": lambda op, x, y: _INPLACE[op](x, y),
}
_INPLACE = {"+=": lambda x, y: _bounded("Add", x, y), "-=": lambda x, y: x - y,
            "*=": lambda x, y: _bounded("Mult", x, y)}


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
    compile_restricted = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compile_restricted(source, filename=FILENAME, policy=_Policy)
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
