"""The task outbox: tasks exist only when their transaction commits, are published once, and are
sent again only when they never finished."""
from __future__ import annotations

import datetime as dt
import socket
import threading

import pytest
import sqlalchemy as sa

from shop import create_app, db
from shop.outbox import relay
from shop.outbox.models import OutboxMessage, OutboxStatus
from shop.outbox.services import enqueue_task, prune_finished, record_task_finished

TASK = "workers.sample.refresh_thing"


def stored(session, message_id: int) -> OutboxMessage:
    session.rollback()  # end any read transaction: a SQLite reader keeps its snapshot until then
    session.expire_all()
    return session.get(OutboxMessage, message_id)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_committed_task_is_published_at_once_under_its_outbox_id(session, broker_queue):
    # When a use case enqueues a task and commits
    with db.unit_of_work() as s:
        message = enqueue_task(s, TASK, thing_id=7)

    # Then the task is on the broker, under the row's stable id, with its keyword arguments
    [published] = broker_queue.messages()
    assert (published["task"], published["id"], published["kwargs"]) == (TASK, message.task_id, {"thing_id": 7})
    assert published["headers"][relay.OUTBOX_HEADER] == message.id
    # And the row says so
    row = stored(session, message.id)
    assert (row.status, row.publish_count) == (OutboxStatus.SENT, 1)
    assert row.published_at is not None and row.finished_at is None


def test_a_rolled_back_transaction_leaves_no_task(session, broker_queue):
    with pytest.raises(RuntimeError):
        with db.unit_of_work() as s:
            enqueue_task(s, TASK, thing_id=7)
            raise RuntimeError("use case failed")

    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    assert broker_queue.messages() == []


@pytest.mark.parametrize("value", [object(), float("nan"), dt.datetime(2024, 1, 1), b"bytes"])
def test_task_arguments_must_be_plain_json(session, value):
    with pytest.raises(ValueError):
        enqueue_task(session, TASK, thing=value)


def test_broker_down_at_commit_keeps_the_task_until_the_relay_runs(app, session, broker_queue):
    # Given a web process whose broker is down (nothing listens on its port)
    down = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "test",
                       "BROKER_URL": f"redis://127.0.0.1:{closed_port()}/0"})
    try:
        # When a use case commits a task there
        with down.app_context(), db.unit_of_work() as s:
            message = enqueue_task(s, TASK, thing_id=7)
    finally:
        db.get_db(down).engine.dispose()

    # Then the commit stood, and the task waits in the outbox
    assert stored(session, message.id).status == OutboxStatus.PENDING
    assert broker_queue.messages() == []

    # When the relay runs with a working broker
    result = relay.publish_outbox(app)

    # Then the task is published once, under the same id
    assert result.published == [message.task_id] and result.broker_error is None
    assert [m["id"] for m in broker_queue.messages()] == [message.task_id]
    assert stored(session, message.id).status == OutboxStatus.SENT


def test_a_relay_that_cannot_reach_the_broker_changes_nothing(app, session, broker_queue, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_PUBLISH_ON_COMMIT", False)
    with db.unit_of_work() as s:
        message = enqueue_task(s, TASK, thing_id=7)
    down = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "test",
                       "BROKER_URL": f"redis://127.0.0.1:{closed_port()}/0"})
    try:
        result = relay.publish_outbox(down)
    finally:
        db.get_db(down).engine.dispose()

    assert result.published == [] and result.broker_error
    assert stored(session, message.id).status == OutboxStatus.PENDING


