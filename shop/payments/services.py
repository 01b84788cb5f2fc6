"""Payment use cases: open a checkout session, take in webhook events, apply them, refund.

Guarantees a caller may rely on:
- ``receive_webhook`` stores each verified event once (unique ``(gateway, event_id)``) and queues
  its processing after commit; a repeated delivery is acknowledged and changes nothing.
- ``process_webhook_event`` locks the event row and the order, checks state, then writes: a
  re-delivered task, a duplicate or out-of-order event has no further effect.  A failure after a
  success never un-pays an order; money that arrives for a cancelled order is refunded.
- Refunds never exceed what was paid; each gateway call carries an idempotency key derived from the
  refund row's id.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from shop.db import utcnow
from shop.errors import Conflict, DomainError, NotFound
from shop.orders.models import FarmOrder, Order, OrderEvent, OrderLine
from shop.orders.services import lock_order, mark_order_paid, record_event, set_farm_order_status, set_order_status
from shop.orders.states import FARM_ORDER_TRANSITIONS, FarmOrderStatus, OrderStatus
from shop.outbox.services import enqueue_task
from shop.payments import signing, test_gateway
from shop.payments.gateway import (CheckoutLine, CheckoutRequest, CheckoutSession, GatewayError, PaymentGateway,
                                   RefundRequest)
from shop.payments.models import Payment, PaymentStatus, Refund, RefundStatus, WebhookEvent, WebhookEventStatus

log = logging.getLogger(__name__)

PROCESS_EVENT_TASK = "workers.payments.process_webhook_event"
EXECUTE_REFUND_TASK = "workers.payments.execute_refund"
ORDER_PAID_TASK = "workers.orders.notify_order_paid"
PAYMENT_FAILED_TASK = "workers.orders.notify_payment_failed"
REFUNDED_TASK = "workers.orders.notify_refunded"

HANDLED_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
    "charge.refunded",
}


class InvalidWebhook(DomainError):
    status = 400


class WebhookNotConfigured(DomainError):
    """No webhook secret is set: nothing can be verified, so nothing is accepted (fail closed)."""

    status = 503

    def __init__(self):
        super().__init__("webhook_not_configured", "Payment notifications are not configured on this server.")


# --- opening a payment ---------------------------------------------------------------------------

def payment_for_checkout(session: Session, order_id: int, gateway_name: str) -> Payment:
    """The order's open payment, created if there is none.  Refuses orders that are not payable."""
    order = lock_order(session, order_id)
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise Conflict("order_not_payable", "This order is not waiting for payment.")
    payment = session.scalars(
        sa.select(Payment).where(Payment.order_id == order.id, Payment.gateway == gateway_name,
                                 Payment.status.in_([PaymentStatus.PENDING, PaymentStatus.PROCESSING]))
        .order_by(Payment.id.desc())).first()
    if payment is None:
        payment = Payment(order_id=order.id, gateway=gateway_name, status=PaymentStatus.PENDING,
                          amount_fen=order.total_fen, currency=order.currency)
        session.add(payment)
        session.flush()
        record_event(session, order, "payment_started", actor="system", payment_id=payment.id, gateway=gateway_name)
    return payment


def checkout_request(order: Order, payment: Payment, *, success_url: str, cancel_url: str,
                     min_session_minutes: int = 30) -> CheckoutRequest:
    """What the gateway is asked to collect: the order's lines and each farm's shipping, in fen."""
    lines = [CheckoutLine(name=f"{l.product_name_zh} {l.variant_label_zh}", unit_amount_fen=l.unit_price_fen,
                          quantity=l.quantity) for l in order.lines]
    for fo in order.farm_orders:
        if fo.shipping_fen:
            lines.append(CheckoutLine(name=f"运费 Shipping · {fo.farm.name_zh}", unit_amount_fen=fo.shipping_fen,
                                      quantity=1))
    # Stripe requires a session to live at least 30 minutes; a payment that lands after our stock
    # reservation ran out is refunded automatically.
    expires = max(order.reserved_until or utcnow(), utcnow() + dt.timedelta(minutes=min_session_minutes))
    return CheckoutRequest(payment_id=payment.id, order_id=order.id, order_number=order.number,
                           amount_fen=payment.amount_fen, currency=payment.currency, email=order.email,
                           locale=order.locale, lines=lines, success_url=success_url, cancel_url=cancel_url,
                           expires_at=int(expires.timestamp()) + 60)


