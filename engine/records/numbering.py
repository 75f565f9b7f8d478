"""Yearly register numbers: restart at 1 each year, gap-free, unique under concurrency.

The number is taken by an UPDATE ... RETURNING on the counter row inside the
registering transaction: the row lock serialises concurrent clerks, and a
rolled-back registration gives its number back.
"""
from __future__ import annotations

from sqlalchemy import bindparam, insert, update
from sqlalchemy.exc import IntegrityError

from engine.db import db
from engine.models import RegisterCounter


def next_number(register: str, year: int) -> int:
    """Take the next number of ``register`` (e.g. 'incoming') for ``year``."""
    taken = db.session.execute(_TAKE, {"which": register, "of_year": year}).scalar_one_or_none()
    if taken is not None:
        return taken
    try:  # the year's first number: its counter row does not exist yet
        with db.session.begin_nested():
            db.session.execute(insert(RegisterCounter).values(register=register, year=year, last_number=0))
    except IntegrityError:
        pass  # another transaction created it first
    return db.session.execute(_TAKE, {"which": register, "of_year": year}).scalar_one()


_TAKE = (update(RegisterCounter)
         .where(RegisterCounter.register == bindparam("which"), RegisterCounter.year == bindparam("of_year"))
         .values(last_number=RegisterCounter.last_number + 1)
         .returning(RegisterCounter.last_number)
         .execution_options(synchronize_session=False))
