"""The shoppers' catalog pages: home, pavilions, farms, listing, product page, errors and media.

Rows are created in their own app context and committed (``given``), so every request runs with a
fresh session and a fresh ``g``, exactly as in production, and statement counts are honest.
"""
from __future__ import annotations

import html
import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from shop import db
from shop.catalog.listing import ListingQuery, list_products
from shop.catalog.models import Certification, FarmKind, ProductPhoto, ProductStatus, Storage
from tests.factories import CategoryFactory, FarmFactory, ProductFactory, RegionFactory


@contextmanager
def given(app):
    """An app context for the given-steps; its rows are committed when the block ends."""
    with app.app_context():
        session = db.session()
        yield session
        session.commit()


def text_of(resp) -> str:
    """The response body with tags removed and entities decoded, whitespace collapsed."""
    body = resp.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def hrefs(resp) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]*)"', resp.get_data(as_text=True))]


def two_pavilions():
    yanbian = RegionFactory(slug="yanbian", name_zh="延边", name_en="Yanbian", position=1,
                            province_zh="吉林省", province_en="Jilin",
                            tagline_zh="长白山下的人参与松茸", tagline_en="Ginseng and matsutake from Changbai",
                            story_zh="延边位于吉林省东部。\n\n林下出产人参。", story_en="Yanbian lies in eastern Jilin.",
                            partner_city_zh="宁波", partner_city_en="Ningbo")
    qianxinan = RegionFactory(slug="qianxinan", name_zh="黔西南", name_en="Qianxinan", position=2,
                              tagline_zh="喀斯特山间的茶香", tagline_en="Tea from the karst hills",
                              partner_city_zh="宁波", partner_city_en="Ningbo")
    return yanbian, qianxinan


def with_photos(session, product, n: int = 2) -> None:
    session.add_all([ProductPhoto(product=product, path=f"p/{product.id}-{k}.jpg", width=600, height=600,
                                  alt_zh=product.name_zh, alt_en=product.name_en, position=k)
                     for k in range(n)])
    session.flush()


@pytest.fixture
def honey_catalog(app):
    """Honey from a Yanbian apiary and a Qianxinan farm, plus matsutake; categories honey and fungi."""
    with given(app) as s:
        yanbian, qianxinan = two_pavilions()
        honey = CategoryFactory(slug="honey", name_zh="蜂蜜", name_en="Honey")
        fungi = CategoryFactory(slug="fungi", name_zh="山珍菌菇", name_en="Mushrooms")
        apiary = FarmFactory(region=yanbian, name_zh="敦化蜂业", name_en="Dunhua Apiary",
                             kind=FarmKind.ENTERPRISE, county_zh="敦化市", county_en="Dunhua")
        tea_farm = FarmFactory(region=qianxinan, name_zh="普安红茶农场", name_en="Pu'an Tea Farm")
        linden = ProductFactory(farm=apiary, category=honey, name_zh="长白山椴树蜂蜜", name_en="Changbai linden honey",
                                featured=True, variants=[{"price_fen": 9800, "stock": 40}])
        wild = ProductFactory(farm=tea_farm, category=honey, name_zh="黔西南野生蜂蜜", name_en="Qianxinan wild honey",
                              featured=True, variants=[{"price_fen": 6800, "stock": 30}])
        matsutake = ProductFactory(farm=apiary, category=fungi, name_zh="鲜松茸", name_en="Fresh matsutake",
                                   variants=[{"price_fen": 16800, "stock": 5}])
        with_photos(s, linden)
        ids = {"linden": linden.id, "wild": wild.id, "matsutake": matsutake.id, "apiary": apiary.id}
    return ids


# --- home ---------------------------------------------------------------------------------------

