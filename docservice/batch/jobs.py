"""A batch job's life: planned (every document an item: a subject's original from the register,
or a new one reserved under its number), run (pending items rendered by an executor, with a
heartbeat and a way to cancel), assembled (the job's folder).

A job is known by its parameters: starting one with the parameters of an unfinished job
resumes that job — after a crash, a ``kill -9`` or a cancellation only its pending items
are issued, under the numbers they were given when it was planned.
"""
from __future__ import annotations

import json
import logging
import os
import socket
import time
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from .. import policy
from ..clock import now as clock_now
from ..documents import issuing
from ..documents.validation import InputInvalid
from ..errors import DomainError, Forbidden, Invalid, NotFound
from ..models import BatchItem, BatchJob, IssuedDocument, Journal, Period, School, User, db
from ..models.archive import (CANCELLED, CANCELLING, DONE, FAILED, FILED, ISSUED, PENDING, PLANNED, RENDERED,
                              RUNNING)
from ..models.journal import OPEN
from ..journals import lock_overdue
from ..nomenclature import Filing
from .items import _reason

log = logging.getLogger(__name__)

# A runner says it is alive this often; one silent for STALE is taken to be dead.
HEARTBEAT = timedelta(seconds=5)
STALE = timedelta(seconds=60)
UNFINISHED = (PLANNED, RUNNING, CANCELLING, CANCELLED)


def runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def find(job_id: int) -> BatchJob:
    job = db.session.get(BatchJob, job_id)
    if job is None:
        raise NotFound("not_found", what="job", key=job_id)
    return job


def recent(limit: int = 20) -> list[BatchJob]:
    return db.session.scalars(select(BatchJob).order_by(BatchJob.id.desc()).limit(limit)).all()


# --- planning -------------------------------------------------------------------------------

def start(actor: User | None, period_code: str, lang: str, school_code: str | None = None,
          types: list[str] | None = None, output: str | None = None, again: bool = False,
          drafts: str | None = None) -> BatchJob:
    """The job printing ``period`` (every type, or only ``types``): the unfinished one with
    these parameters, or the finished one unless ``again``, or a new one, planned now.

    ``drafts`` ("pdf" or "docx"): re-render every document of the period as a draft in that
    format instead — nothing numbered or registered; for checking the period, or the
    templates after the registrar has edited them in Word, before the archive print."""
    policy.require(actor, "archive.manage")
    if lang not in ("kk", "ru"):
        raise Invalid("field_invalid", field="lang", detail=f"{lang!r}: kk, ru")
    period = db.session.scalar(select(Period).where(Period.code == period_code))
    if period is None:
        raise NotFound("not_found", what="period", key=period_code)
    school = None
    if school_code:
        school = db.session.scalar(select(School).where(School.code == school_code))
        if school is None:
            raise NotFound("not_found", what="school", key=school_code)
    registry = issuing.registry()
    for type_id in types or ():
        registry.get(type_id)  # an unknown type is refused here, not halfway
    if drafts not in (None, "pdf", "docx"):
        raise Invalid("field_invalid", field="format", detail=f"{drafts!r}: docx, pdf")
    params = {"period": period.code, "school": school.code if school else None,
              "types": sorted(types) if types else None, "lang": lang, "drafts": drafts}
    key = json.dumps(params, sort_keys=True, ensure_ascii=False)
    existing = db.session.scalar(select(BatchJob).where(BatchJob.params_key == key)
                                 .order_by(BatchJob.id.desc()).limit(1))
    if existing is not None and (existing.status in UNFINISHED or (existing.status == DONE and not again)):
        return existing
    return _plan(actor, params, key, period, school, output)


