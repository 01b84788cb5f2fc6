"""Alembic environment: the URL comes from the app config (see shop.cli.alembic_config)."""
from alembic import context

import shop.models  # noqa: F401  (register every table on the metadata)
from shop.db import Base, create_engine

config = context.config


def render_item(type_, obj, autogen_context):
    """Write project column types as plain SQLAlchemy types so migrations never import app code."""
    from shop.db import UTCDateTime
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False
target_metadata = Base.metadata


def include_object(obj, name, type_, reflected, compare_to):
    """Autogenerate never proposes dropping what exists only in the database (search indexes made by
    hand-written migrations, such as the FTS5 tables); drops are written by hand."""
    return not (reflected and compare_to is None)


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite", render_item=render_item,
                          include_object=include_object)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
