"""Contract tests of API v1's catalog: shapes, types, filters, pagination, language, errors, cost."""
from __future__ import annotations

import pytest

from shop.web.api import views
from tests.factories import ProductFactory


def get_json(client, url, status=200, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def names(body):
    return [item["name"] for item in body["items"]]


# --- GET /api/v1/products --------------------------------------------------------------------------


def test_list_items_have_the_documented_shape(client, catalog):
    # When
    body = get_json(client, "/api/v1/products")

    # Then: hidden products are not listed; totals and every item's fields are as documented
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (1, 24, 5, 1)
    assert len(body["items"]) == 5
    honey = next(i for i in body["items"] if i["id"] == catalog.yanbian_honey.id)
    assert honey == {
        "id": catalog.yanbian_honey.id,
        "name": "长白山椴树蜂蜜",
        "region": "yanbian",
        "category": "honey",
        "farm": {"id": catalog.yanbian_honey.farm_id, "name": "长白山林下合作社"},
        "price": {"amount": 6800, "currency": "CNY"},  # the cheapest variant
        "in_stock": True,
        "featured": False,
        "image": None,
        "url": f"http://localhost/products/{catalog.yanbian_honey.id}",
    }
    for item in body["items"]:
        assert type(item["price"]["amount"]) is int
        assert type(item["id"]) is int and type(item["farm"]["id"]) is int


def test_list_item_links_first_photo_and_reports_stock(client, catalog):
    body = get_json(client, "/api/v1/products")
    by_id = {item["id"]: item for item in body["items"]}

    assert by_id[catalog.matsutake.id]["image"] == "http://localhost/media/products/matsutake/1.webp"
    assert by_id[catalog.sold_out.id]["in_stock"] is False
    assert catalog.hidden.id not in by_id


def test_per_page_above_the_cap_is_clamped_to_100(client, session):
    # Given 101 products
    ProductFactory.create_batch(101)
    session.commit()

    # When a client asks for far more per page
    body = get_json(client, "/api/v1/products?per_page=100000")

    # Then it gets 100, and says so
    assert body["per_page"] == 100
    assert len(body["items"]) == 100
    assert (body["total"], body["pages"]) == (101, 2)


def test_pages_cover_every_product_once(client, catalog):
    # When walking the listing two at a time, cheapest first
    pages = [get_json(client, f"/api/v1/products?per_page=2&sort=price&page={n}") for n in (1, 2, 3)]

    # Then the totals agree and the pages partition the listing in price order
    assert {(p["total"], p["pages"], p["per_page"]) for p in pages} == {(5, 3, 2)}
    assert [len(p["items"]) for p in pages] == [2, 2, 1]
    prices = [i["price"]["amount"] for p in pages for i in p["items"]]
    assert prices == sorted(prices) == [5900, 6800, 7600, 8800, 19900]


def test_page_past_the_end_is_empty_not_an_error(client, catalog):
    body = get_json(client, "/api/v1/products?per_page=2&page=99")
    assert body["items"] == [] and body["total"] == 5 and body["page"] == 99


def test_sort_by_price_descending(client, catalog):
    body = get_json(client, "/api/v1/products?sort=price_desc")
    prices = [i["price"]["amount"] for i in body["items"]]
    assert prices == sorted(prices, reverse=True)


@pytest.mark.parametrize("args, expected", [
    ("region=yanbian", {"长白山椴树蜂蜜", "安图野生松茸"}),
    ("region=qianxinan&category=tea", {"普安红茶", "晴隆绿茶"}),
    ("category=honey", {"长白山椴树蜂蜜", "黔西南野生百花蜂蜜"}),
    ("q=蜂蜜", {"长白山椴树蜂蜜", "黔西南野生百花蜂蜜"}),
    ("q=honey&region=qianxinan", {"黔西南野生百花蜂蜜"}),
    ("q=松茸", {"安图野生松茸"}),
])
def test_filters_match_the_listing(client, catalog, args, expected):
    body = get_json(client, f"/api/v1/products?{args}")
    assert set(names(body)) == expected
    assert body["total"] == len(expected)


def test_filter_by_farm(client, catalog):
    body = get_json(client, f"/api/v1/products?farm={catalog.matsutake.farm_id}")
    assert set(names(body)) == {"长白山椴树蜂蜜", "安图野生松茸"}


# --- language ----------------------------------------------------------------------------------------


def test_names_are_chinese_by_default_and_english_with_lang_en(client, catalog):
    zh = get_json(client, f"/api/v1/products/{catalog.matsutake.id}")
    en = get_json(client, f"/api/v1/products/{catalog.matsutake.id}?lang=en")

    assert (zh["name"], zh["farm"]["name"], zh["variants"][0]["label"]) == ("安图野生松茸", "长白山林下合作社", "250 克 特级")
    assert (en["name"], en["farm"]["name"], en["variants"][0]["label"]) == (
        "Antu wild matsutake", "Changbai Forest Co-op", "250 g premium")
    assert en["description"] == "Picked under the Changbai forest."
    assert en["storage"] == {"code": "chilled", "name": "Chilled"}


def test_accept_language_is_used_without_lang_and_lang_wins(client, catalog):
    url = f"/api/v1/products/{catalog.black_tea.id}"
    assert get_json(client, url, headers={"Accept-Language": "en-US,en;q=0.9"})["name"] == "Pu'an black tea"
    assert get_json(client, url + "?lang=zh", headers={"Accept-Language": "en"})["name"] == "普安红茶"


def test_api_ignores_and_keeps_out_of_the_browser_session(client, catalog):
    # Given a browser that chose English on the shop's pages
    client.get("/?lang=en")

    # When the same client calls the API, with and without ?lang=
    plain = client.get(f"/api/v1/products/{catalog.black_tea.id}")
    asked = client.get(f"/api/v1/products/{catalog.black_tea.id}?lang=en")

    # Then the remembered choice plays no part, and the API sets no cookie
    assert plain.get_json()["name"] == "普安红茶"
    assert asked.get_json()["name"] == "Pu'an black tea"
    assert "Set-Cookie" not in plain.headers and "Set-Cookie" not in asked.headers


def test_unknown_language_is_400(client, catalog):
    body = get_json(client, "/api/v1/regions?lang=fr", status=400)
    assert body["error"]["code"] == "invalid_parameter"


# --- GET /api/v1/products/<id> -----------------------------------------------------------------------


def test_detail_has_variants_and_product_facts(client, catalog):
    body = get_json(client, f"/api/v1/products/{catalog.yanbian_honey.id}")

    assert body["description"] == "椴树花期采收。"
    assert body["price"] == {"amount": 6800, "currency": "CNY"}
    assert [(v["label"], v["weight_g"], v["price"], v["stock"], v["in_stock"]) for v in body["variants"]] == [
        ("1 千克", 1000, {"amount": 12800, "currency": "CNY"}, 5, True),
        ("500 克", 500, {"amount": 6800, "currency": "CNY"}, 3, True),
    ]
    assert all(type(v["id"]) is int and type(v["price"]["amount"]) is int for v in body["variants"])
    assert [v["id"] for v in body["variants"]] == [v.id for v in catalog.yanbian_honey.variants]


def test_detail_has_origin_certifications_storage_and_photos(client, catalog):
    body = get_json(client, f"/api/v1/products/{catalog.matsutake.id}?lang=en")

    assert body["origin"] == "Antu County, Jilin"
    assert body["harvest_season"] == "August–September"
    assert [c["code"] for c in body["certifications"]] == ["gi", "organic"]
    assert body["certifications"][0]["name"] == "Geographical indication"
    assert body["photos"] == [
        {"url": "http://localhost/media/products/matsutake/1.webp", "width": 800, "height": 600, "alt": "Matsutake"},
        {"url": "http://localhost/media/products/matsutake/2.webp", "width": 800, "height": 600, "alt": ""},
    ]
    assert body["image"] == body["photos"][0]["url"]


@pytest.mark.parametrize("product_id", ["999999", "0", "2147483648", "100000000000000000000"])
def test_unknown_product_is_404(client, catalog, product_id):
    body = get_json(client, f"/api/v1/products/{product_id}", status=404)
    assert body["error"]["code"] in {"product_not_found", "not_found"}
    assert body["error"]["message"]


def test_hidden_product_is_404(client, catalog):
    body = get_json(client, f"/api/v1/products/{catalog.hidden.id}", status=404)
    assert body["error"]["code"] == "product_not_found"


# --- GET /api/v1/regions -----------------------------------------------------------------------------


def test_regions_in_display_order_with_counts_of_products_on_sale(client, catalog):
    body = get_json(client, "/api/v1/regions?lang=en")

    assert body["items"] == [
        {"slug": "yanbian", "name": "Yanbian", "province": "Jilin", "tagline": "Good things from Changbai",
         "partner_city": "Ningbo", "product_count": 2, "url": "http://localhost/regions/yanbian"},
        {"slug": "qianxinan", "name": "Qianxinan", "province": "", "tagline": "", "partner_city": "",
         "product_count": 3, "url": "http://localhost/regions/qianxinan"},
    ]


def test_regions_when_the_catalog_is_empty(client, app):
    assert get_json(client, "/api/v1/regions") == {"items": []}


# --- bad input and errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("args, code", [
    ("page=abc", "invalid_parameter"),
    ("page=0", "invalid_parameter"),
    ("page=-1", "invalid_parameter"),
    ("per_page=0", "invalid_parameter"),
    ("per_page=ten", "invalid_parameter"),
    ("sort=cheapest", "invalid_parameter"),
    ("farm=abc", "invalid_parameter"),
    ("q=" + "蜂" * 101, "query_too_long"),
    ("q=" + "x" * 10_000, "query_too_long"),
])
def test_malformed_parameters_are_400(client, catalog, args, code):
    body = get_json(client, f"/api/v1/products?{args}", status=400)
    assert body["error"]["code"] == code
    assert body["error"]["message"]


