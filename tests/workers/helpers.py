"""Acting as the web process in worker tests: queue emails, read back rows."""
from __future__ import annotations

import sqlalchemy as sa

from shop import db
from shop.notifications import mail, services
from shop.notifications.models import EmailMessage
from shop.outbox.models import OutboxMessage

GREETING = mail.RenderedEmail(subject="你好 · Hello", text="你好\n\nHello", html="<p>你好</p><p>Hello</p>")


def queue_email(app, to: str = "buyer@example.com") -> EmailMessage:
    """Queue the greeting for ``to`` in a committed unit of work; returns the (detached) row."""
    with app.app_context(), db.unit_of_work() as session:
        return services.queue_email(session, to, GREETING)


def email_row(app, email_id: int) -> EmailMessage | None:
    with app.app_context():
        return db.session().get(EmailMessage, email_id)


def outbox_rows(app) -> list[OutboxMessage]:
    with app.app_context():
        return db.session().scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()


def count(app, model) -> int:
    with app.app_context():
        return db.session().scalar(sa.select(sa.func.count()).select_from(model))
