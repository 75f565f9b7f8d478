"""Registers, statistics, saved searches and case files through the API (API.md "Registers,
statistics, search")."""
from __future__ import annotations

from flask import g, jsonify, request, send_file

from engine import documents
from engine.errors import N_, Forbidden, InvalidInput
from engine.models import Role
from engine.processing import lines
from engine.records import case_files, registers, saved_searches, statistics
from engine.validation import parse_year
from reports import archive, slip
from reports import registers as register_files
from reports import statistics as statistics_files
from web.api.base import api, json_body, token_required
from web.api.records_json import case_file_json, register_json, saved_search_json, statistics_json
from web.api.serializers import register_row
from web.downloads import file_response

FORMATS = ("json", "pdf", "csv", "xlsx")


def output_format(allowed=FORMATS) -> str:
    fmt = request.args.get("format") or "json"
    if fmt not in allowed:
        raise InvalidInput(N_("Định dạng không hợp lệ."), details={"format": ", ".join(allowed)})
    return fmt


@api.get("/registers/outgoing")
@token_required
def outgoing_register():
    """The outgoing register of a year (R-REPORT-2 data): issued documents by number."""
    if not g.user.has_role(Role.CLERK, Role.LEADER, Role.ADMIN):
        raise Forbidden(N_("Chỉ văn thư và lãnh đạo xem sổ văn bản đi."))
    year = parse_year(request.args.get("year"), None)
    return jsonify({"year": year, "items": [register_row(d) for d in registers.outgoing_register(year)]})


@api.get("/reports/registers/<kind>")
@token_required
def register_report(kind: str):
    fmt = output_format()
    reg = registers.register(g.user, registers.parse_filter(kind, request.args.to_dict()))
    if fmt == "json":
        return jsonify(register_json(reg))
    return file_response(*register_files.export(reg, fmt))


@api.get("/reports/statistics")
@token_required
def statistics_report():
    fmt = output_format(("json", "pdf"))
    stats = statistics.statistics(g.user, statistics.parse_month(request.args.get("month")))
    if fmt == "pdf":
        return file_response(statistics_files.to_pdf(stats), "application/pdf", statistics_files.file_name(stats))
    return jsonify(statistics_json(stats))


@api.get("/searches")
@token_required
def list_saved_searches():
    return jsonify({"items": [saved_search_json(s) for s in saved_searches.listing(g.user)]})


@api.post("/searches")
@token_required
def save_search():
    return jsonify(saved_search_json(saved_searches.save(g.user, json_body()))), 201


@api.delete("/searches/<int:search_id>")
@token_required
def delete_saved_search(search_id: int):
    saved_searches.delete(g.user, search_id)
    return "", 204


@api.get("/documents/<int:document_id>/slip")
@token_required
def processing_slip(document_id: int):
    doc = documents.get_visible(g.user, document_id)
    return file_response(slip.to_pdf(doc, lines.lines_of(doc)), "application/pdf", slip.file_name(doc))


@api.get("/case-files")
@token_required
def list_case_files():
    items = case_files.listing(g.user, year=parse_year(request.args.get("year"), None),
                               status=request.args.get("status") or None)
    return jsonify({"items": [case_file_json(c) for c in items]})


@api.post("/case-files")
@token_required
def open_case_file():
    return jsonify(case_file_json(case_files.open_case_file(g.user, json_body()), entries=True)), 201


@api.get("/case-files/<int:case_file_id>")
@token_required
def get_case_file(case_file_id: int):
    return jsonify(case_file_json(case_files.get(g.user, case_file_id), entries=True))


@api.post("/case-files/<int:case_file_id>/documents")
@token_required
def file_into_case_file(case_file_id: int):
    row = case_files.get(g.user, case_file_id)
    case_files.file_document(g.user, row, json_body().get("document_id"))
    return jsonify(case_file_json(case_files.get(g.user, case_file_id), entries=True)), 201


@api.post("/case-files/<int:case_file_id>/close")
@token_required
def close_case_file(case_file_id: int):
    return jsonify(case_file_json(case_files.close(g.user, case_files.get(g.user, case_file_id)), entries=True))


@api.get("/case-files/export")
@token_required
def export_case_files():
    year = case_files.parse_year(request.args.get("year"))
    package = archive.package(case_files.closed_for_export(g.user, year), year)
    return send_file(package, mimetype="application/zip", as_attachment=True,
                     download_name=f"ho-so-nop-luu-{year}.zip", max_age=0)
