"""The buying journey in a real browser, as after `make run`: a guest fills the cart from two farms,
checks out with a Chinese address, pays on the test gateway's page and lands on the order page,
while a real ``celery -A workers worker`` beside the server processes the payment.

The server is gunicorn (``tests/reliability/harness.py``) and the worker a subprocess, sharing this
test's database (SQLite or PostgreSQL, like every browser test), a filesystem broker (the embedded
default) and an ``.eml`` outbox folder.  Selectors are what a shopper relies on: field names, roles
and visible text.  ``page`` (tests/browser/conftest.py) saves a screenshot under test-results/ when
the test fails.
"""
from __future__ import annotations

import re
from email import policy

import pytest
from playwright.sync_api import expect

from shop import db
from shop.money import format_fen
from tests.factories import FarmFactory, ProductFactory, RegionFactory
from tests.reliability import state
from tests.reliability.harness import ReliabilityStack
from tests.workers.harness import Broker, wait_for

pytestmark = pytest.mark.browser

SHOPPER = "guest.buyer@example.com"
ADDRESS = {"recipient": "金美玉", "mobile": "138 0013 8000", "province": "浙江省", "city": "宁波市",
           "district": "海曙区", "street": "中山西路 138 号 5 幢 1201 室", "postcode": "315000"}


@pytest.fixture
def shop_and_worker(app, tmp_path):
    """gunicorn serving the shop and one real worker, sharing a filesystem broker and a mail folder."""
    stack = ReliabilityStack(app.config["DATABASE_URL"], Broker("filesystem", tmp_path / "broker"), tmp_path)
    try:
        stack.start_worker()
        yield stack, stack.start_web()
    finally:
        stack.close()


@pytest.fixture
def two_farms(app):
    """Given matsutake from a Yanbian co-op and black tea from a Qianxinan tea garden."""
    with app.app_context():
        yanbian = RegionFactory(slug="yanbian", name_zh="延边", name_en="Yanbian")
        qianxinan = RegionFactory(slug="qianxinan", name_zh="黔西南", name_en="Qianxinan")
        antu = FarmFactory(region=yanbian, name_zh="安图林下合作社", name_en="Antu Forest Co-op")
        puan = FarmFactory(region=qianxinan, name_zh="普安茶园", name_en="Pu'an Tea Garden")
        matsutake = ProductFactory(farm=antu, name_zh="长白山野生松茸", name_en="Wild matsutake",
                                   variants=[{"label_zh": "250克", "label_en": "250 g", "weight_g": 250,
                                              "price_fen": 16800, "stock": 5}])
        tea = ProductFactory(farm=puan, name_zh="普安红茶", name_en="Pu'an black tea",
                             variants=[{"label_zh": "100克", "label_en": "100 g", "weight_g": 100,
                                        "price_fen": 6800, "stock": 8}])
        db.session().commit()
        return {
            "farms": [antu.name_zh, puan.name_zh],
            "products": [(matsutake.id, matsutake.variants[0].id, matsutake.name_zh),
                         (tea.id, tea.variants[0].id, tea.name_zh)],
        }


def add_to_cart(page, base_url: str, product_id: int, variant_id: int, quantity: int) -> None:
    page.goto(f"{base_url}/products/{product_id}")
    form = page.locator("form[action$='/cart/add']")
    form.locator(f"input[name='variant_id'][value='{variant_id}']").check()
    form.locator("[name='quantity']").fill(str(quantity))
    with page.expect_navigation():
        form.get_by_role("button", name="加入购物车").click()


def test_a_guest_buys_from_two_farms_pays_and_sees_the_paid_order(app, page, shop_and_worker, two_farms):
    stack, web = shop_and_worker
    (pid_a, vid_a, name_a), (pid_b, vid_b, name_b) = two_farms["products"]

    # Given a guest who puts 2 matsutake and 1 tea from two farms in the cart
    add_to_cart(page, web.base_url, pid_a, vid_a, 2)
    add_to_cart(page, web.base_url, pid_b, vid_b, 1)
    page.goto(web.base_url + "/cart")
    main = page.locator("main")
    expect(main).to_contain_text(name_a)
    expect(main).to_contain_text(name_b)

    # When they go to checkout and give an email and a Chinese delivery address
    page.get_by_role("link", name="去结算").click()
    page.wait_for_url(re.compile(r"/checkout$"))
    for farm in two_farms["farms"]:
        expect(page.locator(".checkout-summary")).to_contain_text(farm)
    form = page.locator("form.checkout-form")
    form.locator("[name='email']").fill(SHOPPER)
    for field, value in ADDRESS.items():
        form.locator(f"[name='{field}']").fill(value)
    form.get_by_role("button", name=re.compile("^提交订单并支付")).click()

    # Then they are on the test gateway's payment page for the whole amount
    page.wait_for_url(re.compile(r"/pay/test/cs_test_hb_[A-Za-z0-9_-]+$"))
    number = page.locator(".test-payment-number").inner_text().strip()
    order = state.order(app, number)
    total = format_fen(order.total_fen, "zh")
    expect(page.locator(".test-payment-amount")).to_have_text(total)

    # When they pay
    page.get_by_role("button", name=f"支付 {total}").click()

    # Then they land on their order page, which shows it paid once the worker has confirmed it
    page.wait_for_url(re.compile(rf"/orders/{number}\?.*token="))
    expect(page.locator(".order-status strong")).to_have_text("已付款", timeout=30_000)
    # And both farms' parts of the order, each waiting for its farm
    parts = page.locator("section.order-farm h2")
    expect(parts).to_have_count(2)
    for farm in two_farms["farms"]:
        expect(page.locator("section.order-farm", has_text=farm)).to_contain_text("等待农场接单")
    expect(page.locator("main")).to_contain_text("中山西路 138 号 5 幢 1201 室")

    # And the stock went down by what was bought
    assert state.stock(app, vid_a) == 3 and state.stock(app, vid_b) == 7

    # And the confirmation email is in the outbox folder, linking to this order
    [mail] = wait_for(lambda: stack.emails_to(SHOPPER), 30, "the confirmation .eml")
    assert number in str(mail["Subject"])
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert f"/orders/{number}?token={order.access_token}" in text
    assert name_a in text and name_b in text
    assert mail.as_bytes(policy=policy.SMTP)  # a well-formed message
    web.assert_no_server_errors()