def test_home_shows_both_pavilions_featured_products_categories_and_a_search_box(client, honey_catalog):
    # When a shopper opens the store
    resp = client.get("/")
    # Then both pavilions are there with their taglines and links, in Chinese by default
    assert resp.status_code == 200
    page = text_of(resp)
    assert "延边馆" in page and "黔西南馆" in page
    assert "长白山下的人参与松茸" in page and "喀斯特山间的茶香" in page
    assert {"/regions/yanbian", "/regions/qianxinan"} <= set(hrefs(resp))
    # And the featured products with their farm, region and price in yuan
    assert "长白山椴树蜂蜜" in page and "黔西南野生蜂蜜" in page
    assert "敦化蜂业" in page
    assert "¥98.00 起" in page and "¥68.00 起" in page
    assert "鲜松茸" not in page  # not featured
    # And the categories and a search form
    assert "/products?category=honey" in hrefs(resp)
    assert 'action="/products"' in resp.get_data(as_text=True) and 'name="q"' in resp.get_data(as_text=True)
    assert '<html lang="zh-CN">' in resp.get_data(as_text=True)


def test_english_by_lang_parameter_is_remembered_for_the_session(client, honey_catalog):
    # When the shopper switches to English
    resp = client.get("/?lang=en")
    # Then the page is in English, with prices formatted for English
    assert '<html lang="en">' in resp.get_data(as_text=True)
    page = text_of(resp)
    assert "Yanbian Pavilion" in page and "Qianxinan Pavilion" in page
    assert "Changbai linden honey" in page and "from CN¥98.00" in page
    # And the next page without ?lang= stays English
    assert "Fresh matsutake" in text_of(client.get(f"/products/{honey_catalog['matsutake']}"))
    # Until they switch back
    assert "延边馆" in text_of(client.get("/?lang=zh"))
    assert "延边馆" in text_of(client.get("/"))


def test_accept_language_english_is_honoured(client, honey_catalog):
    resp = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "Yanbian Pavilion" in text_of(resp)
    resp = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert "延边馆" in text_of(resp)


def test_language_switch_keeps_the_path_and_query(client, honey_catalog):
    resp = client.get("/products?q=蜂蜜&region=yanbian&lang=zh")
    switch = [h for h in hrefs(resp) if "lang=en" in h]
    assert len(switch) == 1
    parts = urlsplit(switch[0])
    assert parts.path == "/products"
    assert parse_qs(parts.query) == {"q": ["蜂蜜"], "region": ["yanbian"], "lang": ["en"]}


def test_header_shows_cart_count_and_links_to_the_cart(client, honey_catalog):
    resp = client.get("/")
    body = resp.get_data(as_text=True)
    assert "/cart" in hrefs(resp)
    assert re.search(r'class="cart-count[^"]*"[^>]*>0<', body)


# --- region and farm pages ----------------------------------------------------------------------

def test_region_page_shows_story_partner_city_farms_and_products(app, client):
    with given(app):
        yanbian, qianxinan = two_pavilions()
        coop = FarmFactory(region=yanbian, name_zh="安图松茸合作社", name_en="Antu Co-op",
                           kind=FarmKind.COOPERATIVE, county_zh="安图县", verified=True)
        FarmFactory(region=qianxinan, name_zh="普安茶园", name_en="Pu'an Tea Garden")
        for i in range(14):
            ProductFactory(farm=coop, name_zh=f"松茸{i}", name_en=f"Matsutake {i}")
        hidden = ProductFactory(farm=coop, name_zh="下架松茸", status=ProductStatus.HIDDEN)
        hidden_id = hidden.id
    resp = client.get("/regions/yanbian")
    assert resp.status_code == 200
    page = text_of(resp)
    assert "延边馆" in page and "吉林省" in page
    assert "延边位于吉林省东部。" in page and "林下出产人参。" in page
    assert "宁波" in page
    assert "安图松茸合作社" in page and "合作社" in page and "认证农场" in page
    assert "普安茶园" not in page  # another region's farm
    # 12 of the 14 products, with a link to the listing of all of them
    assert sum(1 for h in hrefs(resp) if re.fullmatch(r"/products/\d+", h)) == 12
    assert "查看全部 14 件商品" in page
    assert "/products?region=yanbian" in hrefs(resp)
    assert f"/products/{hidden_id}" not in hrefs(resp)


