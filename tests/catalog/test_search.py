"""Bilingual search: jieba-segmented documents in FTS5 (SQLite) and tsvector (PostgreSQL)."""
from __future__ import annotations

import os

import pytest

from shop.catalog import search, services
from shop.catalog.listing import ListingQuery, list_products
from shop.catalog.models import ProductStatus
from tests.factories import CategoryFactory, FarmFactory, ProductFactory, RegionFactory


def found(session, q: str, **filters) -> list[str]:
    page = list_products(session, ListingQuery(q=q, **filters))
    return [p.name_en for p in page.items]


@pytest.fixture
def catalog(session):
    """A small catalog of both partner regions."""
    yanbian = RegionFactory(slug="yanbian", name_zh="延边", name_en="Yanbian")
    qianxinan = RegionFactory(slug="qianxinan", name_zh="黔西南", name_en="Qianxinan")
    forest = CategoryFactory(slug="forest", name_zh="山珍", name_en="Forest goods")
    tea = CategoryFactory(slug="tea", name_zh="茶", name_en="Tea")
    antu = FarmFactory(region=yanbian, name_zh="安图县长白山合作社", name_en="Antu Changbai Co-op")
    xingyi = FarmFactory(region=qianxinan, name_zh="兴义万峰林农场", name_en="Xingyi Wanfenglin Farm")
    products = {
        "linden_honey": ProductFactory(farm=antu, name_zh="长白山椴树蜂蜜", name_en="Changbai linden honey",
                                       description_zh="延边林区的椴树花蜜。"),
        "flower_honey": ProductFactory(farm=xingyi, name_zh="布依山花蜂蜜", name_en="Buyi wildflower honey"),
        "fungus": ProductFactory(farm=antu, category=forest, name_zh="延边黑木耳", name_en="Yanbian black fungus"),
        "ginseng": ProductFactory(farm=antu, category=forest, name_zh="林下人参", name_en="Forest ginseng"),
        "matsutake": ProductFactory(farm=antu, category=forest, name_zh="野生松茸", name_en="Wild matsutake"),
        "rose": ProductFactory(farm=xingyi, name_zh="刺梨原汁", name_en="Roxburgh rose juice"),
        "black_tea": ProductFactory(farm=xingyi, category=tea, name_zh="普安红茶", name_en="Pu'an black tea",
                                    description_zh="适合配蜂蜜饮用。"),
    }
    return products


def test_two_character_words_find_their_products(session, catalog):
    assert sorted(found(session, "蜂蜜")[:2]) == ["Buyi wildflower honey", "Changbai linden honey"]
    assert found(session, "木耳") == ["Yanbian black fungus"]
    assert found(session, "刺梨") == ["Roxburgh rose juice"]
    assert found(session, "人参") == ["Forest ginseng"]


def test_honey_is_found_in_both_regions(session, catalog):
    page = list_products(session, ListingQuery(q="蜂蜜"))
    assert {p.region.slug for p in page.items} == {"yanbian", "qianxinan"}


def test_mixed_chinese_and_english_query_ands_the_terms(session, catalog):
    assert found(session, "延边 honey") == ["Changbai linden honey"]
    assert found(session, "黔西南 honey") == ["Buyi wildflower honey"]


def test_english_is_case_insensitive(session, catalog):
    assert found(session, "GINSENG") == ["Forest ginseng"]


def test_pinyin_finds_the_chinese_name(session, catalog):
    assert found(session, "songrong") == ["Wild matsutake"]
    assert found(session, "song rong") == ["Wild matsutake"]
    assert found(session, "SongRong") == ["Wild matsutake"]


def test_farm_region_and_category_names_are_searchable(session, catalog):
    assert set(found(session, "万峰林")) == {"Buyi wildflower honey", "Roxburgh rose juice", "Pu'an black tea"}
    assert found(session, "山珍 人参") == ["Forest ginseng"]


def test_partial_words_fall_back_to_a_name_substring(session, catalog):
    # Given words the index holds only whole
    # When shoppers type part of one
    # Then names containing it are found
    assert found(session, "ginsen") == ["Forest ginseng"]
    assert found(session, "atsuta") == ["Wild matsutake"]
    assert found(session, "松") == ["Wild matsutake"]  # single characters of a name are indexed


def test_any_run_of_characters_from_a_name_finds_it(session):
    # Given a name jieba cuts as 苹果 / 苹果梨 / 花蜜
    ProductFactory(name_zh="苹果梨花蜜", name_en="Apple-pear blossom honey")
    # When the query is a word that straddles that cut (梨花, pear blossom)
    # Then the name's single characters still find it
    assert found(session, "梨花") == ["Apple-pear blossom honey"]
    assert found(session, "果梨花") == ["Apple-pear blossom honey"]


