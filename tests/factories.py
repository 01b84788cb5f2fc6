"""factory_boy factories for catalog rows.  Use inside an app context (the ``session`` fixture).

``ProductFactory(variants=[...])`` creates variants and refreshes the product's price summary and
search entry through the catalog service, exactly as the application does.
"""
from __future__ import annotations

import factory
from factory.alchemy import SQLAlchemyModelFactory

from shop import db
from shop.catalog import services
from shop.catalog.models import Category, Farm, FarmKind, Product, Region, Storage, Variant


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session()  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class RegionFactory(Base):
    class Meta:
        model = Region

    slug = factory.Sequence(lambda n: f"region-{n}")
    name_zh = factory.Sequence(lambda n: f"地区{n}")
    name_en = factory.Sequence(lambda n: f"Region {n}")


class CategoryFactory(Base):
    class Meta:
        model = Category

    slug = factory.Sequence(lambda n: f"category-{n}")
    name_zh = factory.Sequence(lambda n: f"类别{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")


class FarmFactory(Base):
    class Meta:
        model = Farm

    region = factory.SubFactory(RegionFactory)
    name_zh = factory.Sequence(lambda n: f"农场{n}")
    name_en = factory.Sequence(lambda n: f"Farm {n}")
    kind = FarmKind.HOUSEHOLD
    verified = True


class VariantFactory(Base):
    class Meta:
        model = Variant

    sku = factory.Sequence(lambda n: f"SKU-{n:06d}")
    label_zh = "500克"
    label_en = "500 g"
    weight_g = 500
    price_fen = 5000
    stock = 10


class ProductFactory(Base):
    class Meta:
        model = Product

    farm = factory.SubFactory(FarmFactory)
    region = factory.SelfAttribute("farm.region")
    category = factory.SubFactory(CategoryFactory)
    name_zh = factory.Sequence(lambda n: f"产品{n}")
    name_en = factory.Sequence(lambda n: f"Product {n}")
    storage = Storage.AMBIENT

    @factory.post_generation
    def variants(self, create, extracted, **kwargs):
        specs = extracted if extracted is not None else [{}]
        for i, spec in enumerate(specs):
            VariantFactory(product=self, position=i, **spec)
        session = db.session()
        session.refresh(self, ["variants"])
        services.refresh_product(session, self)
