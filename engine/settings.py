"""Settings the engine reads: organisation identity, limits, calendar.

Values come from the Flask app config when an app is active (``create_app``
fills them from the environment), otherwise from DEFAULTS, so engine code and
its unit tests run without a web request.
"""
from __future__ import annotations

DEFAULTS = {
    # Organisation identity is configuration (the 2025 reorganisation may change it).
    "ORG_CODE": "000.00.15.H47",
    "ORG_NAME": "Sở Lao động - Thương binh và Xã hội tỉnh Quảng Nam",
    "ORG_SHORT_NAME": "Sở LĐTBXH Quảng Nam",
    "ORG_PARENT_NAME": "UBND TỈNH QUẢNG NAM",
    "ORG_ABBREVIATION": "SLĐTBXH",
    "ORG_PLACE": "Quảng Nam",
    "ORG_EMAIL": "qoffice@localhost",
    # The leader in charge of incoming documents (routes them unless the clerk names another).
    "INCOMING_LEADER": "giamdoc",
    # The Office (Văn phòng Sở): its head, the Chánh Văn phòng, oversees the clerks' steps.
    "OFFICE_UNIT": "vp",
    "FILES_DIR": "instance/files",
    "BASE_URL": "http://127.0.0.1:5000",
    # Working days a routed document gets when the leader sets no deadline.
    "DEFAULT_PROCESS_DAYS": 5,
    "MAX_FILE_BYTES": 20 * 1024 * 1024,
    "MAX_FILES": 20,
    "OFFICE_HOURS": "07:30-11:30,13:30-17:00",
    "SUBJECT_DUPLICATE_THRESHOLD": 0.9,
    # Outgoing mail (engine.mailer). No host = no delivery: mail waits in the outbox.
    "SMTP_HOST": None,
    "SMTP_PORT": 25,
    "SMTP_SECURITY": "none",  # none | starttls | tls
    "SMTP_USER": None,
    "SMTP_PASSWORD": None,
    "SMTP_SENDER": None,  # falls back to ORG_EMAIL
    "MAIL_MAX_ATTEMPTS": 8,
    # Records (engine/records/monthly_report.py): the external address(es) of the monthly report (the
    # province's information department), separated by commas.
    "REPORT_EMAIL": None,
    # Signing (engine.signing_keys): key store, demo PKI, trust roots, timestamp authority.
    "DATA": "instance",
    # "production" refuses everything that exists for the demo: its PKI (root, TSA, keys).
    "ENV": "demo",
    "SIGNING_BACKEND": "pkcs12",  # pkcs12 (a directory of <key id>.p12) | pkcs11 (a token)
    "PKI_DIR": None,  # PKCS#12 directory and demo PKI; default <DATA>/pki
    "PKCS11_LIB": None,
    "PKCS11_TOKEN": None,
    "ORG_SEAL_KEY": "org-seal",  # key id (file stem / token label) of the organisation seal
    "TRUST_ROOTS": None,  # PEM files of trusted roots; default: the demo root in PKI_DIR
    "TSA_URL": None,  # RFC 3161 timestamp authority; default: the demo TSA in PKI_DIR
    # Certificate revocation lists fetched by the operators (DER or PEM files); without them revocation
    # is shown as not checked. "require": every certificate of a chain must be covered by a list.
    "CRL_DIR": None,
    # Backups (engine.operations.backups): where, and how many to keep; one is made every night.
    "BACKUP_DIR": None,  # default <DATA>/backups; better another disk
    "BACKUP_KEEP": 14,
    "REVOCATION_MODE": "require",
    # Interconnection axis (engine.interconnection): an LGSP-style REST axis or a folder drop; neither =
    # packages wait in the outbox.
    "AXIS_URL": None,
    "AXIS_TOKEN": None,  # our organisation's bearer token on the axis
    "AXIS_DIR": None,  # folder drop with outbox/ and inbox/
    "AXIS_TIMEOUT": 20,  # seconds per HTTP request
    "AXIS_HTTP_RETRIES": 2,  # immediate retries of one request (connection errors, 502/503/504)
    "AXIS_MAX_ATTEMPTS": 8,  # failed deliveries after which the clerk and the Chánh Văn phòng are told
    "AXIS_RETRY_CAP_MINUTES": 60,  # longest wait between two tries (tries go on after the alert)
    "EDXML_MAX_PACKAGE_BYTES": 50 * 1024 * 1024,
    # Working days after sending after which a delivery not yet received / accepted is shown to leaders.
    "AXIS_ACK_WORKING_DAYS": 2,
}


def get(name: str):
    """A setting by name (without the ``QOFFICE_`` prefix used in the Flask config)."""
    try:
        from flask import current_app, has_app_context

        if has_app_context():
            return current_app.config.get("QOFFICE_" + name, DEFAULTS.get(name))
    except ImportError:  # pragma: no cover - flask is always installed in this project
        pass
    return DEFAULTS[name]
