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
def transaction(*, keep_loaded: bool = False):
    """Commit what the block did, or roll all of it back.

    A stale optimistic-lock write (someone else saved the same workflow first)
    becomes a clear 409 conflict instead of an overwrite; so does a deadlock with another
    transaction (nothing of this one is stored: the person tries again).

    ``keep_loaded`` keeps what the block loaded and wrote usable after the commit without reading it
    again, for a request that answers with what it just stored: the objects then hold what this
    transaction committed. A row the block changed behind the session's back (a bulk UPDATE) must be
    expired or set to what was written by the block itself (engine.processing.tasks.complete).
    """
    try:
        yield db.session
        if keep_loaded:
            _commit_keeping_loaded()
        else:
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


def _commit_keeping_loaded() -> None:
    session = db.session()
    expiring = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expiring
