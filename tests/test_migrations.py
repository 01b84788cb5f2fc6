"""The Alembic migrations build exactly the schema the models describe, on both databases."""
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import shop.models  # noqa: F401  (every table on the metadata)
from shop import db
from shop.db import Base


def _only_model_objects(obj, name, type_, reflected, compare_to):
    # Tables the search migration creates by hand (FTS5 / tsvector) have no model.
    return not (reflected and compare_to is None)


def test_models_and_migrations_agree(app):
    engine = db.get_db(app).engine
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _only_model_objects,
                                                         "compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_schema_is_at_the_newest_revision(app):
    from alembic.script import ScriptDirectory

    from shop.cli import alembic_config

    head = ScriptDirectory.from_config(alembic_config(app)).get_current_head()
    with db.get_db(app).engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == head
