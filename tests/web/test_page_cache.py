"""The in-process page cache (shop/web/page_cache.py): what is kept, for whom, for how long.

The rest of the suite runs with the cache off (PAGE_CACHE_SECONDS = 0 in conftest); here the
``page_cache`` fixture turns it on with a 10 s TTL and a hand-driven clock.
"""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from shop import create_app, db
from shop.catalog import services
from shop.catalog.models import Product, Variant
from shop.web import page_cache as cache_module
from tests.factories import CategoryFactory, FarmFactory, ProductFactory, RegionFactory
from tests.web.test_storefront import given, text_of

TTL = 10


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def page_cache(app, monkeypatch):
    """The cache switched on for one test: TTL 10 s, an injected clock, empty before and after."""
    store = cache_module.get_store(app)
    clock = FakeClock()
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", TTL)
    monkeypatch.setattr(store, "clock", clock)
    store.clear()
    yield store
    store.clear()


@pytest.fixture
def anonymous(app):
    """A browser that never keeps cookies: every request arrives without a Cookie header."""
    return app.test_client(use_cookies=False)


@pytest.fixture
def honey(app):
    with given(app):
        region = RegionFactory(slug="yanbian", name_zh="延边", name_en="Yanbian", position=1)
        farm = FarmFactory(region=region, name_zh="敦化蜂业", name_en="Dunhua Apiary")
        category = CategoryFactory(slug="honey", name_zh="蜂蜜", name_en="Honey")
        product = ProductFactory(farm=farm, category=category, name_zh="长白山椴树蜂蜜", name_en="Changbai linden honey",
                                 featured=True, variants=[{"price_fen": 9800, "stock": 40}])
        return {"product": product.id, "farm": farm.id}


def set_price(app, product_id: int, price_fen: int) -> None:
    with given(app) as s:
        product = s.get(Product, product_id)
        s.execute(sa.update(Variant).where(Variant.product_id == product_id).values(price_fen=price_fen))
        s.expire(product)
        services.refresh_product(s, product)


# --- hits and misses ----------------------------------------------------------------------------

def test_an_anonymous_listing_is_rendered_once_then_served_from_memory(anonymous, page_cache, honey, count_queries):
    # Given a visitor without cookies opens the listing
    first = anonymous.get("/products")
    assert first.status_code == 200 and first.headers["X-Cache"] == "miss"
    # When the same page is asked for again
    with count_queries() as counter:
        second = anonymous.get("/products")
    # Then it comes from the cache: same page, no SQL at all
    assert second.headers["X-Cache"] == "hit"
    assert second.get_data() == first.get_data()
    assert counter.count == 0
    # And browsers and proxies are told it is public for the TTL and depends on language and cookies
    for resp in (first, second):
        assert resp.cache_control.public and resp.cache_control.max_age == TTL
        assert {"accept-language", "cookie"} <= {v.strip().lower() for v in resp.headers["Vary"].split(",")}
        assert "Set-Cookie" not in resp.headers
    assert len(page_cache) == 1


def test_a_hit_says_how_old_it_is(anonymous, page_cache, honey):
    anonymous.get("/")
    page_cache.clock.advance(4)
    resp = anonymous.get("/")
    assert resp.headers["X-Cache"] == "hit" and resp.headers["Age"] == "4"


def test_head_is_answered_from_a_get_entry_without_a_body(anonymous, page_cache, honey):
    full = anonymous.get("/products")
    resp = anonymous.head("/products")
    assert resp.headers["X-Cache"] == "hit"
    assert resp.get_data() == b""
    assert resp.headers["Content-Length"] == str(len(full.get_data()))


def test_other_query_strings_are_other_pages(anonymous, page_cache, honey):
    anonymous.get("/products")
    resp = anonymous.get("/products?sort=price")
    assert resp.headers["X-Cache"] == "miss"
    assert anonymous.get("/products?sort=price").headers["X-Cache"] == "hit"


# --- freshness ----------------------------------------------------------------------------------

def test_a_cached_listing_may_lag_by_the_ttl_and_no_longer(app, anonymous, page_cache, honey):
    # Given the listing was cached at ¥98
    assert "¥98.00" in text_of(anonymous.get("/products"))
    # When the farm lowers the price
    set_price(app, honey["product"], 8800)
    # Then the cached listing still shows the old price until the TTL is over
    page_cache.clock.advance(TTL - 1)
    lagging = anonymous.get("/products")
    assert lagging.headers["X-Cache"] == "hit" and "¥98.00" in text_of(lagging)
    # And after it, the new price
    page_cache.clock.advance(1)
    fresh = anonymous.get("/products")
    assert fresh.headers["X-Cache"] == "miss" and "¥88.00" in text_of(fresh) and "¥98.00" not in text_of(fresh)


def test_the_product_page_and_the_cart_always_read_live_data(app, anonymous, page_cache, honey):
    url = f"/products/{honey['product']}"
    assert "¥98.00" in text_of(anonymous.get(url))
    set_price(app, honey["product"], 8800)
    resp = anonymous.get(url)
    assert resp.headers["X-Cache"] == "miss" and "¥88.00" in text_of(resp)


