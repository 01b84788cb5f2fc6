"""Stored emails: queued in the caller's transaction, delivered at most once per row."""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from shop import db
from shop.notifications import mail, services
from shop.notifications.models import EmailMessage, EmailStatus
from shop.outbox.models import OutboxMessage

GREETING = mail.RenderedEmail(subject="你好 · Hello", text="你好\n\nHello", html="<p>你好</p><p>Hello</p>")


def queue(to="buyer@example.com", **kwargs) -> EmailMessage:
    with db.unit_of_work() as session:
        return services.queue_email(session, to, GREETING, **kwargs)


def test_queue_email_stores_the_message_and_its_send_task(session, mail_dir):
    # When an email is queued in a committed unit of work
    email = queue()

    # Then it is stored pending with a Message-ID of its own
    stored = session.get(EmailMessage, email.id)
    assert (stored.status, stored.to_address, stored.subject) == (EmailStatus.PENDING, "buyer@example.com", "你好 · Hello")
    assert stored.message_id.startswith("<") and stored.message_id.endswith("@harvest-bridge.localhost>")
    # And its send task is in the outbox, carrying only the id
    [task] = session.scalars(sa.select(OutboxMessage)).all()
    assert (task.task_name, task.kwargs) == ("workers.email.send_email_message", {"email_id": email.id})
    # And nothing was sent from the web process
    assert not mail_dir.exists()


def test_a_dedupe_key_queues_one_email_per_cause(session, mail_dir):
    first = queue(dedupe_key="order-confirmation:42")
    again = queue(dedupe_key="order-confirmation:42")

    assert again.id == first.id
    assert session.scalar(sa.select(sa.func.count()).select_from(EmailMessage)) == 1
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1


def test_a_rolled_back_transaction_queues_nothing(session, mail_dir):
    with pytest.raises(RuntimeError):
        with db.unit_of_work() as s:
            services.queue_email(s, "buyer@example.com", GREETING)
            raise RuntimeError("checkout failed")

    assert session.scalar(sa.select(sa.func.count()).select_from(EmailMessage)) == 0
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_a_malformed_address_is_refused(session):
    with pytest.raises(ValueError):
        queue(to="buyer@example.com\nBcc: x@example.com")
    assert session.scalar(sa.select(sa.func.count()).select_from(EmailMessage)) == 0


def test_deliver_email_sends_once_however_often_it_is_called(session, mail_dir):
    # Given a queued email
    email = queue()

    # When delivery runs, and runs again (a task delivered twice)
    with db.unit_of_work() as s:
        assert services.deliver_email(s, email.id) is EmailStatus.SENT
    [eml] = os.listdir(mail_dir)
    first_copy = os.stat(mail_dir / eml)
    with db.unit_of_work() as s:
        assert services.deliver_email(s, email.id) is EmailStatus.SENT

    # Then the message was written once: same file, not rewritten
    assert os.listdir(mail_dir) == [eml]
    assert os.stat(mail_dir / eml).st_ino == first_copy.st_ino
    stored = session.get(EmailMessage, email.id)
    session.refresh(stored)
    assert stored.status is EmailStatus.SENT and stored.sent_at is not None
    assert email.message_id.strip("<>") in eml


def test_deliver_email_over_smtp_counts_one_message(session, smtp_server):
    email = queue()
    for _ in range(3):
        with db.unit_of_work() as s:
            services.deliver_email(s, email.id)
    [received] = smtp_server.messages()
    assert received["Message-ID"] == email.message_id


def test_a_permanent_refusal_is_recorded_not_retried(session, smtp_server):
    # Given a recipient the server refuses for good
    smtp_server.handler.refuse_recipients = "550 5.1.1 No such user"
    email = queue(to="gone@example.com")

    # When delivery runs
    with db.unit_of_work() as s:
        status = services.deliver_email(s, email.id)

    # Then the email is marked failed with the reason
    assert status is EmailStatus.FAILED
    stored = session.get(EmailMessage, email.id)
    session.refresh(stored)
    assert stored.status is EmailStatus.FAILED and "550" in stored.last_error


def test_a_transient_failure_leaves_the_email_pending_for_a_retry(session, smtp_server):
    smtp_server.handler.refuse_recipients = "451 4.3.0 Try again later"
    email = queue()

    with pytest.raises(mail.TransientMailError):
        with db.unit_of_work() as s:
            services.deliver_email(s, email.id)

    stored = session.get(EmailMessage, email.id)
    session.refresh(stored)
    assert stored.status is EmailStatus.PENDING and stored.sent_at is None


def test_delivering_a_missing_email_is_a_no_op(session, mail_dir):
    with db.unit_of_work() as s:
        assert services.deliver_email(s, 999) is None
