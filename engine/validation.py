"""Small validators that collect Vietnamese messages per field (422 ``details``)."""
from __future__ import annotations

import csv
import re
from datetime import date

from engine.errors import N_, InvalidInput
from engine.text import nfc, one_line, visible

ORG_ID = re.compile(r"^[0-9A-Z][0-9A-Z.]{0,34}$")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A moment as forms and clients write it; not the basic (20261128T0800) or week (2026-W48-6) forms
# Python's fromisoformat also takes, which nobody means.
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$")
SURROGATE = re.compile("[\ud800-\udfff]")
MAX_ID = 2**63 - 1  # the largest id both SQLite and PostgreSQL can store
MAX_PAGE = 100_000
FIRST_YEAR, LAST_YEAR = 2000, 2100  # registers, calendars, reports
EARLIEST_DAY_YEAR = 1000  # an incoming document may be an old one; ranges of their own are checked after


def parse_id(value) -> int | None:
    """A database id from a form, JSON or URL value; None when it cannot be one (never raises)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        # ASCII digits only ("²" passes isdigit() but not int()), and no more than an id can have.
        if not (value.isascii() and value.isdigit() and len(value) <= len(str(MAX_ID))):
            return None
        value = int(value)
    return value if isinstance(value, int) and 1 <= value <= MAX_ID else None


def parse_day(value) -> date:
    """A ``YYYY-MM-DD`` date, nothing more lenient (no ``20140228``, no week dates, no numbers)."""
    if not isinstance(value, str) or not ISO_DAY.match(value.strip()):
        raise ValueError(value)
    day = date.fromisoformat(value.strip())
    if not EARLIEST_DAY_YEAR <= day.year <= LAST_YEAR:  # 9999-12-31 is a date, not a deadline
        raise ValueError(value)
    return day


def parse_year(value, default: int | None) -> int | None:
    """A year from FIRST_YEAR to LAST_YEAR (``default`` when empty); InvalidInput otherwise."""
    if value in (None, ""):
        return default
    year = parse_id(value) or 0
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(N_("Năm không hợp lệ (từ %(first)s đến %(last)s)."),
                           params={"first": FIRST_YEAR, "last": LAST_YEAR}, details={"year": "invalid"})
    return year


def parse_page(value, *, strict: bool = True) -> int:
    """A page number from 1 to MAX_PAGE; InvalidInput when ``strict``, else page 1."""
    if value in (None, ""):
        return 1
    number = parse_id(value)
    if number is None or number > MAX_PAGE:
        if strict:
            raise InvalidInput(N_("Số trang không hợp lệ."), details={"page": f"1 … {MAX_PAGE}"})
        return 1
    return number


class Fields:
    """Reads fields from a dict, collecting errors instead of failing on the first."""

    def __init__(self, data: dict | None):
        self.data = data if isinstance(data, dict) else {}
        self.errors: dict[str, str] = {}
        if not isinstance(data, dict):
            self.errors["metadata"] = "Dữ liệu phải là một đối tượng JSON."

    def line(self, name, *, required=False, max_len=500, default=None):
        """One line of text (names, numbers, subjects): line breaks and invisible characters removed."""
        value = self.text(name, required=required, max_len=max_len, default=default)
        return one_line(value) if value else value

    def text(self, name, *, required=False, max_len=500, default=None):
        """Text, possibly on several lines; invisible characters removed."""
        value = self.data.get(name, default)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.errors[name] = "Bắt buộc nhập."
            return default if value is None else None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.errors[name] = "Phải là chuỗi ký tự."
            return None
        value = visible(nfc(str(value)))
        if SURROGATE.search(value):
            self.errors[name] = "Chứa ký tự không hợp lệ."
            return None
        if len(value) > max_len:
            self.errors[name] = f"Tối đa {max_len} ký tự."
        return value

    def choice(self, name, options, *, required=False, default=None):
        value = self.data.get(name, default)
        if value in (None, ""):
            if required:
                self.errors[name] = "Bắt buộc chọn."
            return default
        if value not in options:
            self.errors[name] = "Giá trị không hợp lệ: " + ", ".join(map(str, options))
            return None
        return value

    def day(self, name, *, required=False, not_after: date | None = None):
        value = self.data.get(name)
        if value in (None, ""):
            if required:
                self.errors[name] = "Bắt buộc nhập (YYYY-MM-DD)."
            return None
        try:
            parsed = parse_day(value)
        except ValueError:
            self.errors[name] = "Ngày không hợp lệ (YYYY-MM-DD)."
            return None
        if not_after and parsed > not_after:
            self.errors[name] = "Ngày không được sau hôm nay."
        return parsed

    def flag(self, name, default=False):
        value = self.data.get(name, default)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "1", "on", "yes"):
            return True
        if value in (None, "", "false", "0", "off", "no", 0):
            return False
        self.errors[name] = "Phải là true hoặc false."
        return default

    def org_id(self, name, *, required=False):
        value = self.text(name, required=required, max_len=35)
        if value and not ORG_ID.match(value.upper()):
            self.errors[name] = "Mã định danh chỉ gồm chữ in hoa, số và dấu chấm (tối đa 35 ký tự)."
        return value.upper() if value else value

    def raise_if_errors(self, message=N_("Dữ liệu chưa hợp lệ, vui lòng kiểm tra các trường được đánh dấu.")):
        if self.errors:
            raise InvalidInput(message, details=self.errors)


def csv_header(reader: csv.DictReader) -> list[str]:
    """The column names of ``reader``; see :func:`csv_rows`."""
    try:
        return reader.fieldnames or []
    except csv.Error as exc:
        raise _unreadable_csv(reader, exc) from None


def csv_rows(reader: csv.DictReader):
    """The rows of ``reader``; a line the csv module cannot read (a cell over its 128 KB limit, a NUL
    byte) is a clear refusal naming the line, not a server error."""
    try:
        yield from reader
    except csv.Error as exc:
        raise _unreadable_csv(reader, exc) from None


def _unreadable_csv(reader, exc: csv.Error) -> InvalidInput:
    return InvalidInput(N_("Tệp CSV không đọc được ở dòng %(line)s: có ô quá dài hoặc ký tự lạ."),
                        params={"line": reader.line_num + 1}, details={"file": str(exc)[:200]})  # the line being read
