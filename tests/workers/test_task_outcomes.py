"""What a real worker reports back to the outbox: done, retried, failed for good."""
from __future__ import annotations

from shop import db
from shop.outbox.models import OutboxStatus
from shop.outbox.services import enqueue_task
from tests.workers.harness import wait_for
from tests.workers.helpers import outbox_rows


def enqueue(app, task_name: str, **kwargs):
    with app.app_context(), db.unit_of_work() as session:
        return enqueue_task(session, task_name, **kwargs)


def test_a_task_that_fails_for_good_is_marked_failed_and_not_sent_again(stack):
    worker = stack.start_worker(beat=True, OUTBOX_REDELIVER_AFTER=1)
    web = stack.web_app()

    enqueue(web, "tests.workers.hooks.refuse", thing_id=7)

    [row] = wait_for(lambda: [r for r in outbox_rows(web) if r.status is OutboxStatus.FAILED], what="failed row")
    assert row.last_error == "ValueError: thing 7 is broken"
    # The relay runs every second and re-sends unfinished tasks after one; three runs later the
    # failed task has not been sent again
    relay_runs = worker.log().count("Task workers.outbox.relay_outbox[")
    worker.wait_for_log("Task workers.outbox.relay_outbox[", count=relay_runs + 6)
    assert outbox_rows(web)[0].publish_count == 1
    assert worker.log().count("Task tests.workers.hooks.refuse[") == 2  # received, failed


def test_a_transient_failure_is_retried_with_backoff_then_done(stack, tmp_path):
    worker = stack.start_worker()
    web = stack.web_app()

    message = enqueue(web, "tests.workers.hooks.flaky", marker=str(tmp_path / "flaky-once"))

    [row] = wait_for(lambda: [r for r in outbox_rows(web) if r.status is OutboxStatus.DONE], what="done row",
                     timeout=30)
    log = worker.log()
    assert f"Task tests.workers.hooks.flaky[{message.task_id}] retry" in log and "ConnectionError" in log
    assert log.count(f"Task tests.workers.hooks.flaky[{message.task_id}] received") == 2
    assert row.publish_count == 1 and row.last_error is None