def test_a_ttl_of_zero_turns_the_cache_off(app, anonymous, page_cache, honey, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 0)
    for _ in range(2):
        resp = anonymous.get("/products")
        assert resp.status_code == 200 and "X-Cache" not in resp.headers
        assert "max-age" not in resp.headers.get("Cache-Control", "")
    assert len(page_cache) == 0


# --- who is never served from the cache ---------------------------------------------------------

def test_a_browser_with_a_session_is_never_served_a_cached_page(app, anonymous, page_cache, honey, count_queries):
    # Given the anonymous listing is cached
    anonymous.get("/products")
    # When a shopper whose browser has a cart (a session cookie) opens it
    shopper = app.test_client()
    shopper.get("/?lang=zh")  # any cookie will do: here the remembered language
    assert shopper.get_cookie("session") is not None
    with count_queries() as counter:
        resp = shopper.get("/products")
    # Then the page is rendered for them, and marked private
    assert resp.status_code == 200 and "X-Cache" not in resp.headers and counter.count > 0
    assert resp.headers["Cache-Control"] == "private, no-store"
    assert len(page_cache) == 1


@pytest.mark.parametrize("headers", [{"Cookie": "anything=1"}, {"Authorization": "Bearer abc"}])
def test_any_cookie_or_authorization_bypasses_the_cache(anonymous, page_cache, honey, headers):
    anonymous.get("/api/v1/products")
    for _ in range(2):
        resp = anonymous.get("/api/v1/products", headers=headers)
        assert resp.status_code == 200 and "X-Cache" not in resp.headers
    assert len(page_cache) == 1


def test_a_page_that_sets_a_cookie_is_never_kept(anonymous, page_cache, honey):
    # The product page's add-to-cart form puts a CSRF token in a new session cookie
    url = f"/products/{honey['product']}"
    first, second = anonymous.get(url), anonymous.get(url)
    for resp in (first, second):
        assert resp.status_code == 200 and resp.headers["X-Cache"] == "miss"
        assert "Set-Cookie" in resp.headers
        assert resp.headers["Cache-Control"] == "private, no-store"
    # And no two visitors share a token
    tokens = [re.search(r'name="csrf_token"[^>]*value="([^"]+)"', r.get_data(as_text=True)).group(1)
              for r in (first, second)]
    assert tokens[0] != tokens[1]
    assert len(page_cache) == 0


def test_choosing_a_language_by_parameter_is_remembered_not_cached(anonymous, page_cache, honey):
    for _ in range(2):
        resp = anonymous.get("/products?lang=en")
        assert "Set-Cookie" in resp.headers and resp.headers["X-Cache"] == "miss"
    assert len(page_cache) == 0


def test_a_post_is_never_answered_from_the_cache(anonymous, page_cache, honey):
    anonymous.get("/products")
    resp = anonymous.post("/products")
    assert resp.status_code == 405 and "X-Cache" not in resp.headers
    resp = anonymous.post("/cart/add", data={"variant_id": 1, "quantity": 1})  # no CSRF token
    assert resp.status_code == 400 and "X-Cache" not in resp.headers
    assert len(page_cache) == 1


@pytest.mark.parametrize("url", ["/products/2147483000", "/products?page=abc", "/regions/nowhere",
                                 "/api/v1/products/2147483000", "/api/v1/products?lang=fr",
                                 "/api/v1/products?per_page=abc"])
def test_error_responses_are_never_kept(anonymous, page_cache, honey, url):
    statuses = [anonymous.get(url) for _ in range(2)]
    for resp in statuses:
        assert resp.status_code in (400, 404)
        assert resp.headers.get("X-Cache") in (None, "miss")
        assert not resp.cache_control.public
    assert len(page_cache) == 0


def test_pages_outside_the_catalog_are_not_cached(anonymous, page_cache, honey):
    for url in ("/cart", "/healthz", "/api/v1/openapi.json"):
        for _ in range(2):
            assert "X-Cache" not in anonymous.get(url).headers
    assert len(page_cache) == 0


# --- languages and hosts ------------------------------------------------------------------------

def test_english_and_chinese_visitors_never_get_each_others_page(anonymous, page_cache, honey):
    en = {"Accept-Language": "en-US,en;q=0.9"}
    zh = {"Accept-Language": "zh-CN,zh;q=0.9"}
    assert "Changbai linden honey" in text_of(anonymous.get("/products", headers=en))
    resp = anonymous.get("/products", headers=zh)
    assert resp.headers["X-Cache"] == "miss" and "长白山椴树蜂蜜" in text_of(resp)
    # Another English header negotiates the same language: same entry
    resp = anonymous.get("/products", headers={"Accept-Language": "en-GB"})
    assert resp.headers["X-Cache"] == "hit" and "Changbai linden honey" in text_of(resp)
    # No header at all: the default language, Chinese
    resp = anonymous.get("/products")
    assert resp.headers["X-Cache"] == "hit" and '<html lang="zh-CN">' in resp.get_data(as_text=True)
    assert len(page_cache) == 2


