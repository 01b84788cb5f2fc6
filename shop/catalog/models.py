"""Catalog tables.  Names and texts are stored in Chinese and English side by side.

``Product.price_from_fen`` and ``Product.in_stock`` summarise the product's variants so listings
can sort and filter without aggregating; only ``shop.catalog.services`` writes them.
"""
from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import Base, UTCDateTime, utcnow


class FarmKind(str, enum.Enum):
    HOUSEHOLD = "household"
    COOPERATIVE = "cooperative"
    ENTERPRISE = "enterprise"


class Storage(str, enum.Enum):
    AMBIENT = "ambient"
    CHILLED = "chilled"
    FROZEN = "frozen"


class Certification(str, enum.Enum):
    GEOGRAPHICAL_INDICATION = "gi"  # 地理标志
    ORGANIC = "organic"  # 有机
    GREEN = "green"  # 绿色食品


class ProductStatus(str, enum.Enum):
    ACTIVE = "active"
    HIDDEN = "hidden"


def _enum(cls: type[enum.Enum], name: str) -> sa.Enum:
    # Stored as the enum's value in a VARCHAR with a CHECK, identically on SQLite and PostgreSQL.
    return sa.Enum(cls, name=name, native_enum=False, create_constraint=True, length=20,
                   values_callable=lambda e: [m.value for m in e], validate_strings=True)


class Region(Base):
    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(sa.String(80))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    province_zh: Mapped[str] = mapped_column(sa.String(40), default="")
    province_en: Mapped[str] = mapped_column(sa.String(60), default="")
    tagline_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    tagline_en: Mapped[str] = mapped_column(sa.String(300), default="")
    story_zh: Mapped[str] = mapped_column(sa.Text, default="")
    story_en: Mapped[str] = mapped_column(sa.Text, default="")
    partner_city_zh: Mapped[str] = mapped_column(sa.String(40), default="")
    partner_city_en: Mapped[str] = mapped_column(sa.String(60), default="")
    position: Mapped[int] = mapped_column(default=0)

    farms: Mapped[list["Farm"]] = relationship(back_populates="region", order_by="Farm.id")


class Farm(Base):
    __tablename__ = "farm"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id"), index=True)
    name_zh: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    county_zh: Mapped[str] = mapped_column(sa.String(60), default="")
    county_en: Mapped[str] = mapped_column(sa.String(100), default="")
    village_zh: Mapped[str] = mapped_column(sa.String(60), default="")
    village_en: Mapped[str] = mapped_column(sa.String(100), default="")
    kind: Mapped[FarmKind] = mapped_column(_enum(FarmKind, "farm_kind"), default=FarmKind.HOUSEHOLD)
    story_zh: Mapped[str] = mapped_column(sa.Text, default="")
    story_en: Mapped[str] = mapped_column(sa.Text, default="")
    verified: Mapped[bool] = mapped_column(default=False)
    # Where new-order notices go (the farm's own or its co-operative's address); optional.
    contact_email: Mapped[str | None] = mapped_column(sa.String(254), nullable=True, default=None)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Region] = relationship(back_populates="farms")
    products: Mapped[list["Product"]] = relationship(back_populates="farm", order_by="Product.id")


class Category(Base):
    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(sa.String(60))
    name_en: Mapped[str] = mapped_column(sa.String(100))
    position: Mapped[int] = mapped_column(default=0)


class Product(Base):
    __tablename__ = "product"
    __table_args__ = (
        sa.Index("ix_product_listing_price", "status", "price_from_fen", "id"),
        sa.Index("ix_product_listing_newest", "status", "created_at", "id"),
        # Created by migration 0002: the default listing order (featured first, then newest).
        sa.Index("ix_product_listing_featured", "status", "featured", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    farm_id: Mapped[int] = mapped_column(sa.ForeignKey("farm.id"), index=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("category.id"), index=True)
    # Denormalised from farm.region_id: region is the shopper's first filter.
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id"), index=True)
    name_zh: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    description_zh: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    origin_zh: Mapped[str] = mapped_column(sa.String(120), default="")
    origin_en: Mapped[str] = mapped_column(sa.String(200), default="")
    # Certification codes (see Certification), e.g. ["gi", "organic"].
    certifications: Mapped[list] = mapped_column(sa.JSON, default=list)
    harvest_season_zh: Mapped[str] = mapped_column(sa.String(60), default="")
    harvest_season_en: Mapped[str] = mapped_column(sa.String(100), default="")
    storage: Mapped[Storage] = mapped_column(_enum(Storage, "storage"), default=Storage.AMBIENT)
    status: Mapped[ProductStatus] = mapped_column(_enum(ProductStatus, "product_status"),
                                                  default=ProductStatus.ACTIVE)
    featured: Mapped[bool] = mapped_column(default=False)
    price_from_fen: Mapped[int] = mapped_column(default=0)
    in_stock: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    farm: Mapped[Farm] = relationship(back_populates="products")
    category: Mapped[Category] = relationship()
    region: Mapped[Region] = relationship()
    variants: Mapped[list["Variant"]] = relationship(back_populates="product", order_by="Variant.position, Variant.id",
                                                     cascade="all, delete-orphan")
    photos: Mapped[list["ProductPhoto"]] = relationship(back_populates="product",
                                                        order_by="ProductPhoto.position, ProductPhoto.id",
                                                        cascade="all, delete-orphan")


class Variant(Base):
    __tablename__ = "variant"
    __table_args__ = (
        sa.CheckConstraint("price_fen > 0", name="price_positive"),
        sa.CheckConstraint("stock >= 0", name="stock_not_negative"),
        sa.CheckConstraint("weight_g > 0", name="weight_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id", ondelete="CASCADE"), index=True)
    sku: Mapped[str] = mapped_column(sa.String(64), unique=True)
    label_zh: Mapped[str] = mapped_column(sa.String(60))
    label_en: Mapped[str] = mapped_column(sa.String(100))
    weight_g: Mapped[int] = mapped_column()
    price_fen: Mapped[int] = mapped_column()
    stock: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)

    product: Mapped[Product] = relationship(back_populates="variants")


class ProductPhoto(Base):
    __tablename__ = "product_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id", ondelete="CASCADE"), index=True)
    # Path relative to MEDIA_DIR, served at /media/<path>.
    path: Mapped[str] = mapped_column(sa.String(200))
    width: Mapped[int] = mapped_column(default=0)
    height: Mapped[int] = mapped_column(default=0)
    alt_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    alt_en: Mapped[str] = mapped_column(sa.String(300), default="")
    position: Mapped[int] = mapped_column(default=0)

    product: Mapped[Product] = relationship(back_populates="photos")