def test_no_match_at_all_is_an_empty_page(session, catalog):
    page = list_products(session, ListingQuery(q="榴莲"))
    assert (page.items, page.total, page.pages) == ([], 0, 1)


def test_any_term_is_the_last_resort(session, catalog):
    # "蜂蜜 durian": no product has both, no name has the words; honey still comes up
    assert sorted(found(session, "蜂蜜 durian")) == ["Buyi wildflower honey", "Changbai linden honey",
                                                       "Pu'an black tea"]


def test_name_hits_rank_above_description_hits(session, catalog):
    # Given the black tea mentions honey only in its description
    # When searching honey
    # Then both honeys come before the tea
    assert found(session, "蜂蜜")[-1] == "Pu'an black tea"
    assert len(found(session, "蜂蜜")) == 3


def test_index_follows_a_rename(session, catalog):
    # Given the fungus is renamed and refreshed as the application does
    fungus = catalog["fungus"]
    fungus.name_zh, fungus.name_en = "汪清秋木耳", "Wangqing autumn fungus"
    services.refresh_product(session, fungus)
    # Then the old name is gone and the new one found
    assert found(session, "黑木耳") == []
    assert found(session, "heimuer") == []
    assert found(session, "汪清") == ["Wangqing autumn fungus"]
    assert found(session, "木耳") == ["Wangqing autumn fungus"]


def test_hidden_products_leave_the_index(session, catalog):
    ginseng = catalog["ginseng"]
    ginseng.status = ProductStatus.HIDDEN
    services.refresh_product(session, ginseng)
    assert found(session, "人参") == []
    assert found(session, "ginsen") == []  # the substring fallback skips hidden products too

    ginseng.status = ProductStatus.ACTIVE
    services.refresh_product(session, ginseng)
    assert found(session, "人参") == ["Forest ginseng"]


def test_deleted_products_are_not_found(session, catalog):
    session.delete(catalog["rose"])
    search.remove_product(session, catalog["rose"].id)
    session.flush()
    assert found(session, "刺梨") == []


def test_search_combines_with_filters(session, catalog):
    assert found(session, "蜂蜜", region="qianxinan") == ["Buyi wildflower honey", "Pu'an black tea"]
    # every forest product comes from Yanbian; the one with 延边 in its name ranks first
    forest_yanbian = found(session, "延边", category="forest")
    assert forest_yanbian[0] == "Yanbian black fungus"
    assert set(forest_yanbian) == {"Yanbian black fungus", "Forest ginseng", "Wild matsutake"}


@pytest.mark.parametrize("q", [
    '"', '""', "*", "蜂蜜*", "<script>alert(1)</script>", "OR", "AND", "NOT", "a OR b", "NEAR(a b)",
    "(蜂蜜", "蜂蜜)", "honey:*", "'", "\\", "%", "_", "!&|", "col:honey", "^honey", "-honey", "+",
    "{names}: honey", "蜂蜜 & 人参 | !刺梨", "\x00", "🍯",
])
def test_query_syntax_is_never_an_error(session, catalog, q):
    page = list_products(session, ListingQuery(q=q))
    # Whatever it matches, the count and the page agree (the whole catalog fits on one page) and
    # nothing outside the catalog comes back.
    assert page.total == len(page.items)
    assert {p.id for p in page.items} <= {p.id for p in catalog.values()}


def test_a_search_with_operators_still_finds_the_words(session, catalog):
    assert found(session, '"人参" OR') == ["Forest ginseng"]
    assert found(session, "<b>人参</b>") == ["Forest ginseng"]


def test_document_holds_names_pinyin_places_and_description(session, catalog):
    doc = search.document_for(catalog["fungus"])
    names = doc.names.split()
    assert {"黑木耳", "木耳", "yanbian", "black", "fungus", "heimuer", "mu", "er"} <= set(names)
    places = set(doc.places.split())
    assert {"长白山", "合作社", "延边", "yanbian", "forest", "goods", "山珍"} <= places


def test_query_terms_keep_only_letters_and_digits():
    assert search.query_terms('延边 "honey" OR (人参)*') == ["延边", "honey", "人参"]
    assert search.query_terms("<script>") == ["script"]
    assert search.query_terms("  ") == []


def test_the_segmenter_starts_quietly():
    # jieba logs its dictionary loading to stderr by default; a server's log must not fill with it
    import subprocess
    import sys

    code = "from shop.catalog import search; assert search.query_terms('延边松茸') == ['延边', '松茸']"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=os.path.dirname(os.path.dirname(os.path.dirname(search.__file__))))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_jieba_cache_stays_out_of_the_package(app):
    with app.app_context():
        tk = search.tokenizer()
    package_dir = os.path.dirname(search.__file__)
    assert not os.path.abspath(tk.tmp_dir).startswith(os.path.abspath(package_dir))
    assert not [f for f in os.listdir(package_dir) if f.endswith(".cache")]


