"""search index

Revision ID: 0002
Revises: 0001

The product search index (see shop/catalog/search.py), one per dialect: an FTS5 table on SQLite,
a table with a weighted tsvector (GIN index) and the product's listing columns on PostgreSQL.
Both hold documents of jieba-segmented, space-separated tokens, so the engines only ever split
on spaces.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # rowid is the product id; columns are weighted by bm25 at query time (names > places > body).
        op.execute(
            "CREATE VIRTUAL TABLE product_fts USING fts5("
            "names, places, body, tokenize = 'unicode61 remove_diacritics 2')"
        )
    else:
        # Beside the tsvector, the product's listing columns, so that a search filters, counts and
        # sorts inside this narrow table and joins product only for the page it shows.
        op.create_table(
            "product_search",
            sa.Column("product_id", sa.Integer(), nullable=False),
            sa.Column("region_id", sa.Integer(), nullable=False),
            sa.Column("category_id", sa.Integer(), nullable=False),
            sa.Column("farm_id", sa.Integer(), nullable=False),
            sa.Column("featured", sa.Boolean(), nullable=False),
            sa.Column("price_from_fen", sa.Integer(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("tsv", postgresql.TSVECTOR(), nullable=False),
            sa.ForeignKeyConstraint(["product_id"], ["product.id"],
                                    name="fk_product_search_product_id_product", ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("product_id", name="pk_product_search"),
        )
        op.create_index("ix_product_search_tsv", "product_search", ["tsv"], postgresql_using="gin")
    # The default listing order (featured first, then newest) read straight off an index.
    op.create_index("ix_product_listing_featured", "product",
                    ["status", "featured", "created_at", "id"])


def downgrade():
    op.drop_index("ix_product_listing_featured", table_name="product")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE product_fts")
    else:
        op.drop_index("ix_product_search_tsv", table_name="product_search")
        op.drop_table("product_search")
