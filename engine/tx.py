"""One state change = one transaction."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from engine.db import db
from engine.errors import N_, Conflict, TaskClosed

# PostgreSQL's answers when two transactions wait on each other: one of them must start again.
RETRYABLE = {"40P01", "40001"}  # deadlock_detected, serialization_failure


def is_retryable(error: DBAPIError) -> bool:
    return getattr(error.orig, "pgcode", None) in RETRYABLE


@contextmanager
def transaction():
    """Commit what the block did, or roll all of it back.

    A stale optimistic-lock write (someone else saved the same workflow first)
    becomes a clear 409 conflict instead of an overwrite; so does a deadlock with another
    transaction (nothing of this one is stored: the person tries again).
    """
    try:
        yield db.session
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise TaskClosed(N_("Người khác vừa xử lý công việc này; thao tác của bạn không được lưu. "
                            "Hãy tải lại trang.")) from exc
    except DBAPIError as exc:
        db.session.rollback()
        if is_retryable(exc):
            raise Conflict(N_("Người khác đang thay đổi cùng văn bản này; thao tác của bạn chưa được lưu. "
                              "Hãy thử lại.")) from exc
        raise
    except BaseException:
        db.session.rollback()
        raise
