"""Administrator pages: the mail outbox ("Thư đã gửi") and the working-day calendar."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from engine import clock
from engine.deadlines import calendar_admin
from engine.errors import DomainError
from engine.models import Role
from engine.notifications import mailer
from engine.validation import FIRST_YEAR, LAST_YEAR, parse_id, parse_page, parse_year
from web.i18n import error_text

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _admins_only():
    # One guard for the whole blueprint, so a new page cannot forget it.
    if not current_user.has_role(Role.ADMIN):
        abort(403)


@bp.route("/mail")
def mail():
    status = request.args.get("status") or None
    if status not in (None, *mailer.STATUSES):
        status = None
    page = parse_page(request.args.get("page"), strict=False)
    items, total = mailer.outbox_page(current_user, status=status, page=page)
    pages = max((total + mailer.PAGE_SIZE - 1) // mailer.PAGE_SIZE, 1)
    return render_template("admin/mail.html", items=items, total=total, page=page, pages=pages, status=status,
                           labels=mailer.STATUS_LABELS, configured=mailer.smtp_settings() is not None)


@bp.route("/mail/<int:message_id>")
def mail_detail(message_id: int):
    message = mailer.outbox_message(current_user, message_id)
    return render_template("admin/mail_detail.html", m=message, labels=mailer.STATUS_LABELS)


def _calendar_page(year: int, form: dict | None = None, errors: dict | None = None, status: int = 200):
    return render_template("admin/calendar.html", year=year, days=calendar_admin.year_days(year),
                           labels=calendar_admin.KIND_LABELS, kinds=calendar_admin.KINDS,
                           office_hours=calendar_admin.office_hours(), form=form or {},
                           errors=errors or {}), status


@bp.route("/calendar")
def calendar():
    try:
        year = parse_year(request.args.get("year"), clock.today().year)
    except DomainError as error:
        flash(error_text(error), "error")
        year = clock.today().year
    return _calendar_page(year)


@bp.route("/calendar/days", methods=["POST"])
def add_calendar_day():
    form = {k: request.form.get(k, "") for k in ("date", "kind", "note")}
    try:
        row = calendar_admin.add_day(current_user, form)
    except DomainError as error:
        flash(error_text(error), "error")
        typed = parse_id(form["date"][:4])  # "²026" passes isdigit() but not int()
        year = min(max(typed, FIRST_YEAR), LAST_YEAR) if typed else clock.today().year
        return _calendar_page(year, form, error.details, error.status)
    flash(gettext("Đã thêm vào lịch: %(kind)s %(day)s.", kind=gettext(calendar_admin.KIND_LABELS[row.kind]),
                  day=row.day.strftime("%d/%m/%Y")), "success")
    return redirect(url_for("admin.calendar", year=row.day.year))


@bp.route("/calendar/days/<day>/delete", methods=["POST"])
def remove_calendar_day(day: str):
    year = parse_id(day[:4])
    try:
        calendar_admin.remove_day(current_user, day)
        flash(gettext("Đã xóa ngày %(day)s khỏi lịch.", day="/".join(reversed(day.split("-")))), "success")
    except DomainError as error:
        flash(error_text(error), "error")
    return redirect(url_for("admin.calendar", year=year))
