"""Running the system: outages the administrator declared."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import AwareDateTime, db
from engine.models.org import User


class Outage(db.Model):
    """A period the system was down (R-OUTAGE-1): work done on paper then may be entered late with
    its real time, and only then."""

    __tablename__ = "outages"
    id: Mapped[int] = mapped_column(primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(AwareDateTime())
    reason: Mapped[str] = mapped_column(Text)
    declared_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    declared_at: Mapped[datetime] = mapped_column(AwareDateTime())

    declared_by: Mapped[User] = relationship()
