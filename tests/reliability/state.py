"""Reading what the processes of a reliability stack committed (each read in a fresh app context)."""
from __future__ import annotations

import sqlalchemy as sa

from shop import db
from shop.catalog.models import Variant
from shop.notifications.models import EmailMessage, EmailStatus
from shop.orders.models import Order, OrderEvent, StockReservation
from shop.outbox.models import OutboxMessage, OutboxStatus
from shop.payments.models import Payment, Refund, WebhookEvent


def scalar(app, statement):
    with app.app_context():
        return db.session().scalar(statement)


def rows(app, statement) -> list:
    with app.app_context():
        return list(db.session().scalars(statement))


def count(app, model, *where) -> int:
    return scalar(app, sa.select(sa.func.count()).select_from(model).where(*where))


def stock(app, variant_id: int) -> int:
    return scalar(app, sa.select(Variant.stock).where(Variant.id == variant_id))


def order(app, number: str) -> Order:
    return scalar(app, sa.select(Order).where(Order.number == number))


def order_events(app, order_id: int, kind: str | None = None) -> list[OrderEvent]:
    """The order's own events (not its farm orders'), oldest first."""
    where = [OrderEvent.order_id == order_id, OrderEvent.farm_order_id.is_(None)]
    if kind:
        where.append(OrderEvent.kind == kind)
    return rows(app, sa.select(OrderEvent).where(*where).order_by(OrderEvent.id))


def payments(app, order_id: int) -> list[Payment]:
    return rows(app, sa.select(Payment).where(Payment.order_id == order_id).order_by(Payment.id))


def refunds(app, order_id: int) -> list[Refund]:
    return rows(app, sa.select(Refund).where(Refund.order_id == order_id).order_by(Refund.id))


def reservations(app, order_id: int) -> list[StockReservation]:
    return rows(app, sa.select(StockReservation).where(StockReservation.order_id == order_id))


def webhook_events(app) -> list[WebhookEvent]:
    return rows(app, sa.select(WebhookEvent).order_by(WebhookEvent.id))


def emails(app, *, dedupe_prefix: str | None = None) -> list[EmailMessage]:
    where = [EmailMessage.dedupe_key.like(dedupe_prefix + "%")] if dedupe_prefix else []
    return rows(app, sa.select(EmailMessage).where(*where).order_by(EmailMessage.id))


def outbox(app, task_name: str | None = None) -> list[OutboxMessage]:
    where = [OutboxMessage.task_name == task_name] if task_name else []
    return rows(app, sa.select(OutboxMessage).where(*where).order_by(OutboxMessage.id))


def all_tasks_finished(app) -> bool:
    """Every task the outbox ever held has reported back (nothing pending or in flight)."""
    return count(app, OutboxMessage, OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENT])) == 0


def emails_sent(app, prefix: str) -> bool:
    found = emails(app, dedupe_prefix=prefix)
    return bool(found) and all(e.status is EmailStatus.SENT for e in found)
