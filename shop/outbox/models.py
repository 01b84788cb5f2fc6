"""The task outbox table.

A row is written in the same transaction as the change that justifies the task, so a task exists
exactly when its cause was committed.  Rows move ``pending → sent → done`` (or ``failed``); only
``shop.outbox.services`` writes them.
"""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base, UTCDateTime, utcnow


class OutboxStatus(str, enum.Enum):
    PENDING = "pending"  # committed, not yet handed to the broker
    SENT = "sent"  # handed to the broker; the task has not reported back
    DONE = "done"  # the task finished successfully
    FAILED = "failed"  # the task gave up (or was re-sent too often); needs an operator


class OutboxMessage(Base):
    __tablename__ = "task_outbox"
    __table_args__ = (sa.Index("ix_task_outbox_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable message id, used as the Celery task id on every (re)publication so consumers can dedupe.
    task_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    task_name: Mapped[str] = mapped_column(sa.String(200))
    kwargs: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    status: Mapped[OutboxStatus] = mapped_column(
        sa.Enum(OutboxStatus, name="outbox_status", native_enum=False, create_constraint=True, length=10,
                values_callable=lambda e: [m.value for m in e], validate_strings=True),
        default=OutboxStatus.PENDING)
    publish_count: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.task_name} {self.status.value}>"
