"""Reading requests safely: integers in URLs that fit the database, JSON without pathological input.

Malformed input must answer 4xx, never 500: a JSON body nested thousands deep exhausts Python's
recursion, a lone surrogate (``\\ud800``) cannot be stored in UTF-8, and an id above 2^63−1 overflows
the database driver.
"""
from __future__ import annotations

import json

from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from engine.validation import MAX_ID


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` that only matches ids the database can hold (a larger one is a 404)."""

    # Digits bounded in the pattern itself: a value refused only by ``max`` lets werkzeug answer 405
    # (with the methods of a sibling rule) instead of 404 when one path has rules for several methods.
    regex = r"\d{1,18}"  # below 2**63 - 1

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _refuse_surrogates(value) -> None:
    # A lone surrogate is exactly what UTF-8 cannot encode: encoding the parsed value again (in C)
    # finds one in any string or key for a fraction of what walking the value in Python costs.
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("lone surrogate in a string") from None


class SafeJSONProvider(DefaultJSONProvider):
    """Parse failures of any kind become ValueError, which Flask answers with 400 (or None when silent)."""

    def loads(self, s, **kwargs):
        try:
            value = super().loads(s, **kwargs)
            _refuse_surrogates(value)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
        return value


def init_parsing(app) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
    app.json = SafeJSONProvider(app)
