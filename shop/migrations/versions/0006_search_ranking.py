"""search ranking without reading every match

Revision ID: 0006
Revises: 0005

Search used to read every matching row of the index to rank it (ts_rank, bm25) and count it; a
common word matches a quarter of a large catalog.  Now a search ranks by "name hit, then the
listing order" and walks the index in listing order (see shop/catalog/search.py), so:

PostgreSQL — ``product_search`` gets ``names`` (the stripped name tokens, for the name-hit test)
and keeps in ``tsv`` every token without positions or weights (nothing reads them any more);
btree indexes in each listing order let a search walk the index in order, and ones on the farm
and the category find a farm's or a category's matches;
the trigram extension indexes product names for the substring fallback (``LIKE '%…%'``).
Existing entries are converted in place: the old names were the weight-A lexemes.  (Entries
written since also hold the pinyin of words inside longer words, 鲜松茸 → songrong; ``flask
search rebuild`` brings older entries up to that.)

SQLite — ``product_name_trigram``, an FTS5 trigram table of product names, for the same fallback.
It is filled here from the products that already have a search entry.
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE product_name_trigram USING fts5(name_zh, name_en, tokenize = 'trigram')")
        op.execute("INSERT INTO product_name_trigram (rowid, name_zh, name_en) "
                   "SELECT id, name_zh, name_en FROM product WHERE id IN (SELECT rowid FROM product_fts)")
        return
    op.execute("ALTER TABLE product_search ADD COLUMN names tsvector NOT NULL DEFAULT ''")
    op.execute("UPDATE product_search SET names = strip(ts_filter(tsv, '{a}')), tsv = strip(tsv)")
    op.execute("ALTER TABLE product_search ALTER COLUMN names DROP DEFAULT")
    # A search reads a few hundred rows at most; starting parallel workers would cost more than that.
    op.execute("ALTER TABLE product_search SET (parallel_workers = 0)")
    op.create_index("ix_product_search_names", "product_search", ["names"], postgresql_using="gin")
    op.create_index("ix_product_search_featured", "product_search", ["featured", "created_at", "product_id"])
    op.create_index("ix_product_search_newest", "product_search", ["created_at", "product_id"])
    op.create_index("ix_product_search_price", "product_search", ["price_from_fen", "product_id"])
    op.create_index("ix_product_search_farm_id", "product_search", ["farm_id"])
    op.create_index("ix_product_search_category_id", "product_search", ["category_id"])
    # pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: a database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE INDEX ix_product_name_zh_trgm ON product USING gin (name_zh gin_trgm_ops)")
    op.execute("CREATE INDEX ix_product_name_en_trgm ON product USING gin (name_en gin_trgm_ops)")
    op.execute("ANALYZE product_search")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE product_name_trigram")
        return
    op.execute("DROP INDEX ix_product_name_en_trgm")
    op.execute("DROP INDEX ix_product_name_zh_trgm")
    # The extension stays: something else may have come to use it.
    for name in ("ix_product_search_category_id", "ix_product_search_farm_id", "ix_product_search_price",
                 "ix_product_search_newest", "ix_product_search_featured", "ix_product_search_names"):
        op.drop_index(name, table_name="product_search")
    op.drop_column("product_search", "names")
    op.execute("ALTER TABLE product_search RESET (parallel_workers)")
    # Without positions the old ranking cannot be restored exactly: names and places lose their
    # weights until `flask search rebuild` writes the entries again.
