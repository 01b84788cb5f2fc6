"""Signed payment events over HTTP against gunicorn, processed by a real worker: a storm of
duplicates changes the order once, and anything unverified is refused without a trace."""
from __future__ import annotations

import json
import time

from shop.orders.states import OrderStatus
from shop.payments.models import PaymentStatus, WebhookEventStatus
from tests.reliability import state
from tests.reliability.harness import all_at_once, payment_event, sign
from tests.workers.harness import wait_for

PROCESS_EVENT = "workers.payments.process_webhook_event"
SHOPPER = "shopper@example.com"


def test_one_signed_event_delivered_20_times_10_at_once_pays_once_and_mails_once(app, stack, two_farms):
    # Given the shop and a worker with two pool processes, and an order waiting for payment
    worker = stack.start_worker(concurrency=2)
    web = stack.start_web()
    bought = web.shop.buy((two_farms[0], 1), (two_farms[1], 2), email=SHOPPER)
    body = payment_event(app, bought)

    # When the same signed event arrives 20 times, in two bursts of 10 at once
    answers = []
    for _burst in range(2):
        answers += all_at_once([lambda: web.shop.deliver(body, sign(body))] * 10)

    # Then every delivery is acknowledged
    assert not [a for a in answers if isinstance(a, Exception)]
    assert [(a.status, a.json) for a in answers] == [(200, {"received": True})] * 20

    # And the worker pays the order and sends the confirmation, and then everything is quiet
    number = bought["order"]["number"]
    wait_for(lambda: state.order(app, number).status is OrderStatus.PAID, 30, "the order to be paid")
    wait_for(lambda: state.emails_sent(app, "order-confirmation:"), 30, "the confirmation to be sent")
    wait_for(lambda: state.all_tasks_finished(app), 30, "every task to finish")

    # And it all happened once: one stored event, one processing task, one "paid", one email
    order = state.order(app, number)
    [event] = state.webhook_events(app)
    assert event.status is WebhookEventStatus.PROCESSED and event.attempts == 1
    assert len(state.outbox(app, PROCESS_EVENT)) == 1
    assert len(state.order_events(app, order.id, "paid")) == 1
    [payment] = state.payments(app, order.id)
    assert payment.status is PaymentStatus.SUCCEEDED
    assert len(state.emails(app, dedupe_prefix="order-confirmation:")) == 1
    [mail] = stack.emails_to(SHOPPER)
    assert number in str(mail["Subject"])
    assert state.stock(app, two_farms[0]) == 4 and state.stock(app, two_farms[1]) == 3
    assert {r.state for r in state.reservations(app, order.id)} == {"consumed"}
    web.assert_no_server_errors()
    assert "Traceback" not in worker.log()


def test_unsigned_wrongly_signed_stale_or_tampered_events_get_400_and_write_nothing(app, stack, two_farms):
    # Given the shop and an order waiting for payment
    web = stack.start_web()
    bought = web.shop.buy((two_farms[0], 1), email=SHOPPER)
    body = payment_event(app, bought)
    now = int(time.time())
    tampered = json.loads(body)
    tampered["data"]["object"]["amount_total"] = 1
    tampered = json.dumps(tampered, separators=(",", ":")).encode()
    deliveries = {
        "unsigned": (body, None),
        "signed with another secret": (body, sign(body, secret="whsec_somebody_else")),
        "stale (301 s old)": (body, sign(body, timestamp=now - 301)),
        "from the future (301 s ahead)": (body, sign(body, timestamp=now + 301)),
        "tampered after signing": (tampered, sign(body)),
        "garbled header": (body, "t=yesterday,v1=" + "0" * 64),
        "signed, but not JSON": (b"\x00\xff not json", sign(b"\x00\xff not json")),
    }

    # When each is posted to the webhook endpoint
    answers = {name: web.shop.deliver(b, header) for name, (b, header) in deliveries.items()}
    huge = b'{"id":"evt_huge","pad":"' + b"x" * (5 * 1024 * 1024) + b'"}'
    too_big = web.shop.deliver(huge, sign(huge))

    # Then each is refused with 400 (413 for a body of 5 MB) and a JSON error
    assert {name: a.status for name, a in answers.items()} == {name: 400 for name in deliveries}
    assert {a.error_code for a in answers.values()} <= {"invalid_signature", "invalid_payload"}
    assert too_big.status == 413

    # And nothing was written: no event, no task, the order still waits for payment
    assert state.webhook_events(app) == []
    assert state.outbox(app) == []
    order = state.order(app, bought["order"]["number"])
    assert order.status is OrderStatus.PENDING_PAYMENT
    assert state.order_events(app, order.id, "paid") == []

    # While the same event, properly signed, is taken in (the refusals were not a broken endpoint)
    accepted = web.shop.deliver(body, sign(body))
    assert accepted.status == 200 and len(state.webhook_events(app)) == 1
    web.assert_no_server_errors()
