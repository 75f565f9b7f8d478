"""Language selection (Vietnamese first, English available) and display formats."""
from __future__ import annotations

from datetime import date, datetime

from flask import request, session
from flask_babel import gettext

from engine import clock, history
from engine.errors import N_
from engine.doctypes import type_name
from engine.models.documents import Status, Urgency
from engine.models.org import Role

LANGUAGES = ("vi", "en")

# Names of diagram elements shown to people; listed here so that they reach the English catalogue.
DIAGRAM_TEXT = (
    N_("Kiểm tra, tiếp nhận văn bản đến"),
    N_("Phân công xử lý văn bản đến"),
)


def select_locale() -> str:
    lang = session.get("lang")
    if lang in LANGUAGES:
        return lang
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(LANGUAGES) or "vi"
    return "vi"


def format_datetime(value) -> str:
    """dd/mm/yyyy HH:MM in Vietnam time."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return clock.to_vn(value).strftime("%d/%m/%Y %H:%M")


def format_date(value) -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        value = clock.to_vn(value).date()
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return value.strftime("%d/%m/%Y")


def error_text(error) -> str:
    """A DomainError's message in the current language."""
    return gettext(error.message, **error.params) if error.params else gettext(error.message)


def init_i18n(app, babel) -> None:
    from pathlib import Path

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(Path(__file__).parent / "translations"))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(dt=format_datetime, d=format_date)
    app.jinja_env.globals.update(
        status_label=lambda s: gettext(Status.LABELS.get(s, s)),
        urgency_label=lambda u: gettext(Urgency.LABELS.get(u, u)),
        role_label=lambda r: gettext(Role.LABELS.get(r, r)),
        type_name=lambda t: gettext(type_name(t)),
        action_label=lambda a: gettext(history.action_label(a)),
        now=clock.now,
        current_lang=select_locale,
    )
