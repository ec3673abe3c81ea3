import json

from flask import Blueprint, jsonify, request
from flask.views import MethodView

from bookshelf.models import Book

api_bp = Blueprint("api", __name__)


class BookList(MethodView):
    def get(self):
        query = request.args["q"]  # planted: request-args-subscript
        found = Book.query.filter(Book.title.contains(query)).all()
        return json.dumps([b.to_dict() for b in found]), 200  # planted: json-dumps-response


class BookDetail(MethodView):
    def get(self, book_id):
        book = Book.query.get_or_404(book_id)
        return jsonify(book.to_dict())


api_bp.add_url_rule("/books", view_func=BookList.as_view("books"))
api_bp.add_url_rule("/books/<int:book_id>", view_func=BookDetail.as_view("book"))


@api_bp.route("/health")
def health():
    return {"ok": True}


@api_bp.route("/search")
def search():
    if "q" not in request.args:
        return {"error": "missing q"}, 400
    return {"q": request.args["q"]}