def attach_checkout_session(session: Session, payment_id: int, checkout: CheckoutSession) -> Payment:
    """Remember the gateway's session on the payment, unless a concurrent request attached one first
    (then that one is kept and returned, so every caller redirects to the same session)."""
    # Locked and re-read: the caller's session may still hold this row as it was before the gateway call.
    payment = session.scalar(sa.select(Payment).where(Payment.id == payment_id).with_for_update()
                             .execution_options(populate_existing=True))
    if payment is None:
        raise NotFound("payment_not_found", "Payment not found")
    if payment.checkout_session_id is None:
        payment.checkout_session_id = checkout.id
        payment.redirect_url = checkout.url
    return payment


@dataclass(frozen=True)
class SimulatedCheckout:
    """A checkout session of the embedded test gateway, with its order (for the test payment page)."""

    payment: Payment
    order: Order

    @property
    def open(self) -> bool:
        """True while the shopper may still pay or decline."""
        return self.payment.status in (PaymentStatus.PENDING, PaymentStatus.PROCESSING)


def find_simulated_checkout(session: Session, checkout_session_id: str) -> SimulatedCheckout:
    """The test gateway's session ``checkout_session_id`` and its order, lines loaded; NotFound otherwise."""
    if not test_gateway.SESSION_ID.fullmatch(checkout_session_id or ""):
        raise NotFound("payment_not_found", "Payment not found")  # never a database error for junk
    payment = session.scalar(sa.select(Payment).where(Payment.checkout_session_id == checkout_session_id,
                                                      Payment.gateway == "test"))
    if payment is None:
        raise NotFound("payment_not_found", "Payment not found")
    order = session.scalars(sa.select(Order).where(Order.id == payment.order_id)
                            .options(selectinload(Order.farm_orders).selectinload(FarmOrder.lines),
                                     selectinload(Order.farm_orders).joinedload(FarmOrder.farm))).one()
    return SimulatedCheckout(payment=payment, order=order)


# --- webhook intake --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Intake:
    event_id: str
    type: str
    duplicate: bool