@pytest.mark.parametrize("args, code", [
    ("region=atlantis", "unknown_region"),
    ("category=caviar", "unknown_category"),
    ("farm=999999", "unknown_farm"),
])
def test_unknown_filters_are_404(client, catalog, args, code):
    assert get_json(client, f"/api/v1/products?{args}", status=404)["error"]["code"] == code


@pytest.mark.parametrize("args", ["region=%00", "q=%E8%9C%82%00", "category=honey%00", "lang=en%00"])
def test_nul_characters_are_400(client, catalog, args):
    # PostgreSQL cannot compare text holding NUL: refused before any query
    assert get_json(client, f"/api/v1/products?{args}", status=400)["error"]["code"] == "invalid_parameter"


@pytest.mark.parametrize("args", [
    "farm=2147483648",  # past the 32-bit id column
    "farm=100000000000000000000",  # past what SQLite can bind
    "page=100000000000000000000",
    "q=蜂蜜&page=100000000000000000000",
])
def test_huge_numbers_are_a_clear_answer_not_a_500(client, catalog, args):
    response = client.get(f"/api/v1/products?{args}")
    assert response.status_code in (200, 400, 404), response.get_data(as_text=True)
    if response.status_code == 200:
        assert response.get_json()["items"] == []
    else:
        assert response.get_json()["error"]["code"] in {"invalid_parameter", "unknown_farm"}


