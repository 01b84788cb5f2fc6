"""Applying gateway events: once, in any order, late; a failure never un-pays; late money goes back."""
import datetime as dt
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from shop import db
from shop.catalog.models import Variant
from shop.orders.models import FarmOrder, Order, OrderEvent, StockReservation
from shop.orders.services import expire_order
from shop.orders.states import FarmOrderStatus, OrderStatus
from shop.outbox.models import OutboxMessage
from shop.payments.models import Payment, PaymentStatus, Refund, RefundStatus, WebhookEvent, WebhookEventStatus
from tests.factories import ProductFactory
from tests.payments.conftest import charge_refunded_event, count, fresh, session_event

PAID = "workers.orders.notify_order_paid"
FAILED = "workers.orders.notify_payment_failed"
PAYMENT_TASKS = ("workers.payments.process_webhook_event", "workers.payments.execute_refund")


@pytest.fixture
def two_farms(session):
    a = ProductFactory(variants=[{"price_fen": 12800, "stock": 5}])
    b = ProductFactory(variants=[{"price_fen": 3000, "stock": 8}])
    session.commit()
    return a.variants[0], b.variants[0]


def stock(session, variant) -> int:
    fresh(session)
    return session.scalar(sa.select(Variant.stock).where(Variant.id == variant.id))


def reload(session, purchase):
    fresh(session)
    return session.get(Order, purchase.order.id), session.get(Payment, purchase.payment.id)


def paid_events(session, order_id) -> int:
    return count(session, OrderEvent, OrderEvent.order_id == order_id, OrderEvent.farm_order_id.is_(None),
                 OrderEvent.kind == "paid")


def test_a_completed_paid_session_pays_the_order_and_every_farm_part(session, buy, deliver, run_tasks, two_farms):
    # Given an order from two farms waiting for payment
    a, b = two_farms
    purchase = buy((a, 1), (b, 2))

    # When Stripe reports the checkout session completed and paid, and the worker processes it
    deliver(session_event(purchase, "checkout.session.completed"))
    run_tasks(PAYMENT_TASKS)

    # Then the order and both farm parts are paid, the stock stays taken, reservations consumed
    order, payment = reload(session, purchase)
    assert order.status == OrderStatus.PAID and order.paid_at is not None and order.reserved_until is None
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.payment_intent_id == f"pi_test_hb_{payment.id}"
    assert {fo.status for fo in session.scalars(sa.select(FarmOrder).where(FarmOrder.order_id == order.id))} \
        == {FarmOrderStatus.PAID}
    assert {r.state for r in session.scalars(sa.select(StockReservation))} == {"consumed"}
    assert (stock(session, a), stock(session, b)) == (4, 6)
    # And exactly one "order paid" notification is queued, the event marked processed
    assert count(session, OutboxMessage, OutboxMessage.task_name == PAID) == 1
    assert session.scalars(sa.select(WebhookEvent.status)).one() == WebhookEventStatus.PROCESSED


def test_a_failure_after_success_never_unpays(session, buy, deliver, run_tasks, two_farms):
    purchase = buy((two_farms[0], 1))
    deliver(session_event(purchase, "checkout.session.completed"))
    run_tasks(PAYMENT_TASKS)

    # When a late async_payment_failed arrives for the same session
    deliver(session_event(purchase, "checkout.session.async_payment_failed", payment_status="unpaid"))
    run_tasks(PAYMENT_TASKS)

    # Then the order stays paid and no "payment failed" email is queued
    order, payment = reload(session, purchase)
    assert order.status == OrderStatus.PAID and payment.status == PaymentStatus.SUCCEEDED
    assert count(session, OutboxMessage, OutboxMessage.task_name == FAILED) == 0
    assert paid_events(session, order.id) == 1


def test_failed_then_succeeded_out_of_order_ends_paid(session, buy, deliver, run_tasks, two_farms):
    purchase = buy((two_farms[0], 1))

    # When the failure is processed first and the success afterwards
    deliver(session_event(purchase, "checkout.session.async_payment_failed", payment_status="unpaid"))
    run_tasks(PAYMENT_TASKS)
    order, payment = reload(session, purchase)
    assert payment.status == PaymentStatus.FAILED and order.status == OrderStatus.PENDING_PAYMENT
    deliver(session_event(purchase, "checkout.session.async_payment_succeeded"))
    run_tasks(PAYMENT_TASKS)

    # Then the order is paid
    order, payment = reload(session, purchase)
    assert order.status == OrderStatus.PAID and payment.status == PaymentStatus.SUCCEEDED
    assert count(session, OutboxMessage, OutboxMessage.task_name == FAILED) == 1
    assert count(session, OutboxMessage, OutboxMessage.task_name == PAID) == 1


