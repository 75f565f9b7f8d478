"""The incoming and outgoing registers (R-REPORT-2) with the columns of Decree 30/2020 Appendix IV,
for a year, a date range and a unit."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import func, select

from engine import clock
from engine.db import db
from engine.doctypes import type_name
from engine.errors import N_, Forbidden, InvalidInput
from engine.models import Document, LineKind, ProcessingLine, Role, Unit, User
from engine.models.documents import Urgency
from engine.validation import Fields

KINDS = ("incoming", "outgoing")
TITLES = {"incoming": N_("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"), "outgoing": N_("SỔ ĐĂNG KÝ VĂN BẢN ĐI")}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str  # text | date | int
    width: int  # millimetres on the printed A4 landscape page (spreadsheets scale it)


INCOMING_COLUMNS = (
    Column("received_on", N_("Ngày đến"), "date", 19),
    Column("incoming_number", N_("Số đến"), "int", 11),
    Column("author", N_("Tác giả"), "text", 34),
    Column("number_notation", N_("Số, ký hiệu văn bản"), "text", 24),
    Column("issued_on", N_("Ngày tháng văn bản"), "date", 19),
    Column("type_subject", N_("Tên loại và trích yếu nội dung văn bản"), "text", 66),
    Column("recipient", N_("Đơn vị hoặc người nhận"), "text", 40),
    Column("routed_on", N_("Ngày chuyển"), "date", 19),
    Column("signed_for", N_("Ký nhận"), "text", 14),
    Column("notes", N_("Ghi chú"), "text", 22),
)
OUTGOING_COLUMNS = (
    Column("number_notation", N_("Số, ký hiệu văn bản"), "text", 24),
    Column("issued_on", N_("Ngày tháng văn bản"), "date", 19),
    Column("type_subject", N_("Tên loại và trích yếu nội dung văn bản"), "text", 66),
    Column("signer", N_("Người ký"), "text", 32),
    Column("receivers", N_("Nơi nhận văn bản"), "text", 44),
    Column("archive_unit", N_("Đơn vị, người nhận bản lưu"), "text", 30),
    Column("copies", N_("Số lượng bản"), "int", 12),
    Column("sent_on", N_("Ngày chuyển"), "date", 19),
    Column("signed_for", N_("Ký nhận"), "text", 14),
    Column("notes", N_("Ghi chú"), "text", 22),
)
COLUMNS = {"incoming": INCOMING_COLUMNS, "outgoing": OUTGOING_COLUMNS}


@dataclass
class RegisterFilter:
    kind: str
    year: int
    date_from: date | None = None
    date_to: date | None = None
    unit: str | None = None

    def params(self) -> dict:
        return {k: v.isoformat() if isinstance(v, date) else v
                for k, v in (("year", self.year), ("from", self.date_from), ("to", self.date_to), ("unit", self.unit))
                if v not in (None, "")}


PAGE_ROWS = 200  # rows on one screen page of a register (the files hold every row)


@dataclass
class Register:
    filter: RegisterFilter
    columns: tuple[Column, ...]
    rows: list[dict] = field(default_factory=list)
    unit_name: str | None = None
    total: int | None = None  # rows in the whole register when ``rows`` is one page of it
    page: int = 1

    @property
    def count(self) -> int:
        return len(self.rows) if self.total is None else self.total

    @property
    def pages(self) -> int:
        return max((self.count + PAGE_ROWS - 1) // PAGE_ROWS, 1)

    @property
    def title(self) -> str:
        return TITLES[self.filter.kind]

    @property
    def numbers(self) -> tuple[int | None, int | None]:
        """First and last register number listed."""
        key = "incoming_number" if self.filter.kind == "incoming" else "number"
        values = [r[key] for r in self.rows if r.get(key)]
        return (min(values), max(values)) if values else (None, None)


def parse_filter(kind: str, args: dict) -> RegisterFilter:
    """The register asked for by query parameters ``year``, ``from``, ``to``, ``unit``; InvalidInput."""
    f = Fields(dict(args))
    if kind not in KINDS:
        f.errors["kind"] = "incoming hoặc outgoing"
    year = clock.today().year
    if args.get("year"):
        try:
            year = int(args["year"])
        except (TypeError, ValueError):
            year = 0
        if not 2000 <= year <= 2100:
            f.errors["year"] = "Năm không hợp lệ (2000–2100)."
    flt = RegisterFilter(kind=kind, year=year, date_from=f.day("from"), date_to=f.day("to"),
                         unit=f.text("unit", max_len=35))
    for name, day in (("from", flt.date_from), ("to", flt.date_to)):
        if day and day.year != flt.year:
            f.errors[name] = f"Phải là một ngày của năm {flt.year}."
    if flt.date_from and flt.date_to and flt.date_to < flt.date_from:
        f.errors["to"] = "Ngày kết thúc không được trước ngày bắt đầu."
    if flt.unit and not f.errors.get("unit") and db.session.get(Unit, flt.unit) is None:
        f.errors["unit"] = "Không có phòng, đơn vị này."
    f.raise_if_errors()
    return flt


def authorize(user: User, flt: RegisterFilter) -> None:
    """Clerks, leaders and administrators read every register; a unit head reads their unit's part."""
    if user.has_role(Role.CLERK, Role.LEADER, Role.ADMIN):
        return
    if user.has_role(Role.UNIT_HEAD):
        if flt.unit in (None, "", user.unit_code):
            flt.unit = user.unit_code
            return
    raise Forbidden(N_("Bạn không có quyền xem sổ đăng ký văn bản này."))


