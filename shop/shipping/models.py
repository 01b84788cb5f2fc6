from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shop.catalog.models import _enum
from shop.db import Base


class ShippingMode(str, enum.Enum):
    FLAT = "flat"
    BY_WEIGHT = "by_weight"


class ShippingRule(Base):
    """One rule per farm.  A farm without a row ships at the platform default (see quote_shipping)."""

    __tablename__ = "shipping_rule"
    __table_args__ = (
        sa.CheckConstraint("flat_fee_fen >= 0 AND first_fee_fen >= 0 AND extra_fee_fen >= 0",
                           name="fees_not_negative"),
        sa.CheckConstraint("first_weight_g > 0 AND extra_weight_g > 0", name="weights_positive"),
    )

    farm_id: Mapped[int] = mapped_column(sa.ForeignKey("farm.id", ondelete="CASCADE"), primary_key=True)
    mode: Mapped[ShippingMode] = mapped_column(_enum(ShippingMode, "shipping_mode"), default=ShippingMode.FLAT)
    flat_fee_fen: Mapped[int] = mapped_column(default=1000)
    # By weight: first_fee_fen covers the first first_weight_g grams; each further started
    # extra_weight_g grams costs extra_fee_fen (how Chinese express carriers price: 首重 + 续重).
    first_weight_g: Mapped[int] = mapped_column(default=1000)
    first_fee_fen: Mapped[int] = mapped_column(default=1000)
    extra_weight_g: Mapped[int] = mapped_column(default=1000)
    extra_fee_fen: Mapped[int] = mapped_column(default=500)
    # Orders whose goods total reaches this ship free; NULL means never free.
    free_above_fen: Mapped[int | None] = mapped_column(nullable=True, default=None)
