import json
from pathlib import Path

from flask import current_app, redirect, render_template, request, send_file, url_for

from notes.blog import blog_bp
from notes.extensions import db
from notes.models import Note, save


@blog_bp.route("/")
def index():
    page = request.args.get("page", 1, type=int)
    notes = db.paginate(db.select(Note).order_by(Note.id.desc()), page=page, per_page=20)
    return render_template("index.html", notes=notes)


@blog_bp.route("/notes", methods=["POST"])
def create():
    note = Note(title=request.form.get("title", ""), body=request.form.get("body", ""))
    db.session.add(note)
    db.session.commit()
    return redirect(url_for("blog.index"))


@blog_bp.route("/notes/quick", methods=["POST"])
def quick():
    note = Note(title=request.form.get("title", "untitled"))
    db.session.add(note)
    save(note)
    return redirect(url_for("blog.show", note_id=note.id))


@blog_bp.route("/notes/<int:note_id>")
def show(note_id):
    note = db.get_or_404(Note, note_id)
    return render_template("show.html", note=note)


@blog_bp.route("/notes/<int:note_id>/export")
def export(note_id):
    note = db.get_or_404(Note, note_id)
    path = Path(current_app.instance_path) / f"note-{note_id}.json"
    path.write_text(json.dumps(note.to_dict()))
    return send_file(path, as_attachment=True, download_name=path.name, max_age=0)


@blog_bp.route("/search")
def search():
    if "q" in request.args:
        return redirect(url_for("blog.index", q=request.args["q"]))
    return redirect(request.referrer or url_for("blog.index"))


@blog_bp.route("/feed.json")
def feed():
    notes = [n.to_dict() for n in Note.query.limit(20)]
    return json.dumps(notes), 200, {"Content-Type": "application/json"}


@blog_bp.route("/help")
def help_page():
    return redirect("https://docs.example.org/notes")
