"""The email task run by a real ``celery -A workers worker``, on both databases and both brokers."""
from __future__ import annotations

import email
from email import policy

import pytest

from shop import db
from shop.notifications import services
from shop.notifications.models import EmailMessage, EmailStatus
from shop.outbox.models import OutboxStatus
from shop.outbox.relay import OUTBOX_HEADER
from tests.workers.harness import wait_for
from tests.workers.helpers import GREETING, count, email_row, outbox_rows, queue_email

SEND = "workers.email.send_email_message"


def test_a_committed_email_is_sent_by_the_worker(stack):
    # Given a running worker
    stack.start_worker()
    web = stack.web_app()

    # When the web process queues an email and commits
    queued = queue_email(web)

    # Then the worker writes it to the .eml outbox, and the row and its task are finished
    [eml] = wait_for(stack.eml_files, what="an .eml file")
    with open(stack.mail_dir / eml, "rb") as fh:
        message = email.message_from_binary_file(fh, policy=policy.default)
    assert message["Message-ID"] == queued.message_id
    assert message["Subject"] == "你好 · Hello"
    wait_for(lambda: email_row(web, queued.id).status is EmailStatus.SENT, what="email marked sent")
    wait_for(lambda: outbox_rows(web)[0].status is OutboxStatus.DONE, what="outbox row done")
    assert outbox_rows(web)[0].publish_count == 1


def test_a_rolled_back_email_never_reaches_the_worker(stack):
    worker = stack.start_worker()
    web = stack.web_app()

    # When a use case queues an email and then fails
    with pytest.raises(RuntimeError):
        with web.app_context(), db.unit_of_work() as session:
            services.queue_email(session, "ghost@example.com", GREETING)
            raise RuntimeError("checkout failed")
    # And a later use case commits one
    queue_email(web, to="real@example.com")

    # Then only the committed one ever runs
    worker.wait_for_log("succeeded", count=1)
    assert worker.log().count(f"Task {SEND}[") == 2  # "received" and "succeeded" of one task
    assert len(stack.eml_files()) == 1
    assert count(web, EmailMessage) == 1 and len(outbox_rows(web)) == 1
    assert stack.broker.waiting() == 0


def test_the_same_task_delivered_many_times_sends_one_email(stack, smtp_server):
    # Given workers that send through a real SMTP server, and an email already sent
    worker = stack.start_worker(concurrency=3, MAIL_URL=smtp_server.url)
    web = stack.web_app(MAIL_URL=smtp_server.url)
    queued = queue_email(web)
    wait_for(lambda: len(smtp_server.messages()) == 1, what="the first delivery")
    [task] = wait_for(lambda: [r for r in outbox_rows(web) if r.status is OutboxStatus.DONE], what="task done")
    sent_at = email_row(web, queued.id).sent_at

    # When the broker delivers the same task five more times, at once
    celery_app = web.extensions["celery"]
    for _ in range(5):
        celery_app.send_task(SEND, kwargs={"email_id": queued.id}, task_id=task.task_id,
                             headers={OUTBOX_HEADER: task.id})

    # Then every delivery ran, and still only one email went out
    worker.wait_for_log(f"Task {SEND}[{task.task_id}] succeeded", count=6)
    assert len(smtp_server.messages()) == 1
    assert smtp_server.messages()[0]["Message-ID"] == queued.message_id
    assert email_row(web, queued.id).sent_at == sent_at
