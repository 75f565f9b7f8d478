"""Configuration from the environment (see README): PORT, QOFFICE_DATA, DATABASE_URL, …"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


def data_dir() -> Path:
    return Path(os.environ.get("QOFFICE_DATA") or Path.cwd() / "instance").resolve()


def _secret_key(folder: Path) -> str:
    """A per-installation key, generated on first run and kept beside the database (never in git)."""
    if os.environ.get("QOFFICE_SECRET_KEY"):
        return os.environ["QOFFICE_SECRET_KEY"]
    path = folder / "secret_key"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        # Created 0600 in one step: never readable by others, not even for a moment.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def from_environment() -> dict:
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    env = os.environ
    config = {
        "SECRET_KEY": _secret_key(folder),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL") or f"sqlite:///{folder / 'qoffice.db'}",
        "QOFFICE_DATA": str(folder),
        "QOFFICE_FILES_DIR": env.get("QOFFICE_FILES_DIR") or str(folder / "files"),
        "QOFFICE_BASE_URL": env.get("QOFFICE_BASE_URL") or f"http://127.0.0.1:{env.get('PORT', '5000')}",
    }
    for name in ("ORG_CODE", "ORG_NAME", "ORG_SHORT_NAME", "ORG_PARENT_NAME", "ORG_ABBREVIATION",
                 "ORG_PLACE", "INCOMING_LEADER", "OFFICE_HOURS", "CLAMD_SOCKET", "SMTP_HOST",
                 "SMTP_PORT", "SMTP_SECURITY", "SMTP_USER", "SMTP_PASSWORD", "SMTP_SENDER",
                 "SIGNING_BACKEND", "PKI_DIR", "PKCS11_LIB", "PKCS11_TOKEN", "ORG_SEAL_KEY", "TRUST_ROOTS",
                 "TSA_URL", "TRUSTED_PROXIES", "ENV", "OFFICE_UNIT", "CRL_DIR", "REVOCATION_MODE", "BACKUP_DIR",
                 "BACKUP_KEEP", "AXIS_URL", "AXIS_TOKEN", "AXIS_DIR", "AXIS_TIMEOUT", "AXIS_HTTP_RETRIES",
                 "AXIS_MAX_ATTEMPTS", "AXIS_RETRY_CAP_MINUTES", "EDXML_MAX_PACKAGE_BYTES", "AXIS_ACK_WORKING_DAYS",
                 "REPORT_EMAIL", "SCHEDULER_INTERVAL"):
        if env.get("QOFFICE_" + name):
            config["QOFFICE_" + name] = env["QOFFICE_" + name]
    return config


DEFAULTS = {
    "MAX_CONTENT_LENGTH": 60 * 1024 * 1024,  # whole request; single files are limited in engine.incoming.uploads
    "PERMANENT_SESSION_LIFETIME": timedelta(minutes=30),
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "BABEL_DEFAULT_LOCALE": "vi",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
    "WTF_CSRF_TIME_LIMIT": None,  # the session itself expires after 30 idle minutes
    "JSON_SORT_KEYS": False,
}
