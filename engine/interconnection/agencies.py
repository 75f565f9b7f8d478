"""The directory of agencies reachable through the axis (R-LINK-1): seeded with the province's main
agencies on first run, importable from CSV (``code,name,parent_code``), searchable by name or code.
Receivers of outgoing documents are chosen from it, so documents show agency names, never codes."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import func

from engine.db import db
from engine.errors import N_, Forbidden, InvalidInput
from engine.models import Agency, Role, User
from engine.text import fold, nfc
from engine.tx import transaction
from engine.validation import ORG_ID, csv_header, csv_rows

SEED = Path(__file__).with_name("data") / "agencies.csv"
MAX_ROWS = 5000


def _search_text(code: str, name: str) -> str:
    return fold(f"{name} {code}")


def parse_csv(data: bytes) -> list[dict]:
    """Rows of a directory CSV (UTF-8, header ``code,name,parent_code``); InvalidInput names each bad line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(N_("Tệp danh bạ phải là CSV mã hóa UTF-8."), details={"file": "UTF-8"}) from None
    reader = csv.DictReader(io.StringIO(text))
    if not {"code", "name"} <= {(f or "").strip() for f in csv_header(reader)}:
        raise InvalidInput(N_("Tệp danh bạ phải có dòng tiêu đề code,name,parent_code."),
                           details={"file": "code,name,parent_code"})
    rows, errors, seen = [], {}, set()
    for line, raw in enumerate(csv_rows(reader), start=2):
        row = {(k or "").strip(): nfc(v if isinstance(v, str) else "") for k, v in raw.items()}
        code, name, parent = row.get("code", "").upper(), row.get("name", ""), row.get("parent_code", "").upper()
        if not code and not name:
            continue
        if not ORG_ID.match(code):
            errors[f"line {line}"] = f"Mã định danh không hợp lệ: {code or '(trống)'}"
        elif not name or len(name) > 300:
            errors[f"line {line}"] = "Tên cơ quan bắt buộc, tối đa 300 ký tự."
        elif parent and not ORG_ID.match(parent):
            errors[f"line {line}"] = f"Mã cơ quan cấp trên không hợp lệ: {parent}"
        elif code in seen:
            errors[f"line {line}"] = f"Mã {code} lặp lại."
        else:
            seen.add(code)
            rows.append({"code": code, "name": name, "parent_code": parent or None})
        if len(rows) > MAX_ROWS:
            errors["file"] = f"Tối đa {MAX_ROWS} cơ quan."
            break
    if errors:
        raise InvalidInput(N_("Tệp danh bạ có dòng không hợp lệ; không có gì được nhập."), details=errors)
    return rows


def _upsert(rows: list[dict]) -> tuple[int, int]:
    added = updated = 0
    for row in rows:
        agency = db.session.get(Agency, row["code"])
        if agency is None:
            db.session.add(Agency(active=True, search_text=_search_text(row["code"], row["name"]), **row))
            added += 1
        elif (agency.name, agency.parent_code, agency.active) != (row["name"], row["parent_code"], True):
            agency.name, agency.parent_code, agency.active = row["name"], row["parent_code"], True
            agency.search_text = _search_text(agency.code, agency.name)
            updated += 1
    db.session.flush()
    return added, updated


def ensure_seeded() -> int:
    """Load the shipped directory once, into an empty table (later imports replace it)."""
    if db.session.query(func.count(Agency.code)).scalar():
        return 0
    return _upsert(parse_csv(SEED.read_bytes()))[0]


def import_csv(actor: User, data: bytes, *, replace: bool = False) -> dict:
    """Add or update agencies from CSV; with ``replace`` agencies missing from the file are deactivated."""
    if not actor.has_role(Role.ADMIN):
        raise Forbidden(N_("Chỉ quản trị hệ thống được nhập danh bạ cơ quan."))
    rows = parse_csv(data)
    if not rows:
        raise InvalidInput(N_("Tệp danh bạ không có cơ quan nào."), details={"file": "trống"})
    with transaction():
        added, updated = _upsert(rows)
        deactivated = 0
        if replace:
            codes = {r["code"] for r in rows}
            for agency in db.session.query(Agency).filter(Agency.active.is_(True)):
                if agency.code not in codes:
                    agency.active = False
                    deactivated += 1
    return {"added": added, "updated": updated, "deactivated": deactivated}


def search(q: str | None = None, *, limit: int = 50) -> list[Agency]:
    """Active agencies whose name or code contains every word of ``q`` (diacritics and case ignored)."""
    query = db.session.query(Agency).filter(Agency.active.is_(True))
    for word in fold(q or "").split()[:8]:
        query = query.filter(Agency.search_text.contains(word, autoescape=True))
    return query.order_by(Agency.name).limit(max(1, min(limit, 500))).all()


def get(code: str | None) -> Agency | None:
    return db.session.get(Agency, (code or "").strip().upper()) if code else None