def _plan(actor, params, key, period, school, output) -> BatchJob:
    """Every document of the job as an item, in one short transaction: a job is planned whole
    or not at all. A subject with a current original in the register is filed as it is; one
    without is reserved in the register there and then (number taken, data frozen) — so no
    subject ever gets a second number, whatever the job's parameters. What cannot be issued
    now (an open journal, bad data) is listed in the job's report instead."""
    # Journals past their deadline are locked first (as the nightly sweep would): the job
    # then sees the period as the journals' own rules have it.
    lock_overdue()
    db.session.commit()
    registry, lang, at = issuing.registry(), params["lang"], clock_now()
    planned, not_printed = _read_plan(actor, params, period, school, lang, registry)  # reads only
    kind = "drafts" if params["drafts"] else "issue" if params["types"] else "archive"
    job = BatchJob(kind=kind, params=params, params_key=key, lang=lang,
                   issued_at=at, created_by=actor, created_at=at, status=PLANNED, output=output)
    db.session.add(job)
    try:
        for position, (doc_type, document, index, original) in enumerate(planned, 1):
            numbered = {}
            if isinstance(original, issuing.Prepared):
                original, claim = issuing.reserve(actor, original, lang, "pdf", at=at, commit=False)
                if claim is not None:  # ours: numbered by this job
                    numbered = {"nomenclature": original.nomenclature, "year": original.year, "seq": original.seq}
            db.session.add(BatchItem(
                job=job, position=position, doc_type=doc_type.id, kind=document.kind, input=document.input,
                label=document.label[:500], file_index=index, status=PENDING, document=original, **numbered))
        job.report = {"not_printed": not_printed, "open_journals": open_journals(period, school, lang)}
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return job


def _read_plan(actor, params, period, school, lang: str, registry):
    """The job's documents, read from the store before anything is written: per document its
    type, its period document, its nomenclature file and either the subject's current original
    or what a new one is made of (``issuing.Prepared``; None for a draft)."""
    filing, planned, not_printed, subjects = Filing(registry), [], [], set()
    for doc_type in registry:
        if params["types"] and doc_type.id not in params["types"]:
            continue
        doc_type.actor = actor
        for document in doc_type.period_documents(period, school, lang):
            try:
                clean = issuing.validate(doc_type.schema, document.input, lang)
                original = None
                if not params["drafts"]:  # a draft may show an open journal: that is what it is for
                    subject = doc_type.subject(clean)
                    if (doc_type.id, subject) in subjects:
                        continue
                    subjects.add((doc_type.id, subject))
                    original = issuing.current_original(doc_type.id, subject)
                    if original is None:
                        doc_type.check_issue(clean)
                        if actor is not None and not doc_type.may_issue(actor, clean):
                            raise Forbidden("forbidden", action=f"issue {doc_type.id}")
                        original = issuing.prepare(doc_type, clean, document.input, lang)
            except Exception as exc:  # noqa: BLE001 — one unreadable document does not stop the plan
                if not isinstance(exc, (DomainError, InputInvalid)):
                    log.exception("planning %s %s failed", doc_type.id, document.input)
                not_printed.append({"type": doc_type.id, "title": doc_type.title(lang), "label": document.label,
                                    "input": document.input, "reason": _reason(exc, lang)})
                continue
            index = original.nomenclature if isinstance(original, IssuedDocument) else \
                filing.file_for(doc_type.id, document.kind)[0]
            planned.append((doc_type, document, index, original))
    return planned, not_printed


def open_journals(period, school, lang: str) -> list[dict]:
    """The period's journals not yet closed: listed by the job, not printed."""
    from ..models import Group, Program

    query = (select(Journal).join(Group, Journal.group_id == Group.id).join(Program)
             .where(Journal.period_id == period.id, Journal.state == OPEN).order_by(Group.code, Journal.code))
    if school is not None:
        query = query.where(Program.school_id == school.id)
    return [{"journal": j.code, "group": j.group.code, "discipline": j.item.name(lang),
             "department": j.item.department.name(lang),
             "teachers": ", ".join(t.user.full_name for t in j.staff if t.role == "teacher"),
             "final_control": j.final_control.isoformat()}
            for j in db.session.scalars(query)]


# --- running --------------------------------------------------------------------------------

def progress(job: BatchJob) -> dict:
    counts = dict(db.session.execute(select(BatchItem.status, func.count()).where(BatchItem.job_id == job.id)
                                     .group_by(BatchItem.status)).all())
    total = sum(counts.values())
    done = sum(counts.get(state, 0) for state in (ISSUED, FILED, RENDERED, FAILED))
    return {"job": job.id, "status": job.status, "total": total, "issued": counts.get(ISSUED, 0),
            "filed": counts.get(FILED, 0), "rendered": counts.get(RENDERED, 0), "done": done,
            "failed": counts.get(FAILED, 0), "pending": counts.get(PENDING, 0),
            "not_printed": len((job.report or {}).get("not_printed", [])),
            "open_journals": len((job.report or {}).get("open_journals", [])),
            "output": job.output, "finished_at": job.finished_at.isoformat() if job.finished_at else None}


