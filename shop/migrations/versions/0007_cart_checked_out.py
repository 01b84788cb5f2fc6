"""carts remember that they became an order

Revision ID: 0007
Revises: 0006

``cart.checked_out_at`` is set by checkout in the transaction that places the cart's order; the
cart service refuses every later change to such a cart (``cart_checked_out``).  Existing carts are
marked from their orders: an order's ``checkout_key`` is the SHA-256 of ``"cart:" + token``
(shop.checkout.services.checkout_key), computed here in Python since SQLite has no SHA-256.
"""
import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cart") as batch:
        batch.add_column(sa.Column("checked_out_at", sa.DateTime(), nullable=True))
    conn = op.get_bind()
    placed = dict(conn.execute(sa.text("SELECT checkout_key, created_at FROM shop_order")).all())
    if not placed:
        return
    carts = conn.execute(sa.text("SELECT id, token FROM cart")).all()
    for cart_id, token in carts:
        created = placed.get(hashlib.sha256(f"cart:{token}".encode()).hexdigest())
        if created is not None:
            conn.execute(sa.text("UPDATE cart SET checked_out_at = :at WHERE id = :id"), {"at": created, "id": cart_id})


def downgrade():
    with op.batch_alter_table("cart") as batch:
        batch.drop_column("checked_out_at")