def _day_bounds(day: date, end: bool = False) -> datetime:
    return datetime.combine(day, time.max if end else time.min, tzinfo=clock.VN_TZ)


def _type_subject(doc) -> str:
    return f"{type_name(doc.doc_type)}: {doc.subject}" if doc.doc_type != "CV" else f"Công văn {doc.subject}"


def _notation(doc) -> str:
    if doc.number and doc.notation:
        return f"{doc.number}/{doc.notation}"
    return doc.number or doc.notation or ""


# Rows are read as plain column tuples: ORM objects for 25,000 documents cost seconds.
INCOMING_FIELDS = (Document.id, Document.received_at, Document.incoming_number, Document.sender_org_name,
                   Document.number, Document.notation, Document.issued_on, Document.doc_type, Document.subject,
                   Document.source, Document.urgency, Document.notes)
OUTGOING_FIELDS = (Document.id, Document.outgoing_number, Document.number, Document.notation, Document.issued_on,
                   Document.doc_type, Document.subject, Document.signer_name, Document.signer_position,
                   Document.receivers, Document.created_by_id, Document.sent_at, Document.paper_copy,
                   Document.status, Document.notes)


def _read(query, order, page: int | None) -> tuple[list, int | None, object]:
    """The documents of ``query`` in ``order`` (one page of them, with the total, when ``page`` is
    given) and the condition on ProcessingLine.document_id that picks their lines."""
    ordered = query.order_by(order)
    if page is None:
        return db.session.execute(ordered).all(), None, query.with_only_columns(Document.id).order_by(None)
    docs = db.session.execute(ordered.offset((page - 1) * PAGE_ROWS).limit(PAGE_ROWS)).all()
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    return docs, total, [d.id for d in docs]


def _incoming(flt: RegisterFilter, page: int | None) -> tuple[list[dict], int | None]:
    query = select(*INCOMING_FIELDS).where(Document.direction == "incoming", Document.register_year == flt.year,
                                   Document.incoming_number.isnot(None))
    if flt.date_from:
        query = query.where(Document.received_at >= _day_bounds(flt.date_from))
    if flt.date_to:
        query = query.where(Document.received_at <= _day_bounds(flt.date_to, end=True))
    top = (ProcessingLine.parent_id.is_(None)) & (ProcessingLine.kind != LineKind.INFORM)
    if flt.unit:
        query = query.where(Document.id.in_(select(ProcessingLine.document_id)
                                            .where(top, ProcessingLine.unit_code == flt.unit)))
    docs, total, ids = _read(query, Document.incoming_number, page)
    names = dict(db.session.query(Unit.code, Unit.name))
    people = dict(db.session.query(User.id, User.full_name))
    recipients: dict[int, list] = defaultdict(list)
    routed: dict[int, datetime] = {}
    lines = (select(ProcessingLine.document_id, ProcessingLine.kind, ProcessingLine.target_type,
                    ProcessingLine.unit_code, ProcessingLine.holder_id, ProcessingLine.started_at)
             .where(top, ProcessingLine.document_id.in_(ids))
             .order_by(ProcessingLine.document_id, ProcessingLine.id))
    for doc_id, kind, target, unit, holder, started in db.session.execute(lines):
        who = people.get(holder) if target == "user" else names.get(unit, unit)
        recipients[doc_id].append(who if kind == LineKind.LEAD else f"{who} (phối hợp)")
        routed[doc_id] = min(routed.get(doc_id, started), started)
    rows = []
    for doc in docs:
        notes = [doc.notes] if doc.notes else []
        if doc.source == "paper":
            notes.insert(0, "Bản giấy")
        if doc.urgency != Urgency.NORMAL:
            notes.insert(0, Urgency.LABELS[doc.urgency])
        rows.append({"id": doc.id, "received_on": clock.to_vn(doc.received_at).date() if doc.received_at else None,
                     "incoming_number": doc.incoming_number, "author": doc.sender_org_name or "",
                     "number_notation": _notation(doc), "issued_on": doc.issued_on,
                     "type_subject": _type_subject(doc), "recipient": "; ".join(recipients.get(doc.id, ())),
                     "routed_on": routed[doc.id].date() if doc.id in routed else None, "signed_for": "",
                     "notes": "; ".join(notes)})
    return rows, total