def wall_now() -> datetime:
    """Heartbeats are the machines' time, not the service's clock (which a demo may freeze)."""
    return datetime.now()


def runner_alive(job: BatchJob) -> bool:
    """Whether the job's runner may still be at work: it spoke within ``STALE`` and, when it
    ran on this machine, its process still exists (a ``kill -9`` is seen at once)."""
    if job.status not in (RUNNING, CANCELLING) or job.heartbeat_at is None or not job.runner:
        return False
    if wall_now() - job.heartbeat_at >= STALE:
        return False
    host, _, pid = job.runner.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
    return True


def claim(job_id: int) -> BatchJob:
    """Make this process the job's runner, unless a live runner has it."""
    job = db.session.get(BatchJob, job_id, with_for_update=True)
    if job.status == DONE:
        raise Invalid("job_finished", job=job.id, state=job.status)
    if job.runner != runner_name() and runner_alive(job):
        raise Invalid("job_running", job=job.id, runner=job.runner)
    job.status, job.runner, job.heartbeat_at = RUNNING, runner_name(), wall_now()
    db.session.commit()
    return job


def cancel(actor: User | None, job_id: int) -> BatchJob:
    """Ask the runner to stop after the documents under way; pending ones stay pending (run
    the job again to finish it). A job nobody runs is cancelled at once."""
    policy.require(actor, "archive.manage")
    job = find(job_id)
    if job.status == DONE:
        raise Invalid("job_finished", job=job.id, state=job.status)
    job.status = CANCELLING if runner_alive(job) else CANCELLED
    db.session.commit()
    return job


class Runner:
    """What an executor asks between documents: go on? (heartbeat, cancellation, progress)."""

    def __init__(self, job_id: int, on_progress=None):
        self.job_id, self.on_progress = job_id, on_progress
        self.beat = 0.0

    def go_on(self) -> bool:
        db.session.expire_all()
        job = db.session.get(BatchJob, self.job_id)
        if time.monotonic() - self.beat >= HEARTBEAT.total_seconds():
            job.heartbeat_at, self.beat = wall_now(), time.monotonic()
            db.session.commit()
        if self.on_progress is not None:
            self.on_progress(progress(job))
        return job.status == RUNNING

    def pending(self) -> list[int]:
        return db.session.scalars(select(BatchItem.id).where(BatchItem.job_id == self.job_id,
                                                             BatchItem.status == PENDING)
                                  .order_by(BatchItem.position)).all()


def run(job_id: int, workers: int | None = None, on_progress=None, executor=None) -> BatchJob:
    """Issue the job's pending items, then assemble its folder; a cancelled run stops with
    the rest pending. Returns the job (status ``done`` or ``cancelled``)."""
    from . import archive, executors

    claim(job_id)
    runner = Runner(job_id, on_progress)
    executor = executor or executors.choose(current_app, workers)
    pending = runner.pending()
    if pending and runner.go_on():
        executor.run(pending, runner)
    job = db.session.get(BatchJob, job_id)
    db.session.refresh(job)
    if job.status != RUNNING or runner.pending():
        # Cancelled — or stopped with items pending (silent workers): either way resumable.
        job.status = CANCELLED if job.status in (CANCELLING, CANCELLED) else PLANNED
        job.runner = None
        db.session.commit()
        return job
    try:
        job.output = str(archive.assemble(job, Path(job.output) if job.output else default_folder(job)))
    except DomainError:
        # A folder that cannot be written as asked (a nomenclature index left from before its
        # validation, say): the job is not left "running" — it stays resumable, and the
        # reason goes to whoever ran it.
        db.session.rollback()
        job = db.session.get(BatchJob, job_id)
        job.status, job.runner = PLANNED, None
        db.session.commit()
        raise
    job.status, job.finished_at, job.runner = DONE, clock_now(), None
    db.session.commit()
    if on_progress is not None:
        on_progress(progress(job))
    return job


def default_folder(job: BatchJob) -> Path:
    root = current_app.config.get("JOBS_DIR") or Path(current_app.instance_path) / "jobs"
    return Path(root) / f"{job.id:05d}-{job.params['period'].replace('/', '-')}"