def test_concurrent_relays_publish_each_task_exactly_once(app, session, broker_queue, monkeypatch):
    # Given thirty committed tasks nobody has published yet
    monkeypatch.setitem(app.config, "OUTBOX_PUBLISH_ON_COMMIT", False)
    with db.unit_of_work() as s:
        task_ids = [enqueue_task(s, TASK, thing_id=n).task_id for n in range(30)]

    # When four relays run at the same moment
    start = threading.Barrier(4)
    results: list[relay.RelayResult] = []

    def run_relay():
        start.wait()
        results.append(relay.publish_outbox(app, limit=10))

    threads = [threading.Thread(target=run_relay) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    # Then every task was published by exactly one of them
    published = [task_id for r in results for task_id in r.published]
    assert len(results) == 4
    assert sorted(published) == sorted(task_ids)
    assert sorted(m["id"] for m in broker_queue.messages()) == sorted(task_ids)


def test_a_task_that_never_finished_is_sent_again_under_the_same_id(app, session, broker_queue, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_REDELIVER_AFTER", 60)
    with db.unit_of_work() as s:
        message = enqueue_task(s, TASK, thing_id=7)

    # A relay soon after publication leaves the task alone
    assert relay.publish_outbox(app).published == []

    # Given its worker died: no report for longer than OUTBOX_REDELIVER_AFTER
    with db.unit_of_work() as s:
        s.execute(sa.update(OutboxMessage).values(published_at=db.utcnow() - dt.timedelta(seconds=61)))

    # When the relay runs
    assert relay.publish_outbox(app).published == [message.task_id]

    # Then the same message id is on the broker twice, and the row counts two publications
    assert [m["id"] for m in broker_queue.messages()] == [message.task_id, message.task_id]
    assert stored(session, message.id).publish_count == 2


def test_a_task_sent_too_often_is_given_up_for_an_operator(app, session, broker_queue, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_REDELIVER_AFTER", 60)
    with db.unit_of_work() as s:
        message = enqueue_task(s, TASK, thing_id=7)
    with db.unit_of_work() as s:
        s.execute(sa.update(OutboxMessage).values(publish_count=relay.MAX_PUBLICATIONS,
                                                  published_at=db.utcnow() - dt.timedelta(hours=1)))
    broker_queue.clear()

    result = relay.publish_outbox(app)

    assert result.given_up == [message.task_id] and result.published == []
    assert broker_queue.messages() == []
    row = stored(session, message.id)
    assert row.status == OutboxStatus.FAILED and "publications" in row.last_error


def test_a_finished_task_is_never_sent_again(app, session, broker_queue, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_REDELIVER_AFTER", 0)
    with db.unit_of_work() as s:
        message = enqueue_task(s, TASK, thing_id=7)

    # When the worker reports the task finished
    with db.unit_of_work() as s:
        assert record_task_finished(s, message.task_id) is True

    # Then the relay leaves it alone, however old it gets
    assert relay.publish_outbox(app).published == []
    row = stored(session, message.id)
    assert row.status == OutboxStatus.DONE and row.finished_at is not None


def test_a_failed_task_records_why(session, broker_queue):
    with db.unit_of_work() as s:
        message = enqueue_task(s, TASK, thing_id=7)
    with db.unit_of_work() as s:
        record_task_finished(s, message.task_id, error="ValueError: bad thing")
    row = stored(session, message.id)
    assert (row.status, row.last_error) == (OutboxStatus.FAILED, "ValueError: bad thing")


def test_the_periodic_relay_with_nothing_due_does_not_touch_the_broker(app, session, monkeypatch):
    def no_broker(*args, **kwargs):
        raise AssertionError("connected to the broker")

    monkeypatch.setattr(app.extensions["celery"], "connection_for_write", no_broker)
    assert relay.publish_outbox(app) == relay.RelayResult()


def test_prune_deletes_only_old_finished_rows(session, broker_queue):
    with db.unit_of_work() as s:
        old_done, new_done, old_failed = (enqueue_task(s, TASK, thing_id=n) for n in range(3))
    with db.unit_of_work() as s:
        for message in (old_done, new_done):
            record_task_finished(s, message.task_id)
        record_task_finished(s, old_failed.task_id, error="boom")
        s.execute(sa.update(OutboxMessage).where(OutboxMessage.id.in_([old_done.id, old_failed.id]))
                  .values(finished_at=db.utcnow() - dt.timedelta(days=8)))

    with db.unit_of_work() as s:
        assert prune_finished(s, db.utcnow() - dt.timedelta(days=7)) == 1

    session.rollback()
    session.expire_all()
    assert sorted(session.scalars(sa.select(OutboxMessage.id)).all()) == sorted([new_done.id, old_failed.id])