@pytest.mark.parametrize("accept", [None, "", "en", "en-GB,en;q=0.9", "zh-TW", "zh-Hans-CN", "fr, en;q=0.1",
                                    "de", "*", "en;q=0.2, zh;q=0.8", "zh;q=0, en", "garbage;;q=x"])
def test_the_cache_key_negotiates_the_language_exactly_as_the_pages_do(app, anonymous, page_cache, honey, accept):
    headers = {"Accept-Language": accept} if accept is not None else {}
    page = anonymous.get("/", headers=headers).get_data(as_text=True)
    rendered = "zh" if '<html lang="zh-CN">' in page else "en"
    assert cache_module.negotiated_locale("", accept, app.config["DEFAULT_LOCALE"]) == rendered
    # And the API, which negotiates on its own, agrees
    api = anonymous.get("/api/v1/regions", headers=headers).get_json()
    assert api["items"][0]["name"] == {"zh": "延边", "en": "Yanbian"}[rendered]


def test_the_api_language_parameter_has_its_own_entries(anonymous, page_cache, honey):
    zh = anonymous.get("/api/v1/products").get_json()
    en = anonymous.get("/api/v1/products?lang=en").get_json()
    assert zh["items"][0]["name"] == "长白山椴树蜂蜜" and en["items"][0]["name"] == "Changbai linden honey"
    resp = anonymous.get("/api/v1/products?lang=en", headers={"Accept-Language": "zh-CN"})
    assert resp.headers["X-Cache"] == "hit" and resp.get_json() == en


def test_absolute_links_of_one_host_are_not_served_to_another(anonymous, page_cache, honey):
    one = anonymous.get("/api/v1/products", base_url="http://shop.example").get_json()
    other = anonymous.get("/api/v1/products", base_url="https://other.example")
    assert other.headers["X-Cache"] == "miss"
    assert one["items"][0]["url"].startswith("http://shop.example/")
    assert other.get_json()["items"][0]["url"].startswith("https://other.example/")


# --- the API --------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/api/v1/products", "/api/v1/products?q=蜂蜜&per_page=5", "/api/v1/regions",
                                 "/api/v1/products/{product}"])
def test_cached_api_json_is_identical_to_uncached(app, anonymous, page_cache, honey, monkeypatch, url):
    url = url.format(**honey)
    miss, hit = anonymous.get(url), anonymous.get(url)
    assert (miss.headers["X-Cache"], hit.headers["X-Cache"]) == ("miss", "hit")
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 0)
    uncached = anonymous.get(url)
    assert "X-Cache" not in uncached.headers
    assert hit.get_data() == miss.get_data() == uncached.get_data()
    assert hit.mimetype == uncached.mimetype == "application/json"
    # The API keeps its own Cache-Control (a minute: prices and stock are checked again at checkout)
    assert hit.headers["Cache-Control"] == uncached.headers["Cache-Control"]


# --- bounds -------------------------------------------------------------------------------------

def test_the_cache_holds_a_bounded_number_of_pages_least_recently_used_out_first(anonymous, page_cache, honey,
                                                                                monkeypatch):
    monkeypatch.setattr(page_cache, "max_entries", 3)
    for sort in ("relevance", "price", "newest"):
        anonymous.get(f"/products?sort={sort}")
    anonymous.get("/products?sort=relevance")  # used again: now the most recent
    anonymous.get("/products?sort=price_desc")  # a fourth page pushes out the least recently used
    assert len(page_cache) == 3
    assert anonymous.get("/products?sort=relevance").headers["X-Cache"] == "hit"
    assert anonymous.get("/products?sort=price").headers["X-Cache"] == "miss"


def test_the_store_is_bounded_in_bytes_and_refuses_pages_too_big_for_it():
    clock = FakeClock()
    store = cache_module.PageStore(max_entries=100, max_bytes=8 * 1000, clock=clock)
    for n in range(10):
        assert store.put(("page", n), "200 OK", [], b"x" * 700, ttl=TTL)  # 900 bytes counted with the overhead
    assert store.size_bytes <= 8 * 1000 and len(store) < 10
    assert store.get(("page", 9)) is not None and store.get(("page", 0)) is None
    # A page larger than an eighth of the budget is not kept at all
    assert not store.put(("big", 0), "200 OK", [], b"x" * 1001, ttl=TTL)
    assert store.get(("big", 0)) is None
    # And entries expire with the clock
    clock.advance(TTL)
    assert store.get(("page", 9)) is None


# --- production settings ------------------------------------------------------------------------

@pytest.mark.parametrize("debug, reloads", [(False, False), (True, True)])
def test_templates_are_reloaded_from_disk_only_in_debug_mode(tmp_path, debug, reloads):
    app = create_app({"TESTING": True, "DEBUG": debug, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
                      "SECRET_KEY": "test-secret", "MEDIA_DIR": str(tmp_path)})
    assert app.jinja_env.auto_reload is reloads
    assert app.config["PAGE_CACHE_SECONDS"] == 10  # on by default outside the test suite's own app
    db.get_db(app).engine.dispose()