def test_farm_page_shows_profile_and_products(app, client):
    with given(app):
        yanbian, _ = two_pavilions()
        farm = FarmFactory(region=yanbian, name_zh="安图松茸合作社", name_en="Antu Matsutake Co-operative",
                           kind=FarmKind.COOPERATIVE, county_zh="安图县", county_en="Antu County",
                           village_zh="二道白河镇", village_en="Erdaobaihe", verified=True,
                           story_zh="三十二户林下采集户。", story_en="Thirty-two forest households.")
        ProductFactory(farm=farm, name_zh="鲜松茸", name_en="Fresh matsutake", variants=[{"price_fen": 16800}])
        ProductFactory(farm=farm, name_zh="下架木耳", status=ProductStatus.HIDDEN)
        ProductFactory(name_zh="别家的蜂蜜")
        farm_id = farm.id
    page = text_of(client.get(f"/farms/{farm_id}"))
    assert "安图松茸合作社" in page and "合作社" in page and "认证农场" in page
    assert "安图县" in page and "二道白河镇" in page and "三十二户林下采集户。" in page
    assert "鲜松茸" in page and "¥168.00 起" in page
    assert "下架木耳" not in page and "别家的蜂蜜" not in page
    english = text_of(client.get(f"/farms/{farm_id}?lang=en"))
    assert "Antu Matsutake Co-operative" in english and "Co-operative" in english
    assert "Antu County" in english and "Verified farm" in english


def test_unverified_farm_has_no_badge(app, client):
    with given(app):
        farm = FarmFactory(verified=False, kind=FarmKind.HOUSEHOLD)
        farm_id = farm.id
    page = text_of(client.get(f"/farms/{farm_id}"))
    assert "农户" in page and "认证农场" not in page


# --- listing ------------------------------------------------------------------------------------

def test_search_for_honey_lists_honey_from_both_regions(client, honey_catalog):
    resp = client.get("/products?q=蜂蜜")
    assert resp.status_code == 200
    page = text_of(resp)
    assert "长白山椴树蜂蜜" in page and "黔西南野生蜂蜜" in page
    assert "延边" in page and "黔西南" in page
    assert "鲜松茸" not in page
    assert "共找到 2 件商品" in page
    assert "“蜂蜜”的搜索结果" in page
    assert 'value="蜂蜜"' in resp.get_data(as_text=True)  # the search box keeps the query


def test_listing_filters_by_region_category_and_farm(client, honey_catalog):
    page = text_of(client.get("/products?region=qianxinan"))
    assert "黔西南野生蜂蜜" in page and "长白山椴树蜂蜜" not in page
    page = text_of(client.get("/products?category=fungi"))
    assert "鲜松茸" in page and "长白山椴树蜂蜜" not in page and "黔西南野生蜂蜜" not in page
    page = text_of(client.get(f"/products?farm={honey_catalog['apiary']}&sort=price"))
    assert page.index("长白山椴树蜂蜜") < page.index("鲜松茸")  # cheapest first
    assert "黔西南野生蜂蜜" not in page


def test_listing_sorts_by_price_descending(client, honey_catalog):
    page = text_of(client.get("/products?sort=price_desc"))
    assert page.index("鲜松茸") < page.index("长白山椴树蜂蜜") < page.index("黔西南野生蜂蜜")


