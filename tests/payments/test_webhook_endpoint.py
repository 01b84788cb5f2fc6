"""POST /webhooks/stripe: verify over the raw body, store once, answer fast; refuse everything else
without writing a row."""
import json
import threading
import time

import pytest
import sqlalchemy as sa

from shop.notifications.models import EmailMessage
from shop.orders.models import OrderEvent
from shop.orders.states import OrderStatus
from shop.outbox.models import OutboxMessage
from shop.payments.models import WebhookEvent, WebhookEventStatus
from shop.payments.signing import signature_header
from tests.factories import ProductFactory
from tests.payments.conftest import count, session_event, task

PROCESS = "workers.payments.process_webhook_event"


def rows(session):
    return count(session, WebhookEvent), count(session, OutboxMessage)


@pytest.fixture
def purchase(session, buy):
    product = ProductFactory(variants=[{"price_fen": 8800, "stock": 5}])
    session.commit()
    return buy((product.variants[0], 2))


def test_a_signed_event_is_stored_once_and_queued_for_a_worker(session, deliver, purchase):
    # Given a signed checkout.session.completed event
    before_outbox = count(session, OutboxMessage)
    body = session_event(purchase, "checkout.session.completed")

    # When Stripe delivers it
    response = deliver(body)

    # Then it is acknowledged, stored as received, and its processing is queued (not done inline)
    assert response.status_code == 200
    assert response.get_json() == {"received": True}
    event = session.scalars(sa.select(WebhookEvent)).one()
    assert event.status == WebhookEventStatus.RECEIVED and event.type == "checkout.session.completed"
    assert event.event_id == json.loads(body)["id"]
    queued = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.task_name == PROCESS)).all()
    assert [q.kwargs for q in queued] == [{"webhook_event_id": event.id}]
    assert count(session, OutboxMessage) == before_outbox + 1
    assert session.get(type(purchase.order), purchase.order.id).status == OrderStatus.PENDING_PAYMENT


def test_an_event_type_we_do_not_handle_is_acknowledged_and_not_queued(session, deliver):
    body = json.dumps({"id": "evt_other", "object": "event", "type": "customer.created",
                       "data": {"object": {"id": "cus_1", "object": "customer"}}}).encode()
    assert deliver(body).status_code == 200
    event = session.scalars(sa.select(WebhookEvent)).one()
    assert event.status == WebhookEventStatus.IGNORED
    assert count(session, OutboxMessage) == 0


@pytest.mark.parametrize("case", ["unsigned", "wrong_secret", "stale", "tampered", "garbage_json", "not_an_event",
                                  "event_without_object", "empty_body", "garbled_header"])
def test_unverified_or_malformed_deliveries_get_400_and_write_nothing(app, session, deliver, purchase, case):
    # Given a delivery that is wrong in one way
    body = session_event(purchase, "checkout.session.completed")
    before = rows(session)
    secret = app.config["STRIPE_WEBHOOK_SECRET"]
    if case == "unsigned":
        response = app.test_client().post("/webhooks/stripe", data=body, content_type="application/json")
    elif case == "wrong_secret":
        response = deliver(body, secret="whsec_somebody_else")
    elif case == "stale":
        response = deliver(body, timestamp=int(time.time()) - 301)
    elif case == "tampered":
        header = signature_header(secret, body)
        response = deliver(body.replace(b'"amount_total":', b'"amount_total":1'), header=header)
    elif case == "garbage_json":
        response = deliver(b"\x00\xff{not json at all")
    elif case == "not_an_event":
        response = deliver(b'["a","list"]')
    elif case == "event_without_object":
        response = deliver(b'{"id":"evt_x","type":"checkout.session.completed","data":{}}')
    elif case == "empty_body":
        response = deliver(b"")
    else:
        response = deliver(body, header="t=now,v1=???")

    # Then it is refused with a JSON 400 and nothing was written
    assert response.status_code == 400
    assert response.is_json and response.get_json()["error"]["code"] in {"invalid_signature", "invalid_payload"}
    assert rows(session) == before


def test_a_5_mb_body_is_refused_with_413(session, deliver):
    response = deliver(b"{" + b" " * (5 * 1024 * 1024) + b"}")
    assert response.status_code == 413
    assert response.is_json and response.get_json()["error"]["code"] == "request_entity_too_large"
    assert rows(session) == (0, 0)


def test_without_a_webhook_secret_the_endpoint_fails_closed(app, session, deliver, purchase, monkeypatch):
    # Given a server with no webhook secret (production without STRIPE_WEBHOOK_SECRET)
    body = session_event(purchase, "checkout.session.completed")
    header = signature_header(app.config["STRIPE_WEBHOOK_SECRET"], body)
    before = rows(session)
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", None)

    # When even a correctly signed event arrives
    response = deliver(body, header=header)

    # Then it is refused with 503 (Stripe retries later) and nothing is written
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "webhook_not_configured"
    assert rows(session) == before


def test_the_endpoint_needs_no_csrf_token_but_only_accepts_post(client):
    assert client.get("/webhooks/stripe").status_code == 405


def test_the_same_event_20_times_10_at_once_changes_the_order_once(app, session, deliver, purchase, run_tasks):
    # Given one signed "paid" event
    body = session_event(purchase, "checkout.session.completed")
    statuses: list[int] = []

    # When Stripe delivers it 20 times: 10 concurrently, then 10 more one after another
    barrier = threading.Barrier(10)

    def deliver_once():
        http = app.test_client()
        barrier.wait()
        statuses.append(deliver(body, http=http).status_code)

    threads = [threading.Thread(target=deliver_once) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    statuses += [deliver(body).status_code for _ in range(10)]

    # And every queued processing task runs, plus redeliveries of that task, also concurrently
    event_id = session.scalar(sa.select(WebhookEvent.id))
    process = task(app, PROCESS)
    workers = [threading.Thread(target=process, kwargs={"webhook_event_id": event_id}) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    run_tasks()
    run_tasks()

    # Then every delivery was acknowledged, one event is stored and one processing task was queued
    assert statuses == [200] * 20
    assert count(session, WebhookEvent) == 1
    assert count(session, OutboxMessage, OutboxMessage.task_name == PROCESS) == 1
    # And the order changed state once, with one confirmation email queued
    order = session.get(type(purchase.order), purchase.order.id)
    assert order.status == OrderStatus.PAID
    assert count(session, OrderEvent, OrderEvent.order_id == order.id, OrderEvent.farm_order_id.is_(None),
                 OrderEvent.kind == "paid") == 1
    assert count(session, EmailMessage, EmailMessage.to_address == order.email) == 1