def test_a_delayed_method_is_processing_until_it_settles(session, buy, deliver, run_tasks, two_farms):
    purchase = buy((two_farms[0], 1))
    deliver(session_event(purchase, "checkout.session.completed", payment_status="unpaid"))
    run_tasks(PAYMENT_TASKS)
    order, payment = reload(session, purchase)
    assert payment.status == PaymentStatus.PROCESSING and order.status == OrderStatus.PENDING_PAYMENT

    deliver(session_event(purchase, "checkout.session.async_payment_succeeded"))
    run_tasks(PAYMENT_TASKS)
    order, payment = reload(session, purchase)
    assert payment.status == PaymentStatus.SUCCEEDED and order.status == OrderStatus.PAID


def test_an_expired_session_expires_the_payment_only(session, buy, deliver, run_tasks, two_farms):
    purchase = buy((two_farms[0], 2))
    deliver(session_event(purchase, "checkout.session.expired", payment_status="unpaid"))
    run_tasks(PAYMENT_TASKS)

    # Then the payment is expired; the order waits for its own reservation to run out
    order, payment = reload(session, purchase)
    assert payment.status == PaymentStatus.EXPIRED
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert stock(session, two_farms[0]) == 3


def test_a_payment_after_the_reservation_expired_is_refunded(session, buy, deliver, run_tasks, two_farms):
    # Given an order whose reservation ran out and which was cancelled, its stock returned
    variant = two_farms[0]
    purchase = buy((variant, 2), ttl=dt.timedelta(seconds=-1))
    with db.unit_of_work() as s:
        assert expire_order(s, purchase.order.id)
    assert stock(session, variant) == 5

    # When the shopper's payment arrives afterwards
    deliver(session_event(purchase, "checkout.session.completed"))
    run_tasks(PAYMENT_TASKS)

    # Then the money is refunded in full through the gateway and the order is marked refunded
    order, payment = reload(session, purchase)
    refund = session.scalars(sa.select(Refund)).one()
    assert refund.status == RefundStatus.SUCCEEDED and refund.amount_fen == payment.amount_fen
    assert refund.gateway_refund_id == f"re_test_hb_{refund.id}"
    assert refund.reason == "order_cancelled_before_payment"
    assert payment.status == PaymentStatus.SUCCEEDED and payment.refunded_fen == payment.amount_fen
    assert order.status == OrderStatus.REFUNDED and order.refunded_fen == order.total_fen
    assert {fo.status for fo in session.scalars(sa.select(FarmOrder))} == {FarmOrderStatus.REFUNDED}
    # And the stock is not returned a second time
    assert stock(session, variant) == 5
    # And the shopper is told about the refund, not about a paid order
    assert count(session, OutboxMessage, OutboxMessage.task_name == "workers.orders.notify_refunded") == 1
    assert count(session, OutboxMessage, OutboxMessage.task_name == PAID) == 0


def test_a_refund_made_in_the_stripe_dashboard_is_recorded_once(session, buy, deliver, run_tasks, two_farms):
    # Given a paid order
    purchase = buy((two_farms[1], 2))
    deliver(session_event(purchase, "checkout.session.completed"))
    run_tasks(PAYMENT_TASKS)
    order, payment = reload(session, purchase)

    # When Stripe reports a partial refund made in its dashboard: the same event twice, and a
    # second event carrying the same cumulative amount
    body = charge_refunded_event(payment.payment_intent_id, payment.amount_fen, 1500)
    deliver(body)
    deliver(body)
    deliver(charge_refunded_event(payment.payment_intent_id, payment.amount_fen, 1500))
    run_tasks(PAYMENT_TASKS)

    # Then one refund of ¥15 is recorded and the order is partly refunded
    order, payment = reload(session, purchase)
    refunds = session.scalars(sa.select(Refund)).all()
    assert [(r.amount_fen, r.status, r.reason) for r in refunds] == [(1500, RefundStatus.SUCCEEDED, "refunded_at_gateway")]
    assert payment.refunded_fen == 1500 and order.refunded_fen == 1500
    assert order.status == OrderStatus.PARTLY_REFUNDED

    # And when the rest is refunded there, the difference is recorded and the order is refunded
    deliver(charge_refunded_event(payment.payment_intent_id, payment.amount_fen, payment.amount_fen))
    run_tasks(PAYMENT_TASKS)
    order, payment = reload(session, purchase)
    assert sorted(r.amount_fen for r in session.scalars(sa.select(Refund))) == sorted([1500, payment.amount_fen - 1500])
    assert order.status == OrderStatus.REFUNDED and payment.refunded_fen == payment.amount_fen


