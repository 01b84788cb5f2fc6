"""Database plumbing: declarative base, engine per app, request/task-scoped sessions, units of work.

SQLite (the embedded default) runs in WAL mode with a busy timeout, and every unit of work that
writes opens with ``BEGIN IMMEDIATE`` so two writers queue on the lock instead of failing halfway
with "database is locked".  PostgreSQL uses its normal READ COMMITTED transactions.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Iterator

import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no offset, so we store naive UTC)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use utcnow()")
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def is_sqlite(engine_or_session) -> bool:
    bind = engine_or_session.get_bind() if isinstance(engine_or_session, Session) else engine_or_session
    return bind.dialect.name == "sqlite"


def create_engine(url: str, echo: bool = False) -> Engine:
    """Engine with the pragmas and transaction handling this project relies on."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # Let SQLAlchemy, not the driver, emit BEGIN, so we can choose IMMEDIATE for writers.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            mode = "BEGIN IMMEDIATE" if conn.get_execution_options().get("sqlite_immediate") else "BEGIN"
            conn.exec_driver_sql(mode)

        return engine
    return sa.create_engine(url, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=10)


class Database:
    """Holds the engine and the session factory of one Flask app."""

    def __init__(self, app: Flask | None = None):
        self.engine: Engine | None = None
        self.sessionmaker: sessionmaker | None = None
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        self.engine = create_engine(app.config["DATABASE_URL"], app.config.get("DATABASE_ECHO", False))
        self.sessionmaker = sessionmaker(bind=self.engine, expire_on_commit=False, autoflush=True)
        app.extensions["shop_db"] = self
        app.teardown_appcontext(_close_session)


def get_db(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["shop_db"]


def session() -> Session:
    """The session of the current request or task (one per app context)."""
    if "db_session" not in g:
        g.db_session = get_db().sessionmaker()
    return g.db_session


def _close_session(exc: BaseException | None) -> None:
    s = g.pop("db_session", None)
    if s is not None:
        if exc is not None:
            s.rollback()
        s.close()


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """One write transaction for one use case: commit on success, roll back on any error.

    Opened at the edge (a view, a task, a CLI command); services only flush.  On SQLite the
    transaction starts with ``BEGIN IMMEDIATE`` so concurrent writers serialise up front.
    """
    s = session()
    if s.in_transaction():
        # Reads earlier in the request opened a deferred transaction; end it so the write lock is
        # taken at the start of this unit of work, not midway.
        s.rollback()
    if is_sqlite(s):
        s.connection(execution_options={"sqlite_immediate": True})
    try:
        yield s
        s.commit()
    except BaseException:
        s.rollback()
        raise


def init_app(app: Flask) -> Database:
    return Database(app)