def test_markup_in_the_query_is_only_text(client, catalog):
    response = client.get("/api/v1/products?q=<script>alert(1)</script>")
    assert response.status_code == 200
    assert response.get_json()["items"] == []
    assert b"<script>" not in response.data


def test_error_messages_follow_the_language(client, catalog):
    zh = get_json(client, "/api/v1/products?page=abc", status=400)["error"]["message"]
    en = get_json(client, "/api/v1/products?page=abc&lang=en", status=400)["error"]["message"]
    assert en == "The page number must be a positive whole number."
    assert zh != en


def test_unknown_api_route_and_wrong_method_answer_json(client, app):
    missing = get_json(client, "/api/v1/nothing-here", status=404)
    assert missing["error"]["code"] == "not_found"

    response = client.post("/api/v1/products")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_server_error_is_json_500(client, app, monkeypatch):
    # Given a catalog loader that fails unexpectedly
    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(views, "list_products", broken)

    # Then the client gets a JSON 500 that does not leak the cause
    body = get_json(client, "/api/v1/products", status=500)
    assert body == {"error": {"code": "internal_error", "message": body["error"]["message"]}}
    assert "fire" not in body["error"]["message"]


# --- caching and cost --------------------------------------------------------------------------------


def test_answers_are_briefly_cacheable_and_errors_are_not(client, catalog):
    ok = client.get("/api/v1/products")
    assert ok.cache_control.public and ok.cache_control.max_age == views.CACHE_MAX_AGE
    assert "Accept-Language" in ok.headers["Vary"]

    error = client.get("/api/v1/products?page=abc")
    assert not error.cache_control.public and error.cache_control.max_age is None


def test_listing_runs_a_fixed_number_of_statements(client, session, count_queries):
    # Given a full page of products, each with a photo
    from shop.catalog.models import ProductPhoto

    for product in ProductFactory.create_batch(30):
        session.add(ProductPhoto(product=product, path=f"p/{product.id}.webp"))
    session.commit()

    # When the API lists 24 of them
    with count_queries() as counter:
        body = get_json(client, "/api/v1/products")

    # Then: one COUNT, one SELECT of the page with farm, region and category, one of the photos
    assert len(body["items"]) == 24 and all(item["image"] for item in body["items"])
    assert counter.count == 3, counter.statements


def test_detail_and_regions_run_a_fixed_number_of_statements(client, catalog, count_queries):
    with count_queries() as detail:
        get_json(client, f"/api/v1/products/{catalog.yanbian_honey.id}")
    with count_queries() as regions:
        get_json(client, "/api/v1/regions")

    assert detail.count == 3, detail.statements  # product with relations, variants, photos
    assert regions.count == 2, regions.statements  # regions, product counts
