"""One state change = one transaction."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy.orm.exc import StaleDataError

from engine.db import db
from engine.errors import N_, TaskClosed


@contextmanager
def transaction():
    """Commit what the block did, or roll all of it back.

    A stale optimistic-lock write (someone else saved the same workflow first)
    becomes a clear 409 conflict instead of an overwrite.
    """
    try:
        yield db.session
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise TaskClosed(N_("Người khác vừa xử lý công việc này; thao tác của bạn không được lưu. "
                            "Hãy tải lại trang.")) from exc
    except BaseException:
        db.session.rollback()
        raise
