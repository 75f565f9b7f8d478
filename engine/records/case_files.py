"""Case files (hồ sơ công việc, R-ARCHIVE-1, Đ18.2, Đ20.8): a specialist opens one for a piece of
work (title, code from the unit's list of files, year, retention period), files the incoming and
outgoing documents of that work into it and closes it; closed case files are exported each year
for archiving (reports/archive.py)."""
from __future__ import annotations

import re

from sqlalchemy import func

from engine import clock, validation
from engine.db import db
from engine.errors import N_, Conflict, Forbidden, InvalidInput, NotFound
from engine.models import CaseFile, CaseFileDocument, Document, Role, User
from engine.models.records import Retention
from engine.processing.access import can_view
from engine.tx import transaction
from engine.validation import Fields

CODE = re.compile(r"^[0-9A-Za-zĐđ.\-/]{1,30}$")
KEEPERS = (Role.SPECIALIST, Role.UNIT_HEAD, Role.CLERK)


def _retention(f: Fields):
    value = f.data.get("retention_years")
    if value in (None, "", "permanent"):
        return None
    try:
        years = int(value)
    except (TypeError, ValueError):
        years = -1
    if years not in Retention.CHOICES:
        f.errors["retention_years"] = "Thời hạn bảo quản: 5, 10, 15, 20, 50, 70 năm hoặc vĩnh viễn (permanent)."
    return years


def open_case_file(user: User, data: dict) -> CaseFile:
    """Open a case file of the user's unit."""
    if not user.has_role(*KEEPERS):
        raise Forbidden(N_("Chỉ chuyên viên, lãnh đạo phòng và văn thư lập hồ sơ công việc."))
    f = Fields(data)
    title = f.text("title", required=True, max_len=500)
    code = f.text("code", required=True, max_len=30)
    if code and not CODE.match(code):
        f.errors["code"] = "Ký hiệu hồ sơ chỉ gồm chữ, số và . - / (tối đa 30 ký tự)."
    year = clock.today().year
    if f.data.get("year") not in (None, ""):
        try:
            year = int(f.data["year"])
        except (TypeError, ValueError):
            year = 0
        if not 2000 <= year <= clock.today().year:
            f.errors["year"] = "Năm không hợp lệ."
    retention = _retention(f)
    f.raise_if_errors()
    if db.session.query(CaseFile.id).filter_by(unit_code=user.unit_code, year=year, code=code).first():
        raise Conflict(N_("Đơn vị đã có hồ sơ số %(code)s năm %(year)s."), params={"code": code, "year": year},
                       details={"code": "Đã có trong danh mục năm này."})
    with transaction():
        row = CaseFile(unit_code=user.unit_code, year=year, code=code, title=title, retention_years=retention,
                       status="open", owner_id=user.id, opened_at=clock.now())
        db.session.add(row)
    return row


def get(user: User, case_file_id) -> CaseFile:
    """A case file of the user's unit (the Office and leaders see every unit's)."""
    try:
        row = db.session.get(CaseFile, int(case_file_id))
    except (TypeError, ValueError):
        row = None
    if row is None or not (user.unit_code == row.unit_code or user.has_role(Role.CLERK, Role.LEADER, Role.ADMIN)):
        raise NotFound(N_("Không tìm thấy hồ sơ."))
    return row


def listing(user: User, *, year: int | None = None, status: str | None = None) -> list[CaseFile]:
    query = db.session.query(CaseFile)
    if not user.has_role(Role.CLERK, Role.LEADER, Role.ADMIN):
        query = query.filter(CaseFile.unit_code == user.unit_code)
    if year:
        query = query.filter(CaseFile.year == year)
    if status not in (None, "open", "closed"):
        raise InvalidInput(N_("Trạng thái hồ sơ không hợp lệ (open hoặc closed)."), details={"status": "open | closed"})
    if status:
        query = query.filter(CaseFile.status == status)
    return query.order_by(CaseFile.year.desc(), CaseFile.unit_code, CaseFile.code).all()


def _require_keeper(user: User, row: CaseFile) -> None:
    if not (row.owner_id == user.id or (user.has_role(Role.UNIT_HEAD) and user.unit_code == row.unit_code)):
        raise Forbidden(N_("Chỉ người lập hồ sơ hoặc lãnh đạo phòng được thay đổi hồ sơ này."))
    if row.status != "open":
        raise Conflict(N_("Hồ sơ đã đóng, không thay đổi được nữa."), code="case_file_closed")


def file_document(user: User, row: CaseFile, document_id) -> CaseFileDocument:
    """File a document the user may see into an open case file of theirs."""
    _require_keeper(user, row)
    document = _visible_document(user, document_id)
    if db.session.query(CaseFileDocument.id).filter_by(case_file_id=row.id, document_id=document.id).first():
        raise Conflict(N_("Văn bản đã có trong hồ sơ."), details={"document_id": "Đã có trong hồ sơ."})
    registered = document.incoming_number is not None or document.source == "internal"
    if document.status == "deleted" or not (registered if document.direction == "incoming"
                                            else document.outgoing_number is not None):
        raise InvalidInput(N_("Chỉ lưu vào hồ sơ văn bản đến đã vào sổ hoặc văn bản đi đã ban hành."),
                           details={"document_id": "Văn bản chưa ban hành hoặc đã xóa."})
    with transaction():
        position = (db.session.query(func.max(CaseFileDocument.position)).filter_by(case_file_id=row.id).scalar()
                    or 0) + 1
        entry = CaseFileDocument(case_file_id=row.id, document_id=document.id, position=position,
                                 filed_at=clock.now(), filed_by_id=user.id)
        db.session.add(entry)
    return entry


def _visible_document(user: User, document_id):
    number = validation.parse_id(document_id)  # 2**70 overflowed the database's integer
    document = db.session.get(Document, number) if number is not None else None
    if document is None or not can_view(user, document):
        raise InvalidInput(N_("Không tìm thấy văn bản để lưu vào hồ sơ."), details={"document_id": "Không tìm thấy."})
    return document


def close(user: User, row: CaseFile) -> CaseFile:
    _require_keeper(user, row)
    if not row.entries:
        raise InvalidInput(N_("Hồ sơ chưa có văn bản nào, không đóng được."))
    with transaction():
        row.status, row.closed_at, row.closed_by_id = "closed", clock.now(), user.id
    return row


def parse_year(value) -> int:
    """The year asked for, this year when none is."""
    return validation.parse_year(value, clock.today().year)


def closed_for_export(user: User, year: int) -> list[CaseFile]:
    """The closed case files of ``year`` that the Office archives."""
    if not user.has_role(Role.CLERK, Role.ADMIN):
        raise Forbidden(N_("Chỉ văn thư (Văn phòng) xuất hồ sơ nộp lưu."))
    return (db.session.query(CaseFile).filter_by(year=year, status="closed")
            .order_by(CaseFile.unit_code, CaseFile.code).all())
