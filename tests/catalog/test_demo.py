"""``flask --app shop seed-demo``: the demo catalog, its pictures, and the synthetic benchmark mode."""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from PIL import Image

from shop.catalog import demo, images, search
from shop.catalog.demo_data import FARMS
from shop.catalog.listing import ListingQuery, list_products
from shop.catalog.models import (Category, Certification, Farm, Product, ProductPhoto, Region, Storage,
                                 Variant)


@pytest.fixture
def runner(app_ctx):
    # Invoked inside the test's app context, so the command and the test share db.session().
    return app_ctx.test_cli_runner()


def seed(runner, *args: str) -> str:
    result = runner.invoke(args=["seed-demo", *args])
    assert result.exit_code == 0, result.output
    return result.output


def counts(session) -> dict[str, int]:
    return {model.__tablename__: session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Region, Category, Farm, Product, Variant, ProductPhoto)}


def products_named(session, name_zh: str) -> Product:
    return session.scalars(sa.select(Product).where(Product.name_zh == name_zh)).one()


def search_names(session, q: str, per_page: int = 100) -> list[Product]:
    return list_products(session, ListingQuery(q=q, per_page=per_page)).items


def test_seed_loads_both_regions_with_farms_and_products(runner, session):
    # when
    seed(runner)

    # then
    numbers = counts(session)
    assert numbers["region"] >= 2 and numbers["farm"] >= 12 and numbers["product"] >= 60
    regions = {r.slug: r for r in session.scalars(sa.select(Region))}
    assert {"yanbian", "qianxinan"} <= set(regions)
    assert regions["yanbian"].name_zh == "延边朝鲜族自治州"
    assert regions["qianxinan"].province_zh == "贵州省"
    for region in regions.values():
        assert region.partner_city_zh == "宁波" and region.partner_city_en == "Ningbo"
        assert region.story_zh and region.story_en and region.tagline_zh and region.tagline_en
    for farm in session.scalars(sa.select(Farm)):
        assert farm.name_zh and farm.name_en and farm.county_zh and farm.county_en
        assert farm.village_zh and farm.village_en and farm.story_zh and farm.story_en
    verified = [f.verified for f in session.scalars(sa.select(Farm))]
    assert any(verified) and not all(verified)
    for product in session.scalars(sa.select(Product)):
        assert product.name_zh and product.name_en and product.description_zh and product.description_en
        assert product.origin_zh and product.harvest_season_zh and product.harvest_season_en
        assert set(product.certifications) <= {c.value for c in Certification}
    assert session.scalar(sa.select(sa.func.count()).where(Product.featured)) >= 4


def test_honey_comes_from_both_regions_and_search_finds_it(runner, session):
    # given
    seed(runner)

    # when
    honey = session.scalars(sa.select(Product).join(Category).where(Category.slug == "honey")).all()
    found = search_names(session, "蜂蜜")

    # then
    assert {p.region.slug for p in honey} == {"yanbian", "qianxinan"}
    assert {p.region.slug for p in found} >= {"yanbian", "qianxinan"}
    assert {p.id for p in honey} <= {p.id for p in found}


def test_real_specialties_carry_their_marks(runner, session):
    # given
    seed(runner)

    # then: 地理标志 products are marked, and perishables are stored cold
    for name in ("延边大米", "普安红茶", "晴隆绿茶（明前）", "兴仁薏仁米", "延边苹果梨"):
        assert "gi" in products_named(session, name).certifications, name
    assert products_named(session, "长白山鲜松茸").storage == Storage.CHILLED
    assert products_named(session, "速冻松茸").storage == Storage.FROZEN
    assert products_named(session, "延边辣白菜").storage == Storage.CHILLED
    assert products_named(session, "压榨山茶油").storage == Storage.AMBIENT


def test_every_product_has_priced_variants_and_a_jpeg_picture(app, runner, session):
    # given
    seed(runner)

    # then
    media = app.config["MEDIA_DIR"]
    for product in session.scalars(sa.select(Product)):
        assert 1 <= len(product.variants) <= 3
        for variant in product.variants:
            assert type(variant.price_fen) is int and variant.price_fen > 0
            assert variant.weight_g > 0 and variant.label_zh and variant.label_en and variant.sku
        assert product.price_from_fen == min(v.price_fen for v in product.variants)
        assert product.in_stock == any(v.stock > 0 for v in product.variants)
        [photo] = product.photos
        assert photo.path == f"products/{product.id}/1.jpg"
        assert photo.alt_zh and photo.alt_en
        with Image.open(os.path.join(media, photo.path)) as picture:
            picture.verify()
            assert picture.format == "JPEG"
            assert picture.size == (photo.width, photo.height) == (800, 800)
    for slug in ("yanbian", "qianxinan"):
        with Image.open(os.path.join(media, images.region_banner_path(slug))) as banner:
            assert banner.format == "JPEG"


def test_stock_states_show_sold_out_and_available(runner, session):
    # given
    seed(runner)

    # then
    assert session.scalar(sa.select(sa.func.count()).where(Variant.stock == 0)) >= 3
    assert session.scalar(sa.select(sa.func.count()).where(Product.in_stock.is_(False))) >= 1
    matsutake = products_named(session, "长白山鲜松茸")
    assert matsutake.in_stock and any(v.stock == 0 for v in matsutake.variants)


def test_seeding_twice_adds_nothing(runner, session):
    # given
    seed(runner)
    before = counts(session)

    # when
    output = seed(runner)

    # then
    assert counts(session) == before
    assert "new: 0 regions, 0 categories, 0 farms, 0 products, 0 variants" in output
    skus = session.scalars(sa.select(Variant.sku)).all()
    assert len(skus) == len(set(skus)) == sum(len(p["variants"]) for f in FARMS for p in f["products"])