def verify_webhook(raw_body: bytes, signature_header: str | None, *, secret: str | None,
                   tolerance: int = 300) -> dict:
    """The event in ``raw_body`` if it is signed with ``secret`` and shaped like an event.

    Touches no database, so a forged or garbled request costs no lock.  Raises
    WebhookNotConfigured (503) without a secret, InvalidWebhook (400) otherwise.
    """
    if not secret:
        raise WebhookNotConfigured()
    try:
        signing.verify_signature(secret, raw_body, signature_header, tolerance=tolerance)
    except signing.SignatureError as exc:
        raise InvalidWebhook("invalid_signature", "The webhook signature is missing or invalid.") from exc
    try:
        event = json.loads(raw_body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidWebhook("invalid_payload", "The webhook body is not valid JSON.") from exc
    if not (isinstance(event, dict) and isinstance(event.get("id"), str) and event["id"]
            and isinstance(event.get("type"), str)
            and isinstance(event.get("data"), dict) and isinstance(event["data"].get("object"), dict)):
        raise InvalidWebhook("invalid_payload", "The webhook body is not an event.")
    return event


def receive_webhook(session: Session, raw_body: bytes, signature_header: str | None, *, secret: str | None,
                    gateway: str = "stripe", tolerance: int = 300) -> Intake:
    """Verify, store once, and queue processing of a gateway event (``verify_webhook`` +
    ``record_webhook_event``).  Raises WebhookNotConfigured (503) or InvalidWebhook (400)."""
    event = verify_webhook(raw_body, signature_header, secret=secret, tolerance=tolerance)
    return record_webhook_event(session, event, gateway=gateway)


def record_webhook_event(session: Session, event: dict, *, gateway: str = "stripe") -> Intake:
    """Store a verified event once under its id and queue its processing after commit.

    A repeated delivery (sequential or concurrent: the unique constraint decides) returns
    ``duplicate=True`` and writes nothing.  Types we do not act on are stored as ``ignored``.
    """
    event_id, event_type = event["id"][:255], event["type"][:80]
    existing = session.scalar(sa.select(WebhookEvent.id).where(WebhookEvent.gateway == gateway,
                                                               WebhookEvent.event_id == event_id))
    if existing is not None:
        return Intake(event_id, event_type, duplicate=True)
    row = WebhookEvent(gateway=gateway, event_id=event_id, type=event_type, payload=event,
                       status=WebhookEventStatus.RECEIVED if event_type in HANDLED_EVENTS else WebhookEventStatus.IGNORED)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except sa.exc.IntegrityError:
        return Intake(event_id, event_type, duplicate=True)  # a concurrent delivery stored it first
    if row.status == WebhookEventStatus.RECEIVED:
        enqueue_task(session, PROCESS_EVENT_TASK, webhook_event_id=row.id)
    return Intake(event_id, event_type, duplicate=False)


# --- applying events -------------------------------------------------------------------------------

def _find_payment(session: Session, obj: dict) -> Payment | None:
    payment = None
    if obj.get("object") == "checkout.session" and obj.get("id"):
        payment = session.scalar(sa.select(Payment).where(Payment.checkout_session_id == obj["id"]))
    if payment is None and obj.get("object") == "charge" and obj.get("payment_intent"):
        payment = session.scalar(sa.select(Payment).where(Payment.payment_intent_id == obj["payment_intent"]))
    if payment is None:
        meta_id = (obj.get("metadata") or {}).get("payment_id")
        if isinstance(meta_id, str) and meta_id.isdigit():
            payment = session.get(Payment, int(meta_id))
    if payment is not None:
        session.refresh(payment, with_for_update=True)
    return payment


def process_webhook_event(session: Session, webhook_event_id: int) -> str:
    """Apply a stored event once; returns what happened (for logs and tests)."""
    row = session.scalar(sa.select(WebhookEvent).where(WebhookEvent.id == webhook_event_id).with_for_update()
                         .execution_options(populate_existing=True))
    if row is None:
        return "missing"
    if row.status != WebhookEventStatus.RECEIVED:
        return f"already {row.status.value}"
    row.attempts += 1
    obj = row.payload["data"]["object"]
    payment = _find_payment(session, obj)
    if payment is None:
        outcome = "no matching payment"
        row.status = WebhookEventStatus.IGNORED
    elif row.type in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        if row.type == "checkout.session.completed" and obj.get("payment_status") not in ("paid", "no_payment_required"):
            outcome = _payment_processing(session, payment)
        else:
            outcome = _payment_succeeded(session, payment, obj.get("payment_intent"), row.event_id)
        row.status = WebhookEventStatus.PROCESSED
    elif row.type == "checkout.session.async_payment_failed":
        outcome = _payment_failed(session, payment, row.event_id)
        row.status = WebhookEventStatus.PROCESSED
    elif row.type == "checkout.session.expired":
        outcome = _payment_expired(session, payment)
        row.status = WebhookEventStatus.PROCESSED
    elif row.type == "charge.refunded":
        outcome = _charge_refunded(session, payment, obj)
        row.status = WebhookEventStatus.PROCESSED
    else:
        outcome = "ignored type"
        row.status = WebhookEventStatus.IGNORED
    row.processed_at = utcnow()
    row.error = ""
    session.flush()
    log.info("webhook %s %s: %s", row.event_id, row.type, outcome)
    return outcome


def record_webhook_failure(session: Session, webhook_event_id: int, error: str, *, max_attempts: int = 5) -> bool:
    """Note that processing an event raised ``error`` (its own transaction rolled back).

    The event stays ``received`` (the reconciler tries it again) until ``max_attempts`` failures,
    then becomes ``failed`` for an operator to look at.  Returns True when it was marked failed.
    """
    row = session.scalar(sa.select(WebhookEvent).where(WebhookEvent.id == webhook_event_id).with_for_update()
                         .execution_options(populate_existing=True))
    if row is None or row.status != WebhookEventStatus.RECEIVED:
        return False
    row.attempts += 1
    row.error = error[:2000]
    if row.attempts >= max_attempts:
        row.status = WebhookEventStatus.FAILED
        row.processed_at = utcnow()
    session.flush()
    log.warning("webhook %s %s failed (attempt %s): %s", row.event_id, row.type, row.attempts, error)
    return row.status == WebhookEventStatus.FAILED


def stuck_webhook_event_ids(session: Session, older_than: dt.datetime, limit: int = 100) -> list[int]:
    """Events stored before ``older_than`` and still not processed (oldest first)."""
    return list(session.scalars(
        sa.select(WebhookEvent.id).where(WebhookEvent.status == WebhookEventStatus.RECEIVED,
                                         WebhookEvent.received_at < older_than)
        .order_by(WebhookEvent.received_at).limit(limit)))


def _payment_processing(session: Session, payment: Payment) -> str:
    if payment.status == PaymentStatus.PENDING:
        payment.status = PaymentStatus.PROCESSING
        return "processing"
    return f"payment already {payment.status.value}"


def _payment_succeeded(session: Session, payment: Payment, payment_intent_id: str | None, event_id: str) -> str:
    if payment.status == PaymentStatus.SUCCEEDED:
        return "payment already succeeded"
    payment.status = PaymentStatus.SUCCEEDED
    payment.succeeded_at = utcnow()
    if payment_intent_id:
        payment.payment_intent_id = payment_intent_id
    try:
        paid_now = mark_order_paid(session, payment.order_id, actor=payment.gateway, payment_ref=event_id,
                                   payment_id=payment.id)
    except Conflict:
        # The order was cancelled (its reservation expired) before the money came: give it back.
        refund = create_refund(session, payment.order_id, amount_fen=payment.amount_fen - payment.refunded_fen,
                               actor="system", reason="order_cancelled_before_payment", payment=payment)
        return f"late payment, refund {refund.id} queued"
    if paid_now:
        enqueue_task(session, ORDER_PAID_TASK, order_id=payment.order_id)
        return "order paid"
    # Paid through another payment of the same order (e.g. two sessions): refund the second one.
    refund = create_refund(session, payment.order_id, amount_fen=payment.amount_fen, actor="system",
                           reason="duplicate_payment", payment=payment)
    return f"duplicate payment, refund {refund.id} queued"


def _payment_failed(session: Session, payment: Payment, event_id: str) -> str:
    if payment.status == PaymentStatus.SUCCEEDED:
        return "ignored: payment already succeeded"  # never un-pay
    if payment.status == PaymentStatus.FAILED:
        return "payment already failed"
    payment.status = PaymentStatus.FAILED
    order = lock_order(session, payment.order_id)
    record_event(session, order, "payment_failed", actor=payment.gateway, payment_id=payment.id, event=event_id)
    if order.status == OrderStatus.PENDING_PAYMENT:
        enqueue_task(session, PAYMENT_FAILED_TASK, order_id=order.id)
    return "payment failed"


def _payment_expired(session: Session, payment: Payment) -> str:
    if payment.status in (PaymentStatus.PENDING, PaymentStatus.PROCESSING):
        payment.status = PaymentStatus.EXPIRED
        return "payment expired"
    return f"payment already {payment.status.value}"


def _charge_refunded(session: Session, payment: Payment, charge: dict) -> str:
    """A refund made outside this system (e.g. in Stripe's dashboard): record the difference."""
    refunded = charge.get("amount_refunded")
    if not isinstance(refunded, int):
        return "ignored: no amount_refunded"
    ours = payment.refunded_fen + sum(r.amount_fen for r in payment.refunds if r.status == RefundStatus.PENDING)
    extra = min(refunded, payment.amount_fen) - ours
    if extra <= 0:
        return "refund already recorded"
    refund = Refund(payment_id=payment.id, order_id=payment.order_id, amount_fen=extra, reason="refunded_at_gateway",
                    status=RefundStatus.PENDING, actor=payment.gateway)
    session.add(refund)
    session.flush()
    _apply_refund(session, refund, gateway_refund_id=None)
    return f"external refund of {extra} recorded"


# --- refunds ---------------------------------------------------------------------------------------

def paying_payment_id(session: Session, order_id: int) -> int | None:
    """The id of the payment that paid the order (None while nothing did).

    Read from the order's ``paid`` event; for orders paid before the event carried it, the payment
    that succeeded first.  Any other succeeded payment of the order is a duplicate charge.
    """
    paid = session.scalars(sa.select(OrderEvent).where(OrderEvent.order_id == order_id, OrderEvent.kind == "paid",
                                                       OrderEvent.farm_order_id.is_(None))
                           .order_by(OrderEvent.id)).first()
    if paid is None:
        return None
    if isinstance(paid.data.get("payment_id"), int):
        return paid.data["payment_id"]
    return session.scalar(sa.select(Payment.id).where(Payment.order_id == order_id,
                                                      Payment.status == PaymentStatus.SUCCEEDED)
                          .order_by(Payment.succeeded_at, Payment.id).limit(1))


def lock_paying_payment(session: Session, order_id: int) -> Payment:
    """The payment that paid the order, locked (not a duplicate charge that was given back); for an
    order no payment paid (cancelled before the money came), its first succeeded payment."""
    paying_id = paying_payment_id(session, order_id)
    query = sa.select(Payment).where(Payment.order_id == order_id, Payment.status == PaymentStatus.SUCCEEDED)
    if paying_id is not None:
        query = query.where(Payment.id == paying_id)
    payment = session.scalars(query.order_by(Payment.succeeded_at, Payment.id).with_for_update()
                              .execution_options(populate_existing=True)).first()
    if payment is None:
        raise Conflict("not_paid", "This order has no completed payment to refund.")
    return payment


def create_refund(session: Session, order_id: int, *, amount_fen: int | None = None,
                  line_quantities: dict[int, int] | None = None, actor: str, reason: str,
                  payment: Payment | None = None) -> Refund:
    """Queue a refund of ``amount_fen`` (default: everything still refundable) on the order's payment.

    ``line_quantities`` ({order line id: quantity}) says which goods come back; their stock is
    returned when the refund succeeds (only for goods not yet shipped).  Raises DomainError for an
    amount that is not positive or above what remains.
    """
    # Payment row before order row: the order every other path (webhooks, refunds) locks them in.
    payment = payment or lock_paying_payment(session, order_id)
    order = lock_order(session, order_id)
    pending = session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Refund.amount_fen), 0))
                             .where(Refund.payment_id == payment.id, Refund.status == RefundStatus.PENDING))
    remaining = payment.amount_fen - payment.refunded_fen - pending
    if amount_fen is None:
        amount_fen = remaining
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        raise DomainError("invalid_amount", "The refund amount must be a positive number of fen.")
    if amount_fen > remaining:
        raise DomainError("refund_too_large", "At most %(remaining)s fen can still be refunded.", remaining=remaining)
    lines = {}
    for line_id, qty in (line_quantities or {}).items():
        line = session.get(OrderLine, line_id)
        if line is None or line.order_id != order.id or not 0 < qty <= line.quantity - line.refunded_quantity:
            raise DomainError("invalid_refund_line", "A refunded line or quantity is not part of this order.")
        lines[str(line_id)] = qty
    refund = Refund(payment_id=payment.id, order_id=order.id, amount_fen=amount_fen, reason=reason[:200],
                    status=RefundStatus.PENDING, actor=actor)
    session.add(refund)
    session.flush()
    record_event(session, order, "refund_requested", actor=actor, refund_id=refund.id, amount_fen=amount_fen,
                 reason=reason, lines=lines)
    enqueue_task(session, EXECUTE_REFUND_TASK, refund_id=refund.id)
    return refund


