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
    assert page.total >= 0


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
