import datetime as dt

import sqlalchemy as sa

from shop.accounts.models import LoginThrottle
from shop.db import utcnow


def test_purge_login_throttles_drops_only_ended_windows(session):
    # Given one counter whose window ended yesterday and one that started now
    from workers.accounts import purge_login_throttles

    session.add(LoginThrottle(scope="ip", key_hash="old", window_started_at=utcnow() - dt.timedelta(days=1), attempts=3))
    session.add(LoginThrottle(scope="ip", key_hash="new", window_started_at=utcnow(), attempts=3))
    session.commit()
    # When the periodic task runs
    removed = purge_login_throttles.run()
    # Then only the ended window is gone
    session.expire_all()
    assert removed == 1
    assert session.scalars(sa.select(LoginThrottle.key_hash)).all() == ["new"]
