"""Account tables: shoppers, their delivery addresses, and login throttling counters.

``Customer.email`` is stored lower-cased, so the unique constraint is case-insensitive in effect.
``Customer.auth_nonce`` is copied into the signed session cookie at login; changing it (password
change, "log out everywhere") makes every older cookie worthless.

``Address.customer_id`` is nullable: checkout keeps a guest's delivery address in the same shape.
"""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import Base, UTCDateTime, utcnow


def new_auth_nonce() -> str:
    return secrets.token_hex(16)


class Customer(Base):
    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    display_name: Mapped[str] = mapped_column(sa.String(60), default="")
    auth_nonce: Mapped[str] = mapped_column(sa.String(32), default=new_auth_nonce)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[object | None] = mapped_column(UTCDateTime, nullable=True)

    addresses: Mapped[list["Address"]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", passive_deletes=True,
        order_by="[Address.is_default.desc(), Address.id.desc()]")


class Address(Base):
    """A mainland-China delivery address: 收件人, 手机号, 省 / 市 / 区县, 详细地址, 邮编 (optional)."""

    __tablename__ = "address"
    __table_args__ = (
        # At most one default address per customer, guaranteed by the database.
        sa.Index("uq_address_one_default", "customer_id", unique=True,
                 sqlite_where=sa.text("is_default"), postgresql_where=sa.text("is_default")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("customer.id", ondelete="CASCADE"), index=True, nullable=True)
    recipient: Mapped[str] = mapped_column(sa.String(40))
    mobile: Mapped[str] = mapped_column(sa.String(11))  # normalised: 11 digits, no +86
    province: Mapped[str] = mapped_column(sa.String(40))
    city: Mapped[str] = mapped_column(sa.String(40))
    district: Mapped[str] = mapped_column(sa.String(40))
    street: Mapped[str] = mapped_column(sa.String(120))
    postcode: Mapped[str | None] = mapped_column(sa.String(6), nullable=True)
    is_default: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    customer: Mapped[Customer | None] = relationship(back_populates="addresses")


class LoginThrottle(Base):
    """Login attempts in the current window for one account or one client IP.

    ``key_hash`` is the SHA-256 of the normalised email or the IP address, so the table holds no
    email addresses of people who never signed up.  Rows are updated with one atomic upsert, so
    the count is right across processes and servers.
    """

    __tablename__ = "login_throttle"
    __table_args__ = (
        sa.UniqueConstraint("scope", "key_hash", name="uq_login_throttle_scope_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(sa.String(10))  # "account" or "ip"
    key_hash: Mapped[str] = mapped_column(sa.String(64))
    window_started_at: Mapped[object] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
