"""The teacher's operations as JSON under ``/api/v1`` (described in the OpenAPI document):
my journals, a journal's grid, entering one cell, closing, finishing a reopening.

Authentication: a bearer token (integrators) or the web session (the grid's own script).

CSRF: checked for every route in one place (``docservice.auth.csrf_check``): a request
authenticated by a valid bearer token needs none, one riding on the session cookie carries
the page's token in the ``X-CSRFToken`` header (``<meta name="csrf-token">`` of the journal
page; ``static/teacher.js`` sends it).

Errors are JSON in ``?lang=`` (else the browser's language): ``{"code", "message", …}``
with 400/401/403/404/409/422; a conflict (409) also carries the cell's ``current`` value
and version, so the writer can look and retry.
"""
from __future__ import annotations

from flask import jsonify, request
from flask_smorest import Blueprint

from ... import reopen
from ...api.documents import signed_in
from ...auth import actor, by_token, request_lang
from ...clock import now as clock_now
from ...errors import Conflict, Invalid, NotFound
from ...journals import WRITE_LOAD, close_journal, entering_mark
from . import grid, individual
from .pages import doc_lang_default, journal_rows, viewable

blp = Blueprint("teacher_api", __name__, url_prefix="/api/v1",
                description="The teacher's journals: the grid, entering marks, closing, reopening")

ERRORS = {str(code): {"description": text} for code, text in (
    (400, "Refused (e.g. the journal is closed), or the CSRF token is missing"), (401, "Not signed in"),
    (403, "Not allowed"), (404, "Unknown journal, student or request"),
    (409, "Someone else changed the cell: the current value and version are in `current`"),
    (422, "Invalid value: the message names it, in the requested language"))}
LANG = [{"in": "query", "name": "lang", "required": False,
         "schema": {"type": "string", "enum": ["kk", "ru", "en"]}}]
CELL_BODY = {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["student", "column", "version"],
    "properties": {
        "student": {"type": "string", "description": "Record-book number"},
        "column": {"type": "string", "description": "A lesson date (YYYY-MM-DD), RK1, RK2 or EXAM"},
        "value": {"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": True,
                  "description": "0–100, «н/б» (or «н»), empty or null to clear"},
        "note": {"type": "string", "nullable": True, "description": "«перезачет» / «қайта есепке алу» with н/б"},
        "version": {"type": "integer", "minimum": 0,
                    "description": "The version read (0 for an empty cell); another one means a conflict"},
    }}, "example": {"student": "24010001", "column": "2026-09-02", "value": "85", "version": 1}}}}


def init_api(app) -> None:
    """Register the JSON routes (called from ``docservice.web.init_app``)."""
    app.extensions["docservice.api"].register_blueprint(blp)


@blp.route("/journals")
@blp.doc(summary="My journals: those I teach or keep as an appointed substitute", parameters=LANG,
         responses=ERRORS)
@signed_in
def my_journals():
    at, lang, user = clock_now(), request_lang(), actor()
    return jsonify(journals=journal_rows(user, lang, at))


@blp.route("/journals/<code>")
@blp.doc(summary="A journal: columns, rows of cells {value, note, version, editable}, results, state, "
                 "deadline, an open grant, reopen requests", parameters=LANG, responses=ERRORS)
@signed_in
def journal(code):
    return jsonify(grid.grid(viewable(code), actor(), request_lang(), clock_now()))


@blp.route("/journals/<code>/cells", methods=["PUT"])
@blp.doc(summary="Enter one cell with the version read; answers the cell and the student's new result",
         parameters=LANG, requestBody=CELL_BODY, responses=ERRORS)
@signed_in
def put_cell(code):
    journal, user, lang = viewable(code, WRITE_LOAD), actor(), request_lang()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Invalid("field_invalid", field="body", detail="JSON object")
    student, column, version = body.get("student"), body.get("column"), body.get("version")
    for field, value in (("student", student), ("column", column)):
        if not isinstance(value, (str, int)) or isinstance(value, bool) or not str(value).strip():
            raise Invalid("field_required", field=field)
    if version is None:
        raise Invalid("field_required", field="version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise Invalid("field_invalid", field="version", detail=str(version))
    value, note = body.get("value"), body.get("note")
    if not isinstance(value, (str, int, type(None))) or isinstance(value, bool):
        raise Invalid("mark_invalid", field="value", value=value)
    if not isinstance(note, (str, type(None))):
        raise Invalid("mark_note_invalid", field="note", note=note)
    student, column = str(student).strip(), str(column).strip()
    try:
        with entering_mark(user, journal, student, column, value, note, expected_version=version,
                           via="api" if by_token() else "web") as entry:
            answer = grid.entry_json(entry, lang)
    except Conflict as err:
        return jsonify(err.to_dict(lang) | {"current": grid.current_cell(journal, student, column)}), err.status
    return jsonify(answer)


@blp.route("/journals/<code>/close", methods=["POST"])
@blp.doc(summary="Close the journal: the vedomost is formed from it", parameters=LANG, responses=ERRORS)
@signed_in
def close(code):
    journal, at = viewable(code), clock_now()
    close_journal(actor(), journal)
    return jsonify(journal=grid.summary(journal, request_lang(), at), vedomost_url=grid.vedomost_url(journal))


@blp.route("/journals/<code>/requests")
@blp.doc(summary="The journal's reopen requests with their status and late steps", parameters=LANG,
         responses=ERRORS)
@signed_in
def requests_(code):
    return jsonify(requests=grid.requests_json(viewable(code), actor(), request_lang(), clock_now()))


@blp.route("/journals/<code>/requests/<int:request_id>/complete", methods=["POST"])
@blp.doc(summary="Finish a granted reopening: the journal closes again and the individual vedomost is "
                 "issued (`request.vedomost`: its number; when it could not be issued, `vedomost_error` "
                 "says why and `request.vedomost_url` is its form)", parameters=LANG, responses=ERRORS)
@signed_in
def complete(code, request_id):
    journal, lang = viewable(code), request_lang()
    req = reopen.find_request(request_id)
    if req.journal_id != journal.id:
        raise NotFound("not_found", what="request", key=request_id)
    _document, why_not = individual.finish(actor(), req, doc_lang_default(journal), lang)
    return jsonify(request=next(r for r in grid.requests_json(journal, actor(), lang, clock_now())
                                if r["id"] == req.id), vedomost_error=why_not)
