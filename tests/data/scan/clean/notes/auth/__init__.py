import hmac

from flask import Blueprint, redirect, render_template, request, session, url_for
from werkzeug.security import check_password_hash

auth_bp = Blueprint("auth", __name__)


@auth_bp.route("/")
def index():
    return render_template("auth/index.html")


@auth_bp.route("/logout")
def logout():
    session.clear()
    return redirect(url_for("blog.index"))


@auth_bp.route("/login", methods=["GET", "POST"])
def login():
    try:
        user = request.args["user"]
    except KeyError:
        user = None
    return render_template("auth/login.html", user=user)


def password_matches(stored_hash: str, password: str, token: str, expected: str) -> bool:
    return check_password_hash(stored_hash, password) and hmac.compare_digest(token, expected)


@auth_bp.before_app_request
def load_user():
    session.setdefault("visits", 0)
