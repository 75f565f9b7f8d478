"""Importing a staff list (CSV) into user accounts: a dry run first, then all valid rows at once.

Columns (a header row, any order): ``username, full_name, email, unit, roles, position`` and
optionally ``phone``; ``roles`` holds role codes or their Vietnamese names separated by ``;`` or
``|``. Commas or semicolons separate the columns (Excel's Vietnamese locale writes semicolons).
An existing username is skipped. When any row is wrong nothing is created: each row says why.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from engine.db import db
from engine.errors import N_, InvalidInput, TooLarge
from engine.models import User
from engine.people import audit
from engine.people.directory import build, clean, clean_username, require_admin, snapshot
from engine.tx import transaction
from engine.validation import csv_header, csv_rows

REQUIRED = ("username", "full_name", "email", "unit", "roles", "position")
OPTIONAL = ("phone",)
MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000


@dataclass
class RowResult:
    row: int  # line number in the file (the header is line 1)
    username: str
    status: str  # ok (dry run) | created | skipped | error
    errors: dict = field(default_factory=dict)
    password: str | None = None  # the one-time password of a created account (shown once)


@dataclass
class ImportResult:
    dry_run: bool
    rows: list[RowResult]

    @property
    def created(self) -> int:
        return sum(r.status == "created" for r in self.rows)

    @property
    def failed(self) -> int:
        return sum(r.status == "error" for r in self.rows)


def _reader(content: bytes) -> csv.DictReader:
    if len(content) > MAX_BYTES:
        raise TooLarge(N_("Tệp danh sách quá lớn (tối đa 1 MB)."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(N_("Tệp phải là CSV mã hóa UTF-8 (Excel: Lưu thành CSV UTF-8)."),
                           details={"file": "UTF-8"}) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    columns = [(c or "").strip().lower() for c in csv_header(reader)]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InvalidInput(N_("Thiếu cột: %(columns)s. Dòng đầu phải là tên cột: %(expected)s."),
                           params={"columns": ", ".join(missing), "expected": ", ".join(REQUIRED + OPTIONAL)},
                           details={"columns": missing})
    reader.fieldnames = columns
    return reader


def import_staff(admin: User, content: bytes, *, dry_run: bool) -> ImportResult:
    """Check every row; unless ``dry_run`` (and only when no row is wrong) create the accounts."""
    require_admin(admin)
    reader = _reader(content)
    results: list[RowResult] = []
    valid: list[tuple[RowResult, dict]] = []
    seen: set[str] = set()
    for number, raw in enumerate(csv_rows(reader), start=2):
        if len(results) >= MAX_ROWS:
            raise InvalidInput(N_("Tối đa 2000 dòng mỗi lần nhập."), details={"rows": MAX_ROWS})
        data = {k: (v or "").strip() for k, v in raw.items() if k in REQUIRED + OPTIONAL}
        if not any(data.values()):
            continue
        name = data.get("username", "").lower()
        result = RowResult(number, name, "ok")
        results.append(result)
        if name and db.session.query(User.id).filter_by(username=name).first() is not None:
            result.status = "skipped"
            result.errors = {"username": "Đã có tài khoản này; bỏ qua."}
            continue
        errors: dict = {}
        if name in seen:
            errors["username"] = "Trùng với một dòng trước trong tệp."
        else:
            clean_username(name, errors)
        seen.add(name)
        try:
            cleaned = clean({k: v for k, v in data.items() if k != "username"}, partial=False)
        except InvalidInput as error:
            errors.update(error.details)
            cleaned = None
        if errors:
            result.status, result.errors = "error", errors
        else:
            valid.append((result, cleaned))
    outcome = ImportResult(dry_run, results)
    if dry_run or outcome.failed or not valid:
        return outcome
    with transaction():
        for result, cleaned in valid:
            account = build(cleaned, result.username)
            result.status, result.password = "created", account.one_time_password
            audit.record(admin, "user_imported", f"user:{result.username}", snapshot(account.user))
    return outcome
