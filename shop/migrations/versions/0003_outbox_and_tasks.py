"""outbox and tasks: the task outbox and stored emails

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('task_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('task_name', sa.String(length=200), nullable=False),
    sa.Column('kwargs', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sent', 'done', 'failed', name='outbox_status', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('publish_count', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_outbox')),
    sa.UniqueConstraint('task_id', name=op.f('uq_task_outbox_task_id'))
    )
    with op.batch_alter_table('task_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_task_outbox_status_id', ['status', 'id'], unique=False)

    op.create_table('email_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to_address', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('pending', 'sent', 'failed', name='email_status', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_message')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_email_message_dedupe_key')),
    sa.UniqueConstraint('message_id', name=op.f('uq_email_message_message_id'))
    )


def downgrade():
    op.drop_table('email_message')
    with op.batch_alter_table('task_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_task_outbox_status_id')

    op.drop_table('task_outbox')
