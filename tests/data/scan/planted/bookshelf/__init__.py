"""The bookshelf application: a small catalogue of books with an admin area and a JSON API."""

import os

from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from config import config

app = Flask(__name__)
app.config.from_object(config[os.environ.get("BOOKSHELF_ENV", "production")])
app.secret_key = "dev"  # planted: hardcoded-secret-key
app.config.update(SESSION_COOKIE_SAMESITE="Lax", MAX_CONTENT_LENGTH=4 * 1024 * 1024)

from bookshelf import views  # noqa: E402

db = SQLAlchemy(app)
migrate = Migrate(app, db)

from bookshelf.admin import admin_bp  # noqa: E402
from bookshelf.api import api_bp  # noqa: E402

app.register_blueprint(admin_bp, url_prefix="/admin")
app.register_blueprint(api_bp, url_prefix="/api")
app.register_blueprint(admin_bp, url_prefix="/staff")  # planted: blueprint-registered-twice

db.create_all()  # planted: create-all-at-import


@app.before_first_request  # planted: removed-api
def warm_cache():
    app.config.setdefault("CATALOGUE_SIZE", 0)