def test_rebuild_index_reindexes_everything(session, catalog):
    assert search.rebuild_index(session) == len(catalog)
    assert sorted(found(session, "蜂蜜")[:2]) == ["Buyi wildflower honey", "Changbai linden honey"]


def test_search_rebuild_command_reindexes_after_a_farm_rename(app):
    # Given a product indexed under its farm's old name
    from shop import db
    from shop.catalog.listing import ListingQuery, list_products
    from tests.factories import ProductFactory

    with app.app_context():
        product = ProductFactory(name_zh="长白山椴树蜜", name_en="Linden Honey")
        product.farm.name_zh, product.farm.name_en = "松花江养蜂社", "Songhua Apiary"
        db.session().commit()
    # When the index is rebuilt from the command line
    result = app.test_cli_runner().invoke(args=["search", "rebuild"])
    # Then the product is found by the farm's new name
    assert result.exit_code == 0 and "indexed 1 products" in result.output
    with app.app_context():
        page = list_products(db.session(), ListingQuery.from_args({"q": "松花江"}))
        assert [p.id for p in page.items] == [product.id]


def test_pinyin_covers_the_words_inside_a_longer_word(session):
    # Given a name jieba cuts as one dictionary word, 鲜松茸 (fresh matsutake)
    ProductFactory(name_zh="长白山鲜松茸", name_en="Fresh Changbai matsutake")
    # When searching the pinyin of the word inside it
    # Then the product is found
    assert found(session, "songrong") == ["Fresh Changbai matsutake"]
    assert found(session, "xiansongrong") == ["Fresh Changbai matsutake"]


def test_a_substring_needs_three_characters(session, catalog):
    # "atsuta" is part of no indexed word but of a name; two letters are too few to look for
    assert found(session, "atsuta") == ["Wild matsutake"]
    assert found(session, "at") == []


# --- ranking without reading every match ----------------------------------------------------------

@pytest.fixture
def honey_catalog(session):
    """20 products: honey in the name of 6, only in the description of 6, only in the category of
    3, nowhere in 5; some featured; all created at different times, with different prices, in two
    regions."""
    import datetime as dt
    import random

    from shop.db import utcnow

    rng = random.Random(7)
    yanbian = RegionFactory(slug="yanbian", name_zh="延边", name_en="Yanbian")
    qianxinan = RegionFactory(slug="qianxinan", name_zh="黔西南", name_en="Qianxinan")
    farms = [FarmFactory(region=yanbian), FarmFactory(region=qianxinan)]
    honey = CategoryFactory(slug="honey", name_zh="蜂蜜", name_en="Honey")
    minutes = rng.sample(range(1000), 20)
    prices = rng.sample(range(1000, 9000), 20)
    now = utcnow()
    specs = ([dict(name_zh=f"椴树蜂蜜{i}号", name_en=f"Linden honey no. {i}") for i in range(6)]
             + [dict(name_zh=f"红茶{i}号", name_en=f"Black tea no. {i}", description_zh="适合配蜂蜜饮用。",
                     description_en="Good with honey.") for i in range(6)]
             + [dict(name_zh=f"椴树蜜{i}号", name_en=f"Linden nectar no. {i}", category=honey) for i in range(3)]
             + [dict(name_zh=f"松茸{i}号", name_en=f"Matsutake no. {i}") for i in range(5)])
    rng.shuffle(specs)
    products = []
    for k, spec in enumerate(specs):
        products.append(ProductFactory(farm=farms[k % 2], featured=k % 5 == 0,
                                       created_at=now - dt.timedelta(minutes=minutes[k]),
                                       variants=[{"price_fen": prices[k]}], **spec))
    return products


def _expected(products, sort, region=None):
    def text(*parts):
        return " ".join(part or "" for part in parts).lower()

    matching = [p for p in products if "honey" in text(p.name_en, p.description_en, p.category.name_en)
                and (region is None or p.region.slug == region)]
    newest = lambda p: (p.created_at, p.id)  # noqa: E731
    if sort == "relevance":
        # name hits (the category's name counts) first
        matching.sort(key=lambda p: ("honey" in text(p.name_en, p.category.name_en), p.featured, *newest(p)),
                      reverse=True)
    elif sort == "newest":
        matching.sort(key=newest, reverse=True)
    elif sort == "price":
        matching.sort(key=lambda p: (p.price_from_fen, p.id))
    elif sort == "price_desc":
        matching.sort(key=lambda p: (p.price_from_fen, p.id), reverse=True)
    return [p.id for p in matching]


