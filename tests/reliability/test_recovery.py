"""Things going wrong around a paid order, with gunicorn and real worker processes: a worker killed
in the middle of the work, the broker down when the order commits, a payment after the reservation
ran out.  Each case ends with the order processed exactly once."""
from __future__ import annotations

import time

import pytest
import redis

from shop.orders.states import OrderStatus
from shop.outbox.models import OutboxStatus
from shop.payments.models import PaymentStatus, RefundStatus, WebhookEventStatus
from tests.reliability import state
from tests.reliability.harness import ReliabilityStack, payment_event, sign
from tests.workers.harness import Broker, wait_for

PROCESS_EVENT = "workers.payments.process_webhook_event"
SEND_EMAIL = "workers.email.send_email_message"
RELEASE_EXPIRED = "workers.orders.release_expired_reservations"
SHOPPER = "shopper@example.com"


def assert_paid_exactly_once(app, stack, number: str) -> None:
    """The order was paid once, its event applied once, and one confirmation went out."""
    wait_for(lambda: state.order(app, number).status is OrderStatus.PAID, 60, "the order to be paid")
    wait_for(lambda: state.emails_sent(app, "order-confirmation:"), 60, "the confirmation to be sent")
    wait_for(lambda: state.all_tasks_finished(app), 60, "every task to finish")
    order = state.order(app, number)
    [event] = state.webhook_events(app)
    assert event.status is WebhookEventStatus.PROCESSED and event.attempts == 1
    assert len(state.order_events(app, order.id, "paid")) == 1
    [payment] = state.payments(app, order.id)
    assert payment.status is PaymentStatus.SUCCEEDED
    assert {r.state for r in state.reservations(app, order.id)} == {"consumed"}
    assert len(state.emails(app, dedupe_prefix="order-confirmation:")) == 1
    assert len(stack.emails_to(SHOPPER)) == 1


@pytest.mark.parametrize("held_task", [PROCESS_EVENT, SEND_EMAIL], ids=["applying-payment", "sending-confirmation"])
def test_a_worker_killed_mid_task_processes_the_paid_order_exactly_once_after_a_restart(app, stack, two_farms,
                                                                                        held_task):
    # Given a worker whose first run of the task will stop just before its transaction commits
    stack.hold_file.touch()
    first = stack.start_worker(hold_task=held_task)
    web = stack.start_web()
    bought = web.shop.buy((two_farms[0], 2), (two_farms[1], 1), email=SHOPPER)
    number = bought["order"]["number"]

    # When the shopper pays and the worker is in the middle of that task
    body = payment_event(app, bought)
    assert web.shop.deliver(body, sign(body)).status == 200
    wait_for(lambda: stack.held_file.exists() and stack.held_file.read_text().strip(), 30,
             f"{held_task} to reach its commit")
    if held_task == PROCESS_EVENT:
        assert state.order(app, number).status is OrderStatus.PENDING_PAYMENT  # written, not committed
    else:
        assert stack.eml_files(), "the .eml is written before the row is marked sent"

    # And the whole worker (main process and pool) is killed with SIGKILL
    first.kill()
    stack.hold_file.unlink()
    if held_task == PROCESS_EVENT:
        assert state.order(app, number).status is OrderStatus.PENDING_PAYMENT
        assert state.webhook_events(app)[0].status is WebhookEventStatus.RECEIVED

    # And a new worker starts, with beat (the relay sends tasks unfinished for 2 s again)
    stack.start_worker(beat=True, OUTBOX_REDELIVER_AFTER=2)

    # Then the order is processed exactly once: one payment applied, one confirmation
    assert_paid_exactly_once(app, stack, number)
    [held] = state.outbox(app, held_task)
    assert held.publish_count >= 2  # the killed run was never acknowledged; the relay sent it again
    assert state.stock(app, two_farms[0]) == 3 and state.stock(app, two_farms[1]) == 4
    web.assert_no_server_errors()


@pytest.fixture
def stack_on_own_redis(app, private_redis, tmp_path):
    """A stack whose broker is a redis-server the test can stop and start."""
    stack = ReliabilityStack(app.config["DATABASE_URL"], Broker("redis", tmp_path / "broker", private_redis.url),
                             tmp_path)
    yield stack
    try:
        stack.close()
    except redis.exceptions.ConnectionError:
        pass  # the test ended with the broker down: its keys went with it


