"""The benchmark's own PostgreSQL database: created fresh, migrated with Alembic, seeded synthetically."""
from __future__ import annotations

import time
from typing import Callable

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.engine import make_url

from shop import create_app, db
from shop.catalog.models import Product, ProductStatus
from shop.cli import upgrade_database

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1/hb_bench"


def _admin_engine(url: str) -> sa.Engine:
    return sa.create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def recreate(url: str) -> None:
    """Drop and create the database named in ``url`` (it must be a benchmark-only database)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        raise SystemExit(f"the benchmark runs on PostgreSQL; got {parsed.drivername}")
    name = parsed.database
    if not name or name in {"postgres", "template0", "template1"}:
        raise SystemExit(f"refusing to recreate database {name!r}; name a benchmark database")
    admin = _admin_engine(url)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')
    finally:
        admin.dispose()


def exists(url: str) -> bool:
    admin = _admin_engine(url)
    try:
        with admin.connect() as conn:
            return conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                {"n": make_url(url).database}).first() is not None
    finally:
        admin.dispose()


def make_app(url: str, media_dir: str) -> Flask:
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "MEDIA_DIR": media_dir})


def migrate(app: Flask) -> None:
    upgrade_database(app)


def count_products(app: Flask) -> int:
    with app.app_context():
        return db.session().scalar(
            sa.select(sa.func.count()).select_from(Product).where(Product.status == ProductStatus.ACTIVE)) or 0


def seed_products(app: Flask, total: int, progress: Callable[[str], None] | None = None) -> float:
    """Grow the catalog to ``total`` products: the demo catalog (idempotent), then synthetic products
    from the same seeder as ``flask seed-demo --products N``.  Returns the seconds taken."""
    from shop.catalog import demo

    started = time.monotonic()
    with app.app_context():
        with db.unit_of_work() as session:
            demo.seed_demo(session, app.config["MEDIA_DIR"])
            have = session.scalar(sa.select(sa.func.count()).select_from(Product)) or 0
            if total > have:
                demo.seed_synthetic(session, total - have, app.config["MEDIA_DIR"], progress=progress)
    return time.monotonic() - started


def sample_product_ids(app: Flask, count: int = 50) -> list[int]:
    """Ids spread evenly over the catalog, for the product-page load."""
    with app.app_context():
        ids = db.session().scalars(
            sa.select(Product.id).where(Product.status == ProductStatus.ACTIVE).order_by(Product.id)).all()
    if not ids:
        raise RuntimeError("no products to benchmark")
    step = max(1, len(ids) // count)
    return list(ids[::step][:count])


def analyze(app: Flask) -> None:
    """Refresh planner statistics after a bulk load, as autovacuum would eventually."""
    engine = db.get_db(app).engine
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


def server_version(app: Flask) -> str:
    with db.get_db(app).engine.connect() as conn:
        return conn.exec_driver_sql("SHOW server_version").scalar() or "unknown"


def dispose(app: Flask) -> None:
    db.get_db(app).engine.dispose()
