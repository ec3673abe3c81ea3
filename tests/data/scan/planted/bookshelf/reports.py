"""Weekly reports, downloaded by the admins."""

from flask import send_from_directory

from bookshelf.admin import admin_bp, admin_required

REPORTS = "/var/lib/bookshelf/reports"


@admin_bp.route("/reports/<name>")
@admin_required
def report(name):
    return send_from_directory(REPORTS, filename=name)  # planted: send-file-attachment-filename


@admin_bp.route("/reports/latest")
@admin_required
def latest():
    return send_from_directory(REPORTS, "latest.pdf", max_age=60)
