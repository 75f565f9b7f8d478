"""The Jinja environment of printed reports (Vietnamese, like the official forms they reproduce)."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import jinja2
from markupsafe import Markup

from engine import clock, settings
from engine.db import db
from engine.models import Unit

TEMPLATES = Path(__file__).with_name("templates")


def format_value(value) -> str:
    """A cell as printed: dates dd/mm/yyyy, times dd/mm/yyyy HH:MM (Vietnam time), None blank."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return clock.to_vn(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                         undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
def unit_name(code: str | None) -> str:
    unit = db.session.get(Unit, code) if code else None
    return unit.name if unit else (code or "")


def org(name: str) -> str:
    """The organisation's setting ``ORG_<name>`` (NAME, PARENT_NAME, PLACE …), blank when unset."""
    return settings.get("ORG_" + name) or ""


# Every printed form shares one stylesheet: ours, so trusted markup (escaped, its quotes broke the fonts).
STYLESHEET = Markup((TEMPLATES / "base.css").read_text(encoding="utf-8"))
ENV.filters["v"] = format_value
ENV.filters["unit_name"] = unit_name
ENV.globals.update(org=org, now=clock.now, css=STYLESHEET)


def render(template: str, **context) -> str:
    return ENV.get_template(template).render(**context)
