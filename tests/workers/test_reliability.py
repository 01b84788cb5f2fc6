"""Reliability with real worker processes: a broker that is down when the transaction commits, and
workers killed with SIGKILL in the middle of a task.  Every case ends with exactly one email."""
from __future__ import annotations

import os
import signal
import socket

from shop.notifications.models import EmailStatus
from shop.outbox.models import OutboxStatus
from tests.workers.harness import wait_for
from tests.workers.helpers import email_row, outbox_rows, queue_email


def unreachable_redis() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"redis://127.0.0.1:{sock.getsockname()[1]}/0"


def test_a_task_committed_while_the_broker_is_down_runs_once_beat_relays_it(stack):
    # Given a web process that cannot reach the broker
    down = stack.web_app(BROKER_URL=unreachable_redis())

    # When an email is queued and committed there
    queued = queue_email(down)

    # Then the commit stood and the task waits in the outbox
    [task] = outbox_rows(down)
    assert task.status is OutboxStatus.PENDING and email_row(down, queued.id).status is EmailStatus.PENDING

    # When a worker and `celery -A workers beat` run against the working broker
    stack.start_worker()
    stack.start_beat()

    # Then the relay publishes the task and it runs, once
    wait_for(lambda: email_row(down, queued.id).status is EmailStatus.SENT, what="email sent", timeout=30)
    wait_for(lambda: outbox_rows(down)[0].status is OutboxStatus.DONE, what="outbox row done")
    assert outbox_rows(down)[0].publish_count == 1
    assert len(stack.eml_files()) == 1


def test_a_pool_process_killed_mid_task_is_redelivered_and_sends_once(stack, smtp_server):
    # Given a worker whose pool process will stop inside the send task
    stack.pause_file.touch()
    worker = stack.start_worker(MAIL_URL=smtp_server.url)
    web = stack.web_app()
    queued = queue_email(web)
    pid, task_id = wait_for(lambda: stack.started_file.exists() and stack.started_file.read_text().split(),
                            what="the task to start")
    assert email_row(web, queued.id).status is EmailStatus.PENDING

    # When that process is killed with SIGKILL (the worker's main process replaces it)
    os.kill(int(pid), signal.SIGKILL)

    # Then the unacknowledged message goes back to the queue, runs again, and one email goes out
    wait_for(lambda: email_row(web, queued.id).status is EmailStatus.SENT, what="email sent", timeout=30)
    assert "WorkerLostError" in worker.log() or "SIGKILL" in worker.log()
    worker.wait_for_log(f"[{task_id}] succeeded")
    assert len(smtp_server.messages()) == 1
    wait_for(lambda: outbox_rows(web)[0].status is OutboxStatus.DONE, what="outbox row done")


def test_a_whole_worker_killed_mid_task_is_completed_once_after_a_restart(stack, smtp_server):
    # Given a worker that is in the middle of sending an email
    stack.pause_file.touch()
    first = stack.start_worker(MAIL_URL=smtp_server.url)
    web = stack.web_app()
    queued = queue_email(web)
    wait_for(stack.started_file.exists, what="the task to start")

    # When the whole worker (main process and pool) is killed with SIGKILL
    first.kill()
    assert email_row(web, queued.id).status is EmailStatus.PENDING

    # And a new worker with beat starts (tasks unfinished for 2 s are sent again)
    stack.start_worker(beat=True, MAIL_URL=smtp_server.url, OUTBOX_REDELIVER_AFTER=2)

    # Then the task is completed exactly once
    wait_for(lambda: email_row(web, queued.id).status is EmailStatus.SENT, what="email sent", timeout=30)
    wait_for(lambda: outbox_rows(web)[0].status is OutboxStatus.DONE, what="outbox row done")
    assert len(smtp_server.messages()) == 1
    assert outbox_rows(web)[0].publish_count >= 2
