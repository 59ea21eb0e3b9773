"""The oversight pages' operations as JSON routes under ``/api/v1`` (flask-smorest, described
in ``/api/v1/openapi.json``). Same services, same policy; errors are JSON in ``?lang=`` or
the Accept-Language (docservice/api).

CSRF (``docservice.auth.csrf_check``, one check for every route): a request authenticated by
a valid bearer token needs none; a write that rides on the browser session must carry the
session's CSRF token in ``X-CSRFToken`` — so a cross-site page can never make a signed-in
browser act here.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from flask import jsonify, request
from flask_smorest import Blueprint

from ... import policy, reopen, student_accounts
from ...api.documents import signed_in
from ...auth import actor, request_lang
from ...clock import now, today
from ...errors import DatasetError, Invalid
from ...importer import import_dataset, read_dataset
from ...journals import find_journal, find_user, set_deadline, set_period_rule
from ...models import Department, db
from ...monitoring import report as monitoring_report
from ...users import reset_password as reset
from . import data
from .common import form_date

blp = Blueprint("oversight_api", __name__, url_prefix="/api/v1",
                description="The role pages' operations: department, reopen requests, registrar, IT, student")

ERRORS = {str(code): {"description": text} for code, text in (
    (400, "Missing CSRF token (session-authenticated writes)"), (401, "Not signed in"), (403, "Not allowed"),
    (404, "Not found"), (409, "Conflict"), (422, "Invalid input, message in the requested language"))}


def _body_doc(properties: dict, required=()) -> dict:
    return {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "properties": properties, "required": list(required)}}}}


def _lang() -> str:
    lang = request_lang()
    return "kk" if lang == "kk" else "ru"


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


# --- head of department ------------------------------------------------------------------

@blp.route("/department/journals")
@blp.doc(summary="The journals of the departments the user heads: state, deadline, teachers and substitutes",
         responses=ERRORS)
@signed_in
def department_journals():
    policy.require(actor(), "department.view")
    departments = data.headed_departments(actor())
    day = today()
    period = request.args.get("period")
    period_id = data.find_period(period).id if period else None
    return jsonify([data.journal_json(j, _lang(), day)
                    for j in data.journals_of([d.id for d in departments], period_id)] if departments else [])


@blp.route("/journals/<code>/substitutes", methods=["POST"])
@blp.doc(summary="Record a department decision: a teacher of the same department substitutes (own login)",
         requestBody=_body_doc({"substitute": {"type": "string", "description": "login"},
                                "protocol": {"type": "string"}, "valid_from": {"type": "string", "format": "date"},
                                "valid_until": {"type": "string", "format": "date"}}, ("substitute", "protocol")),
         responses=ERRORS)
@signed_in
def substitute(code):
    journal, body = find_journal(code), _body()
    data.appoint(actor(), journal, body.get("substitute") or "", body.get("protocol") or "",
                 form_date(body.get("valid_from"), "valid_from"), form_date(body.get("valid_until"), "valid_until"))
    return jsonify(data.journal_json(journal, _lang(), today())), 201


@blp.route("/login-requests/mine")
@blp.doc(summary="Login requests issued for the user's departments, and the accounts given", responses=ERRORS)
@signed_in
def my_login_requests():
    policy.require(actor(), "login.request")
    documents = data.login_requests_of(data.headed_departments(actor()))
    handled = data.handled_numbers(d.number for d in documents)
    return jsonify([data.login_request_json(d, handled.get(d.number)) for d in documents])


# --- reopen requests ---------------------------------------------------------------------

@blp.route("/reopen-requests")
@blp.doc(summary="Reopen requests waiting for a step of this user (visa, decision, grant)", responses=ERRORS)
@signed_in
def reopen_requests():
    policy.require(actor(), "requests.inbox")
    at = now()
    return jsonify([data.request_json(r, actor(), _lang(), at) for r in data.inbox(actor(), at.date())])


@blp.route("/reopen-requests/<int:request_id>")
@blp.doc(summary="One reopen request with its steps and late steps", responses=ERRORS)
@signed_in
def reopen_request(request_id):
    item = reopen.find_request(request_id)
    policy.require(actor(), "journal.view", item.journal)
    return jsonify(data.request_json(item, actor(), _lang(), now()))


@blp.route("/reopen-requests/<int:request_id>/visa", methods=["POST"])
@blp.doc(summary="The head of department visas the explanatory note", responses=ERRORS)
@signed_in
def visa(request_id):
    item = reopen.visa(actor(), reopen.find_request(request_id))
    return jsonify(data.request_json(item, actor(), _lang(), now()))


@blp.route("/reopen-requests/<int:request_id>/decision", methods=["POST"])
@blp.doc(summary="The dean's council approves: protocol number and date",
         requestBody=_body_doc({"protocol_no": {"type": "string"},
                                "protocol_date": {"type": "string", "format": "date"}},
                               ("protocol_no", "protocol_date")), responses=ERRORS)
@signed_in
def decide(request_id):
    body = _body()
    item = reopen.decide(actor(), reopen.find_request(request_id), str(body.get("protocol_no") or ""),
                         form_date(body.get("protocol_date"), "protocol_date"))
    return jsonify(data.request_json(item, actor(), _lang(), now()))


@blp.route("/reopen-requests/<int:request_id>/grant", methods=["POST"])
@blp.doc(summary="The head of the registrar's office opens access (days: default REOPEN_STEP_DAYS)",
         requestBody=_body_doc({"days": {"type": "integer", "minimum": 1, "maximum": 30}}), responses=ERRORS)
@signed_in
def grant(request_id):
    days = _body().get("days")
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 30):
        raise Invalid("field_invalid", field="days", detail=str(days))
    access = reopen.grant(actor(), reopen.find_request(request_id), days)
    return jsonify(data.grant_json(access, _lang(), now())), 201


@blp.route("/reopen-requests/<int:request_id>/return", methods=["POST"])
@blp.doc(summary="Return the request to the teacher with the reason (whoever's step it is)",
         requestBody=_body_doc({"reason": {"type": "string"}}, ("reason",)), responses=ERRORS)
@signed_in
def give_back(request_id):
    item = reopen.reject(actor(), reopen.find_request(request_id), str(_body().get("reason") or ""))
    return jsonify(data.request_json(item, actor(), _lang(), now()))


@blp.route("/reopen-grants")
@blp.doc(summary="Reopen grants not yet ended: journal, teacher, kind, scope, window", responses=ERRORS)
@signed_in
def grants():
    policy.require(actor(), "monitoring.view")
    at = now()
    return jsonify([data.grant_json(g, _lang(), at) for g in data.open_grants()])


# --- registrar: deadlines, monitoring, summary, import ----------------------------------------

@blp.route("/periods")
@blp.doc(summary="Periods with their closing rule (days after the final control)", responses=ERRORS)
@signed_in
def periods():
    policy.require(actor(), "period.deadlines")
    return jsonify([data.period_json(p) for p in data.periods()])


@blp.route("/periods/<path:code>/rule", methods=["POST"])
@blp.doc(summary="Set a period's closing rule", requestBody=_body_doc(
    {"close_within_days": {"type": "integer", "minimum": 0, "maximum": 60}}, ("close_within_days",)),
    responses=ERRORS)
@signed_in
def period_rule(code):
    period = data.find_period(code)
    set_period_rule(actor(), period, _body().get("close_within_days"))
    return jsonify(data.period_json(period))


@blp.route("/deadlines")
@blp.doc(summary="Journals with final control, deadline and state (?period=, ?department=)", responses=ERRORS)
@signed_in
def deadlines():
    policy.require(actor(), "period.deadlines")
    period = request.args.get("period")
    department = request.args.get("department")
    department_ids = None
    if department:
        row = db.session.scalar(db.select(Department).where(Department.code == department))
        department_ids = [row.id] if row else []
    journals = data.journals_of(department_ids, data.find_period(period).id if period else None)
    day = today()
    return jsonify([data.journal_json(j, _lang(), day) for j in journals])


@blp.route("/journals/<code>/deadline", methods=["POST"])
@blp.doc(summary="Set one journal's deadline; null goes back to the period's rule",
         requestBody=_body_doc({"deadline": {"type": "string", "format": "date", "nullable": True}}),
         responses=ERRORS)
@signed_in
def journal_deadline(code):
    journal = find_journal(code)
    set_deadline(actor(), journal, form_date(_body().get("deadline"), "deadline"))
    return jsonify(data.journal_json(journal, _lang(), today()))


def _objects(properties: dict) -> dict:
    return {"type": "array", "items": {"type": "object", "properties": properties}}


def _count(text: str) -> dict:
    return {"type": "integer", "description": text}


_TEACHER_LINE = {
    "login": {"type": "string"}, "full_name": {"type": "string"}, "department": {"type": "string"},
    "reopenings": _count("journals of the year reopened for the teacher"),
    "with_change": _count("of them, reopenings that changed a grade"),
    "level": {"type": "string", "nullable": True, "description": "the disciplinary level the reopenings reach"},
    "memo": {"type": "boolean", "description": "over the memo threshold"}}

# What /monitoring returns, described for /api/v1/openapi.json: the figures per department are
# the monitoring page's (``data.FIGURES``), due_soon being the journals whose teachers are reminded.
MONITORING_REPORT = {"type": "object", "properties": {
    "academic_year": {"type": "string", "example": "2026-2027"},
    "journals": _objects({
        "department": {"type": "string", "description": "department code"},
        "total": _count("journals of the year"),
        "open": _count("open journals"),
        "due_soon": _count("open journals due within REMIND_DAYS days (configured; 2 by default): "
                           "the ones whose teachers are being reminded"),
        "closed": _count("closed journals"),
        "locked": _count("journals locked at their deadline"),
        "closed_late": _count("journals closed late or overdue")}),
    "teachers": _objects(_TEACHER_LINE),
    "departments": _objects({"code": {"type": "string"}, "reopenings": _count("reopened journals"),
                             "level": {"type": "string", "nullable": True}}),
    "memo": {**_objects(_TEACHER_LINE), "description": "the teachers over the memo threshold"}}}


@blp.route("/monitoring")
@blp.doc(summary="Journals per department (open, due soon, closed, locked, late), reopenings per teacher and "
                 "department with the disciplinary level, teachers over the memo threshold (?year=)",
         responses={"200": {"description": "The monitoring report of the academic year",
                            "content": {"application/json": {"schema": MONITORING_REPORT}}}, **ERRORS})
@signed_in
def monitoring():
    policy.require(actor(), "monitoring.view")
    years = data.academic_years()
    year = request.args.get("year") or (years[0] if years else "")
    report = monitoring_report(actor(), year)
    counts = [{k: v for k, v in c.items() if k != "department_obj"} for c in data.journal_counts(year, today())]
    return jsonify({"academic_year": year, "journals": counts, **report,
                    "memo": [t for t in report["teachers"] if t["memo"]]})


@blp.route("/summary-vedomosts")
@blp.doc(summary="Groups with journals in a period (?period=), with closed journals and the document input",
         responses=ERRORS)
@signed_in
def summary_vedomosts():
    policy.require(actor(), "summary.view")
    code = request.args.get("period")
    period = data.find_period(code) if code else (data.periods() or [None])[0]
    if period is None:
        return jsonify([])
    return jsonify([{"group": r["group"].code, "period": period.code, "journals": r["journals"],
                     "closed": r["closed"], "input": {"group": r["group"].code, "period": period.code},
                     "issue_url": "/api/v1/documents/summary_vedomost/issue"}
                    for r in data.summary_groups(actor(), period, today())])


# What /import returns (``importer.ImportSummary.as_dict``), for /api/v1/openapi.json.
def _texts(*langs: str) -> dict:
    return {"type": "object", "description": "the same text in each language",
            "properties": {lang: {"type": "string"} for lang in langs}}


IMPORT_SUMMARY = {"type": "object", "properties": {
    "dry_run": {"type": "boolean", "description": "true: nothing was written, the figures say what would be"},
    "created": {"type": "object", "additionalProperties": {"type": "integer"},
                "description": "records created, per kind (students, journals, marks…)"},
    "updated": {"type": "object", "additionalProperties": {"type": "integer"},
                "description": "records changed, per kind"},
    "marks_changed": _count("marks whose value changed"),
    "journals": _objects({
        "code": {"type": "string"}, "name": _texts("kk", "ru"), "group": {"type": "string"},
        "students": _count("students of the group"), "marks": _count("marks of the journal in the file"),
        "changed": _count("of them, marks that change"), "new": {"type": "boolean"},
        "final_control": {"type": "string", "format": "date"}, "deadline": {"type": "string", "format": "date"},
        "state": {"type": "string", "enum": ["open", "closed", "locked"]},
        "past_deadline": {"type": "boolean", "description": "locked at once: later changes go through a reopening"}}),
    "warnings": {**_objects({
        "code": {"type": "string", "example": "import_exam_not_admitted"},
        "journal": {"type": "string"}, "student": {"type": "string", "description": "record-book number"},
        "message": _texts("kk", "ru", "en")}),
        "description": "what is loaded but should be checked: an exam mark of a student not admitted "
                       "(РД below the minimum) is kept as a record and not counted"}}}


@blp.route("/import", methods=["POST"])
@blp.doc(summary="Import a docservice-dataset/1 file, all or nothing; ?dry_run=true only counts what "
                 "would change. The file as multipart 'file', or the body with ?format=json|xlsx",
         parameters=[{"in": "query", "name": "dry_run", "schema": {"type": "boolean"}},
                     {"in": "query", "name": "format", "schema": {"type": "string", "enum": ["json", "xlsx"]}}],
         responses={"200": {"description": "What was imported (or, on a dry run, would be)",
                            "content": {"application/json": {"schema": IMPORT_SUMMARY}}}, **ERRORS})
@signed_in
def import_file():
    policy.require(actor(), "dataset.import")
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        name, content = upload.filename, upload.read()
    else:
        name, content = f"upload.{request.args.get('format', 'json')}", request.get_data()
    suffix = Path(name).suffix.lower()
    if suffix not in (".json", ".xlsx") or not content:
        raise Invalid("upload_missing", field="file")
    dry_run = request.args.get("dry_run", "false").lower() in ("1", "true", "yes")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"dataset{suffix}"
        path.write_bytes(content)
        try:
            dataset, origins = read_dataset(path)
        except DatasetError as err:
            if err.where == path.name:
                err.where = err.params["where"] = name
            raise
    summary = import_dataset(actor(), dataset, origins, dry_run=dry_run)
    return jsonify({"dry_run": dry_run, **summary.as_dict()})


# --- IT ------------------------------------------------------------------------------------

@blp.route("/login-requests")
@blp.doc(summary="Login requests waiting for the IT department", responses=ERRORS)
@signed_in
def login_requests():
    policy.require(actor(), "users.manage")
    return jsonify([data.login_request_json(d) for d in data.pending_login_requests()])


@blp.route("/login-requests/<path:number>/account", methods=["POST"])
@blp.doc(summary="Issue the account a login request asks for; the one-time password is in this answer only",
         requestBody=_body_doc({"login": {"type": "string"}}, ("login",)), responses=ERRORS)
@signed_in
def issue_account(number):
    document = data.find_login_request(number)
    user, secret = data.issue_account(actor(), document, str(_body().get("login") or ""))
    response = jsonify({"login": user.login, "full_name": user.full_name, "roles": sorted(user.roles),
                        "one_time_password": secret, "request": document.number})
    response.headers["Cache-Control"] = "no-store"
    return response, 201


@blp.route("/login-requests/<path:number>/reject", methods=["POST"])
@blp.doc(summary="Return a login request with a reason (the head of department reads it)",
         requestBody=_body_doc({"reason": {"type": "string"}}, ("reason",)), responses=ERRORS)
@signed_in
def reject_login_request(number):
    row = data.reject_login_request(actor(), data.find_login_request(number), str(_body().get("reason") or ""))
    return jsonify({"request": row.number, "returned": {"reason": row.rejected_reason, "at": row.at.isoformat()}})


def _once(payload: dict, status: int = 201):
    """An answer with one-time passwords: not cached, not kept, not shown again."""
    response = jsonify(payload)
    response.headers["Cache-Control"] = "no-store"
    return response, status


@blp.route("/users/<login>/password-reset", methods=["POST"])
@blp.doc(summary="A new one-time password for the user (in this answer only; the old one and every session end)",
         responses=ERRORS)
@signed_in
def reset_password(login):
    user = find_user(login)
    return _once({"login": user.login, "one_time_password": reset(actor(), user)}, 200)


def _issued_json(issued) -> list[dict]:
    return [{"record_book": i.student.record_book, "full_name": i.student.full_name, "group": i.student.group.code,
             "login": i.login, "one_time_password": i.secret} for i in issued]


@blp.route("/students/<record_book>/account", methods=["POST"])
@blp.doc(summary="The student's account (login st + record book); the one-time password is in this answer only",
         responses=ERRORS)
@signed_in
def issue_student_account(record_book):
    student = student_accounts.find_student(record_book)
    return _once({"accounts": _issued_json([student_accounts.issue_for_student(actor(), student)])})


@blp.route("/groups/<code>/student-accounts", methods=["POST"])
@blp.doc(summary="Accounts for every student of the group who has none (who has one is skipped); the "
                 "one-time passwords are in this answer only", responses=ERRORS)
@signed_in
def issue_group_accounts(code):
    group = student_accounts.find_group(code)
    return _once({"accounts": _issued_json(student_accounts.issue_for_group(actor(), group))})


# --- student -------------------------------------------------------------------------------

@blp.route("/my-grades")
@blp.doc(summary="The signed-in student's own grades per period: final %, letter, GPA points, "
                 "traditional grade, status, period GPA", responses=ERRORS)
@signed_in
def my_grades():
    policy.require(actor(), "grades.own")
    student = data.student_of(actor())
    if student is None:
        return jsonify({"student": None, "periods": []})
    periods_ = data.student_grades(student, _lang())
    for p in periods_:
        err = p.pop("error")
        p["error"] = err.to_dict(request_lang()) if err else None
    return jsonify({"student": {"record_book": student.record_book, "full_name": student.full_name,
                                "group": student.group.code}, "periods": periods_})
