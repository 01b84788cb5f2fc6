"""Fixtures for the reliability tests: a whole deployment per test, on each database.

The broker goes with the database the way the shop is deployed: PostgreSQL with Redis
(``SHOP_TEST_REDIS_URL``, under a key prefix of the test's own), SQLite with the embedded
filesystem broker.  Without ``SHOP_TEST_REDIS_URL`` the PostgreSQL half is skipped on a laptop and
fails in CI, like every other backend the suite cannot reach.
"""
from __future__ import annotations

import os
import shutil

import pytest

from shop import db
from tests.conftest import skip_or_fail
from tests.factories import FarmFactory, ProductFactory
from tests.reliability.harness import RedisServer, ReliabilityStack
from tests.workers.harness import Broker


def backend(app) -> str:
    return db.get_db(app).engine.dialect.name


@pytest.fixture
def broker(app, tmp_path):
    folder = tmp_path / "broker"
    if backend(app) == "postgresql":
        url = os.environ.get("SHOP_TEST_REDIS_URL")
        if not url:
            skip_or_fail("SHOP_TEST_REDIS_URL is not set (Redis broker of the PostgreSQL reliability tests)")
        return Broker("redis", folder, url)
    return Broker("filesystem", folder)


@pytest.fixture
def stack(app, broker, tmp_path):
    """gunicorn, workers and beat sharing the session's database and this test's broker."""
    stack = ReliabilityStack(app.config["DATABASE_URL"], broker, tmp_path)
    yield stack
    stack.close()


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of this test's own, started; stopped for good when the test ends."""
    if not shutil.which("redis-server"):
        skip_or_fail("redis-server is not installed (Debian package redis-server)")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def two_farms(app):
    """Given a Yanbian farm selling matsutake and a Qianxinan farm selling tea, 5 of each in stock;
    returns the two variant ids."""
    with app.app_context():
        yanbian = FarmFactory(name_zh="安图林下合作社", name_en="Antu Forest Co-op")
        qianxinan = FarmFactory(name_zh="普安茶园", name_en="Pu'an Tea Garden")
        matsutake = ProductFactory(farm=yanbian, name_zh="长白山野生松茸", name_en="Wild matsutake",
                                   variants=[{"price_fen": 16800, "stock": 5, "weight_g": 250}])
        tea = ProductFactory(farm=qianxinan, name_zh="普安红茶", name_en="Pu'an black tea",
                             variants=[{"price_fen": 3000, "stock": 5, "weight_g": 500}])
        db.session().commit()
        return [matsutake.variants[0].id, tea.variants[0].id]
