"""Test fixtures.  Every test that uses ``app`` runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``SHOP_TEST_DATABASE_URL`` (a server URL; each run creates and drops its own
database).  Without it the PostgreSQL half is skipped with a visible reason on a laptop, and fails
in CI (``CI`` set), where nothing may be skipped silently.
"""
from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from shop import create_app, db
from shop.cli import upgrade_database

IN_CI = bool(os.environ.get("CI"))


def skip_or_fail(reason: str):
    if IN_CI:
        pytest.fail(f"CI must run this, but: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "shop.db")
        return
    server = os.environ.get("SHOP_TEST_DATABASE_URL")
    if not server:
        skip_or_fail("SHOP_TEST_DATABASE_URL is not set (PostgreSQL half of the suite)")
    name = f"hb_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(make_url(server).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield make_url(server).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "MEDIA_DIR": str(media),
        "PAGE_CACHE_SECONDS": 0,  # off, except in tests/web/test_page_cache.py
    })
    upgrade_database(app)
    yield app
    db.get_db(app).engine.dispose()


def _clear_all_tables(engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            names = conn.execute(sa.text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            )).scalars().all()
            if names:
                conn.exec_driver_sql("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE")
        return
    # SQLite: PRAGMA foreign_keys cannot change inside a transaction, so use the raw connection
    # (autocommit: the driver's isolation_level is None, see shop.db) around one explicit transaction.
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        rows = cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                           "AND name <> 'alembic_version'").fetchall()
        virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")]
        cur.execute("PRAGMA foreign_keys=OFF")
        cur.execute("BEGIN IMMEDIATE")
        for name, _sql in rows:
            if any(name.startswith(v + "_") for v in virtual):
                continue  # FTS shadow tables are emptied through their virtual table
            cur.execute(f'DELETE FROM "{name}"')
        if cur.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone():
            cur.execute("DELETE FROM sqlite_sequence")
        cur.execute("COMMIT")
        cur.execute("PRAGMA foreign_keys=ON")
    finally:
        raw.close()


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Each test starts from an empty schema (rows removed after the test)."""
    yield
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        _clear_all_tables(db.get_db(app).engine)


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def session(app_ctx):
    """The app-context session, for given/then steps in domain tests."""
    return db.session()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def count_queries(app):
    """Count SQL statements the app runs: ``with count_queries() as n: ...; assert n.count == 3``."""
    from contextlib import contextmanager

    engine = db.get_db(app).engine

    class Counter:
        count = 0
        statements: list[str] = []

    @contextmanager
    def counting():
        counter = Counter()
        counter.statements = []

        def before(conn, cursor, statement, *args):
            if statement.strip().upper() in {"BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"}:
                return
            counter.count += 1
            counter.statements.append(statement)

        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)

    return counting


@pytest.fixture
def csrf(app, client) -> str:
    """A valid CSRF token for this client's session, made the way a rendered form makes one."""
    import flask
    from flask_wtf.csrf import generate_csrf

    with app.test_request_context():
        token = generate_csrf()
        raw = flask.session["csrf_token"]
    with client.session_transaction() as sess:
        sess["csrf_token"] = raw
    return token


@pytest.fixture
def english(client):
    """This client's session asks for English pages."""
    with client.session_transaction() as sess:
        sess["lang"] = "en"
