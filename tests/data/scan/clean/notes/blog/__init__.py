from flask import Blueprint

blog_bp = Blueprint("blog", __name__)

from notes.blog import views  # noqa: E402,F401