def test_listing_paginates_24_per_page_and_links_keep_the_filters(app, client):
    with given(app):
        yanbian, _ = two_pavilions()
        farm = FarmFactory(region=yanbian)
        for i in range(30):
            ProductFactory(farm=farm, name_zh=f"长白山蜂蜜{i:02d}", name_en=f"Honey {i:02d}")
    resp = client.get("/products?region=yanbian&sort=price")
    product_links = [h for h in hrefs(resp) if re.fullmatch(r"/products/\d+", h)]
    assert len(product_links) == 24
    assert "共找到 30 件商品" in text_of(resp)
    next_links = [h for h in hrefs(resp) if "page=2" in h]
    assert next_links
    assert parse_qs(urlsplit(next_links[0]).query) == {"region": ["yanbian"], "sort": ["price"], "page": ["2"]}
    second = client.get(next_links[0])
    assert len([h for h in hrefs(second) if re.fullmatch(r"/products/\d+", h)]) == 6
    # a page past the end says so rather than failing
    past = client.get("/products?region=yanbian&page=9")
    assert past.status_code == 200 and "没有第 9 页" in text_of(past)


def test_empty_results_say_so(client, honey_catalog):
    page = text_of(client.get("/products?q=榴莲"))
    assert "共找到 0 件商品" in page and "没有与“榴莲”相符的商品。" in page


# --- product page -------------------------------------------------------------------------------

@pytest.fixture
def matsutake(app):
    with given(app) as s:
        yanbian, _ = two_pavilions()
        farm = FarmFactory(region=yanbian, name_zh="安图松茸合作社", name_en="Antu Co-op", verified=True)
        fungi = CategoryFactory(slug="fungi", name_zh="山珍菌菇", name_en="Mushrooms")
        product = ProductFactory(
            farm=farm, category=fungi, name_zh="鲜松茸", name_en="Fresh matsutake",
            description_zh="清晨采摘。\n当日冷链发出。", description_en="Picked at dawn.",
            origin_zh="吉林省安图县", origin_en="Antu County, Jilin",
            certifications=[Certification.GEOGRAPHICAL_INDICATION.value, Certification.ORGANIC.value],
            harvest_season_zh="8月–10月", harvest_season_en="August to October", storage=Storage.CHILLED,
            variants=[
                {"label_zh": "250克 特级", "label_en": "250 g premium", "weight_g": 250, "price_fen": 16800, "stock": 3},
                {"label_zh": "500克 一级", "label_en": "500 g grade one", "weight_g": 500, "price_fen": 26800, "stock": 20},
                {"label_zh": "1千克 家庭装", "label_en": "1 kg family pack", "weight_g": 1000, "price_fen": 49800, "stock": 0},
            ])
        with_photos(s, product, 2)
        ProductFactory(farm=farm, name_zh="黑木耳", name_en="Black fungus")
        ids = {"product": product.id, "farm": farm.id,
               "variants": [v.id for v in product.variants]}
    return ids


def test_product_page_shows_variants_prices_stock_and_facts(client, matsutake):
    resp = client.get(f"/products/{matsutake['product']}")
    assert resp.status_code == 200
    page = text_of(resp)
    assert "鲜松茸" in page
    for label, price in [("250克 特级", "¥168.00"), ("500克 一级", "¥268.00"), ("1千克 家庭装", "¥498.00")]:
        assert label in page and price in page
    assert "仅剩 3 件" in page and "有货" in page and "已售罄" in page
    assert "净重 250克" in page and "净重 1千克" in page
    assert "地理标志" in page and "有机" in page
    assert "冷藏" in page and "8月–10月" in page and "吉林省安图县" in page
    assert "清晨采摘。" in page and "当日冷链发出。" in page
    assert "安图松茸合作社" in page and "认证农场" in page
    assert f"/farms/{matsutake['farm']}" in hrefs(resp)
    assert "/regions/yanbian" in hrefs(resp)
    assert "黑木耳" in page  # more from the same farm
    assert '/media/p/' in resp.get_data(as_text=True)


def test_product_page_in_english(client, matsutake):
    page = text_of(client.get(f"/products/{matsutake['product']}?lang=en"))
    assert "Fresh matsutake" in page and "250 g premium" in page and "CN¥168.00" in page
    assert "Only 3 left" in page and "In stock" in page and "Sold out" in page
    assert "Geographical indication" in page and "Organic" in page and "Chilled" in page
    assert "Net weight 1 kg" in page and "August to October" in page


