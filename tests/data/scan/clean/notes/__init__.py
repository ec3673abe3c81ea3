import os
import secrets

from flask import Flask

from config import configs
from notes.extensions import db


def create_app(name=None):
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(configs[name or os.environ.get("NOTES_ENV", "production")])
    app.config.from_pyfile("settings.py", silent=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    if app.config.get("ENV_NAME") == "development":
        app.config["SESSION_COOKIE_SECURE"] = False
    app.debug = os.environ.get("FLASK_DEBUG") == "1"

    db.init_app(app)

    from notes.api import api_bp
    from notes.auth import auth_bp
    from notes.blog import blog_bp

    app.register_blueprint(blog_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(api_bp, url_prefix="/api/v2", name="api_v2")

    with app.app_context():
        db.create_all()

    return app
