"""Searches a person saves under a name, to run again from the document list."""
from __future__ import annotations

from engine import clock
from engine.db import db
from engine.errors import N_, Conflict, InvalidInput, NotFound
from engine.models import SavedSearch, User
from engine.records.search import parse_filter
from engine.tx import transaction
from engine.validation import Fields

MAX_PER_USER = 50


def listing(user: User) -> list[SavedSearch]:
    return db.session.query(SavedSearch).filter_by(user_id=user.id).order_by(SavedSearch.name).all()


def save(user: User, data: dict) -> SavedSearch:
    """Save ``data["params"]`` (the search's query parameters) as ``data["name"]``."""
    f = Fields(data)
    name = f.text("name", required=True, max_len=100)
    params = data.get("params") if isinstance(data, dict) else None
    if not isinstance(params, dict):
        f.errors["params"] = "Phải là các tham số tìm kiếm (đối tượng JSON)."
    f.raise_if_errors()
    flt = parse_filter({k: v for k, v in params.items() if k not in ("page", "per_page")})
    if not flt.params():
        raise InvalidInput(N_("Tìm kiếm chưa có điều kiện nào để lưu."), details={"params": "Trống."})
    if db.session.query(SavedSearch.id).filter_by(user_id=user.id, name=name).first():
        raise Conflict(N_("Bạn đã có tìm kiếm tên “%(name)s”."), params={"name": name},
                       details={"name": "Tên đã dùng."})
    if db.session.query(SavedSearch).filter_by(user_id=user.id).count() >= MAX_PER_USER:
        raise InvalidInput(N_("Mỗi người lưu tối đa %(n)s tìm kiếm."), params={"n": MAX_PER_USER})
    with transaction():
        row = SavedSearch(user_id=user.id, name=name, params=flt.params(), created_at=clock.now())
        db.session.add(row)
    return row


def delete(user: User, search_id: int) -> None:
    row = db.session.get(SavedSearch, search_id)
    if row is None or row.user_id != user.id:
        raise NotFound(N_("Không tìm thấy tìm kiếm đã lưu."))
    with transaction():
        db.session.delete(row)