def test_add_to_cart_form_follows_the_cart_contract(client, matsutake):
    body = client.get(f"/products/{matsutake['product']}").get_data(as_text=True)
    form = re.search(r'<form class="add-to-cart" action="([^"]+)" method="post">(.*?)</form>', body, re.S)
    assert form and form.group(1) == "/cart/add"
    fields = form.group(2)
    assert re.search(r'name="csrf_token" value="[^"]+"', fields)
    assert f'name="next" value="/products/{matsutake["product"]}"' in fields
    assert re.search(r'type="number" name="quantity" value="1" min="1"', fields)
    radios = re.findall(r'<input type="radio" name="variant_id" value="(\d+)"([^>]*)>', fields)
    assert [int(v) for v, _ in radios] == matsutake["variants"]
    in_stock, plenty, sold_out = (attrs for _, attrs in radios)
    assert "checked" in in_stock and "disabled" not in in_stock
    assert "disabled" not in plenty
    assert "disabled" in sold_out


def test_product_with_every_variant_sold_out_cannot_be_added(app, client):
    with given(app):
        product = ProductFactory(variants=[{"stock": 0}, {"stock": 0}])
        product_id = product.id
    body = client.get(f"/products/{product_id}").get_data(as_text=True)
    assert re.search(r'<button[^>]*type="submit" disabled>已售罄</button>', body)


def test_hidden_product_is_not_found(app, client):
    with given(app):
        product = ProductFactory(status=ProductStatus.HIDDEN)
        product_id = product.id
    assert client.get(f"/products/{product_id}").status_code == 404


# --- errors and hostile input -------------------------------------------------------------------

@pytest.mark.parametrize("path, message", [
    ("/products/999999", "没有找到这件商品"),
    ("/farms/999999", "没有找到这家农场"),
    ("/regions/atlantis", "没有找到这个地区"),
    ("/products?region=atlantis", None),
    ("/no-such-page", None),
])
def test_unknown_things_are_a_bilingual_404(client, path, message):
    resp = client.get(path)
    assert resp.status_code == 404
    page = text_of(resp)
    assert "页面不存在" in page and "Page not found" in page
    if message:
        assert message in page
    english = text_of(client.get(path + ("&" if "?" in path else "?") + "lang=en"))
    assert "Page not found" in english and "页面不存在" in english


@pytest.mark.parametrize("query", ["page=abc", "page=-1", "page=0", "sort=cheapest", "farm=abc"])
def test_bad_listing_parameters_are_a_400(client, query):
    resp = client.get(f"/products?{query}")
    assert resp.status_code == 400
    page = text_of(resp)
    assert "请求有误" in page and "Bad request" in page


@pytest.mark.parametrize("path", ["/products?q=", "/?junk=", "/products/1?x="])
def test_a_10kb_query_string_is_a_400_not_a_500(client, path):
    resp = client.get(path + "蜂" * 3400)  # ~10 KB once percent-encoded
    assert resp.status_code == 400
    assert "蜂蜂蜂" not in resp.get_data(as_text=True)


def test_script_in_the_query_is_escaped(client, honey_catalog):
    resp = client.get("/products", query_string={"q": '<script>alert("x")</script>'})
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "<script>" not in body
    assert "&lt;script&gt;" in body


def test_a_failing_database_gives_the_bilingual_500_page(tmp_path):
    # Given an app whose database cannot be opened
    from shop import create_app

    broken = create_app({"TESTING": False, "SECRET_KEY": "test",
                         "DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/shop.db"})
    # When a page needs it
    resp = broken.test_client().get("/products/1")
    # Then the shopper sees the error page in both languages, not a traceback
    assert resp.status_code == 500
    page = text_of(resp)
    assert "服务器出了点问题" in page and "Something went wrong on our side" in page
    assert "Traceback" not in page and "OperationalError" not in page
    db.get_db(broken).engine.dispose()


