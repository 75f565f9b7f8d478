"""Records pages: the registers, the monthly statistics, the processing slip, case files, saved
searches."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from markupsafe import Markup

from engine import documents
from engine.errors import DomainError
from engine.models.records import Retention
from engine.processing import lines
from engine.records import case_files, registers, saved_searches, statistics
from engine.validation import MAX_PAGE, parse_id, parse_year
from reports import archive, charts, slip
from reports import registers as register_files
from reports import statistics as statistics_files
from web.downloads import file_response
from web.i18n import error_text
from web.pages.common import act, units

bp = Blueprint("records", __name__)


@bp.route("/reports/registers/<kind>")
@login_required
def register_page(kind: str):
    args = request.args.to_dict()
    fmt = args.pop("format", None)
    page = min(parse_id(args.pop("page", None)) or 1, MAX_PAGE)  # a page just ignores a bad value
    try:
        flt = registers.parse_filter(kind, args)
        if fmt in register_files.MEDIA_TYPES:
            return file_response(*register_files.export(registers.register(current_user, flt), fmt))
        reg = registers.register(current_user, flt, page=page)
    except DomainError as error:
        return render_template("records/register.html", kind=kind, reg=None, error=error_text(error),
                               errors=error.details, args=args, units=units()), error.status
    return render_template("records/register.html", kind=kind, reg=reg, error=None, errors={}, args=args,
                           units=units(), printable=reg.count <= registers.MAX_PDF_ROWS)


@bp.route("/reports/statistics")
@login_required
def statistics_page():
    try:
        month = statistics.parse_month(request.args.get("month"))
        stats = statistics.statistics(current_user, month)
    except DomainError as error:
        return render_template("error.html", message=error_text(error), details=error.details), error.status
    if request.args.get("format") == "pdf":
        return file_response(statistics_files.to_pdf(stats), "application/pdf", statistics_files.file_name(stats))
    return render_template("records/statistics.html", stats=stats, units_svg=Markup(charts.units_chart(stats)),
                           trend_svg=Markup(charts.trend_chart(stats)))


@bp.route("/documents/<int:document_id>/slip")
@login_required
def slip_page(document_id: int):
    doc = documents.get_visible(current_user, document_id)
    if request.args.get("format") == "pdf":
        return file_response(slip.to_pdf(doc, lines.lines_of(doc)), "application/pdf", slip.file_name(doc))
    return slip.to_html(doc, lines.lines_of(doc))


@bp.route("/searches", methods=["POST"])
@login_required
def save_search():
    params = {k: v for k, v in request.form.items() if k not in ("csrf_token", "name")}
    act(lambda: saved_searches.save(current_user, {"name": request.form.get("name", ""), "params": params}),
        gettext("Đã lưu tìm kiếm."))
    return redirect(url_for("documents.document_list", **params))


@bp.route("/searches/<int:search_id>/delete", methods=["POST"])
@login_required
def delete_search(search_id: int):
    act(lambda: saved_searches.delete(current_user, search_id), gettext("Đã xóa tìm kiếm đã lưu."))
    return redirect(url_for("documents.document_list"))


@bp.route("/case-files", methods=["GET", "POST"])
@login_required
def case_file_list():
    form, errors, status = {}, {}, 200
    if request.method == "POST":
        form = {k: request.form.get(k, "") for k in ("title", "code", "year", "retention_years")}
        try:
            row = case_files.open_case_file(current_user, form)
            return redirect(url_for("records.case_file_page", case_file_id=row.id))
        except DomainError as error:
            errors, status = {**error.details, "_": error_text(error)}, error.status
    year = parse_year(request.args.get("year"), None)
    return render_template("records/case_files.html", items=case_files.listing(current_user, year=year),
                           form=form, errors=errors, retention=Retention.CHOICES, year=year), status


@bp.route("/case-files/<int:case_file_id>", methods=["GET", "POST"])
@login_required
def case_file_page(case_file_id: int):
    row = case_files.get(current_user, case_file_id)
    if request.method == "POST":
        if request.form.get("action") == "close":
            act(lambda: case_files.close(current_user, row), gettext("Đã đóng hồ sơ."))
        else:
            act(lambda: case_files.file_document(current_user, row, request.form.get("document_id")),
                gettext("Đã lưu văn bản vào hồ sơ."))
        return redirect(url_for("records.case_file_page", case_file_id=row.id))
    return render_template("records/case_file.html", cf=row, retention=archive.retention_text(row))


@bp.route("/case-files/export")
@login_required
def export_case_files():
    year = case_files.parse_year(request.args.get("year"))
    package = archive.package(case_files.closed_for_export(current_user, year), year)
    return send_file(package, mimetype="application/zip", as_attachment=True,
                     download_name=f"ho-so-nop-luu-{year}.zip", max_age=0)
