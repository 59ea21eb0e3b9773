"""The archive page's operations as JSON routes under ``/api/v1/archive`` (flask-smorest):
batch jobs (start or resume, progress and report, cancel, the ZIP) and the nomenclature of
files. Policy action ``archive.manage``; a bearer token or the browser session, and a
session-authenticated write carries ``X-CSRFToken`` (as every route of ``api.py``)."""
from __future__ import annotations

from flask import jsonify, url_for
from flask_smorest import Blueprint

from ... import nomenclature, policy
from ...api.documents import signed_in
from ...auth import actor
from ...batch import jobs
from ...errors import Invalid
from ...models.archive import DONE
from . import archive
from .api import _body, _body_doc, _lang

blp = Blueprint("archive_api", __name__, url_prefix="/api/v1",
                description="Archive printing and period-wide batch jobs; the nomenclature of files")

ACTION = archive.ACTION
ERRORS = {str(code): {"description": text} for code, text in (
    (400, "Missing CSRF token (session-authenticated writes)"), (401, "Not signed in"), (403, "Not allowed"),
    (404, "Not found"), (409, "The job is running (in another process or already here)"),
    (422, "Invalid input, per-field messages in the requested language"))}
JOB_BODY = _body_doc({
    "period": {"type": "string", "example": "2026-2027/1"},
    "school": {"type": "string", "description": "only this school's groups (its code)"},
    "types": {"type": "array", "items": {"type": "string"},
              "description": "only these document types, e.g. [\"summary_vedomost\"]; none: the whole archive"},
    "lang": {"type": "string", "enum": ["kk", "ru"], "description": "the documents' language"},
    "again": {"type": "boolean", "description": "a new job even if these documents were printed already"},
    "drafts": {"type": "string", "enum": ["pdf", "docx"],
               "description": "bulk re-render: every document as a draft in this format, nothing numbered"}},
    ("period", "lang"))
FILE_SCHEMA = {"type": "object", "required": ["index", "title_kk", "title_ru", "retention_kk", "retention_ru"],
               "properties": {"index": {"type": "string", "example": "02-10"},
                              "title_kk": {"type": "string"}, "title_ru": {"type": "string"},
                              "retention_kk": {"type": "string"}, "retention_ru": {"type": "string"},
                              "selectors": {"type": "array", "items": {"type": "string"},
                                            "description": "a type id or type:kind, e.g. vedomost:individual"}}}
NOMENCLATURE_BODY = _body_doc({"files": {"type": "array", "items": FILE_SCHEMA}}, ("files",))
ZIP_RESPONSE = {"200": {"description": "The job's folder as one ZIP",
                        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}}


def job_json(job, with_report: bool = False) -> dict:
    view = archive.job_view(job)
    out = {**jobs.progress(job), "shown": view["shown"], "live": view["live"], "resumable": view["resumable"],
           "kind": job.kind, "params": job.params, "lang": job.lang,
           "created_at": job.created_at.isoformat() if job.created_at else None,
           "created_by": job.created_by.login if job.created_by else None,
           "zip": view["zip"], "zip_sha256": view["zip_sha256"] if view["zip"] else None,
           "zip_url": url_for("archive_api.job_zip", job_id=job.id) if view["zip"] else None,
           "url": url_for("archive_api.job", job_id=job.id)}
    if with_report:
        report = job.report or {}
        out["report"] = {"not_printed": report.get("not_printed", []),
                         "open_journals": report.get("open_journals", []),
                         "failed": [{"type": i.doc_type, "label": i.label,
                                     "number": f"{i.nomenclature}/{i.year}/{i.seq:04d}" if i.seq else None,
                                     "reason": i.error} for i in archive.failed_items(job)]}
    return out


@blp.route("/archive/jobs", methods=["GET"])
@blp.doc(summary="The recent batch jobs with their progress", responses=ERRORS)
@signed_in
def job_list():
    policy.require(actor(), ACTION)
    return jsonify([job_json(j) for j in jobs.recent()])


@blp.route("/archive/jobs", methods=["POST"])
@blp.doc(summary="Start printing a period (every type, or only `types`), or resume the unfinished job with "
                 "these parameters. 201: a new job; 200: an existing one (resumed, or done before — then "
                 "nothing runs unless `again`). The documents are issued in the background; poll the job.",
         requestBody=JOB_BODY, responses={"201": {"description": "Planned and started"},
                                          "200": {"description": "Resumed, or printed before"}} | ERRORS)
@signed_in
def start():
    body = _body()
    types = body.get("types")
    if types is not None and (not isinstance(types, list) or not all(isinstance(t, str) for t in types)):
        raise Invalid("field_invalid", field="types", detail=str(types))
    for key in ("period", "school", "lang"):
        if body.get(key) is not None and not isinstance(body[key], str):
            raise Invalid("field_invalid", field=key, detail=str(body[key]))
    if not body.get("period"):
        raise Invalid("field_required", field="period")
    latest = next(iter(jobs.recent(limit=1)), None)
    job = jobs.start(actor(), body["period"], body.get("lang") or _lang(), body.get("school") or None,
                     types or None, None, bool(body.get("again")), body.get("drafts") or None)
    created = latest is None or job.id > latest.id
    if job.status != DONE:
        archive.run_in_background(job.id)
    return jsonify(job_json(job)), 201 if created else 200


@blp.route("/archive/jobs/<int:job_id>", methods=["GET"])
@blp.doc(summary="A job's progress and report: documents not printed with the reason, open journals, failed "
                 "documents; the ZIP's address and SHA-256 once done", responses=ERRORS)
@signed_in
def job(job_id):
    policy.require(actor(), ACTION)
    return jsonify(job_json(jobs.find(job_id), with_report=True))


@blp.route("/archive/jobs/<int:job_id>/cancel", methods=["POST"])
@blp.doc(summary="Stop a job after the documents under way (status cancelling, then cancelled); "
                 "POST the same parameters again to resume it", responses=ERRORS)
@signed_in
def cancel(job_id):
    return jsonify(job_json(jobs.cancel(actor(), job_id)))


@blp.route("/archive/jobs/<int:job_id>/zip", methods=["GET"])
@blp.doc(summary="The finished job's folder as one ZIP (manifest.json, SHA256SUMS, one PDF/A per "
                 "nomenclature file, every original, the reports)", responses=ZIP_RESPONSE | ERRORS)
@signed_in
def job_zip(job_id):
    policy.require(actor(), ACTION)
    return archive.send_zip(jobs.find(job_id))


@blp.route("/archive/nomenclature", methods=["GET"])
@blp.doc(summary="The nomenclature of files: index, titles, retention (kk/ru) and the documents each "
                 "file takes (selectors)", responses=ERRORS)
@signed_in
def get_nomenclature():
    policy.require(actor(), ACTION)
    return jsonify(nomenclature.as_data())


@blp.route("/archive/nomenclature", methods=["PUT"])
@blp.doc(summary="Replace the whole nomenclature, all of it or nothing; 422 with per-field messages "
                 "(files → position → field)", requestBody=NOMENCLATURE_BODY, responses=ERRORS)
@signed_in
def put_nomenclature():
    policy.require(actor(), ACTION)
    nomenclature.replace_all(actor(), _body(), _lang())
    return jsonify(nomenclature.as_data())
