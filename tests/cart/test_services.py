"""Cart use cases: add, change, remove, the refusals that leave the cart unchanged, and the view."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from shop import db
from shop.cart import services
from shop.cart.models import Cart, CartLine
from shop.catalog.models import ProductStatus
from shop.errors import DomainError
from tests.factories import FarmFactory, ProductFactory


def variant_of(**spec):
    """Given: an active product with one variant (committed, as the edge would see it)."""
    product = ProductFactory(variants=[{"price_fen": 5000, "stock": 10, **spec}])
    db.session().commit()
    return product.variants[0]


def committed_cart(session):
    cart = services.create_cart(session)
    session.commit()
    return cart


def lines_in(session, cart) -> dict[int, int]:
    """Then: the cart's lines as the database holds them now, {variant_id: quantity}."""
    session.rollback()
    rows = session.execute(sa.select(CartLine.variant_id, CartLine.quantity)
                           .where(CartLine.cart_id == cart.id)).all()
    return dict(rows)


def change(fn, *args):
    """When: one use case in its own unit of work, as a view or an API call runs it."""
    with db.unit_of_work() as s:
        return fn(s, *args)


# --- carts and tokens ----------------------------------------------------------------------------

def test_new_carts_get_distinct_unguessable_tokens(session):
    a = services.create_cart(session)
    b = services.create_cart(session)
    session.commit()

    assert len(a.token) >= 43 and a.token != b.token
    assert services.get_cart(session, a.token).id == a.id


@pytest.mark.parametrize("token", [None, "", "no-such-cart", "x" * 65, 12345])
def test_unknown_or_malformed_token_finds_no_cart(session, token):
    services.create_cart(session)
    session.commit()

    assert services.get_cart(session, token) is None
    assert services.count_items(session, token) == 0


# --- add, change, remove -------------------------------------------------------------------------

def test_add_line_then_add_again_grows_the_line(session):
    variant = variant_of(stock=10)
    cart = committed_cart(session)

    change(services.add_line, cart, variant.id, 2)
    change(services.add_line, cart, variant.id, 3)

    assert lines_in(session, cart) == {variant.id: 5}
    assert services.count_items(session, cart.token) == 5


def test_set_quantity_replaces_and_zero_removes(session):
    variant = variant_of(stock=10)
    cart = committed_cart(session)
    change(services.add_line, cart, variant.id, 2)

    change(services.set_quantity, cart, variant.id, 7)
    assert lines_in(session, cart) == {variant.id: 7}

    assert change(services.set_quantity, cart, variant.id, 0) is None
    assert lines_in(session, cart) == {}


def test_set_quantity_creates_a_missing_line(session):
    variant = variant_of(stock=10)
    cart = committed_cart(session)

    change(services.set_quantity, cart, variant.id, 4)

    assert lines_in(session, cart) == {variant.id: 4}


def test_remove_line_is_idempotent(session):
    keep, drop = variant_of(), variant_of()
    cart = committed_cart(session)
    change(services.add_line, cart, keep.id, 1)
    change(services.add_line, cart, drop.id, 1)

    assert change(services.remove_line, cart, drop.id) is True
    assert change(services.remove_line, cart, drop.id) is False
    assert change(services.remove_line, cart, "junk") is False
    assert lines_in(session, cart) == {keep.id: 1}


def test_a_line_of_a_hidden_product_can_still_be_removed(session):
    variant = variant_of()
    cart = committed_cart(session)
    change(services.add_line, cart, variant.id, 1)
    variant.product.status = ProductStatus.HIDDEN
    session.commit()

    assert change(services.remove_line, cart, variant.id) is True
    assert lines_in(session, cart) == {}


# --- refusals leave the cart unchanged -----------------------------------------------------------

@pytest.mark.parametrize("quantity", [0, -1, 1000, 100, "abc", "2", None, 2.0, True])
def test_add_refuses_a_bad_quantity(session, quantity):
    variant = variant_of(stock=10)
    cart = committed_cart(session)
    change(services.add_line, cart, variant.id, 1)

    with pytest.raises(DomainError) as exc:
        change(services.add_line, cart, variant.id, quantity)

    assert exc.value.code == "invalid_quantity" and exc.value.status == 400
    assert exc.value.params == {"min": 1, "max": 99}
    assert lines_in(session, cart) == {variant.id: 1}