def test_an_event_for_an_unknown_payment_is_ignored(session, deliver, run_tasks, buy, two_farms):
    # Given an event about a checkout session and payment this shop never created
    purchase = buy((two_farms[0], 1))
    stranger = SimpleNamespace(order=purchase.order,
                               payment=SimpleNamespace(checkout_session_id="cs_unknown", id=999999, amount_fen=100))
    deliver(session_event(stranger, "checkout.session.completed"))
    run_tasks(PAYMENT_TASKS)
    # Then it is stored, marked ignored, and nothing changes
    assert session.scalars(sa.select(WebhookEvent.status)).one() == WebhookEventStatus.IGNORED
    assert session.get(Order, purchase.order.id).status == OrderStatus.PENDING_PAYMENT


def test_a_late_second_payment_is_refunded_without_touching_the_paid_order(app, session, buy, deliver, run_tasks,
                                                                             two_farms):
    # Given an order whose first payment A failed, then was paid through a second payment B
    from shop.checkout.payment import start_payment
    from shop.payments import test_gateway
    from tests.payments.conftest import Purchase

    first = buy((two_farms[0], 1), (two_farms[1], 2))
    deliver(session_event(first, "checkout.session.async_payment_failed", payment_status="unpaid"))
    run_tasks(PAYMENT_TASKS)
    with app.test_request_context():
        b = start_payment(db.unit_of_work, test_gateway.TestGateway(), first.order.id,
                          success_url="http://localhost/ok", cancel_url="http://localhost/cancel")
    second = Purchase(order=first.order, payment=session.get(Payment, b.id))
    assert second.payment.id != first.payment.id
    deliver(session_event(second, "checkout.session.completed"))
    run_tasks(PAYMENT_TASKS)

    # When A's success arrives late and its automatic refund goes through
    deliver(session_event(first, "checkout.session.async_payment_succeeded"))
    run_tasks(PAYMENT_TASKS)

    # Then A's money went back, and A alone records it
    order, payment_a = reload(session, first)
    payment_b = session.get(Payment, second.payment.id)
    refund = session.scalars(sa.select(Refund)).one()
    assert refund.payment_id == payment_a.id and refund.reason == "duplicate_payment"
    assert refund.status == RefundStatus.SUCCEEDED
    assert payment_a.refunded_fen == payment_a.amount_fen
    assert payment_b.status == PaymentStatus.SUCCEEDED and payment_b.refunded_fen == 0
    # And the order B paid is untouched: still paid, nothing refunded, every farm part paid
    assert order.status == OrderStatus.PAID and order.refunded_fen == 0
    assert {fo.status for fo in session.scalars(sa.select(FarmOrder).where(FarmOrder.order_id == order.id))} \
        == {FarmOrderStatus.PAID}
    assert (stock(session, two_farms[0]), stock(session, two_farms[1])) == (4, 6)
    # And the order's log records the returned duplicate; no "order refunded" email is queued
    kinds = [e.kind for e in session.scalars(sa.select(OrderEvent).where(OrderEvent.order_id == order.id)
                                             .order_by(OrderEvent.id))]
    assert "duplicate_payment_refunded" in kinds and "refunded" not in kinds
    assert count(session, OutboxMessage, OutboxMessage.task_name == "workers.orders.notify_refunded") == 0

    # And cancelling the order afterwards refunds the payment that paid it (not the one given back)
    from shop.orders.actions import CancelOutcome, cancel_before_shipping

    with db.unit_of_work() as s:
        assert cancel_before_shipping(s, order.id, actor="shopper") == CancelOutcome.REFUND_REQUESTED
    run_tasks(PAYMENT_TASKS)
    fresh(session)
    assert session.scalars(sa.select(Refund.payment_id).order_by(Refund.id.desc())).first() == payment_b.id
    assert session.get(Order, order.id).status == OrderStatus.REFUNDED
