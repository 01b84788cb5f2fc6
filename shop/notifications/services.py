"""Stored emails: queue one in the caller's transaction, deliver it at most once per row.

Delivery guarantee: ``deliver_email`` locks the row, sends only while it is still ``pending`` and
marks it ``sent`` in the same transaction, so a task delivered twice (or two workers at once) sends
once.  One window remains: if the process dies after the mail server accepted the message and before
the commit, the row stays pending and the message is sent again, with the same Message-ID (mail
clients and the ``.eml`` outbox treat it as the same message).  On SQLite the lock is the database
write lock, held for the length of one send (bounded by ``MAIL_TIMEOUT``).
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shop.db import utcnow
from shop.notifications import mail
from shop.notifications.models import EmailMessage, EmailStatus
from shop.outbox.services import enqueue_task

SEND_TASK = "workers.email.send_email_message"


def queue_email(session: Session, to: str, email: mail.RenderedEmail, *,
                dedupe_key: str | None = None) -> EmailMessage:
    """Store ``email`` for ``to`` and have it sent once the caller's transaction commits.

    With ``dedupe_key`` (e.g. ``"order-confirmation:<order id>"``) a second call, in this or any
    later transaction, returns the first row and queues nothing.  ``ValueError`` for a malformed
    address.
    """
    to = mail.check_address(to)
    if dedupe_key is not None:
        existing = session.scalar(sa.select(EmailMessage).where(EmailMessage.dedupe_key == dedupe_key))
        if existing is not None:
            return existing
    row = EmailMessage(to_address=to, subject=email.subject, body_text=email.text, body_html=email.html,
                       status=EmailStatus.PENDING, message_id=mail.new_message_id(),
                       dedupe_key=dedupe_key, created_at=utcnow())
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except sa.exc.IntegrityError:
        # A concurrent transaction queued the same key first (the unique constraint decided).
        existing = session.scalar(sa.select(EmailMessage).where(EmailMessage.dedupe_key == dedupe_key))
        if existing is None:
            raise
        return existing
    enqueue_task(session, SEND_TASK, email_id=row.id)
    return row


def deliver_email(session: Session, email_id: int) -> EmailStatus | None:
    """Send stored email ``email_id`` if it is still pending; returns its status (None if missing).

    Raises ``mail.TransientMailError`` (the caller's transaction rolls back and the row stays
    pending); a permanent refusal is recorded as ``failed`` and not raised.
    """
    email = session.execute(
        sa.select(EmailMessage).where(EmailMessage.id == email_id)
        .with_for_update().execution_options(populate_existing=True)).scalar_one_or_none()
    if email is None or email.status != EmailStatus.PENDING:
        return email.status if email is not None else None
    try:
        mail.send_email(email.to_address, email.subject, email.body_text, email.body_html,
                        message_id=email.message_id, date=email.created_at)
    except mail.PermanentMailError as exc:
        email.status, email.last_error = EmailStatus.FAILED, str(exc)[:500]
    else:
        email.status, email.sent_at, email.last_error = EmailStatus.SENT, utcnow(), None
    session.flush()
    return email.status