@pytest.mark.parametrize("quantity", [-1, 100, "abc", None])
def test_set_quantity_refuses_a_bad_quantity(session, quantity):
    variant = variant_of(stock=10)
    cart = committed_cart(session)
    change(services.add_line, cart, variant.id, 3)

    with pytest.raises(DomainError) as exc:
        change(services.set_quantity, cart, variant.id, quantity)

    assert exc.value.code == "invalid_quantity"
    assert lines_in(session, cart) == {variant.id: 3}


@pytest.mark.parametrize("variant_id", [999_999, 0, -5, 2**31, 10**30, None, "1", True])
def test_add_refuses_a_variant_that_does_not_exist(session, variant_id):
    variant_of()
    cart = committed_cart(session)

    with pytest.raises(DomainError) as exc:
        change(services.add_line, cart, variant_id, 1)

    assert exc.value.code == "unknown_variant" and exc.value.status == 400
    assert lines_in(session, cart) == {}


def test_add_refuses_a_hidden_product(session):
    variant = variant_of(stock=10)
    variant.product.status = ProductStatus.HIDDEN
    cart = committed_cart(session)

    with pytest.raises(DomainError) as exc:
        change(services.add_line, cart, variant.id, 1)

    assert exc.value.code == "unknown_variant"
    assert lines_in(session, cart) == {}


def test_add_more_than_in_stock_reports_what_is_available(session, app):
    variant = variant_of(stock=3)
    cart = committed_cart(session)

    with pytest.raises(DomainError) as exc:
        change(services.add_line, cart, variant.id, 4)

    assert exc.value.code == "insufficient_stock"
    assert exc.value.params["available"] == 3
    with app.test_request_context("/?lang=en"):
        app.preprocess_request()
        assert _text(exc.value) == "Only 3 left in stock."
    with app.test_request_context("/?lang=zh"):
        app.preprocess_request()
        assert _text(exc.value) == "库存仅剩 3 件。"
    assert lines_in(session, cart) == {}


def test_adding_to_a_line_may_not_exceed_stock(session):
    variant = variant_of(stock=3)
    cart = committed_cart(session)
    change(services.add_line, cart, variant.id, 2)

    with pytest.raises(DomainError) as exc:
        change(services.add_line, cart, variant.id, 2)

    assert exc.value.code == "insufficient_stock"
    assert exc.value.params == {"available": 3, "in_cart": 2}
    assert lines_in(session, cart) == {variant.id: 2}


def test_sold_out_variant_cannot_be_added(session):
    variant = variant_of(stock=0)
    cart = committed_cart(session)

    with pytest.raises(DomainError) as exc:
        change(services.add_line, cart, variant.id, 1)

    assert exc.value.code == "insufficient_stock" and exc.value.params["available"] == 0
    assert lines_in(session, cart) == {}


def test_set_quantity_above_stock_is_refused(session):
    variant = variant_of(stock=5)
    cart = committed_cart(session)
    change(services.add_line, cart, variant.id, 2)

    with pytest.raises(DomainError) as exc:
        change(services.set_quantity, cart, variant.id, 6)

    assert exc.value.code == "insufficient_stock" and exc.value.params["available"] == 5
    assert lines_in(session, cart) == {variant.id: 2}


def test_one_line_may_not_grow_beyond_the_per_line_maximum(session):
    variant = variant_of(stock=500)
    cart = committed_cart(session)
    change(services.add_line, cart, variant.id, 60)

    with pytest.raises(DomainError) as exc:
        change(services.add_line, cart, variant.id, 60)

    assert exc.value.code == "quantity_limit" and exc.value.params == {"max": 99, "in_cart": 60}
    assert lines_in(session, cart) == {variant.id: 60}


def test_failed_first_add_leaves_no_cart_behind(session):
    variant = variant_of(stock=1)

    with pytest.raises(DomainError):
        with db.unit_of_work() as s:
            cart = services.create_cart(s)
            services.add_line(s, cart, variant.id, 2)

    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Cart)) == 0


# --- the view ------------------------------------------------------------------------------------

