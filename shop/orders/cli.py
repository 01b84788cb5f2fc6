"""Operator commands: ``flask orders refund`` and ``flask orders cancel``.

    flask --app shop orders refund HB2024… --reason "damaged in transit"            # everything left
    flask --app shop orders refund HB2024… --amount 1280 --reason "late delivery"   # 12.80 yuan
    flask --app shop orders refund HB2024… --line 17:1 --line 18:2 --reason "returned"
    flask --app shop orders cancel HB2024…

A refund is recorded in one unit of work and sent to the gateway by the ``execute_refund`` worker
task (``--now`` sends it from this process instead, e.g. when no worker runs).  Returned lines go
back to stock when the refund succeeds, if they have not shipped.
"""
from __future__ import annotations

import getpass

import click
from flask import current_app
from flask.cli import with_appcontext

from shop import db
from shop.access import load_for
from shop.actors import Actor
from shop.errors import DomainError
from shop.money import format_fen
from shop.orders.actions import CancelOutcome, cancel_before_shipping, request_refund
from shop.orders.access import ORDER_OPERATE
from shop.payments.gateway import get_gateway
from shop.payments.services import execute_refund


def _operator() -> Actor:
    try:
        name = getpass.getuser()
    except Exception:  # no login name in some containers
        name = "cli"
    return Actor.operator(name)


def _line(value: str) -> tuple[int, int]:
    line_id, sep, quantity = value.partition(":")
    if not sep or not line_id.strip().isdigit() or not quantity.strip().isdigit():
        raise click.BadParameter(f"{value!r} is not LINE_ID:QUANTITY (two whole numbers)")
    return int(line_id), int(quantity)


@click.group("orders")
def orders_group():
    """Operator actions on orders: refunds and cancellations."""


@orders_group.command("refund")
@click.argument("number")
@click.option("--amount", type=click.IntRange(min=1), help="Amount in fen (default: the lines' value, or all).")
@click.option("--line", "lines", multiple=True, metavar="LINE_ID:QTY", help="A returned line and quantity.")
@click.option("--reason", required=True, help="Why (kept in the order's history).")
@click.option("--now", is_flag=True, help="Send the refund to the gateway from this process.")
@with_appcontext
def refund_command(number, amount, lines, reason, now):
    """Refund part or all of paid order NUMBER."""
    quantities: dict[int, int] = {}
    for value in lines:
        line_id, quantity = _line(value)
        quantities[line_id] = quantities.get(line_id, 0) + quantity
    try:
        with db.unit_of_work() as s:
            operator = _operator()
            order = load_for(s, operator, ORDER_OPERATE, number)
            refund = request_refund(s, order.id, amount_fen=amount, line_quantities=quantities or None,
                                    actor=operator.ref, reason=reason)
    except DomainError as exc:
        raise click.ClickException(f"{exc.code}: {exc.message % exc.params if exc.params else exc.message}")
    click.echo(f"Refund {refund.id} of {format_fen(refund.amount_fen, 'en')} for order {number} queued.")
    if now:
        outcome = execute_refund(db.unit_of_work, get_gateway(current_app), refund.id)
        click.echo(f"Gateway: {outcome}.")


@orders_group.command("cancel")
@click.argument("number")
@click.option("--reason", default="cancelled_by_operator", show_default=True)
@with_appcontext
def cancel_command(number, reason):
    """Cancel order NUMBER before shipping (a paid order is refunded in full)."""
    try:
        with db.unit_of_work() as s:
            operator = _operator()
            order = load_for(s, operator, ORDER_OPERATE, number)
            outcome = cancel_before_shipping(s, order.id, actor=operator.ref, reason=reason)
    except DomainError as exc:
        raise click.ClickException(f"{exc.code}: {exc.message % exc.params if exc.params else exc.message}")
    click.echo({
        CancelOutcome.CANCELLED: f"Order {number} cancelled; its stock is back.",
        CancelOutcome.REFUND_REQUESTED: f"Order {number} cancelled; a full refund is queued.",
        CancelOutcome.ALREADY: f"Order {number} was already cancelled or being refunded.",
    }[outcome])
