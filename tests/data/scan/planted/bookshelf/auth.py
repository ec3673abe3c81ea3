from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from werkzeug.security import safe_str_cmp  # planted: removed-api

auth_bp = Blueprint("auth", __name__)


@auth_bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        if safe_str_cmp(request.form.get("password", ""), "letmein"):
            session["user_id"] = request.form.get("user")
            next_page = request.args.get("next")
            return redirect(next_page or url_for("index"))
        flash("Wrong password.")
    return render_template("login.html")


@auth_bp.route("/logout")
def logout():
    session.clear()
    return redirect("/login")  # planted: redirect-literal-path


@auth_bp.route("/account")
def account():
    return redirect(f"/users/{session.get('user_id')}")  # planted: redirect-literal-path


@auth_bp.route("/docs")
def docs():
    return redirect("https://bookshelf.example.org/docs")
