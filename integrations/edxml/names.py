"""Names and formats shared by the edXML builder and parser."""
from __future__ import annotations

from datetime import date, datetime

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
XMLDSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
DATE_FORMAT = "%Y/%m/%d"
TIMESTAMP_FORMAT = "%Y/%m/%d %H:%M:%S"
ORGAN_FIELDS = (("OrganId", "organ_id"), ("OrganizationInCharge", "in_charge"), ("OrganName", "name"),
                ("OrganAdd", "address"), ("Email", "email"), ("Telephone", "telephone"), ("Fax", "fax"),
                ("Website", "website"))
STAFF_FIELDS = (("Department", "department"), ("Staff", "staff"), ("Email", "email"), ("Mobile", "mobile"))


def format_date(value: date | None) -> str:
    return value.strftime(DATE_FORMAT) if value else ""


def format_timestamp(value: datetime | None) -> str:
    """``yyyy/MM/dd HH:mm:ss`` in the time zone of ``value`` (callers pass Vietnam time)."""
    return value.strftime(TIMESTAMP_FORMAT) if value else ""


def document_id(organ_id: str, promulgated: date | None, number: str, notation: str) -> str:
    """The package-level id ``OrganId,yyyy/MM/dd,Number/Notation``."""
    code = f"{number}/{notation}" if number and notation else (number or notation or "")
    return f"{organ_id},{format_date(promulgated)},{code}"


def split_document_id(value: str) -> tuple[str, str, str] | None:
    """(OrganId, date text, number/notation) of an id in the usual form; None for other ids (UUIDs)."""
    parts = (value or "").split(",", 2)
    if len(parts) != 3 or not parts[0].strip():
        return None
    return parts[0].strip(), parts[1].strip(), parts[2].strip()


def strip_cid(value: str) -> str:
    value = (value or "").strip()
    return value[4:].strip() if value.lower().startswith("cid:") else value
