"""edXML packages of QCVN 102:2016: bytes ↔ plain dataclasses (lxml; no database, network or clock)."""
from integrations.edxml.build import build_document, build_status
from integrations.edxml.model import (
    BUSINESS_NAMES,
    NEW,
    REPLACE,
    REVOKE,
    STATUS_CODES,
    UPDATE,
    Attachment,
    Business,
    DocumentPackage,
    Organ,
    RawDate,
    ResponseFor,
    Staff,
    StatusPackage,
)
from integrations.edxml.names import document_id, format_date, format_timestamp, split_document_id
from integrations.edxml.parse import PackageError, parse, parse_timestamp

__all__ = [
    "BUSINESS_NAMES", "NEW", "REVOKE", "UPDATE", "REPLACE", "STATUS_CODES",
    "Attachment", "Business", "DocumentPackage", "Organ", "RawDate", "ResponseFor", "Staff", "StatusPackage",
    "build_document", "build_status", "parse", "parse_timestamp", "PackageError",
    "document_id", "format_date", "format_timestamp", "split_document_id",
]
