"""Worker tasks, called as a worker would call them: each delivery may be repeated or concurrent."""
import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from shop import db
from shop.catalog.models import Variant
from shop.orders.models import Order, OrderEvent
from shop.orders.states import OrderStatus
from shop.payments import services as payments
from shop.payments.gateway import GatewayError
from shop.payments.models import Refund, RefundStatus, WebhookEvent, WebhookEventStatus
from tests.factories import ProductFactory
from tests.payments.conftest import count, fresh, session_event, task

PAYMENT_TASKS = ("workers.payments.process_webhook_event",)


@pytest.fixture
def variant(session):
    product = ProductFactory(variants=[{"price_fen": 6600, "stock": 10}])
    session.commit()
    return product.variants[0]


@pytest.fixture
def paid_order(buy, deliver, run_tasks, variant):
    purchase = buy((variant, 3))
    deliver(session_event(purchase, "checkout.session.completed"))
    run_tasks(PAYMENT_TASKS)
    return purchase


def pending_refund(order_id: int, amount_fen: int) -> int:
    with db.unit_of_work() as s:
        return payments.create_refund(s, order_id, amount_fen=amount_fen, actor="operator:test",
                                      reason="damaged in transit").id


def refunded_events(session, order_id) -> int:
    return count(session, OrderEvent, OrderEvent.order_id == order_id, OrderEvent.kind == "refunded",
                 OrderEvent.farm_order_id.is_(None))


def test_execute_refund_delivered_twice_refunds_once(app, session, paid_order, recording_gateway):
    # Given a pending partial refund of a paid order
    refund_id = pending_refund(paid_order.order.id, 6600)
    execute = task(app, "workers.payments.execute_refund")

    # When the task is delivered twice
    first, second = execute(refund_id=refund_id), execute(refund_id=refund_id)

    # Then the gateway was asked once, with the refund's idempotency key, and the order changed once
    assert (first, second) == ("refunded", "not pending")
    assert recording_gateway.calls == [f"hb-refund-{refund_id}"]
    fresh(session)
    refund = session.get(Refund, refund_id)
    assert refund.status == RefundStatus.SUCCEEDED and refund.gateway_refund_id == "re_rec_1"
    order = session.get(Order, paid_order.order.id)
    assert order.status == OrderStatus.PARTLY_REFUNDED and order.refunded_fen == 6600
    assert refunded_events(session, order.id) == 1


def test_execute_refund_run_concurrently_makes_one_gateway_refund(app, session, paid_order, recording_gateway):
    refund_id = pending_refund(paid_order.order.id, paid_order.payment.amount_fen)
    execute = task(app, "workers.payments.execute_refund")
    results: list[str] = []
    barrier = threading.Barrier(2)

    def run():
        barrier.wait()
        results.append(execute(refund_id=refund_id))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    # Then both calls (if both reached the gateway) carried the same key, so one refund exists there,
    # and the order was refunded once
    assert sorted(results) in (["already applied", "refunded"], ["not pending", "refunded"])
    assert set(recording_gateway.calls) == {f"hb-refund-{refund_id}"}
    assert len(recording_gateway.refunds) == 1
    fresh(session)
    assert session.get(Order, paid_order.order.id).status == OrderStatus.REFUNDED
    assert refunded_events(session, paid_order.order.id) == 1


def test_a_refund_the_gateway_refuses_is_marked_failed(app, session, paid_order, monkeypatch):
    class Refusing:
        name = "test"

        def refund(self, request):
            raise GatewayError("charge already disputed", retryable=False)

    monkeypatch.setitem(app.extensions, "shop_payment_gateway", Refusing())
    refund_id = pending_refund(paid_order.order.id, 1000)
    assert task(app, "workers.payments.execute_refund")(refund_id=refund_id) == "failed"
    fresh(session)
    assert session.get(Refund, refund_id).status == RefundStatus.FAILED
    assert session.get(Order, paid_order.order.id).status == OrderStatus.PAID
    assert count(session, OrderEvent, OrderEvent.kind == "refund_failed") == 1


def test_a_gateway_outage_leaves_the_refund_pending_for_a_retry(app, session, paid_order, monkeypatch):
    class Down:
        name = "test"

        def refund(self, request):
            raise GatewayError("connection refused", retryable=True)

    monkeypatch.setitem(app.extensions, "shop_payment_gateway", Down())
    refund_id = pending_refund(paid_order.order.id, 1000)
    with pytest.raises(GatewayError):
        # Called through ``run`` as the worker's retry machinery would: the error goes to Celery
        task(app, "workers.payments.execute_refund").run(refund_id=refund_id)
    fresh(session)
    assert session.get(Refund, refund_id).status == RefundStatus.PENDING


