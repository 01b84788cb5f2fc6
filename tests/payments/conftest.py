"""Fixtures for the payment tests: orders built through the real services, signed events, and the
background tasks run in-process (each in its own app context and session, as a worker would)."""
from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

import workers.orders  # noqa: F401  (registers the tasks on the apps' Celery)
import workers.payments  # noqa: F401
from shop import db
from shop.cart import services as carts
from shop.checkout import services as checkout
from shop.checkout.payment import start_payment
from shop.orders.models import Order
from shop.outbox.models import OutboxMessage
from shop.payments import signing, test_gateway
from shop.payments.gateway import RefundResult
from shop.payments.models import Payment
from tests.orders.helpers import ADDRESS

#: The tasks ``run_tasks`` executes; email delivery is left out (tests count the stored emails).
WORKER_TASKS = (
    "workers.payments.process_webhook_event",
    "workers.payments.execute_refund",
    "workers.orders.notify_order_paid",
    "workers.orders.notify_payment_failed",
    "workers.orders.notify_refunded",
)


@dataclass
class Purchase:
    order: Order
    payment: Payment


@pytest.fixture
def buy(app, session):
    """``buy((variant, qty), ..., ttl=…)``: cart → order → checkout session (the test gateway unless
    ``gateway`` is given), all committed."""

    def _buy(*lines, ttl: dt.timedelta = dt.timedelta(minutes=15), email: str = "shopper@example.com",
             gateway=None) -> Purchase:
        with db.unit_of_work() as s:
            cart = carts.create_cart(s)
            for variant, quantity in lines:
                carts.add_line(s, cart, variant.id, quantity)
        with db.unit_of_work() as s:
            order = checkout.place_order(s, cart, email=email, address=ADDRESS, reservation_ttl=ttl).order
        with app.test_request_context():  # the test gateway's session URL is one of our pages
            payment = start_payment(db.unit_of_work, gateway or test_gateway.TestGateway(), order.id,
                                    success_url="http://localhost/ok", cancel_url="http://localhost/cancel")
        return Purchase(order=session.get(Order, order.id), payment=session.get(Payment, payment.id))

    return _buy


def session_event(purchase: Purchase, event_type: str, *, payment_status: str = "paid",
                  event_id: str | None = None, payment_intent_id: str | None = None) -> bytes:
    """A ``checkout.session.*`` event about ``purchase``, as Stripe would send it."""
    p, o = purchase.payment, purchase.order
    return test_gateway.checkout_session_event(event_type, session_id=p.checkout_session_id, order_id=o.id,
                                               order_number=o.number, payment_id=p.id, amount_fen=p.amount_fen,
                                               payment_status=payment_status, event_id=event_id,
                                               payment_intent_id=payment_intent_id)


def charge_refunded_event(payment_intent_id: str, amount_fen: int, amount_refunded: int,
                          event_id: str | None = None) -> bytes:
    """A ``charge.refunded`` event, as Stripe sends it after a refund made in its dashboard."""
    return json.dumps({
        "id": event_id or "evt_" + secrets.token_hex(12), "object": "event", "type": "charge.refunded",
        "created": int(time.time()), "livemode": False,
        "data": {"object": {"id": "ch_" + secrets.token_hex(8), "object": "charge", "amount": amount_fen,
                            "amount_refunded": amount_refunded, "currency": "cny", "refunded": amount_refunded >= amount_fen,
                            "payment_intent": payment_intent_id}},
    }).encode()


@pytest.fixture
def deliver(app, client):
    """POST a body to the webhook endpoint, signed with the app's secret (or as told)."""

    def _deliver(body: bytes, *, secret: str | None = None, timestamp: int | None = None, header: str | None = None,
                 http=None):
        if header is None:
            header = signing.signature_header(secret or app.config["STRIPE_WEBHOOK_SECRET"], body, timestamp)
        return (http or client).post("/webhooks/stripe", data=body,
                                     headers={"Stripe-Signature": header, "Content-Type": "application/json"})

    return _deliver


@pytest.fixture
def run_tasks(app, session):
    """Run the queued worker tasks (outbox rows) in order, like a worker would, until none are left.

    Each task is called through the app's Celery task object, so it runs in an app context and a
    database session of its own.  Returns the names of the tasks that ran.
    """
    done: set[int] = set()
    celery_app = app.extensions["celery"]

    def _run(names: tuple[str, ...] = WORKER_TASKS) -> list[str]:
        ran = []
        while True:
            fresh(session)
            rows = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.task_name.in_(names),
                                                                  OutboxMessage.id.notin_(done or {0}))
                                   .order_by(OutboxMessage.id)).all()
            if not rows:
                break
            for row in rows:
                done.add(row.id)
                celery_app.tasks[row.task_name](**row.kwargs)
                ran.append(row.task_name)
        fresh(session)
        return ran

    return _run


def task(app, name: str):
    """The app's Celery task ``name``, to call directly."""
    return app.extensions["celery"].tasks[name]


def fresh(session) -> None:
    """Forget what this session read, to see what other sessions (requests, tasks) committed."""
    session.rollback()
    session.expire_all()  # rollback alone expires nothing when no transaction was open


def count(session, model, *where) -> int:
    fresh(session)
    return session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


class RecordingGateway:
    """A gateway that keeps the refunds it made, keyed by idempotency key, as Stripe does."""

    name = "test"

    def __init__(self):
        self.calls: list[str] = []
        self.refunds: dict[str, RefundResult] = {}

    def create_checkout_session(self, request):  # pragma: no cover - not used by these tests
        raise AssertionError("not expected")

    def refund(self, request) -> RefundResult:
        self.calls.append(request.idempotency_key)
        return self.refunds.setdefault(request.idempotency_key,
                                       RefundResult(id=f"re_rec_{len(self.refunds) + 1}", status="succeeded"))


@pytest.fixture
def recording_gateway(app, monkeypatch):
    gateway = RecordingGateway()
    monkeypatch.setitem(app.extensions, "shop_payment_gateway", gateway)
    return gateway
