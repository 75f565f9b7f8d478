"""The one clock of Q-Office.

Everything that needs "now" calls :func:`now`. Tests move time either with
freezegun (which this module honours, because it reads ``datetime.now``) or
with :func:`freeze` / :func:`advance`, which also steer SpiffWorkflow's timers.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

_frozen: datetime | None = None


def now() -> datetime:
    """Current time, timezone-aware, in Vietnam time."""
    if _frozen is not None:
        return _frozen.astimezone(VN_TZ)
    return datetime.now(timezone.utc).astimezone(VN_TZ)


def today() -> date:
    """Today's date in Vietnam."""
    return now().date()


def utcnow() -> datetime:
    return now().astimezone(timezone.utc)


def set_time(moment: datetime | None) -> None:
    """Freeze the clock at ``moment`` (aware), or release it with None."""
    global _frozen
    if moment is not None and moment.tzinfo is None:
        raise ValueError("clock times must be timezone-aware")
    _frozen = moment


def advance(delta: timedelta) -> datetime:
    """Move a frozen clock forward (freezing it at the current time first)."""
    set_time(now() + delta)
    return now()


@contextmanager
def frozen(moment: datetime):
    """Context manager: freeze the clock at ``moment`` and release it after."""
    previous = _frozen
    set_time(moment)
    try:
        yield
    finally:
        set_time(previous)


def to_vn(moment: datetime | None) -> datetime | None:
    """Convert an aware datetime (or a naive UTC one read back from SQLite) to Vietnam time."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(VN_TZ)
