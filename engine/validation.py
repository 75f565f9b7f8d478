"""Small validators that collect Vietnamese messages per field (422 ``details``)."""
from __future__ import annotations

import re
from datetime import date

from engine.errors import N_, InvalidInput
from engine.text import nfc

ORG_ID = re.compile(r"^[0-9A-Z][0-9A-Z.]{0,34}$")


class Fields:
    """Reads fields from a dict, collecting errors instead of failing on the first."""

    def __init__(self, data: dict | None):
        self.data = data if isinstance(data, dict) else {}
        self.errors: dict[str, str] = {}
        if not isinstance(data, dict):
            self.errors["metadata"] = "Dữ liệu phải là một đối tượng JSON."

    def text(self, name, *, required=False, max_len=500, default=None):
        value = self.data.get(name, default)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.errors[name] = "Bắt buộc nhập."
            return default if value is None else None
        if not isinstance(value, (str, int)):
            self.errors[name] = "Phải là chuỗi ký tự."
            return None
        value = nfc(str(value))
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
            parsed = date.fromisoformat(str(value))
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
