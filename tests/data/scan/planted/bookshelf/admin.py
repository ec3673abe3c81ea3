from functools import wraps

from flask import Blueprint, abort, g, render_template, session
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

admin_bp = Blueprint("admin", __name__, template_folder="templates")


def admin_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not session.get("is_admin"):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


class ShelfForm(FlaskForm):
    name = StringField("Name")
    owner = SelectField("Owner", choices=g.owners)  # planted: context-at-import


def current_user(default=session.get("user_id")):  # planted: context-at-import
    return default


@admin_bp.route("/")
@admin_required
def index():
    return render_template("admin/index.html")


@admin_bp.route("/stats")
@admin_required
def index():  # planted: duplicate-endpoint
    return render_template("admin/stats.html")


@admin_bp.route("/shelves", methods=["GET", "POST"])
@admin_required
def shelves():
    form = ShelfForm()
    return render_template("admin/shelves.html", form=form)