@pytest.mark.parametrize("walk_factor", [1, 2, 5, 40])
@pytest.mark.parametrize("sort", ["relevance", "newest", "price", "price_desc"])
@pytest.mark.parametrize("region", [None, "qianxinan"])
def test_every_page_is_in_order_however_the_matches_are_read(session, honey_catalog, monkeypatch,
                                                           walk_factor, sort, region):
    # Given walks of different lengths: from one row per row needed (the walk rarely finds enough,
    # and every match or every name hit is read) to many (the walk finds the page by itself)
    monkeypatch.setattr(search, "WALK_FACTOR", walk_factor)
    expected = _expected(honey_catalog, sort, region)
    session.expunge_all()
    # When every page is listed, in Chinese and in English
    for q in ("蜂蜜", "honey"):
        pages = [list_products(session, ListingQuery(q=q, sort=sort, region=region, per_page=2, page=n))
                 for n in range(1, 10)]
        # Then the pages follow each other in the order of the sort: name hits first for relevance
        assert [p.id for page in pages for p in page.items] == expected, q
        assert {page.total for page in pages} == {len(expected)}


def test_deep_pages_read_every_match(session, honey_catalog, monkeypatch):
    # Given a walk that would be longer than the limit (a deep page)
    monkeypatch.setattr(search, "WALK_LIMIT", 3)
    expected = _expected(honey_catalog, "relevance")
    session.expunge_all()
    pages = [list_products(session, ListingQuery(q="honey", per_page=2, page=n)) for n in range(1, 10)]
    assert [p.id for page in pages for p in page.items] == expected


def test_a_large_total_is_counted_only_so_far(session, honey_catalog, monkeypatch):
    from shop.catalog import listing

    # Given a count that stops four products past the page's first one
    monkeypatch.setattr(listing, "COUNT_AHEAD", 4)
    # When the first page of 15 matches is listed
    first = list_products(session, ListingQuery(q="honey", per_page=2))
    # Then the total says "4 or more" and the pages go on as far as that
    assert (first.total, first.total_is_lower_bound, first.pages, first.has_next) == (4, True, 2, True)
    # and further pages count further, until the end is in sight
    third = list_products(session, ListingQuery(q="honey", per_page=2, page=3))
    assert (third.total, third.total_is_lower_bound, third.pages) == (8, True, 4)
    seventh = list_products(session, ListingQuery(q="honey", per_page=2, page=7))
    assert (seventh.total, seventh.total_is_lower_bound, seventh.pages, seventh.has_next) == (15, False, 8, True)
    # A plain listing counts the same way
    everything = list_products(session, ListingQuery(per_page=2))
    assert (everything.total, everything.total_is_lower_bound) == (4, True)
    last = list_products(session, ListingQuery(per_page=2, page=9))
    assert (last.total, last.total_is_lower_bound, last.pages) == (20, False, 10)


def test_the_listing_page_and_the_api_say_when_more_match_than_counted(session, client, monkeypatch):
    from shop.catalog import listing

    # Given four honeys and a count that stops two products past the page's first one
    monkeypatch.setattr(listing, "COUNT_AHEAD", 2)
    for i in range(4):
        ProductFactory(name_zh=f"蜂蜜{i}号", name_en=f"Honey no. {i}")
    session.commit()
    # When shoppers and the API search for honey
    # Then both say there are more than two
    assert "找到超过 2 件商品" in client.get("/products?q=蜂蜜").get_data(as_text=True)
    assert "More than 2 products found" in client.get("/products?q=honey&lang=en").get_data(as_text=True)
    body = client.get("/api/v1/products?q=honey&per_page=1").get_json()
    assert (body["total"], body["total_is_lower_bound"], body["pages"]) == (2, True, 2)
    # and say exactly how many once the count reaches the end
    last = client.get("/api/v1/products?q=honey&per_page=1&page=3").get_json()
    assert (last["total"], last["total_is_lower_bound"], last["pages"]) == (4, False, 4)


def test_the_category_counts_as_part_of_the_name(session):
    # Given a honey whose name says only 蜜, and a featured juice that mentions honey in passing
    honey = CategoryFactory(slug="honey", name_zh="蜂蜜", name_en="Honey")
    drinks = CategoryFactory(slug="drinks", name_zh="饮品", name_en="Drinks")
    ProductFactory(category=honey, name_zh="长白山椴树蜜", name_en="Changbai linden nectar")
    ProductFactory(category=drinks, featured=True, name_zh="刺梨原汁", name_en="Roxburgh rose juice",
                   description_zh="可兑蜂蜜饮用。")
    # When searching 蜂蜜
    # Then the honey comes first
    assert found(session, "蜂蜜") == ["Changbai linden nectar", "Roxburgh rose juice"]
