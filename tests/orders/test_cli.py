"""``flask orders refund`` and ``flask orders cancel``, with the refund task run in the test."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from shop import db
from shop.orders.models import OrderLine
from shop.orders.states import FarmOrderStatus, OrderStatus
from shop.payments.models import Payment, Refund, RefundStatus
from shop.payments.services import execute_refund
from shop.payments.test_gateway import TestGateway
from tests.orders.helpers import count, given_order, given_paid, given_products, load_order, stock_of


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


@pytest.fixture
def products(app):
    return given_products(app)


@pytest.fixture
def paid(app, products):
    """A paid order: 2 matsutake at ¥128 (first farm) and 1 black tea at ¥30 + ¥10 shipping."""
    order = given_order(app, products)
    given_paid(app, order)
    assert (stock_of(app, products[0]), stock_of(app, products[1])) == (3, 4)
    return order


def pending_refund(app) -> Refund:
    with app.app_context():
        return db.session().scalars(sa.select(Refund).where(Refund.status == RefundStatus.PENDING)).one()


def run_refund_task(app, refund_id: int) -> str:
    with app.app_context():
        return execute_refund(db.unit_of_work, TestGateway(), refund_id)


def test_full_refund_refunds_everything_and_marks_the_order_refunded(app, cli, paid, products):
    # When the operator refunds the order without an amount
    result = cli("orders", "refund", paid.number, "--reason", "farm cannot deliver")

    # Then a refund of the whole total is queued
    assert result.exit_code == 0, result.output
    assert f"of CN¥296.00 for order {paid.number} queued" in result.output
    refund = pending_refund(app)
    assert (refund.amount_fen, refund.reason, refund.actor.startswith("operator:")) == (29600, "farm cannot deliver", True)

    # When the refund task runs (twice: a re-delivered message)
    assert run_refund_task(app, refund.id) == "refunded"
    assert run_refund_task(app, refund.id) == "not pending"

    # Then the order and its payment are refunded once, in full
    order = load_order(app, paid.id)
    assert (order.status, order.refunded_fen) == (OrderStatus.REFUNDED, 29600)
    assert {fo.status for fo in order.farm_orders} == {FarmOrderStatus.REFUNDED}
    with app.app_context():
        assert db.session().scalars(sa.select(Payment.refunded_fen)).one() == 29600
    # And no goods were named as returned, so the stock stays where it was
    assert (stock_of(app, products[0]), stock_of(app, products[1])) == (3, 4)


def test_partial_refund_of_a_line_returns_that_unit_to_stock(app, cli, paid, products):
    matsutake_line = paid.line_ids[0]

    result = cli("orders", "refund", paid.number, "--line", f"{matsutake_line}:1", "--reason", "one box damaged")

    assert result.exit_code == 0, result.output
    refund = pending_refund(app)
    assert refund.amount_fen == 12800  # the line's unit price, computed by the server
    assert run_refund_task(app, refund.id) == "refunded"

    order = load_order(app, paid.id)
    assert (order.status, order.refunded_fen) == (OrderStatus.PARTLY_REFUNDED, 12800)
    with app.app_context():
        assert db.session().get(OrderLine, matsutake_line).refunded_quantity == 1
    assert stock_of(app, products[0]) == 4


def test_partial_refund_by_amount_then_the_rest(app, cli, paid):
    assert cli("orders", "refund", paid.number, "--amount", "1000", "--reason", "late").exit_code == 0
    assert run_refund_task(app, pending_refund(app).id) == "refunded"
    assert (load_order(app, paid.id).status, load_order(app, paid.id).refunded_fen) == (
        OrderStatus.PARTLY_REFUNDED, 1000)

    # At most what is left can be refunded
    too_much = cli("orders", "refund", paid.number, "--amount", "28601", "--reason", "x")
    assert too_much.exit_code == 1 and "refund_too_large" in too_much.output

    assert cli("orders", "refund", paid.number, "--reason", "the rest").exit_code == 0
    assert pending_refund(app).amount_fen == 28600
    run_refund_task(app, pending_refund(app).id)
    assert load_order(app, paid.id).status == OrderStatus.REFUNDED


@pytest.mark.parametrize("args, code, message", [
    (["HB000000", "--reason", "x"], 1, "order_not_found"),
    (["{number}", "--reason", "x", "--amount", "0"], 2, "Invalid value for '--amount'"),
    (["{number}", "--reason", "x", "--amount", "abc"], 2, "Invalid value for '--amount'"),
    (["{number}", "--reason", "x", "--line", "12"], 2, "is not LINE_ID:QUANTITY"),
    (["{number}", "--reason", "x", "--line", "-1:1"], 2, "is not LINE_ID:QUANTITY"),
    (["{number}", "--reason", "x", "--line", "999999:1"], 1, "invalid_refund_line"),
    (["{number}", "--reason", "x", "--line", "{line}:3"], 1, "invalid_refund_line"),
    (["{number}"], 2, "Missing option '--reason'"),
])
def test_bad_refund_requests_are_refused_and_write_nothing(app, cli, paid, args, code, message):
    args = [a.format(number=paid.number, line=paid.line_ids[0]) for a in args]

    result = cli("orders", "refund", *args)

    assert result.exit_code == code and message in result.output
    assert count(app, Refund) == 0


def test_an_unpaid_order_cannot_be_refunded(app, cli, products):
    order = given_order(app, products)
    result = cli("orders", "refund", order.number, "--reason", "x")
    assert result.exit_code == 1 and "not_paid" in result.output
    assert count(app, Refund) == 0


def test_refund_now_sends_it_from_the_command(app, cli, paid):
    result = cli("orders", "refund", paid.number, "--amount", "500", "--reason", "goodwill", "--now")

    assert result.exit_code == 0 and "Gateway: refunded." in result.output
    assert load_order(app, paid.id).refunded_fen == 500


def test_cancel_an_unpaid_order_returns_its_stock(app, cli, products):
    order = given_order(app, products)

    result = cli("orders", "cancel", order.number)

    assert result.exit_code == 0 and "cancelled; its stock is back" in result.output
    assert load_order(app, order.id).status == OrderStatus.CANCELLED
    assert (stock_of(app, products[0]), stock_of(app, products[1])) == (5, 5)
    assert "already cancelled" in cli("orders", "cancel", order.number).output


def test_cancel_a_paid_order_refunds_it_with_every_line_returned(app, cli, paid, products):
    result = cli("orders", "cancel", paid.number, "--reason", "shopper called")

    assert result.exit_code == 0 and "full refund is queued" in result.output
    refund = pending_refund(app)
    assert refund.amount_fen == 29600 and refund.reason == "shopper called"
    run_refund_task(app, refund.id)
    assert load_order(app, paid.id).status == OrderStatus.REFUNDED
    assert (stock_of(app, products[0]), stock_of(app, products[1])) == (5, 5)


def test_a_line_refund_of_a_late_paid_cancelled_order_does_not_return_stock_again(app, cli, products):
    # Given an order whose payment was opened, then cancelled unpaid (its reserved stock went back)
    from shop.orders.services import cancel_order
    from shop.payments.models import PaymentStatus
    from shop.payments.services import payment_for_checkout

    order = given_order(app, products)
    with app.app_context(), db.unit_of_work() as s:
        payment_id = payment_for_checkout(s, order.id, "test").id
    with app.app_context(), db.unit_of_work() as s:
        assert cancel_order(s, order.id, actor="system", reason="reservation_expired")
    assert (stock_of(app, products[0]), stock_of(app, products[1])) == (5, 5)
    # And the shopper's payment succeeded afterwards (its automatic refund did not go through)
    with app.app_context(), db.unit_of_work() as s:
        payment = s.get(Payment, payment_id)
        payment.status, payment.payment_intent_id = PaymentStatus.SUCCEEDED, "pi_late"
        payment.succeeded_at = db.utcnow()

    # When the operator refunds one matsutake line and the refund goes through
    result = cli("orders", "refund", order.number, "--line", f"{order.line_ids[0]}:2", "--reason", "late payment")
    assert result.exit_code == 0, result.output
    assert run_refund_task(app, pending_refund(app).id) == "refunded"

    # Then the line is marked refunded, but its stock (already released at cancellation) is not added again
    with app.app_context():
        assert db.session().get(OrderLine, order.line_ids[0]).refunded_quantity == 2
    assert (stock_of(app, products[0]), stock_of(app, products[1])) == (5, 5)


def test_refunded_goods_go_back_to_stock_in_variant_id_order(app, cli):
    # Given a paid order whose first farm sells the variant with the higher id (so its lines, grouped
    # by farm, run against variant-id order, the order checkout and release lock variants in)
    from tests.factories import FarmFactory, ProductFactory

    with app.app_context():
        first_farm, second_farm = FarmFactory(), FarmFactory()
        low = ProductFactory(farm=second_farm, variants=[{"price_fen": 3000, "stock": 5}]).variants[0]
        high = ProductFactory(farm=first_farm, variants=[{"price_fen": 12800, "stock": 5}]).variants[0]
        db.session().commit()
        low_id, high_id = low.id, high.id
    assert low_id < high_id
    order = given_order(app, [high_id, low_id], quantities=[1, 1])
    given_paid(app, order)
    assert cli("orders", "cancel", order.number, "--reason", "shopper called").exit_code == 0

    # When the full refund with every line goes through
    updated: list[int] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE VARIANT SET STOCK"):
            # ... WHERE variant.id = <last parameter>
            updated.append(list(parameters.values() if isinstance(parameters, dict) else parameters)[-1])

    engine = db.get_db(app).engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        assert run_refund_task(app, pending_refund(app).id) == "refunded"
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)

    # Then both units are back, the variants updated in id order (no lock-order deadlock)
    assert (stock_of(app, low_id), stock_of(app, high_id)) == (5, 5)
    assert updated == [low_id, high_id]
