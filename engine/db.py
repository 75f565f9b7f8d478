"""The SQLAlchemy handle shared by the engine and the web app, and column types."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache

from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import DateTime, MetaData, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator

from engine.clock import VN_TZ

# Stable constraint names so that migrations work the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class OneDatabaseSession(FlaskSession):
    """Flask-SQLAlchemy's session for an application with one database: the engine is looked up once
    per session (a request), not at each of the hundred-odd statements and flushes of a step."""

    _engine = None

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is not None:
            return bind
        if self._engine is None:
            self._engine = super().get_bind(mapper, clause, **kwargs)
        return self._engine


db = SQLAlchemy(model_class=Base, session_options={"class_": OneDatabaseSession})

_CACHE_KEY = "qoffice.transaction_cache"


def lock_rows(model, ids) -> None:
    """Lock rows of ``model`` until the transaction ends, always in id order (PostgreSQL's FOR UPDATE;
    SQLite writes one transaction at a time anyway). Transactions that lock what they are about to
    change this way wait for each other instead of deadlocking."""
    ids = sorted(set(ids))
    # pysqlite opens SQLite's write transaction at the first write, which already waits for the
    # other writer: a SELECT there would lock nothing, only cost a statement.
    if ids and db.session.get_bind().dialect.name != "sqlite":
        db.session.execute(select(model.id).where(model.id.in_(ids)).order_by(model.id).with_for_update())


def insert_once(model, values: dict) -> bool:
    """Insert one row of ``model`` unless a row with the same unique ``key`` exists (then False).

    One statement, and atomic: two transactions queueing the same effect at once cannot both
    succeed, nor does the second fail, as a look-up followed by an insert would.
    """
    statement = _insert_once(db.session.get_bind().dialect.name, model)
    with db.session.no_autoflush:  # what is pending changes nothing here: flush it later, at once
        return db.session.execute(statement, values).rowcount == 1


def upsert(connection, model, rows: list[dict], *, key: str) -> None:
    """Insert ``rows`` of ``model``, overwriting the other columns of a row whose ``key`` exists."""
    columns = tuple(name for name in rows[0] if name != key)
    connection.execute(_upsert(connection.dialect.name, model, key, columns), rows)


# The statements above are built once per table: building one costs more than running it on SQLite.
@lru_cache(maxsize=None)
def _insert_once(dialect: str, model):
    return _dialect_insert(dialect, model).on_conflict_do_nothing(index_elements=["key"])


@lru_cache(maxsize=None)
def _upsert(dialect: str, model, key: str, columns: tuple[str, ...]):
    statement = _dialect_insert(dialect, model)
    return statement.on_conflict_do_update(index_elements=[key],
                                           set_={name: statement.excluded[name] for name in columns})


def _dialect_insert(dialect: str, model):
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model.__table__)


def transaction_cache(name: str, changed_by: type) -> dict:
    """A dict for facts read several times in one request (who delegated to whom, today) that lives
    as long as the current database transaction: it is emptied when the transaction ends and as
    soon as a row of ``changed_by`` is added, changed or deleted in it, so it never outlives what
    it caches."""
    session = db.session()
    caches = session.info.setdefault(_CACHE_KEY, {})
    entry = caches.get(name)
    if entry is None or pending(changed_by):
        entry = caches[name] = (changed_by, {})
    return entry[1]


@contextmanager
def reading(*models: type):
    """A read whose answer only pending changes to rows of ``models`` could alter: those are flushed
    first, the rest of what is pending waits for the next flush (one flush costs the same for one
    row as for ten)."""
    with db.session.no_autoflush:
        if any(pending(model) for model in models):
            db.session.flush()
        yield db.session


def pending(cls: type) -> bool:
    """Whether the session holds changes to rows of ``cls`` that are not flushed yet."""
    session = db.session()
    return any(isinstance(obj, cls) for obj in (*session.new, *session.dirty, *session.deleted))


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session, transaction) -> None:
    # Every flush runs in a subtransaction of its own: its end is not the transaction's end.
    if transaction.parent is None or transaction.nested:
        session.info.pop(_CACHE_KEY, None)


def _forget(session, written: set[type]) -> None:
    caches = session.info.get(_CACHE_KEY)
    if caches:
        for name in [n for n, (changed_by, _values) in caches.items() if changed_by in written]:
            del caches[name]


@event.listens_for(Session, "after_flush")
def _rows_written(session, _flush_context) -> None:
    _forget(session, {type(obj) for obj in (*session.new, *session.dirty, *session.deleted)})


@event.listens_for(Session, "do_orm_execute")
def _bulk_written(state) -> None:
    if (state.is_update or state.is_delete) and state.bind_mapper is not None:
        _forget(state.session, {state.bind_mapper.class_})


class AwareDateTime(TypeDecorator):
    """Stores UTC, returns Vietnam time; refuses naive datetimes.

    SQLite drops the offset, PostgreSQL keeps it (timestamptz); either way the
    value read back is aware and in Asia/Ho_Chi_Minh.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to an aware column")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(VN_TZ)