def test_release_expired_reservations_frees_stock_once(app, session, buy, variant):
    # Given one order whose reservation ran out and one still within its time
    expired = buy((variant, 4), ttl=dt.timedelta(seconds=-1))
    waiting = buy((variant, 1))
    release = task(app, "workers.orders.release_expired_reservations")

    # When the periodic task runs, and runs again
    first, second = release(), release()

    # Then only the expired order is cancelled and its 4 units are back, once
    assert (first, second) == (1, 0)
    fresh(session)
    assert session.get(Order, expired.order.id).status == OrderStatus.CANCELLED
    assert session.get(Order, waiting.order.id).status == OrderStatus.PENDING_PAYMENT
    assert session.scalar(sa.select(Variant.stock).where(Variant.id == variant.id)) == 10 - 1


def test_a_failing_event_is_recorded_and_given_up_after_five_attempts(app, session, buy, deliver, variant, monkeypatch):
    purchase = buy((variant, 1))
    deliver(session_event(purchase, "checkout.session.completed"))
    event_id = session.scalar(sa.select(WebhookEvent.id))

    def broken(session, webhook_event_id):
        raise RuntimeError("bug in a handler")

    monkeypatch.setattr(payments, "process_webhook_event", broken)
    process = task(app, "workers.payments.process_webhook_event")
    for attempt in range(1, 6):
        with pytest.raises(RuntimeError):
            process.run(webhook_event_id=event_id)
        fresh(session)
        event = session.get(WebhookEvent, event_id)
        assert event.attempts == attempt and "RuntimeError: bug in a handler" in event.error
        assert event.status == (WebhookEventStatus.FAILED if attempt == 5 else WebhookEventStatus.RECEIVED)


def backdate(session, model, minutes: int, *where):
    column = model.received_at if model is WebhookEvent else model.created_at
    session.execute(sa.update(model).where(*where).values({column: db.utcnow() - dt.timedelta(minutes=minutes)}))
    session.commit()


def test_reconcile_redrives_stuck_events_and_refunds(app, session, buy, deliver, variant, recording_gateway):
    # Given a "paid" event received 3 minutes ago that no worker processed (its message was lost)
    purchase = buy((variant, 2))
    deliver(session_event(purchase, "checkout.session.completed"))
    # And a fresh event that the regular task will still handle
    other = buy((variant, 1), email="other@example.com")
    deliver(session_event(other, "checkout.session.completed"))
    backdate(session, WebhookEvent, 3, WebhookEvent.id == 1)

    # When the reconciler runs
    done = task(app, "workers.orders.reconcile")()

    # Then the stuck event is processed and the order paid; the fresh one is left to its task
    assert done["events"] == 1
    fresh(session)
    assert session.get(Order, purchase.order.id).status == OrderStatus.PAID
    assert session.get(Order, other.order.id).status == OrderStatus.PENDING_PAYMENT

    # Given a refund stuck pending for 3 minutes
    refund_id = pending_refund(purchase.order.id, 2000)
    backdate(session, Refund, 3, Refund.id == refund_id)

    # When the reconciler runs twice
    first = task(app, "workers.orders.reconcile")()
    second = task(app, "workers.orders.reconcile")()

    # Then the refund went to the gateway once and was applied
    assert first["refunds"] == 1 and second["refunds"] == 0
    assert recording_gateway.calls == [f"hb-refund-{refund_id}"]
    fresh(session)
    assert session.get(Refund, refund_id).status == RefundStatus.SUCCEEDED


def test_reconcile_queues_a_confirmation_that_was_never_queued(app, session, paid_order):
    # Given an order paid 3 minutes ago whose "order paid" task never ran (its message was lost)
    from shop.notifications.models import EmailMessage

    order_id = paid_order.order.id
    session.execute(sa.update(Order).where(Order.id == order_id)
                    .values(paid_at=db.utcnow() - dt.timedelta(minutes=3)))
    session.commit()
    assert count(session, EmailMessage) == 0

    # When the reconciler runs twice
    first = task(app, "workers.orders.reconcile")()
    second = task(app, "workers.orders.reconcile")()

    # Then the shopper's confirmation is queued once
    assert (first["emails"], second["emails"]) == (1, 0)
    assert count(session, EmailMessage, EmailMessage.to_address == paid_order.order.email) == 1
