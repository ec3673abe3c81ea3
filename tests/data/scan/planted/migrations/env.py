import logging

from alembic import context
from flask import current_app

config = context.config
logger = logging.getLogger("alembic.env")
config.set_main_option(
    "sqlalchemy.url", str(current_app.extensions["migrate"].db.engine.url).replace("%", "%%")
)
target_metadata = current_app.extensions["migrate"].db.metadata


def run_migrations_online():
    connectable = current_app.extensions["migrate"].db.engine
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
