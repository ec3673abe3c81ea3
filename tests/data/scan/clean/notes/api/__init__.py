import json

from flask import Blueprint, Response, jsonify, request
from flask.views import MethodView

from notes.extensions import db
from notes.models import Note

api_bp = Blueprint("api", __name__)


class NoteList(MethodView):
    def get(self):
        limit = request.args.get("limit", 50, type=int)
        return jsonify([n.to_dict() for n in Note.query.limit(limit)])

    def post(self):
        note = Note(title=request.get_json()["title"])
        db.session.add(note)
        db.session.commit()
        return note.to_dict(), 201


api_bp.add_url_rule("/notes", view_func=NoteList.as_view("notes"))


@api_bp.route("/")
def index():
    body = json.dumps({"notes": "/notes"})
    return Response(body, mimetype="application/json")
