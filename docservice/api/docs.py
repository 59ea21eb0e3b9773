"""A browsable page of the JSON API: Swagger UI at ``/api/v1/docs``, reading ``/api/v1/openapi.json``.

Swagger UI's own files come from the pinned ``swagger-ui-bundle`` package (swagger-ui-dist)
and are served by the app itself, so nothing is loaded from another host. Its start-up code
is our own file (``static/swagger-init.js``), which keeps the app's Content-Security-Policy
(``script-src 'self'``) without 'unsafe-inline'. The page is for signed-in users: "Try it out"
goes with their session (writes carry the page's CSRF token); the Authorize button takes a
bearer token from ``flask users token LOGIN`` to send with every call, as a script would.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, render_template, send_from_directory, url_for
from flask_login import login_required
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("swagger_ui", __name__, url_prefix="/api/v1/docs")

OURS = Path(__file__).resolve().parent / "static"
# The only files served: Swagger UI's bundle and styles, and our start-up script.
FILES = {"swagger-ui-bundle.js": Path(str(swagger_ui_path)), "swagger-ui.css": Path(str(swagger_ui_path)),
         "index.css": Path(str(swagger_ui_path)), "favicon-32x32.png": Path(str(swagger_ui_path)),
         "swagger-init.js": OURS}


@bp.get("")
@login_required
def page():
    return render_template("api/docs.html", spec_url=url_for("api-docs.openapi_json"))


@bp.get("/files/<filename>")
@login_required
def files(filename: str):
    folder = FILES.get(filename)
    if folder is None:
        abort(404)
    return send_from_directory(folder, filename)
