"""Finding a person by username, once per transaction: one request names the same people several
times (the route form checks its targets, the diagram opens their lines, the inbox assigns them)."""
from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from engine.db import db, transaction_cache
from engine.models import User

# Roles joined in: loaded by their own query (the relationship's selectin) they cost a second statement.
_NAMED = select(User).where(User.username == bindparam("username")).options(joinedload(User.role_rows))


def user_named(ref) -> User | None:
    """The user called ``ref`` (``user:<username>`` or ``<username>``), active or not; None if unknown."""
    username = str(ref or "").removeprefix("user:")
    cache = transaction_cache("users by name", changed_by=User)
    if username not in cache:
        cache[username] = db.session.scalars(_NAMED, {"username": username}).unique().one_or_none()
    return cache[username]


def active_user_named(ref) -> User | None:
    """Like ``user_named``, but None for a deactivated account."""
    user = user_named(ref)
    return user if user is not None and user.active else None
