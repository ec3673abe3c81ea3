from alembic import context
from flask import current_app

config = context.config
config.set_main_option("sqlalchemy.url", str(current_app.extensions["migrate"].db.engine.url))
target_metadata = current_app.extensions["migrate"].db.metadata
