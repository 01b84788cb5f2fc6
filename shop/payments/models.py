"""Payment tables.  Gateway objects are referenced by their ids; amounts are integer fen."""
from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.catalog.models import _enum
from shop.db import Base, UTCDateTime, utcnow


class PaymentStatus(str, enum.Enum):
    PENDING = "pending"  # checkout session created, shopper not done yet
    PROCESSING = "processing"  # completed, async method (e.g. bank transfer) still settling
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    EXPIRED = "expired"


class Payment(Base):
    """One attempt to collect an order's total through a gateway (a Checkout Session)."""

    __tablename__ = "payment"
    __table_args__ = (
        sa.CheckConstraint("amount_fen > 0", name="amount_positive"),
        sa.CheckConstraint("refunded_fen >= 0 AND refunded_fen <= amount_fen", name="refund_within_amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("shop_order.id", ondelete="CASCADE"), index=True)
    gateway: Mapped[str] = mapped_column(sa.String(20))  # "stripe" | "test"
    status: Mapped[PaymentStatus] = mapped_column(_enum(PaymentStatus, "payment_status"), default=PaymentStatus.PENDING)
    amount_fen: Mapped[int] = mapped_column()
    currency: Mapped[str] = mapped_column(sa.String(3), default="CNY")
    refunded_fen: Mapped[int] = mapped_column(default=0)
    checkout_session_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True, nullable=True)
    payment_intent_id: Mapped[str | None] = mapped_column(sa.String(255), index=True, nullable=True)
    redirect_url: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    succeeded_at: Mapped[object] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    refunds: Mapped[list["Refund"]] = relationship(back_populates="payment", order_by="Refund.id")


class RefundStatus(str, enum.Enum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Refund(Base):
    __tablename__ = "refund"
    __table_args__ = (sa.CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("payment.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("shop_order.id", ondelete="CASCADE"), index=True)
    amount_fen: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[RefundStatus] = mapped_column(_enum(RefundStatus, "refund_status"), default=RefundStatus.PENDING)
    gateway_refund_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True, nullable=True)
    actor: Mapped[str] = mapped_column(sa.String(80), default="system")
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    payment: Mapped[Payment] = relationship(back_populates="refunds")


class WebhookEventStatus(str, enum.Enum):
    RECEIVED = "received"
    PROCESSED = "processed"
    IGNORED = "ignored"  # an event type we do not act on, or one made moot by a later state
    FAILED = "failed"


class WebhookEvent(Base):
    """A verified gateway event, stored once (unique event id) and processed by a worker."""

    __tablename__ = "webhook_event"
    __table_args__ = (sa.UniqueConstraint("gateway", "event_id", name="uq_webhook_event_gateway_event"),
                      sa.Index("ix_webhook_event_status_received", "status", "received_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    gateway: Mapped[str] = mapped_column(sa.String(20))
    event_id: Mapped[str] = mapped_column(sa.String(255))
    type: Mapped[str] = mapped_column(sa.String(80))
    payload: Mapped[dict] = mapped_column(sa.JSON)
    status: Mapped[WebhookEventStatus] = mapped_column(_enum(WebhookEventStatus, "webhook_event_status"),
                                                       default=WebhookEventStatus.RECEIVED)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(sa.Text, default="")
    received_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    processed_at: Mapped[object] = mapped_column(UTCDateTime, nullable=True)