# --- media --------------------------------------------------------------------------------------

def test_media_files_are_served_with_long_cache_headers(app, client):
    media = Path(app.config["MEDIA_DIR"])
    (media / "p").mkdir(parents=True, exist_ok=True)
    (media / "p" / "honey.jpg").write_bytes(b"\xff\xd8\xff\xe0 jpeg bytes")
    resp = client.get("/media/p/honey.jpg")
    assert resp.status_code == 200
    assert resp.data == b"\xff\xd8\xff\xe0 jpeg bytes"
    assert resp.mimetype == "image/jpeg"
    assert resp.cache_control.max_age == 365 * 24 * 3600 and resp.cache_control.public


@pytest.mark.parametrize("path", [
    "/media/../secret.txt", "/media/..%2fsecret.txt", "/media/%2e%2e/secret.txt",
    "/media/p/../../secret.txt", "/media//etc/passwd", "/media/%2fetc%2fpasswd", "/media/p/missing.jpg",
])
def test_media_refuses_paths_outside_the_media_folder(app, client, path):
    media = Path(app.config["MEDIA_DIR"])
    (media.parent / "secret.txt").write_text("TOP-SECRET-3141")
    resp = client.get(path, follow_redirects=True)  # "//" is first merged into "/" by a redirect
    assert resp.status_code == 404
    assert b"TOP-SECRET-3141" not in resp.data and b"root:" not in resp.data


# --- statement counts ---------------------------------------------------------------------------

@pytest.fixture
def busy_catalog(app):
    """Two pavilions, four farms, 30 products with two photos and two variants each, all featured."""
    with given(app) as s:
        yanbian, qianxinan = two_pavilions()
        categories = [CategoryFactory(slug=slug) for slug in ("honey", "tea", "rice")]
        farms = [FarmFactory(region=region) for region in (yanbian, yanbian, qianxinan, qianxinan)]
        products = []
        for i in range(30):
            p = ProductFactory(farm=farms[i % 4], category=categories[i % 3], featured=True,
                               name_zh=f"蜂蜜{i}", name_en=f"Honey {i}",
                               variants=[{"price_fen": 1000 + i, "stock": 3}, {"price_fen": 2000 + i, "stock": 0}])
            with_photos(s, p)
            products.append(p)
        ids = {"product": products[0].id, "farm": farms[0].id}
    return ids


@pytest.mark.parametrize("path, statements", [
    # regions, product count per region, featured products, their photos, categories
    ("/", 5),
    # product (farm/region/category joined), variants, photos, more from the farm, their photos, nav
    ("/products/{product}", 6),
    # region, farms, products sample, their photos, product total, nav
    ("/regions/yanbian", 6),
    # farm (region joined), products, their photos, nav
    ("/farms/{farm}", 4),
])
def test_each_page_runs_a_fixed_number_of_statements(client, count_queries, busy_catalog, path, statements):
    url = path.format(**busy_catalog)
    with count_queries() as counter:
        resp = client.get(url)
    assert resp.status_code == 200
    assert counter.count == statements, "\n".join(counter.statements)


@pytest.mark.parametrize("args", [
    {}, {"q": "蜂蜜", "page": "2"}, {"region": "yanbian", "sort": "price"}, {"category": "tea", "sort": "newest"},
])
def test_the_listing_page_adds_two_statements_to_the_listing_itself(app, client, count_queries, busy_catalog,
                                                                    args):
    # Given what list_products alone costs for these arguments (its own tests pin that number)
    with app.app_context(), count_queries() as listing:
        page = list_products(db.session(), ListingQuery.from_args(args))
    assert page.items and listing.count <= 4
    # When the page is rendered
    with count_queries() as counter:
        resp = client.get("/products", query_string=args)
    # Then only the regions and categories for the filter form are added, however many cards show
    assert resp.status_code == 200
    assert counter.count == listing.count + 2, "\n".join(counter.statements)
