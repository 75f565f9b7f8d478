"""The government's changes to the working-day calendar."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db


class CalendarDay(db.Model):
    """A government-announced extra day off or make-up working day."""

    __tablename__ = "calendar_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # extra_day_off | extra_working_day
    note: Mapped[str | None] = mapped_column(String(300))
