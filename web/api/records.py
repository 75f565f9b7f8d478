"""Registers, statistics, saved searches and case files through the API (API.md "Registers,
statistics, search")."""
from __future__ import annotations

from flask import Response, g, jsonify, request

from engine.errors import N_, Forbidden, InvalidInput
from engine.models import Role
from engine.records import registers, saved_searches, statistics
from reports import registers as register_files
from reports import statistics as statistics_files
from web.api.base import api, json_body, token_required
from web.api.records_json import register_json, saved_search_json, statistics_json
from web.api.serializers import register_row

FORMATS = ("json", "pdf", "csv", "xlsx")


def output_format(allowed=FORMATS) -> str:
    fmt = request.args.get("format") or "json"
    if fmt not in allowed:
        raise InvalidInput(N_("Định dạng không hợp lệ."), details={"format": ", ".join(allowed)})
    return fmt


def file_response(data: bytes, media_type: str, name: str) -> Response:
    return Response(data, mimetype=media_type.split(";")[0], content_type=media_type,
                    headers={"Content-Disposition": f"attachment; filename={name}", "Cache-Control": "no-store"})


@api.get("/registers/outgoing")
@token_required
def outgoing_register():
    """The outgoing register of a year (R-REPORT-2 data): issued documents by number."""
    if not g.user.has_role(Role.CLERK, Role.LEADER, Role.ADMIN):
        raise Forbidden(N_("Chỉ văn thư và lãnh đạo xem sổ văn bản đi."))
    try:
        year = int(request.args.get("year") or 0) or None
    except ValueError:
        raise InvalidInput(N_("Năm không hợp lệ."), details={"year": "integer expected"}) from None
    return jsonify({"year": year, "items": [register_row(d) for d in registers.outgoing_register(year)]})


@api.get("/reports/registers/<kind>")
@token_required
def register_report(kind: str):
    fmt = output_format()
    reg = registers.register(g.user, registers.parse_filter(kind, request.args.to_dict()))
    if fmt == "json":
        return jsonify(register_json(reg))
    return register_download(reg, fmt)


def register_download(reg, fmt: str) -> Response:
    """The register as a PDF, CSV or XLSX file (pages and API alike)."""
    if fmt == "pdf":
        registers.check_printable(reg)
    data = {"pdf": register_files.to_pdf, "csv": register_files.to_csv, "xlsx": register_files.to_xlsx}[fmt](reg)
    return file_response(data, register_files.MEDIA_TYPES[fmt], register_files.file_name(reg, fmt))


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
