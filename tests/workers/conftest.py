"""Fixtures for tests that run real workers: a broker per test (filesystem and Redis), a stack.

Redis comes from ``SHOP_TEST_REDIS_URL`` (e.g. ``redis://127.0.0.1:6379/15``); without it the Redis
half is skipped on a laptop and fails in CI.
"""
from __future__ import annotations

import os

import pytest

from tests.conftest import skip_or_fail
from tests.notifications.smtp import SmtpServer
from tests.workers.harness import Broker, Stack


@pytest.fixture(params=["filesystem", "redis"])
def broker(request, tmp_path):
    folder = tmp_path / "broker"
    if request.param == "redis":
        url = os.environ.get("SHOP_TEST_REDIS_URL")
        if not url:
            skip_or_fail("SHOP_TEST_REDIS_URL is not set (Redis half of the worker tests)")
        return Broker("redis", folder, url)
    return Broker("filesystem", folder)


@pytest.fixture
def stack(app, broker, tmp_path):
    """Workers, beat and a web-side app sharing the session's database and this test's broker."""
    stack = Stack(app.config["DATABASE_URL"], broker, tmp_path)
    yield stack
    stack.close()


@pytest.fixture
def smtp_server():
    with SmtpServer() as server:
        yield server
