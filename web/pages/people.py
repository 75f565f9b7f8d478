"""People administration (Administrator): users — create, edit, deactivate, reset the password,
hand a leaving user's work over —, units and their heads, the staff-list import, the audit trail."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from engine.errors import DomainError
from engine.models import Role
from engine.people import audit, directory, staff_import, units
from engine.processing import handover
from web.i18n import error_text
from web.pages.common import act

bp = Blueprint("people", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _admins_only():
    if not current_user.has_role(Role.ADMIN):
        abort(403)


def _account_form() -> dict:
    form = request.form
    data = {k: form.get(k, "") for k in ("username", "full_name", "email", "phone", "unit", "position")}
    data["roles"] = form.getlist("roles")
    return data


def _render_user(template: str, form: dict, errors: dict | None = None, user=None, status: int = 200):
    return render_template(template, form=form, errors=errors or {}, user=user, roles=Role.ALL,
                           units=units.listing(active_only=True),
                           events=audit.recent(f"user:{user.username}", 50) if user else []), status


@bp.route("/users", methods=["GET", "POST"])
def admin_users():
    if request.method == "POST":  # handover of a leaving user's work
        act(lambda: handover.handover(current_user, request.form.get("username", ""),
                                      request.form.get("successor", "")),
            lambda moved: gettext("Đã bàn giao: %(tasks)s công việc, %(lines)s dòng xử lý, %(drafts)s dự thảo.",
                                  **moved))
        return redirect(url_for("people.admin_users"))
    q, unit = request.args.get("q") or "", request.args.get("unit") or ""
    return render_template("people/users.html", users=directory.users(q, unit), q=q, unit=unit,
                           units=units.listing(), everyone=directory.users())


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    if request.method == "POST":
        form = _account_form()
        try:
            account = directory.create_user(current_user, form)
        except DomainError as error:
            flash(error_text(error), "error")
            return _render_user("people/user_form.html", form, error.details, status=error.status)
        return render_template("people/one_time_password.html", user=account.user,
                               secret=account.one_time_password, created=True)
    return _render_user("people/user_form.html", {"roles": [Role.SPECIALIST]})


@bp.route("/users/<username>", methods=["GET", "POST"])
def edit_user(username: str):
    user = directory.get_user(username)
    if request.method == "POST":
        form = _account_form()
        form.pop("username")
        form["active"] = "active" in request.form
        try:
            directory.update_user(current_user, username, form)
        except DomainError as error:
            flash(error_text(error), "error")
            return _render_user("people/user_form.html", {**form, "username": username}, error.details, user,
                                error.status)
        flash(gettext("Đã lưu tài khoản %(name)s.", name=user.full_name), "success")
        return redirect(url_for("people.edit_user", username=username))
    form = {"username": user.username, "full_name": user.full_name, "email": user.email or "",
            "phone": user.phone or "", "unit": user.unit_code, "position": user.position or "",
            "roles": user.roles, "active": user.active}
    return _render_user("people/user_form.html", form, user=user)


@bp.route("/users/<username>/password", methods=["POST"])
def reset_password(username: str):
    try:
        secret = directory.reset_password(current_user, username)
    except DomainError as error:
        flash(error_text(error), "error")
        return redirect(url_for("people.edit_user", username=username))
    return render_template("people/one_time_password.html", user=directory.get_user(username), secret=secret,
                           created=False)


@bp.route("/users/import", methods=["GET", "POST"])
def import_users():
    result = None
    if request.method == "POST":
        upload = request.files.get("file")
        content = upload.read() if upload is not None else b""
        dry_run = request.form.get("mode") != "import"
        if not content:
            flash(gettext("Chọn tệp danh sách (CSV) để nhập."), "error")
        else:
            try:
                result = staff_import.import_staff(current_user, content, dry_run=dry_run)
            except DomainError as error:
                flash(error_text(error), "error")
            else:
                if result.failed:
                    flash(gettext("Có %(n)s dòng chưa hợp lệ; chưa tạo tài khoản nào.", n=result.failed), "error")
                elif dry_run:
                    flash(gettext("Tệp hợp lệ. Bấm «Nhập» để tạo các tài khoản."), "success")
                else:
                    flash(gettext("Đã tạo %(n)s tài khoản.", n=result.created), "success")
    return render_template("people/import.html", result=result, columns=staff_import.REQUIRED + staff_import.OPTIONAL)


@bp.route("/units", methods=["GET", "POST"])
def admin_units():
    form, errors = {}, {}
    if request.method == "POST":
        form = {k: request.form.get(k, "") for k in ("code", "name", "kind", "abbreviation")}
        try:
            units.create_unit(current_user, form)
        except DomainError as error:
            flash(error_text(error), "error")
            errors = error.details
        else:
            flash(gettext("Đã tạo %(name)s.", name=form["name"]), "success")
            return redirect(url_for("people.admin_units"))
    return render_template("people/units.html", items=units.listing(), form=form, errors=errors,
                           kinds=units.KINDS, kind_labels=units.KIND_LABELS), (422 if errors else 200)


@bp.route("/units/<code>", methods=["GET", "POST"])
def edit_unit(code: str):
    unit = units.get_unit(code)
    errors = {}
    if request.method == "POST":
        data = {"name": request.form.get("name", ""), "abbreviation": request.form.get("abbreviation", ""),
                "head": request.form.get("head", ""), "active": "active" in request.form}
        try:
            units.update_unit(current_user, code, data)
        except DomainError as error:
            flash(error_text(error), "error")
            errors = error.details
        else:
            flash(gettext("Đã lưu %(name)s.", name=unit.name), "success")
            return redirect(url_for("people.edit_unit", code=code))
    return render_template("people/unit_form.html", unit=unit, errors=errors, members=directory.users(unit=code),
                           events=audit.recent(f"unit:{code}", 50)), (422 if errors else 200)


@bp.route("/audit")
def audit_trail():
    return render_template("people/audit.html", events=audit.recent(request.args.get("target") or None, 300))


@bp.context_processor
def _labels():
    return {"audit_label": lambda action: gettext(audit.action_label(action)),
            "kind_label": lambda kind: gettext(units.KIND_LABELS.get(kind, kind))}