def test_tasks_committed_while_the_broker_is_down_run_once_when_it_is_back(app, stack_on_own_redis, private_redis,
                                                                           two_farms):
    stack = stack_on_own_redis
    # Given the shop and a worker with beat, and an order waiting for payment
    worker = stack.start_worker(beat=True)
    web = stack.start_web()
    bought = web.shop.buy((two_farms[0], 1), (two_farms[1], 1), email=SHOPPER)
    number = bought["order"]["number"]

    # When the broker goes down and then the payment arrives
    private_redis.stop()
    body = payment_event(app, bought)
    started = time.monotonic()
    answer = web.shop.deliver(body, sign(body))

    # Then the payment is still acknowledged promptly: stored, its task waiting in the outbox
    assert answer.status == 200 and time.monotonic() - started < 10
    [event] = state.webhook_events(app)
    assert event.status is WebhookEventStatus.RECEIVED
    [task] = state.outbox(app, PROCESS_EVENT)
    assert task.status is OutboxStatus.PENDING and task.publish_count == 0
    time.sleep(2)
    assert state.order(app, number).status is OrderStatus.PENDING_PAYMENT

    # When the broker is back (empty: whatever it held died with it)
    private_redis.start()

    # Then the worker reconnects, the relay publishes the task, and the order is processed once
    assert_paid_exactly_once(app, stack, number)
    [task] = state.outbox(app, PROCESS_EVENT)
    assert task.publish_count == 1
    web.assert_no_server_errors()
    assert "Traceback" not in worker.log().split("Connection to broker lost")[0]


def test_an_expired_reservation_frees_the_stock_and_a_later_payment_is_refunded(app, stack, two_farms):
    # Given the shop holding stock for one second, a worker, and an order of 2 of the 5 in stock
    stack.start_worker()
    web = stack.start_web(RESERVATION_TTL_SECONDS=1)
    bought = web.shop.buy((two_farms[0], 2), email=SHOPPER)
    number = bought["order"]["number"]
    assert state.stock(app, two_farms[0]) == 3
    body = payment_event(app, bought)  # the shopper is still on the payment page

    # When the reservation runs out and the periodic task runs (sent through the broker, as beat does)
    reserved_until = state.order(app, number).reserved_until
    time.sleep(max(0.0, reserved_until.timestamp() - time.time()) + 0.2)
    stack.web_app().extensions["celery"].send_task(RELEASE_EXPIRED)

    # Then the order is cancelled and its stock is back
    wait_for(lambda: state.order(app, number).status is OrderStatus.CANCELLED, 30, "the order to be cancelled")
    assert state.stock(app, two_farms[0]) == 5
    assert {r.state for r in state.reservations(app, state.order(app, number).id)} == {"released"}

    # When the payment arrives after all
    assert web.shop.deliver(body, sign(body)).status == 200

    # Then the money goes back automatically, once, and the stock is not returned a second time
    wait_for(lambda: state.order(app, number).status is OrderStatus.REFUNDED, 30, "the order to be refunded")
    wait_for(lambda: state.emails_sent(app, "refund:"), 30, "the refund email to be sent")
    wait_for(lambda: state.all_tasks_finished(app), 30, "every task to finish")
    order = state.order(app, number)
    [refund] = state.refunds(app, order.id)
    assert refund.status is RefundStatus.SUCCEEDED and refund.amount_fen == order.total_fen
    assert refund.reason == "order_cancelled_before_payment"
    [payment] = state.payments(app, order.id)
    assert payment.status is PaymentStatus.SUCCEEDED and payment.refunded_fen == payment.amount_fen
    assert order.refunded_fen == order.total_fen and order.paid_at is None
    assert state.order_events(app, order.id, "paid") == []
    assert state.stock(app, two_farms[0]) == 5
    assert state.emails(app, dedupe_prefix="order-confirmation:") == []
    [mail] = stack.emails_to(SHOPPER)
    assert "Refund" in str(mail["Subject"])
    web.assert_no_server_errors()
