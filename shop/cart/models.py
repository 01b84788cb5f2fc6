from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import Base, UTCDateTime, utcnow


class Cart(Base):
    __tablename__ = "cart"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: Set when checkout placed this cart's order; from then on the cart takes no changes.
    checked_out_at: Mapped[object | None] = mapped_column(UTCDateTime, nullable=True)

    lines: Mapped[list["CartLine"]] = relationship(back_populates="cart", order_by="CartLine.id",
                                                   cascade="all, delete-orphan")


class CartLine(Base):
    __tablename__ = "cart_line"
    __table_args__ = (
        sa.UniqueConstraint("cart_id", "variant_id", name="uq_cart_line_cart_variant"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(sa.ForeignKey("cart.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[int] = mapped_column(sa.ForeignKey("variant.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int] = mapped_column()
    added_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    cart: Mapped[Cart] = relationship(back_populates="lines")
    variant: Mapped["Variant"] = relationship()  # noqa: F821


from shop.catalog.models import Variant  # noqa: E402  (resolve the relationship target)
