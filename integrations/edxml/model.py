"""Plain dataclasses for edXML packages (QCVN 102:2016): a document package and a status package.

Dates keep the raw text next to the parsed value: real packages carry impossible dates such as
``2014/02/30``, which are kept and flagged, never silently dropped.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

NEW, REVOKE, UPDATE, REPLACE = 0, 1, 2, 3
BUSINESS_NAMES = {NEW: "new", REVOKE: "revoke", UPDATE: "update", REPLACE: "replace"}
STATUS_CODES = ("01", "02", "03", "04", "05", "06", "13", "15", "16")


@dataclass
class Organ:
    """A sending or receiving agency (From / To / the responder of a status)."""

    organ_id: str
    name: str = ""
    in_charge: str = ""
    address: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass
class RawDate:
    """A date as written in the package and, when it is a real date, its value."""

    raw: str = ""
    value: date | None = None

    @property
    def valid(self) -> bool:
        return self.value is not None or not self.raw


@dataclass
class Staff:
    department: str = ""
    staff: str = ""
    email: str = ""
    mobile: str = ""


@dataclass
class ResponseFor:
    """The document a status (or a reply) is about."""

    organ_id: str = ""
    code: str = ""
    promulgation_date: str = ""
    document_id: str = ""


@dataclass
class Business:
    """The ``Bussiness`` block (sic): new, revoke, update or replace, and why."""

    doc_type: int = NEW
    reason: str = ""
    document_id: str = ""  # the document revoked, updated or replaced
    paper: int = 0
    staff: Staff = field(default_factory=Staff)
    replaced_ids: list[str] = field(default_factory=list)  # ReplacementInfo/DocumentId

    @property
    def name(self) -> str:
        return BUSINESS_NAMES.get(self.doc_type, "new")


@dataclass
class Attachment:
    content_id: str
    name: str
    data: bytes
    content_type: str = "application/octet-stream"
    description: str = ""


@dataclass
class DocumentPackage:
    """An edoc package: metadata of one official document and its files."""

    sender: Organ
    receivers: list[Organ]
    document_id: str
    subject: str
    code_number: str = ""
    code_notation: str = ""
    place: str = ""
    promulgation_date: RawDate = field(default_factory=RawDate)
    type_code: str = ""
    type_detail: str = ""
    type_name: str = ""
    content: str = ""
    signer_competence: str = ""
    signer_position: str = ""
    signer_name: str = ""
    due_date: RawDate = field(default_factory=RawDate)
    priority: int = 0
    sphere: str = ""
    typer_notation: str = ""
    promulgation_amount: int | None = None
    page_amount: int | None = None
    appendixes: list[str] = field(default_factory=list)
    steering_type: str = ""
    to_places: list[str] = field(default_factory=list)
    response_for: list[ResponseFor] = field(default_factory=list)
    traces: list[tuple[str, str]] = field(default_factory=list)  # (OrganId, Timestamp) per hop
    business: Business = field(default_factory=Business)
    attachments: list[Attachment] = field(default_factory=list)
    secrecy: str | None = None  # mat | toi_mat | tuyet_mat when a (legacy) secrecy mark is present
    signature_xml: bytes | None = None  # the envelope Signature element, kept as received
    problems: list[str] = field(default_factory=list)  # what was odd but tolerated (Vietnamese)


@dataclass
class StatusPackage:
    """A status package: where a document stands at one receiver (01–06, 13, 15, 16)."""

    sender: Organ
    response_for: ResponseFor
    code: str
    description: str = ""
    timestamp: str = ""
    at: datetime | None = None
    staff: Staff = field(default_factory=Staff)
    problems: list[str] = field(default_factory=list)
