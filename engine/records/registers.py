"""The yearly registers (R-REPORT-2): the documents of a register in number order."""
from __future__ import annotations

from engine import clock
from engine.db import db
from engine.models import Document


def outgoing_register(year: int | None = None) -> list[Document]:
    """The outgoing register: issued documents of ``year`` (default: this year) by number."""
    year = year or clock.today().year
    return (db.session.query(Document)
            .filter(Document.direction == "outgoing", Document.outgoing_year == year)
            .order_by(Document.outgoing_number).all())
