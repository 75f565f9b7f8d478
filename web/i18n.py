"""Language selection (Vietnamese first, English available) and display formats."""
from __future__ import annotations

from datetime import date, datetime

from flask import request, session
from flask_babel import gettext

from engine import clock, history
from engine.doctypes import type_name
from engine.errors import N_
from engine.incoming import signatures
from engine.models.documents import Status, Urgency
from engine.models.org import Role
from engine.models.processing import LineKind, LineStatus
from engine.processing import delegations, overview
from engine.processing.lines import ACTION_LABELS

LANGUAGES = ("vi", "en")

# Names of diagram elements shown to people; listed here so that they reach the English catalogue.
DIAGRAM_TEXT = (
    N_("Kiểm tra, tiếp nhận văn bản đến"),
    N_("Phân công xử lý văn bản đến"),
    N_("Phân công chuyên viên xử lý"),
    N_("Nhận để biết"),
    N_("Xử lý văn bản (chủ trì)"),
    N_("Góp ý kiến phối hợp"),
    N_("Hoàn thiện và trình dự thảo"),
    N_("Duyệt dự thảo văn bản đi"),
    N_("Ký số văn bản đi"),
    N_("Ban hành và gửi văn bản đi"),
    N_("Chờ lãnh đạo phân công"),
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


def late_by(line) -> str:
    """How late a processing line is (or was), e.g. '2 ngày 3 giờ'."""
    return _span(int(((line.finished_at or clock.now()) - line.due_at).total_seconds()))


def remaining(due) -> str:
    """Working time left before ``due`` on the office calendar, or how late it is."""
    if not due:
        return ""
    from engine.deadlines.calendar_service import current_calendar

    calendar = current_calendar()
    now = clock.now()
    if due <= now:
        return gettext("quá hạn %(late)s", late=_span(int((now - due).total_seconds())))
    left = int(calendar.working_time_between(now, due).total_seconds())
    day_seconds = sum((end.hour * 60 + end.minute - start.hour * 60 - start.minute) * 60
                      for start, end in calendar.office_hours)
    if left >= day_seconds:
        return gettext("còn %(days)s ngày làm việc", days=round(left / day_seconds, 1))
    return gettext("còn %(time)s làm việc", time=_span(left))


def _span(seconds: int) -> str:
    days, rest = divmod(max(seconds, 0), 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return gettext("%(d)s ngày %(h)s giờ", d=days, h=hours)
    if hours:
        return gettext("%(h)s giờ %(m)s phút", h=hours, m=rest // 60)
    return gettext("%(m)s phút", m=rest // 60)


def unit_name(code: str | None) -> str:
    from engine.db import db
    from engine.models import Unit

    unit = db.session.get(Unit, code) if code else None
    return unit.name if unit else (code or "")


def _can_supervise() -> bool:
    from flask_login import current_user

    return current_user.is_authenticated and overview.scope_of(current_user) is not None


def _unread() -> int:
    from flask_login import current_user

    from engine.notifications.notify import unread_count

    return unread_count(current_user) if current_user.is_authenticated else 0


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
        line_kind_label=lambda k: gettext(LineKind.LABELS.get(k, k)),
        line_status_label=lambda s: gettext(LineStatus.LABELS.get(s, s)),
        line_result_label=lambda r: gettext(ACTION_LABELS.get(r, r)),
        unit_name=unit_name,
        can_supervise=_can_supervise,
        unread_notifications=_unread,
        late_by=late_by,
        right_label=lambda r: gettext(delegations.RIGHT_LABELS.get(r, r)),
        legal_standing=signatures.standing,
        standing_label=lambda code: gettext(signatures.STANDINGS.get(code, code)),
        signature_reason=lambda s: s.get("reason_en") if select_locale() == "en" and s.get("reason_en")
        else s.get("reason"),
        remaining=remaining,
        now=clock.now,
        current_lang=select_locale,
    )