def _outgoing(flt: RegisterFilter, page: int | None) -> tuple[list[dict], int | None]:
    query = select(*OUTGOING_FIELDS).where(Document.direction == "outgoing", Document.outgoing_year == flt.year,
                                   Document.outgoing_number.isnot(None))
    if flt.date_from:
        query = query.where(Document.issued_on >= flt.date_from)
    if flt.date_to:
        query = query.where(Document.issued_on <= flt.date_to)
    if flt.unit:
        query = query.where(Document.created_by_id.in_(select(User.id).where(User.unit_code == flt.unit)))
    docs, total, _ids = _read(query, Document.outgoing_number, page)
    names = dict(db.session.query(Unit.code, Unit.name))
    units = dict(db.session.query(User.id, User.unit_code))
    rows = []
    for doc in docs:
        receivers = [r.get("name") or r.get("code") or "" for r in doc.receivers or () if isinstance(r, dict)]
        notes = [doc.notes] if doc.notes else []
        if doc.paper_copy:
            notes.insert(0, "Gửi kèm bản giấy")
        if doc.status == "recalled":
            notes.insert(0, "Đã thu hồi")
        rows.append({"id": doc.id, "number": doc.outgoing_number, "number_notation": _notation(doc),
                     "issued_on": doc.issued_on, "type_subject": _type_subject(doc),
                     "signer": ", ".join(filter(None, [doc.signer_name, doc.signer_position])),
                     "receivers": "; ".join(receivers),
                     "archive_unit": "; ".join(filter(None, ["Văn thư", names.get(units.get(doc.created_by_id))])),
                     "copies": len(receivers), "sent_on": clock.to_vn(doc.sent_at).date() if doc.sent_at else None,
                     "signed_for": "", "notes": "; ".join(notes)})
    return rows, total


def register(user: User, flt: RegisterFilter, *, page: int | None = None) -> Register:
    """The rows of the register ``flt`` asks for, in number order, if ``user`` may read it: all of
    them, or the ``page``-th PAGE_ROWS of them."""
    authorize(user, flt)
    rows, total = (_incoming if flt.kind == "incoming" else _outgoing)(flt, page)
    unit = db.session.get(Unit, flt.unit) if flt.unit else None
    return Register(filter=flt, columns=COLUMNS[flt.kind], rows=rows, unit_name=unit.name if unit else None,
                    total=total, page=page or 1)


def outgoing_register(year: int | None = None) -> list[Document]:
    """The outgoing register: issued documents of ``year`` (default: this year) by number."""
    year = year or clock.today().year
    return (db.session.query(Document)
            .filter(Document.direction == "outgoing", Document.outgoing_year == year)
            .order_by(Document.outgoing_number).all())


# A register prints at under 1 ms per row (reportlab, see bench/registers.py): a busy year (25,000
# rows) takes about 17 s. Beyond this a web request would wait too long; such spans go by date range.
MAX_PDF_ROWS = 50_000


def check_printable(reg: Register) -> None:
    if len(reg.rows) > MAX_PDF_ROWS:
        raise InvalidInput(N_("Sổ có %(n)s văn bản, quá nhiều để in một tệp PDF (tối đa %(max)s): hãy chọn khoảng "
                              "ngày ngắn hơn, hoặc tải tệp XLSX."), params={"n": len(reg.rows), "max": MAX_PDF_ROWS},
                           details={"from": "Chọn khoảng ngày ngắn hơn.", "format": "xlsx"})
