"""A shopper's journey in a real browser: search 松茸, open it, add two to the cart, see the total.

Runs against the live server on both databases.  Selectors are what a shopper relies on: form field
names, roles and visible text, not CSS classes.
"""
from __future__ import annotations

import re

import pytest

from shop import db
from shop.catalog.models import Certification, Storage
from shop.money import format_fen
from tests.factories import CategoryFactory, FarmFactory, ProductFactory, RegionFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def catalog(app):
    """Given a Yanbian farm selling matsutake in two sizes, and a honey that must not match 松茸."""
    with app.app_context():
        yanbian = RegionFactory(slug="yanbian", name_zh="延边", name_en="Yanbian")
        farm = FarmFactory(region=yanbian, name_zh="安图林下合作社", name_en="Antu Forest Co-op")
        mushrooms = CategoryFactory(slug="mushrooms", name_zh="山珍菌菇", name_en="Wild mushrooms")
        matsutake = ProductFactory(
            farm=farm, category=mushrooms,
            name_zh="长白山野生松茸", name_en="Changbai Mountain Wild Matsutake",
            description_zh="长白山林下采摘的野生松茸，当天冷链发出。",
            description_en="Wild matsutake picked under the Changbai forest, shipped chilled the same day.",
            origin_zh="吉林省延边州安图县", origin_en="Antu County, Yanbian, Jilin",
            certifications=[Certification.GEOGRAPHICAL_INDICATION.value],
            storage=Storage.CHILLED,
            variants=[
                {"label_zh": "250克 一级", "label_en": "250 g Grade 1", "weight_g": 250,
                 "price_fen": 16800, "stock": 20},
                {"label_zh": "500克 特级", "label_en": "500 g Premium", "weight_g": 500,
                 "price_fen": 39900, "stock": 5},
            ],
        )
        ProductFactory(farm=farm, category=mushrooms, name_zh="椴树蜂蜜", name_en="Linden Honey",
                       variants=[{"price_fen": 6800, "stock": 30}])
        chosen = matsutake.variants[1]
        facts = {
            "product_id": matsutake.id,
            "name_zh": matsutake.name_zh,
            "name_en": matsutake.name_en,
            "variant_id": chosen.id,
            "variant_label_en": chosen.label_en,
            "price_fen": chosen.price_fen,
        }
        db.session().commit()
    return facts


def test_search_matsutake_add_two_and_see_total(live_server, page, catalog):
    # Given the home page in Chinese
    page.goto(live_server("/"))
    assert page.locator("html").get_attribute("lang") == "zh-CN"

    # When the shopper searches 松茸 with the search box in the header
    search_box = page.locator("header input[name='q']")
    search_box.fill("松茸")
    search_box.press("Enter")
    page.wait_for_url(re.compile(r"/products\?(.*&)?q="))

    # Then the matsutake is listed and the honey is not
    result = page.get_by_role("link", name=catalog["name_zh"]).first
    result.wait_for()
    assert page.get_by_text("椴树蜂蜜").count() == 0

    # When they open it, choose the 500 g variant, set quantity 2 and add it to the cart
    result.click()
    page.wait_for_url(re.compile(rf"/products/{catalog['product_id']}(\?|$)"))
    form = page.locator("form[action$='/cart/add']")
    choose_variant(form, catalog["variant_id"])
    form.locator("[name='quantity']").fill("2")
    with page.expect_navigation():
        form.locator("button[type='submit']").click()

    # Then the cart (a click on the header's cart link away, wherever the add landed) shows the
    # line, quantity 2 and the total of two, formatted in ¥
    page.locator("header a[href$='/cart']").click()
    page.wait_for_url(re.compile(r"/cart(\?|$)"))
    expected_total = format_fen(2 * catalog["price_fen"], "zh")
    assert expected_total.startswith("¥")
    main = page.locator("main")
    assert catalog["name_zh"] in main.inner_text()
    assert main.locator("input[name='quantity']").input_value() == "2"
    assert expected_total in main.inner_text()

    # When they switch to English, the cart speaks English with the same total
    page.locator("header a[hreflang='en']").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    english = page.locator("main").inner_text()
    assert catalog["name_en"] in english
    assert catalog["variant_label_en"] in english
    assert format_fen(2 * catalog["price_fen"], "en") in english


def choose_variant(form, variant_id: int) -> None:
    """Pick a variant whether the page offers a select, radio buttons or a fixed hidden field."""
    field = form.locator("[name='variant_id']")
    kind = field.first.evaluate("el => el.tagName.toLowerCase() + ':' + (el.type || '')")
    if kind.startswith("select"):
        field.select_option(str(variant_id))
    elif kind == "input:radio":
        form.locator(f"input[name='variant_id'][value='{variant_id}']").check()
    else:
        raise AssertionError(f"unexpected variant field {kind}")
