"""orders payments shipping

Revision ID: 0005
Revises: 0004

"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('webhook_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gateway', sa.String(length=20), nullable=False),
    sa.Column('event_id', sa.String(length=255), nullable=False),
    sa.Column('type', sa.String(length=80), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('received', 'processed', 'ignored', 'failed', name='webhook_event_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('processed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_event')),
    sa.UniqueConstraint('gateway', 'event_id', name='uq_webhook_event_gateway_event')
    )
    with op.batch_alter_table('webhook_event', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_event_status_received', ['status', 'received_at'], unique=False)

    op.create_table('shop_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('access_token', sa.String(length=64), nullable=False),
    sa.Column('checkout_key', sa.String(length=128), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('status', sa.Enum('pending_payment', 'paid', 'completed', 'cancelled', 'partly_refunded', 'refunded', name='order_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('goods_fen', sa.Integer(), nullable=False),
    sa.Column('shipping_fen', sa.Integer(), nullable=False),
    sa.Column('total_fen', sa.Integer(), nullable=False),
    sa.Column('refunded_fen', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=40), nullable=False),
    sa.Column('mobile', sa.String(length=20), nullable=False),
    sa.Column('province', sa.String(length=40), nullable=False),
    sa.Column('city', sa.String(length=40), nullable=False),
    sa.Column('district', sa.String(length=40), nullable=False),
    sa.Column('street', sa.String(length=120), nullable=False),
    sa.Column('postcode', sa.String(length=6), nullable=False),
    sa.Column('reserved_until', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('paid_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('refunded_fen >= 0 AND refunded_fen <= total_fen', name=op.f('ck_shop_order_refund_within_total')),
    sa.CheckConstraint('total_fen = goods_fen + shipping_fen', name=op.f('ck_shop_order_total_adds_up')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_shop_order_customer_id_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shop_order')),
    sa.UniqueConstraint('access_token', name=op.f('uq_shop_order_access_token')),
    sa.UniqueConstraint('checkout_key', name=op.f('uq_shop_order_checkout_key')),
    sa.UniqueConstraint('number', name=op.f('uq_shop_order_number'))
    )
    with op.batch_alter_table('shop_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shop_order_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index('ix_shop_order_status_reserved_until', ['status', 'reserved_until'], unique=False)

    op.create_table('farm_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('farm_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending_payment', 'paid', 'accepted', 'shipped', 'delivered', 'completed', 'cancelled', 'refunded', name='farm_order_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('goods_fen', sa.Integer(), nullable=False),
    sa.Column('shipping_fen', sa.Integer(), nullable=False),
    sa.Column('total_fen', sa.Integer(), nullable=False),
    sa.Column('weight_g', sa.Integer(), nullable=False),
    sa.Column('refunded_fen', sa.Integer(), nullable=False),
    sa.Column('carrier', sa.String(length=40), nullable=False),
    sa.Column('tracking_number', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('total_fen = goods_fen + shipping_fen', name=op.f('ck_farm_order_total_adds_up')),
    sa.ForeignKeyConstraint(['farm_id'], ['farm.id'], name=op.f('fk_farm_order_farm_id_farm')),
    sa.ForeignKeyConstraint(['order_id'], ['shop_order.id'], name=op.f('fk_farm_order_order_id_shop_order'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_farm_order')),
    sa.UniqueConstraint('order_id', 'farm_id', name='uq_farm_order_order_farm')
    )
    with op.batch_alter_table('farm_order', schema=None) as batch_op:
        batch_op.create_index('ix_farm_order_farm_status', ['farm_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_farm_order_order_id'), ['order_id'], unique=False)

    op.create_table('payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('gateway', sa.String(length=20), nullable=False),
    sa.Column('status', sa.Enum('pending', 'processing', 'succeeded', 'failed', 'expired', name='payment_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('refunded_fen', sa.Integer(), nullable=False),
    sa.Column('checkout_session_id', sa.String(length=255), nullable=True),
    sa.Column('payment_intent_id', sa.String(length=255), nullable=True),
    sa.Column('redirect_url', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('succeeded_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_payment_amount_positive')),
    sa.CheckConstraint('refunded_fen >= 0 AND refunded_fen <= amount_fen', name=op.f('ck_payment_refund_within_amount')),
    sa.ForeignKeyConstraint(['order_id'], ['shop_order.id'], name=op.f('fk_payment_order_id_shop_order'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment')),
    sa.UniqueConstraint('checkout_session_id', name=op.f('uq_payment_checkout_session_id'))
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_payment_intent_id'), ['payment_intent_id'], unique=False)

    op.create_table('shipping_rule',
    sa.Column('farm_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.Enum('flat', 'by_weight', name='shipping_mode', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('flat_fee_fen', sa.Integer(), nullable=False),
    sa.Column('first_weight_g', sa.Integer(), nullable=False),
    sa.Column('first_fee_fen', sa.Integer(), nullable=False),
    sa.Column('extra_weight_g', sa.Integer(), nullable=False),
    sa.Column('extra_fee_fen', sa.Integer(), nullable=False),
    sa.Column('free_above_fen', sa.Integer(), nullable=True),
    sa.CheckConstraint('first_weight_g > 0 AND extra_weight_g > 0', name=op.f('ck_shipping_rule_weights_positive')),
    sa.CheckConstraint('flat_fee_fen >= 0 AND first_fee_fen >= 0 AND extra_fee_fen >= 0', name=op.f('ck_shipping_rule_fees_not_negative')),
    sa.ForeignKeyConstraint(['farm_id'], ['farm.id'], name=op.f('fk_shipping_rule_farm_id_farm'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('farm_id', name=op.f('pk_shipping_rule'))
    )
    op.create_table('order_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('farm_order_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=False),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['farm_order_id'], ['farm_order.id'], name=op.f('fk_order_event_farm_order_id_farm_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_id'], ['shop_order.id'], name=op.f('fk_order_event_order_id_shop_order'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_event'))
    )
    with op.batch_alter_table('order_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_event_order_id'), ['order_id'], unique=False)

    op.create_table('refund',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('pending', 'succeeded', 'failed', name='refund_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('gateway_refund_id', sa.String(length=255), nullable=True),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_refund_amount_positive')),
    sa.ForeignKeyConstraint(['order_id'], ['shop_order.id'], name=op.f('fk_refund_order_id_shop_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_refund_payment_id_payment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund')),
    sa.UniqueConstraint('gateway_refund_id', name=op.f('uq_refund_gateway_refund_id'))
    )
    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refund_payment_id'), ['payment_id'], unique=False)

    op.create_table('order_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('farm_order_id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('product_name_zh', sa.String(length=120), nullable=False),
    sa.Column('product_name_en', sa.String(length=200), nullable=False),
    sa.Column('variant_label_zh', sa.String(length=60), nullable=False),
    sa.Column('variant_label_en', sa.String(length=100), nullable=False),
    sa.Column('unit_price_fen', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('weight_g', sa.Integer(), nullable=False),
    sa.Column('line_total_fen', sa.Integer(), nullable=False),
    sa.Column('refunded_quantity', sa.Integer(), nullable=False),
    sa.CheckConstraint('line_total_fen = unit_price_fen * quantity', name=op.f('ck_order_line_total_adds_up')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_order_line_quantity_positive')),
    sa.CheckConstraint('refunded_quantity >= 0 AND refunded_quantity <= quantity', name=op.f('ck_order_line_refund_within_quantity')),
    sa.ForeignKeyConstraint(['farm_order_id'], ['farm_order.id'], name=op.f('fk_order_line_farm_order_id_farm_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_id'], ['shop_order.id'], name=op.f('fk_order_line_order_id_shop_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_order_line_product_id_product')),
    sa.ForeignKeyConstraint(['variant_id'], ['variant.id'], name=op.f('fk_order_line_variant_id_variant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_line'))
    )
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_line_farm_order_id'), ['farm_order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_line_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_line_variant_id'), ['variant_id'], unique=False)

    op.create_table('stock_reservation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_stock_reservation_quantity_positive')),
    sa.ForeignKeyConstraint(['order_id'], ['shop_order.id'], name=op.f('fk_stock_reservation_order_id_shop_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['variant_id'], ['variant.id'], name=op.f('fk_stock_reservation_variant_id_variant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_reservation'))
    )
    with op.batch_alter_table('stock_reservation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_reservation_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_stock_reservation_state_expires', ['state', 'expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_reservation_variant_id'), ['variant_id'], unique=False)

    with op.batch_alter_table('farm', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), nullable=True))



def downgrade():
    with op.batch_alter_table('farm', schema=None) as batch_op:
        batch_op.drop_column('contact_email')

    with op.batch_alter_table('stock_reservation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_reservation_variant_id'))
        batch_op.drop_index('ix_stock_reservation_state_expires')
        batch_op.drop_index(batch_op.f('ix_stock_reservation_order_id'))

    op.drop_table('stock_reservation')
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_line_variant_id'))
        batch_op.drop_index(batch_op.f('ix_order_line_order_id'))
        batch_op.drop_index(batch_op.f('ix_order_line_farm_order_id'))

    op.drop_table('order_line')
    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refund_payment_id'))
        batch_op.drop_index(batch_op.f('ix_refund_order_id'))

    op.drop_table('refund')
    with op.batch_alter_table('order_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_event_order_id'))

    op.drop_table('order_event')
    op.drop_table('shipping_rule')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_payment_intent_id'))
        batch_op.drop_index(batch_op.f('ix_payment_order_id'))

    op.drop_table('payment')
    with op.batch_alter_table('farm_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_farm_order_order_id'))
        batch_op.drop_index('ix_farm_order_farm_status')

    op.drop_table('farm_order')
    with op.batch_alter_table('shop_order', schema=None) as batch_op:
        batch_op.drop_index('ix_shop_order_status_reserved_until')
        batch_op.drop_index(batch_op.f('ix_shop_order_customer_id'))

    op.drop_table('shop_order')
    with op.batch_alter_table('webhook_event', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_event_status_received')

    op.drop_table('webhook_event')