def refund_request(session: Session, refund_id: int) -> RefundRequest | None:
    """What to send to the gateway for a pending refund (None when it is no longer pending)."""
    refund = session.scalar(sa.select(Refund).where(Refund.id == refund_id)
                            .execution_options(populate_existing=True))
    if refund is None or refund.status != RefundStatus.PENDING:
        return None
    payment = session.get(Payment, refund.payment_id)
    return RefundRequest(refund_id=refund.id, payment_intent_id=payment.payment_intent_id or "",
                         amount_fen=refund.amount_fen, reason=refund.reason or "requested_by_customer")


def execute_refund(session_factory, gateway: PaymentGateway, refund_id: int) -> str:
    """Send a pending refund to the gateway (outside any transaction), then record the result.

    ``session_factory`` is a context manager giving one unit of work (``shop.db.unit_of_work``).
    Safe to run twice: the gateway call carries the refund's idempotency key, and the result is
    applied only while the refund is still pending.
    """
    with session_factory() as session:
        request = refund_request(session, refund_id)
    if request is None:
        return "not pending"
    try:
        result = gateway.refund(request)
    except GatewayError as exc:
        if exc.retryable:
            raise  # the task retries with the same idempotency key
        with session_factory() as session:
            return "failed" if _refund_failed(session, refund_id, gateway.name, str(exc)) else "already applied"
    with session_factory() as session:
        if result.status == "failed":
            return "failed" if _refund_failed(session, refund_id, gateway.name, "", result.id) else "already applied"
        refund = session.scalar(sa.select(Refund).where(Refund.id == refund_id).with_for_update()
                                .execution_options(populate_existing=True))
        if refund is None or refund.status != RefundStatus.PENDING:
            return "already applied"
        _apply_refund(session, refund, gateway_refund_id=result.id)
        return "refunded"


