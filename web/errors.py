"""Every error answered clearly: JSON for the API, a page for people; never a stack trace."""
from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine.db import db
from engine.errors import N_, DomainError
from web.i18n import error_text

log = logging.getLogger(__name__)

HTTP_MESSAGES = {
    400: ("bad_request", N_("Yêu cầu không hợp lệ.")),
    401: ("unauthenticated", N_("Bạn cần đăng nhập.")),
    403: ("forbidden", N_("Bạn không có quyền thực hiện thao tác này.")),
    404: ("not_found", N_("Không tìm thấy.")),
    405: ("method_not_allowed", N_("Phương thức không được hỗ trợ.")),
    413: ("too_large", N_("Tệp tải lên quá lớn.")),
    429: ("throttled", N_("Quá nhiều yêu cầu, vui lòng thử lại sau.")),
    500: ("server_error", N_("Lỗi hệ thống. Sự cố đã được ghi lại; vui lòng báo Văn phòng Sở.")),
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message: str, details: dict | None = None):
    response = jsonify({"error": code, "message": message, "details": details or {}})
    response.status_code = status
    return response


def register(app) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        if wants_json():
            return json_error(error.status, error.code, error_text(error), error.details)
        return render_template("error.html", message=error_text(error), details=error.details), error.status

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        # Never back to the Referer: it is whatever page sent the forged request.
        return render_template("error.html", message=gettext(
            "Phiên biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang và thử lại.")), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code, message = HTTP_MESSAGES.get(error.code, ("error", error.description or ""))
        if wants_json():
            response = json_error(error.code, code, gettext(message))
        else:
            response = app.make_response((render_template("error.html", message=gettext(message)), error.code))
        # Keep what the exception says about the request, e.g. Allow on a 405 (RFC 9110).
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()
        log.exception("unexpected error on %s %s", request.method, request.path)
        code, message = HTTP_MESSAGES[500]
        if wants_json():
            return json_error(500, code, gettext(message))
        return render_template("error.html", message=gettext(message)), 500
