"""Order tables.  Lines snapshot names and prices at checkout; the event log is append-only."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.catalog.models import _enum
from shop.db import Base, UTCDateTime, utcnow
from shop.orders.states import FarmOrderStatus, OrderStatus


class Order(Base):
    __tablename__ = "shop_order"  # "order" is an SQL keyword
    __table_args__ = (
        sa.CheckConstraint("total_fen = goods_fen + shipping_fen", name="total_adds_up"),
        sa.CheckConstraint("refunded_fen >= 0 AND refunded_fen <= total_fen", name="refund_within_total"),
        sa.Index("ix_shop_order_status_reserved_until", "status", "reserved_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(32), unique=True)
    # Random, secret: lets a guest (signed email link) or an API client read the order.
    access_token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # Derived from the cart and its contents: a double-submitted checkout finds the same order.
    checkout_key: Mapped[str] = mapped_column(sa.String(128), unique=True)
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customer.id"), index=True, nullable=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    locale: Mapped[str] = mapped_column(sa.String(5), default="zh")
    status: Mapped[OrderStatus] = mapped_column(_enum(OrderStatus, "order_status"), default=OrderStatus.PENDING_PAYMENT)
    currency: Mapped[str] = mapped_column(sa.String(3), default="CNY")
    goods_fen: Mapped[int] = mapped_column()
    shipping_fen: Mapped[int] = mapped_column()
    total_fen: Mapped[int] = mapped_column()
    refunded_fen: Mapped[int] = mapped_column(default=0)
    # Delivery address snapshot (Chinese format).
    recipient: Mapped[str] = mapped_column(sa.String(40))
    mobile: Mapped[str] = mapped_column(sa.String(20))
    province: Mapped[str] = mapped_column(sa.String(40))
    city: Mapped[str] = mapped_column(sa.String(40))
    district: Mapped[str] = mapped_column(sa.String(40))
    street: Mapped[str] = mapped_column(sa.String(120))
    postcode: Mapped[str] = mapped_column(sa.String(6), default="")
    reserved_until: Mapped[object] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[object] = mapped_column(UTCDateTime, nullable=True)
    cancelled_at: Mapped[object] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    farm_orders: Mapped[list["FarmOrder"]] = relationship(back_populates="order", order_by="FarmOrder.id",
                                                          cascade="all, delete-orphan")
    lines: Mapped[list["OrderLine"]] = relationship(back_populates="order", order_by="OrderLine.id",
                                                    viewonly=True)
    events: Mapped[list["OrderEvent"]] = relationship(back_populates="order", order_by="OrderEvent.id",
                                                      viewonly=True)


class FarmOrder(Base):
    """One farm's part of an order: packed, shipped and paid out separately."""

    __tablename__ = "farm_order"
    __table_args__ = (
        sa.UniqueConstraint("order_id", "farm_id", name="uq_farm_order_order_farm"),
        sa.CheckConstraint("total_fen = goods_fen + shipping_fen", name="total_adds_up"),
        sa.Index("ix_farm_order_farm_status", "farm_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("shop_order.id", ondelete="CASCADE"), index=True)
    farm_id: Mapped[int] = mapped_column(sa.ForeignKey("farm.id"))
    status: Mapped[FarmOrderStatus] = mapped_column(_enum(FarmOrderStatus, "farm_order_status"),
                                                    default=FarmOrderStatus.PENDING_PAYMENT)
    goods_fen: Mapped[int] = mapped_column()
    shipping_fen: Mapped[int] = mapped_column()
    total_fen: Mapped[int] = mapped_column()
    weight_g: Mapped[int] = mapped_column()
    refunded_fen: Mapped[int] = mapped_column(default=0)
    carrier: Mapped[str] = mapped_column(sa.String(40), default="")
    tracking_number: Mapped[str] = mapped_column(sa.String(64), default="")
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    order: Mapped[Order] = relationship(back_populates="farm_orders")
    farm: Mapped["Farm"] = relationship()  # noqa: F821
    lines: Mapped[list["OrderLine"]] = relationship(back_populates="farm_order", order_by="OrderLine.id",
                                                    cascade="all, delete-orphan")


class OrderLine(Base):
    __tablename__ = "order_line"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("refunded_quantity >= 0 AND refunded_quantity <= quantity", name="refund_within_quantity"),
        sa.CheckConstraint("line_total_fen = unit_price_fen * quantity", name="total_adds_up"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("shop_order.id", ondelete="CASCADE"), index=True)
    farm_order_id: Mapped[int] = mapped_column(sa.ForeignKey("farm_order.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[int] = mapped_column(sa.ForeignKey("variant.id"), index=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id"))
    sku: Mapped[str] = mapped_column(sa.String(64))
    product_name_zh: Mapped[str] = mapped_column(sa.String(120))
    product_name_en: Mapped[str] = mapped_column(sa.String(200))
    variant_label_zh: Mapped[str] = mapped_column(sa.String(60))
    variant_label_en: Mapped[str] = mapped_column(sa.String(100))
    unit_price_fen: Mapped[int] = mapped_column()
    quantity: Mapped[int] = mapped_column()
    weight_g: Mapped[int] = mapped_column()  # per unit
    line_total_fen: Mapped[int] = mapped_column()
    refunded_quantity: Mapped[int] = mapped_column(default=0)

    order: Mapped[Order] = relationship(back_populates="lines")
    farm_order: Mapped[FarmOrder] = relationship(back_populates="lines")


class OrderEvent(Base):
    """Append-only history: who changed what, when.  Never updated or deleted."""

    __tablename__ = "order_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("shop_order.id", ondelete="CASCADE"), index=True)
    farm_order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("farm_order.id", ondelete="CASCADE"),
                                                      nullable=True)
    kind: Mapped[str] = mapped_column(sa.String(40))  # e.g. placed, paid, accepted, refunded
    from_status: Mapped[str] = mapped_column(sa.String(20), default="")
    to_status: Mapped[str] = mapped_column(sa.String(20), default="")
    actor: Mapped[str] = mapped_column(sa.String(80), default="system")  # system, customer:<id>, operator:<name>, stripe
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[Order] = relationship(back_populates="events")


class StockReservation(Base):
    """Stock taken off a variant when checkout starts; given back if unpaid by ``expires_at``.

    The variant's ``stock`` is already decremented while a reservation is active, so availability
    is a single column read and a conditional UPDATE can never oversell.
    """

    __tablename__ = "stock_reservation"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.Index("ix_stock_reservation_state_expires", "state", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("shop_order.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[int] = mapped_column(sa.ForeignKey("variant.id"), index=True)
    quantity: Mapped[int] = mapped_column()
    # active → consumed (order paid) | released (expired or cancelled)
    state: Mapped[str] = mapped_column(sa.String(12), default="active")
    expires_at: Mapped[object] = mapped_column(UTCDateTime)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[object] = mapped_column(UTCDateTime, nullable=True)


from shop.catalog.models import Farm  # noqa: E402,F401
