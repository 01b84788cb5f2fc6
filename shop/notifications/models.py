"""Stored emails.  A message is written in the transaction that causes it and delivered by the
``send_email_message`` task; its status makes a second delivery of that task a no-op."""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base, UTCDateTime, utcnow


class EmailStatus(str, enum.Enum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # refused for good (bad address, 5xx); not retried


class EmailMessage(Base):
    __tablename__ = "email_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(sa.String(320))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[EmailStatus] = mapped_column(
        sa.Enum(EmailStatus, name="email_status", native_enum=False, create_constraint=True, length=10,
                values_callable=lambda e: [m.value for m in e], validate_strings=True),
        default=EmailStatus.PENDING)
    # The RFC 5322 Message-ID, fixed when the row is created so a re-sent copy carries the same id.
    message_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    # Optional caller key ("order-confirmation:HB2024…") so one cause queues at most one email.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<EmailMessage {self.id} {self.status.value}>"