def test_view_groups_lines_by_farm_with_subtotals_and_total(session, count_queries):
    yanbian, qianxinan, third = FarmFactory(), FarmFactory(), FarmFactory()
    ginseng = ProductFactory(farm=yanbian, variants=[{"price_fen": 12800, "stock": 9},
                                                     {"price_fen": 25600, "stock": 9}])
    fungus = ProductFactory(farm=yanbian, variants=[{"price_fen": 3990, "stock": 9}])
    tea = ProductFactory(farm=qianxinan, variants=[{"price_fen": 6800, "stock": 9}])
    oil = ProductFactory(farm=third, variants=[{"price_fen": 15050, "stock": 9}])
    cart = committed_cart(session)
    # Added in this order: the farms appear in the order their first line was added.
    for variant, quantity in [(tea.variants[0], 3), (ginseng.variants[0], 2), (oil.variants[0], 1),
                              (fungus.variants[0], 4), (ginseng.variants[1], 1)]:
        change(services.add_line, cart, variant.id, quantity)
    session.rollback()

    with count_queries() as queries:
        view = services.view_cart(session, cart)
        names = [(g.farm.region.name_zh, [l.product.name_zh for l in g.lines]) for g in view.groups]

    assert queries.count == 1
    assert [g.farm.id for g in view.groups] == [qianxinan.id, yanbian.id, third.id]
    assert [g.subtotal_fen for g in view.groups] == [3 * 6800, 2 * 12800 + 4 * 3990 + 25600, 15050]
    assert view.total_fen == 20400 + 67160 + 15050
    assert view.item_count == 11
    assert len(names) == 3 and view.has_problems is False
    first = view.groups[1].lines[0]
    assert (first.variant.id, first.quantity, first.unit_price_fen, first.line_total_fen, first.available) == (
        ginseng.variants[0].id, 2, 12800, 25600, 9)


def test_view_reads_prices_from_the_variant_at_view_time(session):
    variant = variant_of(price_fen=5000, stock=10)
    cart = committed_cart(session)
    change(services.add_line, cart, variant.id, 2)

    variant.price_fen = 4500
    session.commit()

    assert services.view_cart(session, cart).total_fen == 9000


def test_view_flags_lines_whose_stock_fell_or_product_was_hidden(session):
    short = variant_of(stock=5)
    gone = variant_of(stock=5)
    fine = variant_of(stock=5)
    cart = committed_cart(session)
    for v in (short, gone, fine):
        change(services.add_line, cart, v.id, 4)

    short.stock = 2
    gone.product.status = ProductStatus.HIDDEN
    session.commit()
    view = services.view_cart(session, cart)

    problems = {line.variant.id: (line.problem, line.available) for line in view.lines}
    assert problems == {short.id: ("insufficient_stock", 2), gone.id: ("unavailable", 5), fine.id: (None, 5)}
    assert view.has_problems is True


def test_view_of_no_cart_is_empty_without_queries(session, count_queries):
    with count_queries() as queries:
        view = services.view_cart(session, None)

    assert view.is_empty and view.total_fen == 0 and view.item_count == 0
    assert queries.count == 0


def _text(exc: DomainError) -> str:
    from shop.i18n import gettext

    return gettext(exc.message, **exc.params)


# --- a cart that became an order ---------------------------------------------------------------

def test_a_checked_out_cart_refuses_every_change_and_stays_as_it_was(session):
    # given a cart with one line, placed as an order by checkout
    from shop.checkout.services import place_order
    from tests.orders.helpers import ADDRESS

    variant, other = variant_of(), variant_of()
    cart = committed_cart(session)
    change(services.add_line, cart, variant.id, 2)
    result = change(lambda s, c: place_order(s, c, email="mei@example.com", address=ADDRESS), cart)
    assert result.created and services.is_checked_out(session.get(Cart, cart.id))
    # when the shopper adds, changes or removes a line / then each is refused
    for fn, args in ((services.add_line, (other.id, 1)), (services.set_quantity, (variant.id, 5)),
                     (services.remove_line, (variant.id,))):
        with pytest.raises(DomainError) as info:
            change(fn, cart, *args)
        assert info.value.code == "cart_checked_out" and info.value.status == 409
    # and the cart holds exactly what was bought
    assert lines_in(session, cart) == {variant.id: 2}


def test_an_open_cart_is_not_checked_out(session):
    cart = committed_cart(session)
    assert not services.is_checked_out(cart)
    change(services.add_line, cart, variant_of().id, 1)
    assert not services.is_checked_out(session.get(Cart, cart.id))