def _refund_failed(session: Session, refund_id: int, actor: str, error: str, gateway_refund_id: str | None = None) -> bool:
    refund = session.scalar(sa.select(Refund).where(Refund.id == refund_id).with_for_update()
                            .execution_options(populate_existing=True))
    if refund is None or refund.status != RefundStatus.PENDING:
        return False
    refund.status = RefundStatus.FAILED
    refund.gateway_refund_id = gateway_refund_id
    order = lock_order(session, refund.order_id)
    record_event(session, order, "refund_failed", actor=actor, refund_id=refund.id, error=error[:500])
    session.flush()
    log.error("refund %s failed at the gateway: %s", refund_id, error)
    return True


def stuck_refund_ids(session: Session, older_than: dt.datetime, limit: int = 100) -> list[int]:
    """Refunds created before ``older_than`` and still pending (oldest first)."""
    return list(session.scalars(
        sa.select(Refund.id).where(Refund.status == RefundStatus.PENDING, Refund.created_at < older_than)
        .order_by(Refund.id).limit(limit)))


def _apply_refund(session: Session, refund: Refund, gateway_refund_id: str | None) -> None:
    """Money went back: update payment, order, farm orders and stock, and tell the shopper."""
    refund.status = RefundStatus.SUCCEEDED
    refund.gateway_refund_id = gateway_refund_id
    # Locked and re-read: a dashboard refund (charge.refunded) may be moving the same totals.
    payment = session.scalar(sa.select(Payment).where(Payment.id == refund.payment_id).with_for_update()
                             .execution_options(populate_existing=True))
    payment.refunded_fen += refund.amount_fen
    order = lock_order(session, refund.order_id)
    paying_id = paying_payment_id(session, order.id)
    if paying_id is not None and paying_id != payment.id:
        # A second charge (e.g. a late success of an abandoned session) went back; the order keeps
        # the money of the payment that paid it, so its amounts and statuses stay as they are.
        record_event(session, order, "duplicate_payment_refunded", actor=refund.actor, refund_id=refund.id,
                     payment_id=payment.id, amount_fen=refund.amount_fen)
        session.flush()
        return
    order.refunded_fen = min(order.total_fen, order.refunded_fen + refund.amount_fen)
    # Queried rather than read from ``order.events``, which may be a list loaded before the request.
    requested = next((e for e in session.scalars(
        sa.select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.kind == "refund_requested")
        .order_by(OrderEvent.id.desc())) if e.data.get("refund_id") == refund.id), None)
    returned = _return_refunded_goods(session, order, (requested.data.get("lines") if requested else None) or {})
    full = order.refunded_fen >= order.total_fen
    target = OrderStatus.REFUNDED if full else OrderStatus.PARTLY_REFUNDED
    if order.status == OrderStatus.PAID or order.status in (OrderStatus.PARTLY_REFUNDED, OrderStatus.COMPLETED) \
            or (order.status == OrderStatus.CANCELLED and full):
        set_order_status(session, order, target, kind="refunded", actor=refund.actor, refund_id=refund.id,
                         amount_fen=refund.amount_fen, returned_units=returned)
    else:
        record_event(session, order, "refunded", actor=refund.actor, refund_id=refund.id, amount_fen=refund.amount_fen)
    if full:
        for fo in order.farm_orders:
            if FarmOrderStatus.REFUNDED in FARM_ORDER_TRANSITIONS[fo.status]:
                set_farm_order_status(session, fo, FarmOrderStatus.REFUNDED, kind="refunded", actor=refund.actor)
    enqueue_task(session, REFUNDED_TASK, refund_id=refund.id)
    session.flush()


def _return_refunded_goods(session: Session, order: Order, lines: dict) -> int:
    """Put refunded, unshipped goods back in stock; returns the number of units returned."""
    from shop.catalog.models import Variant
    from shop.checkout.services import refresh_stock_flags

    units = 0
    touched = set()
    refunded = [(session.get(OrderLine, int(line_id)), qty) for line_id, qty in lines.items()]
    # Variant rows are updated in id order, as checkout and release_reservations lock them, so two
    # of these running beside them wait for each other instead of deadlocking.
    for line, qty in sorted(refunded, key=lambda item: (item[0].variant_id, item[0].id)):
        fo = session.get(FarmOrder, line.farm_order_id)
        qty = min(qty, line.quantity - line.refunded_quantity)
        if qty <= 0:
            continue
        line.refunded_quantity += qty
        # A cancelled part released its stock when it was cancelled: only goods still held go back.
        if fo.status in (FarmOrderStatus.PAID, FarmOrderStatus.ACCEPTED):
            session.execute(sa.update(Variant).where(Variant.id == line.variant_id)
                            .values(stock=Variant.stock + qty).execution_options(synchronize_session=False))
            touched.add(line.product_id)
            units += qty
    refresh_stock_flags(session, touched)
    return units
