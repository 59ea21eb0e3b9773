"""The registrar's archive page: print a period (or one type for every group of it) as a
batch job, follow its progress, cancel or resume it, download its ZIP and read its report;
and the nomenclature of files the documents are filed by (issue 5).

| page | does |
|---|---|
| ``/registrar/archive`` | start a job (period, school, types, language; a shortcut for every group's summary vedomost), the recent jobs with live progress |
| ``/registrar/archive/jobs/<id>`` | one job: progress, cancel / resume, the ZIP, the report (not printed, open journals, failed) |
| ``/registrar/archive/progress`` | the jobs' progress as JSON, polled every second by ``static/archive.js`` |
| ``/registrar/archive/nomenclature`` | the files of the nomenclature: add, edit, delete |

All of it is the policy action ``archive.manage`` (registrar, registrar_head); the services
(``batch.jobs``, ``nomenclature``) ask the policy again. The same operations are JSON routes
in ``archive_api.py``.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path

from flask import current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select

from ... import nomenclature
from ...auth import actor
from ...batch import jobs
from ...batch.archive import school_name
from ...documents import issuing
from ...documents.base import DocumentType
from ...documents.validation import InputInvalid
from ...errors import Conflict, DomainError, Invalid, NotFound
from ...models import BatchItem, BatchJob, School, db
from ...models.archive import CANCELLED, CANCELLING, DONE, FAILED, PLANNED, RUNNING
from . import bp, data
from .common import data_lang, lang, page, say

log = logging.getLogger(__name__)

ACTION = "archive.manage"

# A job's state as the page shows it ("stopped": planned with work done, or its runner gone).
STATUS_WORDS = {"planned": lazy_gettext("waiting to run"), "running": lazy_gettext("running"),
                "cancelling": lazy_gettext("stopping…"), "cancelled": lazy_gettext("cancelled"),
                "stopped": lazy_gettext("stopped"), "done": lazy_gettext("done")}
DOCUMENT_LANGUAGES = {"kk": lazy_gettext("in Kazakh"), "ru": lazy_gettext("in Russian")}
NOMENCLATURE_FIELDS = ("index", "title_kk", "title_ru", "retention_kk", "retention_ru")


# --- running a job from the web process ------------------------------------------------------

def _runs() -> dict[int, threading.Thread]:
    return current_app.extensions.setdefault("docservice.archive_runs", {})


_RUNS_LOCK = threading.Lock()


def run_in_background(job_id: int) -> threading.Thread:
    """Run a job (``jobs.run``) in a daemon thread of this web process.

    Why a thread: ``jobs.run`` blocks until every document is issued and the folder is
    assembled — minutes for a period — far longer than a request may wait. The page answers
    at once and follows the job's progress in the database; the run itself still spreads the
    documents over ``BATCH_WORKERS`` processes (one per core by default) or, with
    ``CELERY_BROKER_URL`` set, over Celery workers: the thread only drives it. It is a daemon
    with its own app context (and so its own database session): if the web process stops,
    the run stops with it, its heartbeat goes stale, and "Resume" finishes the job later
    under the numbers it was planned with.

    Why it is safe to press twice: the job is claimed here, in the request, before the thread
    starts — a job that another process (a web worker, the CLI) runs live is refused with
    ``job_running`` (HTTP 409), and so is a second start in this process while its thread
    lives. ``jobs.run`` in the thread claims it again as the same runner.

    Tests (``TESTING``): the same thread, joined before the request answers, so a test sees
    the job finished (or stopped) when its POST returns; nothing else differs.
    """
    app = current_app._get_current_object()
    with _RUNS_LOCK:
        runs = _runs()
        running = runs.get(job_id)
        if running is not None and running.is_alive():
            raise Conflict("job_running", job=job_id, runner=jobs.runner_name())
        try:
            jobs.claim(job_id)
        except Invalid as err:
            db.session.rollback()  # let go of the row claim() locked
            if err.code == "job_running":
                raise Conflict("job_running", **err.params) from None
            raise
        thread = threading.Thread(target=_run, args=(app, job_id), name=f"archive-job-{job_id}", daemon=True)
        runs[job_id] = thread
        thread.start()
    if app.config.get("TESTING"):
        thread.join()
        db.session.expire_all()  # the run wrote through its own session
    return thread


def _run(app, job_id: int) -> None:
    with app.app_context():
        try:
            jobs.run(job_id)
        except Exception:  # noqa: BLE001 — a thread has no one to raise to: log it, leave the job resumable
            log.exception("archive job %s stopped with an error", job_id)
            db.session.rollback()
            _release(job_id)
        finally:
            db.session.remove()


def _release(job_id: int) -> None:
    """A run that failed outside its documents (e.g. assembling the folder) gives the job up,
    so that it can be resumed at once rather than after its heartbeat goes stale."""
    job = db.session.get(BatchJob, job_id)
    if job is not None and job.status in (RUNNING, CANCELLING) and job.runner == jobs.runner_name():
        job.status, job.runner = (CANCELLED if job.status == CANCELLING else PLANNED), None
        db.session.commit()


def running_here(job_id: int) -> bool:
    thread = _runs().get(job_id)
    return thread is not None and thread.is_alive()


def live(job: BatchJob) -> bool:
    """Someone is running the job now: a thread of this process, or a runner elsewhere that
    keeps its heartbeat."""
    return running_here(job.id) or jobs.runner_alive(job)


def shown_status(job: BatchJob, progress: dict) -> str:
    if job.status in (RUNNING, CANCELLING) and not live(job):
        return "stopped"
    if job.status == PLANNED and progress["done"] > 0:
        return "stopped"
    return job.status


def resumable(status: str) -> bool:
    return status in (PLANNED, CANCELLED, "stopped")


# --- what the pages and the API say of a job ---------------------------------------------------

def type_titles(types, lang_: str) -> list[str]:
    registry = issuing.registry()
    return [registry.get(t).title(lang_) if t in registry else t for t in types or ()]


def job_view(job: BatchJob) -> dict:
    """A job as the page and the progress JSON show it, in the interface language."""
    progress = jobs.progress(job)
    status = shown_status(job, progress)
    params = job.params or {}
    report = job.report or {}
    return {**progress, "shown": status, "status_label": str(STATUS_WORDS.get(status, status)),
            "live": status in (RUNNING, CANCELLING), "resumable": resumable(status),
            "done_count": progress["done"],
            "period": params.get("period"), "school": school_name(params.get("school"), data_lang()), "lang": job.lang,
            "lang_label": str(DOCUMENT_LANGUAGES.get(job.lang, job.lang)),
            "types": params.get("types"), "drafts": params.get("drafts"),
            "type_titles": type_titles(params.get("types"), data_lang()),
            "created_at": job.created_at, "created_by": job.created_by.full_name if job.created_by else None,
            "zip": report.get("zip") if job.status == DONE else None, "zip_sha256": report.get("zip_sha256")}


def progress_json(job: BatchJob) -> dict:
    view = job_view(job)
    return {k: view[k] for k in ("job", "status", "shown", "status_label", "live", "total", "issued", "filed", "rendered", "failed",
                                 "pending", "done_count", "not_printed", "open_journals")}


def zip_path(job: BatchJob) -> Path:
    """The finished job's ZIP: the name the job recorded, inside the job's own folder — never a
    path from the request."""
    name = (job.report or {}).get("zip")
    if job.status != DONE or not job.output or not name or Path(name).name != name:
        raise NotFound("not_found", what="job", key=f"{job.id} · ZIP")
    folder = Path(job.output)
    if not folder.is_absolute():
        folder = Path(current_app.config.get("JOBS_DIR") or Path(current_app.instance_path) / "jobs") / folder
    path = folder / name
    if not path.is_file():
        raise NotFound("not_found", what="job", key=f"{job.id} · {name}")
    return path


def send_zip(job: BatchJob):
    return send_file(zip_path(job), mimetype="application/zip", as_attachment=True,
                     download_name=(job.report or {})["zip"])


def failed_items(job: BatchJob) -> list[BatchItem]:
    return db.session.scalars(select(BatchItem).where(BatchItem.job_id == job.id, BatchItem.status == FAILED)
                              .order_by(BatchItem.position)).all()


def batch_types() -> list:
    """The registered types a period calls for (those that list their period's documents)."""
    return [t for t in issuing.registry() if type(t).period_documents is not DocumentType.period_documents]


# --- the page ----------------------------------------------------------------------------------

@bp.get("/registrar/archive")
@page(ACTION)
def archive():
    periods = data.periods()
    schools = db.session.scalars(select(School).order_by(School.code)).all()
    return render_template("web/oversight/archive.html", periods=periods, schools=schools, types=batch_types(),
                           jobs=[(j, job_view(j)) for j in jobs.recent()], lang=data_lang(),
                           doc_lang=data_lang())


@bp.get("/registrar/archive/jobs/<int:job_id>")
@page(ACTION)
def archive_job(job_id):
    job = jobs.find(job_id)
    return render_template("web/oversight/archive_job.html", job=job, view=job_view(job), report=job.report or {},
                           failed=failed_items(job), registry=issuing.registry(), lang=data_lang())


@bp.get("/registrar/archive/progress")
@page(ACTION)
def archive_progress():
    """The progress of the recent jobs (or of ``?job=``), for the page's script."""
    job_id = request.args.get("job", type=int)
    found = [jobs.find(job_id)] if job_id else jobs.recent()
    response = jsonify({"jobs": [progress_json(j) for j in found]})
    response.headers["Cache-Control"] = "no-store"
    return response


def _back(job_id: int | None = None):
    target = request.form.get("back")
    if target == "job" and job_id:
        return redirect(url_for("oversight.archive_job", job_id=job_id))
    return redirect(url_for("oversight.archive") + (f"#job-{job_id}" if job_id else ""))


@bp.post("/registrar/archive/jobs")
@page(ACTION)
def archive_start():
    form = request.form
    only = form.get("only")
    types = [only] if only else [t for t in form.getlist("types") if t] or None
    try:
        job = jobs.start(actor(), form.get("period", ""), form.get("lang", ""), form.get("school") or None, types,
                         None, bool(form.get("again")), form.get("drafts") or None)
    except DomainError as err:
        say(err)
        return _back()
    if job.status == DONE:
        flash(_("These documents were printed already: job №%(job)s. Tick “Print anew” to print them again.",
                job=job.id), "ok")
        return _back(job.id)
    progress = jobs.progress(job)
    try:
        run_in_background(job.id)
    except DomainError as err:
        say(err)
        return _back(job.id)
    if progress["done"]:  # the unfinished job with these parameters, resumed
        flash(_("Job №%(job)s resumed: %(count)s documents left to issue.", job=job.id, count=progress["pending"]),
              "ok")
    else:
        flash(_("Job №%(job)s started: %(count)s documents to issue.", job=job.id, count=progress["pending"]), "ok")
    return _back(job.id)


@bp.post("/registrar/archive/jobs/<int:job_id>/resume")
@page(ACTION)
def archive_resume(job_id):
    job = jobs.find(job_id)
    pending = jobs.progress(job)["pending"]
    try:
        run_in_background(job.id)
    except DomainError as err:
        say(err)
        return _back(job_id)
    flash(_("Job №%(job)s resumed: %(count)s documents left to issue.", job=job_id, count=pending), "ok")
    return _back(job_id)


@bp.post("/registrar/archive/jobs/<int:job_id>/cancel")
@page(ACTION)
def archive_cancel(job_id):
    try:
        job = jobs.cancel(actor(), job_id)
    except Invalid as err:
        say(err)
        return _back(job_id)
    if job.status == CANCELLING:
        flash(_("Job №%(job)s stops after the documents under way; resume it to finish.", job=job_id), "ok")
    else:
        flash(_("Job №%(job)s cancelled; resume it to finish.", job=job_id), "ok")
    return _back(job_id)


@bp.get("/registrar/archive/jobs/<int:job_id>/zip")
@page(ACTION)
def archive_zip(job_id):
    return send_zip(jobs.find(job_id))


# --- the nomenclature of files ---------------------------------------------------------------

def selector_choices() -> list[tuple[str, str]]:
    """Every selector the form offers: each registered type, and the kinds it files apart."""
    lang_ = data_lang()
    choices = []
    for doc_type in issuing.registry():
        choices.append((doc_type.id, doc_type.title(lang_)))
        for kind in doc_type.kinds:
            choices.append((f"{doc_type.id}:{kind}", f"{doc_type.title(lang_)}: {doc_type.kind_title(kind, lang_)}"))
    return choices


def selector_label(selector: str) -> str:
    return dict(selector_choices()).get(selector, selector)


def _nomenclature_form(values: dict | None = None, editing: str | None = None, errors: dict | None = None,
                       status: int = 200):
    values = values or {}
    known = {s for s, _label in selector_choices()}
    chosen = values.get("selectors") or []
    return render_template("web/oversight/archive_nomenclature.html", files=nomenclature.files(),
                           choices=selector_choices(), label=selector_label, values=values, chosen=chosen,
                           others=", ".join(s for s in chosen if s not in known), editing=editing,
                           errors=errors or {}, lang=data_lang()), status


@bp.get("/registrar/archive/nomenclature")
@page(ACTION)
def archive_nomenclature():
    editing = request.args.get("edit")
    if editing:
        found = nomenclature.find(editing)
        values = {**{f: getattr(found, f) for f in NOMENCLATURE_FIELDS}, "selectors": list(found.selectors or [])}
        return _nomenclature_form(values, editing)
    return _nomenclature_form()


@bp.post("/registrar/archive/nomenclature")
@page(ACTION)
def archive_nomenclature_save():
    form = request.form
    editing = form.get("editing") or None
    others = [s.strip() for s in form.get("other_selectors", "").replace(";", ",").split(",") if s.strip()]
    selectors = list(dict.fromkeys(form.getlist("selectors") + others))
    values = {**{f: form.get(f, "").strip() for f in NOMENCLATURE_FIELDS}, "selectors": selectors}
    try:
        saved = nomenclature.save_file(actor(), values, lang(), index=editing)
    except InputInvalid as err:
        errors = {field: _messages(messages, values.get(field)) for field, messages in err.errors.items()}
    except Invalid as err:
        errors = {err.field or "index": [err.message(lang())]}
    else:
        flash(_("File %(index)s saved.", index=saved.index), "ok")
        return redirect(url_for("oversight.archive_nomenclature") + f"#f-{saved.index}")
    return _nomenclature_form(values, editing, errors, 422)


def _messages(messages, value=None) -> list[str]:
    """marshmallow's messages of a field as plain lines; those of a list's items (a dict by
    position) name the item: «vedomost:Individual»: wrong format."""
    if isinstance(messages, dict):
        items = value if isinstance(value, list) else []
        return [f"«{items[int(i)] if str(i).isdigit() and int(i) < len(items) else i}»: {line}"
                for i, lines in messages.items() for line in _messages(lines)]
    if isinstance(messages, list):
        return [str(m) for m in messages]
    return [str(messages)]


@bp.post("/registrar/archive/nomenclature/delete")
@page(ACTION)
def archive_nomenclature_delete():
    index = request.form.get("index", "")
    try:
        nomenclature.delete_file(actor(), index)
    except DomainError as err:
        say(err)
    else:
        flash(_("File %(index)s deleted.", index=index), "ok")
    return redirect(url_for("oversight.archive_nomenclature"))
