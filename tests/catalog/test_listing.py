"""The product listing: argument validation, filters, sorting, pagination and statement count."""
from __future__ import annotations

import datetime as dt

import pytest

from shop.catalog.listing import ListingQuery, list_products
from shop.catalog.models import ProductPhoto, ProductStatus
from shop.db import utcnow
from shop.errors import DomainError, NotFound
from tests.factories import CategoryFactory, FarmFactory, ProductFactory, RegionFactory


# --- ListingQuery.from_args ---------------------------------------------------------------------

def test_defaults_from_empty_args():
    query = ListingQuery.from_args({})
    assert query == ListingQuery(q="", region=None, category=None, farm=None, sort=None, page=1, per_page=24)
    assert query.effective_sort == "featured"


def test_empty_values_count_as_absent():
    query = ListingQuery.from_args({"q": "  ", "region": "", "category": "", "farm": "", "sort": "",
                                    "page": "", "per_page": ""})
    assert query == ListingQuery()


def test_args_are_parsed_and_query_whitespace_collapsed():
    query = ListingQuery.from_args({"q": "  延边   honey ", "region": "yanbian", "category": "honey",
                                    "farm": "7", "sort": "price_desc", "page": "3", "per_page": "10"})
    assert query == ListingQuery(q="延边 honey", region="yanbian", category="honey", farm=7,
                                 sort="price_desc", page=3, per_page=10)


@pytest.mark.parametrize("args", [
    {"page": "abc"}, {"page": "-1"}, {"page": "0"}, {"page": "1.5"}, {"page": "１e3"},
    {"per_page": "abc"}, {"per_page": "0"}, {"per_page": "-5"},
    {"farm": "abc"}, {"farm": "0"},
    {"sort": "cheapest"}, {"sort": "price; DROP TABLE product"},
])
def test_bad_arguments_are_a_400(args):
    with pytest.raises(DomainError) as err:
        ListingQuery.from_args(args)
    assert err.value.status == 400
    assert err.value.code == "invalid_parameter"


@pytest.mark.parametrize("args", [{"page": "100001"}, {"page": "1" * 30}, {"page": "9" * 5000}])
def test_absurd_page_numbers_are_a_400(args):
    with pytest.raises(DomainError) as err:
        ListingQuery.from_args(args)
    assert (err.value.status, err.value.code) == (400, "invalid_parameter")


@pytest.mark.parametrize("name", ["q", "region", "category", "farm", "sort", "page", "per_page"])
def test_nul_characters_are_a_400(name):
    with pytest.raises(DomainError) as err:
        ListingQuery.from_args({name: "1\x00"})
    assert (err.value.status, err.value.code) == (400, "invalid_parameter")


def test_leading_zeros_are_just_zeros():
    assert ListingQuery.from_args({"page": "007", "farm": "0042"}) == ListingQuery(page=7, farm=42)


def test_huge_per_page_is_clamped():
    assert ListingQuery.from_args({"per_page": "100000"}).per_page == 100
    assert ListingQuery.from_args({"per_page": "9" * 5000}).per_page == 100
    assert ListingQuery.from_args({"per_page": "100000"}, max_per_page=50).per_page == 50
    assert ListingQuery.from_args({}, default_per_page=12).per_page == 12


def test_a_10kb_query_is_refused():
    with pytest.raises(DomainError) as err:
        ListingQuery.from_args({"q": "蜂" * 10_000})
    assert (err.value.status, err.value.code) == (400, "query_too_long")
    assert err.value.params == {"limit": 100}
    assert ListingQuery.from_args({"q": "蜂" * 100}).q == "蜂" * 100


def test_relevance_is_the_default_with_a_query_only():
    assert ListingQuery(q="蜂蜜").effective_sort == "relevance"
    assert ListingQuery(sort="relevance").effective_sort == "featured"
    assert ListingQuery(q="蜂蜜", sort="price").effective_sort == "price"


def test_to_args_keeps_what_differs_from_the_defaults():
    query = ListingQuery(q="蜂蜜", region="yanbian", page=2)
    assert query.to_args() == {"q": "蜂蜜", "region": "yanbian", "page": 2}
    assert query.to_args(page=1) == {"q": "蜂蜜", "region": "yanbian"}


# --- list_products ------------------------------------------------------------------------------

@pytest.fixture
def two_regions(session):
    yanbian = RegionFactory(slug="yanbian", name_zh="延边", name_en="Yanbian")
    qianxinan = RegionFactory(slug="qianxinan", name_zh="黔西南", name_en="Qianxinan")
    return yanbian, qianxinan


def test_only_active_products_are_listed(session):
    shown = ProductFactory()
    ProductFactory(status=ProductStatus.HIDDEN)
    page = list_products(session, ListingQuery())
    assert [p.id for p in page.items] == [shown.id]
    assert page.total == 1


def test_filters_by_region_category_and_farm(session, two_regions):
    yanbian, qianxinan = two_regions
    honey = CategoryFactory(slug="honey")
    yb_farm = FarmFactory(region=yanbian)
    a = ProductFactory(farm=yb_farm, category=honey)
    b = ProductFactory(farm=yb_farm)
    c = ProductFactory(farm=FarmFactory(region=qianxinan), category=honey)

    def ids(**kw):
        return {p.id for p in list_products(session, ListingQuery(**kw)).items}

    assert ids(region="yanbian") == {a.id, b.id}
    assert ids(category="honey") == {a.id, c.id}
    assert ids(region="yanbian", category="honey") == {a.id}
    assert ids(farm=yb_farm.id) == {a.id, b.id}
    assert ids(farm=yb_farm.id, region="qianxinan") == set()