def test_reseeding_restores_texts_but_keeps_stock(runner, session):
    # given: an operator renamed a product and sold some stock
    seed(runner)
    rice = products_named(session, "延边大米")
    rice.name_en = "Renamed"
    rice.variants[0].stock = 3
    session.commit()

    # when
    seed(runner)

    # then
    session.expire_all()
    rice = products_named(session, "延边大米")
    assert rice.name_en == "Yanbian Rice"
    assert rice.variants[0].stock == 3


def test_if_empty_seeds_an_empty_catalog(runner, session):
    # when
    seed(runner, "--if-empty")

    # then
    assert counts(session)["product"] >= 60


def test_if_empty_does_nothing_when_products_exist(runner, session):
    # given
    seed(runner)
    rice = products_named(session, "延边大米")
    rice.name_en = "Changed by an operator"
    session.commit()
    before = counts(session)

    # when
    output = seed(runner, "--if-empty")

    # then
    session.expire_all()
    assert "nothing to do" in output
    assert counts(session) == before
    assert products_named(session, "延边大米").name_en == "Changed by an operator"


def test_products_option_adds_searchable_synthetic_products(app, runner, session):
    # given
    seed(runner)
    demo = counts(session)

    # when
    seed(runner, "--products", "200", "--batch-size", "64")

    # then
    after = counts(session)
    assert after["product"] == demo["product"] + 200
    assert after["region"] == demo["region"] and after["category"] == demo["category"]
    synthetic = session.scalars(sa.select(Product).where(
        Product.id.in_(sa.select(Variant.product_id).where(Variant.sku.like("SYN-%")))).order_by(Product.id)).all()
    assert len(synthetic) == 200
    assert {p.region.slug for p in synthetic} == {"yanbian", "qianxinan"}
    for product in synthetic:
        assert product.name_zh and product.name_en
        assert 1 <= len(product.variants) <= 3
        assert all(type(v.price_fen) is int and v.price_fen > 0 for v in product.variants)
        assert product.price_from_fen == min(v.price_fen for v in product.variants)
        assert product.in_stock == any(v.stock > 0 for v in product.variants)
        assert "合成" in product.farm.story_zh and "synthetic" in product.farm.story_en.lower()
        assert os.path.isfile(os.path.join(app.config["MEDIA_DIR"], product.photos[0].path))
    for product in synthetic[::40]:
        assert product.id in {p.id for p in search_names(session, product.name_zh)}, product.name_zh
        assert product.id in {p.id for p in search_names(session, product.name_en)}, product.name_en


def test_synthetic_search_documents_match_the_search_module(runner, session):
    # given: synthetic products, whose documents the loader builds field by field with memoisation
    seed(runner, "--products", "40")
    regions = {r.slug: r for r in session.scalars(sa.select(Region))}
    categories = {c.slug: c for c in session.scalars(sa.select(Category))}
    cache = demo._DocumentCache(regions, categories)
    columns = ("farm_id", "category_id", "region_id", "name_zh", "name_en", "description_zh", "description_en",
               "origin_zh", "origin_en")

    # then: each equals what search.document_for makes of the stored product
    for product in session.scalars(sa.select(Product).where(Product.id.in_(
            sa.select(Variant.product_id).where(Variant.sku.like("SYN-%"))))):
        spec = demo._SyntheticProduct(row={c: getattr(product, c) for c in columns}, variants=[],
                                      farm=product.farm, category_slug=product.category.slug)
        assert cache.for_product(spec) == search.document_for(product)


def test_products_option_can_run_again(runner, session):
    # given
    seed(runner, "--products", "30")

    # when
    seed(runner, "--products", "30")

    # then
    skus = session.scalars(sa.select(Variant.sku)).all()
    assert len(skus) == len(set(skus))
    assert session.scalar(sa.select(sa.func.count()).where(Variant.sku.like("SYN-%"))) >= 60


@pytest.mark.parametrize("value", ["-5", "many", ""])
def test_products_option_rejects_bad_numbers(runner, session, value):
    # when
    result = runner.invoke(args=["seed-demo", "--products", value])

    # then: a usage error, and nothing written
    assert result.exit_code == 2
    assert "--products" in result.output
    assert counts(session)["product"] == 0


def test_pictures_are_deterministic():
    # when
    first = images.jpeg_bytes(images.render_product_image("延边大米", "Yanbian Rice", "grain-rice", "YB-DM-5K",
                                                          "延边", "Yanbian"))
    again = images.jpeg_bytes(images.render_product_image("延边大米", "Yanbian Rice", "grain-rice", "YB-DM-5K",
                                                          "延边", "Yanbian"))

    # then
    assert first == again


def test_pictures_without_a_cjk_font_leave_chinese_out(monkeypatch):
    # given: a machine without any CJK font
    monkeypatch.setattr(images, "cjk_font_path", lambda: None)
    images._font.cache_clear()
    drawn = []
    real_text = images.ImageDraw.ImageDraw.text

    def spy(self, xy, text, *args, **kwargs):
        drawn.append(text)
        return real_text(self, xy, text, *args, **kwargs)

    monkeypatch.setattr(images.ImageDraw.ImageDraw, "text", spy)

    # when
    try:
        picture = images.render_product_image("延边大米", "Yanbian Rice", "grain-rice", "x", "延边", "Yanbian")
        banner = images.render_region_banner("yanbian", "延边朝鲜族自治州", "Yanbian")
    finally:
        images._font.cache_clear()

    # then: pictures are drawn, and no Chinese text was handed to a font that would show boxes
    assert picture.size == (800, 800) and banner.size == images.BANNER_SIZE
    assert drawn and all(text.isascii() for text in drawn)
