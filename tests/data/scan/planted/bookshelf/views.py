import csv
import io
import json

from flask import current_app, flash, redirect, render_template, request, send_file, url_for

from bookshelf import app, db  # planted: circular-import
from bookshelf.forms import BookForm
from bookshelf.models import Book, Review

PER_PAGE = current_app.config["BOOKS_PER_PAGE"]  # planted: context-at-import


@app.route("/")
def index():
    return redirect(url_for("books"))


@app.route("/books")
def books():
    page = request.args["page"]  # planted: request-args-subscript
    shelf = Book.query.order_by(Book.title).paginate(page=int(page), per_page=PER_PAGE)
    return render_template("books.html", shelf=shelf)


@app.route("/books/<int:book_id>.json")
def book_json(book_id):
    book = db.get_or_404(Book, book_id)
    return json.dumps(book.to_dict())  # planted: json-dumps-response


@app.route("/books/new", methods=["GET", "POST"])
def new_book():
    form = BookForm()
    if form.validate_on_submit():
        book = Book(title=form.title.data, author=form.author.data, year=form.year.data)
        db.session.add(book)  # planted: session-add-without-commit
        flash("Book added.")
        return redirect("/books")  # planted: redirect-literal-path
    return render_template("new_book.html", form=form)


@app.route("/books/<int:book_id>/review", methods=["POST"])
def review(book_id):
    stars = request.form.get("stars", type=int)
    Review(book_id=book_id, stars=stars, text=request.form.get("text", "")).save()
    return redirect(url_for("books"))


@app.route("/export.csv")
def export():
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for book in Book.query.all():
        writer.writerow([book.title, book.author, book.year])
    data = io.BytesIO(buffer.getvalue().encode("utf-8"))
    return send_file(
        data,
        mimetype="text/csv",
        as_attachment=True,
        attachment_filename="books.csv",  # planted: send-file-attachment-filename
        cache_timeout=0,  # planted: send-file-attachment-filename
    )


@app.route("/about")
def books():  # planted: duplicate-endpoint
    return render_template("about.html")