def test_search_with_filters(session, two_regions):
    yanbian, qianxinan = two_regions
    yb = ProductFactory(farm=FarmFactory(region=yanbian), name_zh="椴树蜂蜜", name_en="Linden honey")
    ProductFactory(farm=FarmFactory(region=qianxinan), name_zh="山花蜂蜜", name_en="Wildflower honey")
    page = list_products(session, ListingQuery(q="蜂蜜", region="yanbian"))
    assert [p.id for p in page.items] == [yb.id]
    assert page.total == 1


@pytest.mark.parametrize("query, code", [
    (ListingQuery(region="atlantis"), "unknown_region"),
    (ListingQuery(category="spaceships"), "unknown_category"),
    (ListingQuery(farm=999_999), "unknown_farm"),
    (ListingQuery(farm=2**31), "unknown_farm"),  # past the id column: never sent to the database
    (ListingQuery.from_args({"farm": "1" * 40}), "unknown_farm"),
    (ListingQuery(q="蜂蜜", farm=999_999), "unknown_farm"),
])
def test_unknown_filters_are_a_404(session, query, code):
    ProductFactory()
    with pytest.raises(NotFound) as err:
        list_products(session, query)
    assert (err.value.status, err.value.code) == (404, code)


def test_a_farm_without_products_is_an_empty_page_not_a_404(session):
    farm = FarmFactory()
    page = list_products(session, ListingQuery(farm=farm.id))
    assert (page.items, page.total) == ([], 0)


def test_sort_by_price_both_ways(session):
    mid = ProductFactory(variants=[{"price_fen": 5000}])
    cheap = ProductFactory(variants=[{"price_fen": 1200}, {"price_fen": 9900}])
    dear = ProductFactory(variants=[{"price_fen": 8800}])
    assert [p.id for p in list_products(session, ListingQuery(sort="price")).items] == [cheap.id, mid.id, dear.id]
    assert [p.id for p in list_products(session, ListingQuery(sort="price_desc")).items] == [dear.id, mid.id, cheap.id]


def test_newest_and_default_order(session):
    now = utcnow()
    old = ProductFactory(created_at=now - dt.timedelta(days=3))
    new = ProductFactory(created_at=now - dt.timedelta(days=1))
    old_featured = ProductFactory(created_at=now - dt.timedelta(days=9), featured=True)
    assert [p.id for p in list_products(session, ListingQuery(sort="newest")).items] == [new.id, old.id, old_featured.id]
    assert [p.id for p in list_products(session, ListingQuery()).items] == [old_featured.id, new.id, old.id]


def test_sort_by_price_within_a_search(session):
    dear = ProductFactory(name_zh="特级蜂蜜", variants=[{"price_fen": 16800}])
    cheap = ProductFactory(name_zh="土蜂蜜", variants=[{"price_fen": 3900}])
    ProductFactory(name_zh="松茸", variants=[{"price_fen": 100}])
    page = list_products(session, ListingQuery(q="蜂蜜", sort="price"))
    assert [p.id for p in page.items] == [cheap.id, dear.id]


def test_pagination_totals_and_pages(session):
    now = utcnow()
    products = [ProductFactory(created_at=now - dt.timedelta(minutes=i)) for i in range(30)]
    first = list_products(session, ListingQuery(page=1))
    second = list_products(session, ListingQuery(page=2))
    beyond = list_products(session, ListingQuery(page=3))
    assert (first.total, first.pages, len(first.items), first.has_next) == (30, 2, 24, True)
    assert (second.total, len(second.items), second.has_next, second.has_previous) == (30, 6, False, True)
    assert [p.id for p in first.items + second.items] == [p.id for p in products]
    assert (beyond.items, beyond.total, beyond.page) == ([], 30, 3)


def test_search_pagination_counts_every_match(session):
    for i in range(5):
        ProductFactory(name_zh=f"蜂蜜{i}号")
    ProductFactory(name_zh="松茸")
    page = list_products(session, ListingQuery(q="蜂蜜", per_page=2, page=3))
    assert (page.total, page.pages, len(page.items)) == (5, 3, 1)


def _card_catalog(session, n: int) -> None:
    region = RegionFactory(slug="yanbian")
    farms = [FarmFactory(region=region) for _ in range(3)]
    for i in range(n):
        p = ProductFactory(farm=farms[i % 3], name_zh=f"长白山蜂蜜{i}", name_en=f"Changbai honey {i}")
        session.add_all([ProductPhoto(product=p, path=f"p/{p.id}-{k}.jpg") for k in range(2)])
    session.flush()


@pytest.mark.parametrize("query, statements", [
    (ListingQuery(), 3),                             # COUNT, page with farm/region/category, photos
    (ListingQuery(sort="price", page=2), 3),
    (ListingQuery(q="蜂蜜"), 2),                      # page and total in one, photos
    (ListingQuery(q="蜂蜜", sort="price_desc"), 2),
    (ListingQuery(region="yanbian", q="honey"), 3),  # plus the region slug lookup
    (ListingQuery(q="changbai hon"), 3),             # whole words miss; word starts match
])
def test_a_page_costs_a_fixed_number_of_statements(session, count_queries, query, statements):
    # Given 30 products, each with two photos, from three farms
    _card_catalog(session, 30)
    session.expunge_all()  # nothing cached: every row the page shows must come from its queries
    # When a page is listed and everything a product card shows is read
    with count_queries() as counter:
        page = list_products(session, query)
        shown = [(p.farm.name_zh, p.farm.region.slug, p.region.slug, p.category.name_zh,
                  [ph.path for ph in p.photos]) for p in page.items]
    # Then no statement ran per product
    assert shown and all(len(photos) == 2 for *_, photos in shown)
    assert counter.count == statements, counter.statements
