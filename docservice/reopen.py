"""Reopening a closed journal (SPEC §4.7; RU 12–13, Table 2; KK 14, reopen procedure).

with_change:    file (teacher's explanatory note) → visa (head of department) →
                decide (dean's council, protocol) → grant (registrar head) → complete
without_change: file (request module) → grant (registrar head) → complete

Each step has ``REOPEN_STEP_DAYS`` days; a late step is not refused (the work still has
to be done) but flagged, and the flags feed the semester report.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from . import policy
from .clock import now as clock_now
from .errors import Forbidden, Invalid
from .journals import record_event, sync_lock
from .transactions import atomic
from .models import (
    CLOSED, LOCKED, WITH_CHANGE, WITHOUT_CHANGE, AccessGrant, Journal, ReopenRequest, User, db,
)

FILED, VISAED, APPROVED, GRANTED, COMPLETED, REJECTED = (
    "filed", "visaed", "approved", "granted", "completed", "rejected")
UNFINISHED = (FILED, VISAED, APPROVED, GRANTED)


def _days() -> int:
    return current_app.config["REOPEN_STEP_DAYS"]


def _step(request: ReopenRequest, expected: str, step: str) -> None:
    if request.status != expected:
        raise Invalid("reopen_step_order", status=request.status, step=step)


@atomic
def file_request(actor: User | None, journal: Journal, kind: str, reason: str, detected_on: date | None = None,
                 wrong_entry_on: date | None = None, students: list[str] | None = None,
                 columns: list[str] | None = None, lesson_types: str | None = None,
                 document_number: str | None = None) -> ReopenRequest:
    """The teacher asks to reopen a closed (or locked) journal, with the reason."""
    at = clock_now()
    sync_lock(journal, at)  # an overdue journal is locked even before the nightly lock runs
    policy.require(actor, "reopen.file", journal, at.date())
    detected_on = detected_on or at.date()
    if detected_on > at.date():
        raise Invalid("date_in_future", field="detected_on", date=detected_on.isoformat())
    if wrong_entry_on is not None and wrong_entry_on > detected_on:
        raise Invalid("date_order", field="detected_on")
    if kind not in (WITH_CHANGE, WITHOUT_CHANGE):
        raise Invalid("reopen_kind_invalid", field="kind")
    if journal.state not in (CLOSED, LOCKED):
        raise Invalid("journal_open")
    if not (reason or "").strip():
        raise Invalid("reason_required", field="reason")
    pending = db.session.scalar(select(ReopenRequest).where(
        ReopenRequest.journal_id == journal.id, ReopenRequest.status.in_(UNFINISHED)))
    if pending:
        raise Invalid("reopen_pending_exists", request=pending.id)
    unknown = [c for c in columns or [] if c not in journal.columns]
    if unknown:
        raise Invalid("column_unknown", field="columns", column=unknown[0])
    group_books = {s.record_book for s in journal.group.students}
    strangers = [s for s in students or [] if s not in group_books]
    if strangers:
        raise Invalid("student_not_in_group", field="students", student=strangers[0])
    request = ReopenRequest(
        journal_id=journal.id, kind=kind, teacher_id=actor.id if actor else journal.staff[0].user_id,
        created_at=at, detected_on=detected_on, wrong_entry_on=wrong_entry_on,
        reason=reason.strip(), students=list(students or []), columns=list(columns or []),
        lesson_types=lesson_types, document_number=document_number, status=FILED)
    db.session.add(request)
    db.session.flush()
    record_event(journal, actor, "reopen_filed", at, request=request.id, kind=kind)
    return request


@atomic
def visa(actor: User | None, request: ReopenRequest) -> ReopenRequest:
    """The head of department agrees the explanatory note (grade-changing requests only)."""
    at = clock_now()
    policy.require(actor, "reopen.visa", request.journal, at.date())
    if request.kind != WITH_CHANGE:
        raise Invalid("reopen_step_order", status=request.status, step="visa")
    _step(request, FILED, "visa")
    request.status, request.visa_by_id, request.visa_at = VISAED, _id(actor), at
    return request


@atomic
def decide(actor: User | None, request: ReopenRequest, protocol_no: str, protocol_date: date) -> ReopenRequest:
    """The dean's council approves the note; the protocol number and date are recorded."""
    at = clock_now()
    policy.require(actor, "reopen.decide", request.journal, at.date())
    _step(request, VISAED, "decide")
    if not (protocol_no or "").strip() or protocol_date is None:
        raise Invalid("protocol_required", field="protocol_no")
    request.status, request.decided_by_id, request.decided_at = APPROVED, _id(actor), at
    request.protocol_no, request.protocol_date = protocol_no.strip(), protocol_date
    return request


@atomic
def reject(actor: User | None, request: ReopenRequest, reason: str) -> ReopenRequest:
    """Return the request: the head (at visa), the dean's council or the registrar head."""
    at = clock_now()
    action = {FILED: "reopen.visa" if request.kind == WITH_CHANGE else "reopen.grant",
              VISAED: "reopen.decide", APPROVED: "reopen.grant"}.get(request.status)
    if action is None:
        raise Invalid("reopen_step_order", status=request.status, step="reject")
    policy.require(actor, action, request.journal, at.date())
    if not (reason or "").strip():
        raise Invalid("reason_required", field="reason")
    request.status, request.rejected_by_id, request.rejected_at = REJECTED, _id(actor), at
    request.rejection_reason = reason.strip()
    record_event(request.journal, actor, "reopen_rejected", at, request=request.id)
    return request


@atomic
def grant(actor: User | None, request: ReopenRequest, days: int | None = None) -> AccessGrant:
    """The registrar head opens access for the teacher: scoped to the request's students and
    columns, expiring after ``REOPEN_STEP_DAYS`` days (the teacher's time to make the changes)."""
    at = clock_now()
    policy.require(actor, "reopen.grant", request.journal, at.date())
    _step(request, APPROVED if request.kind == WITH_CHANGE else FILED, "grant")
    access = AccessGrant(
        journal_id=request.journal_id, request_id=request.id, kind=request.kind,
        grantee_id=request.teacher_id, students=request.students, columns=request.columns,
        starts_at=at, expires_at=at + timedelta(days=days or _days()), granted_by_id=_id(actor))
    db.session.add(access)
    request.status, request.granted_by_id, request.granted_at = GRANTED, _id(actor), at
    db.session.flush()
    record_event(request.journal, actor, "reopened", at, request=request.id, grant=access.id,
                 expires=access.expires_at.isoformat())
    return access


@atomic
def complete(actor: User | None, request: ReopenRequest) -> ReopenRequest:
    """The teacher has made the changes: the individual vedomost is formed and the journal
    closes again; the grant ends. Allowed after expiry too (then it is flagged late)."""
    at = clock_now()
    if actor is not None and actor.id != request.teacher_id and not actor.has_role("registrar_head"):
        raise Forbidden("reopen_not_yours")
    policy.require(actor, "reopen.file", request.journal, at.date())
    _step(request, GRANTED, "complete")
    for access in request.grants:
        if access.ended_at is None:
            access.ended_at = min(at, access.expires_at)
    request.status, request.completed_at = COMPLETED, at
    journal = request.journal
    journal.state, journal.closed_at = CLOSED, at
    record_event(journal, actor, "reclosed", at, request=request.id)
    return request


def late_steps(request: ReopenRequest, at: datetime | None = None) -> list[str]:
    """Which steps were (or, still pending, already are) later than their limit."""
    at = at or clock_now()
    limit = timedelta(days=_days())
    late = []
    if request.kind == WITH_CHANGE:
        # The note, agreed by the head of department, is due within 2 days of detection.
        if request.created_at.date() > request.detected_on + limit:
            late.append("filed")
        visaed = request.visa_at or (at if request.status == FILED else None)
        if visaed is not None and visaed.date() > request.detected_on + limit:
            late.append("visaed")
    if request.kind == WITH_CHANGE and request.visa_at is not None:
        decided = request.decided_at or (at if request.status == VISAED else None)
        if decided is not None and decided.date() > request.visa_at.date() + limit:
            late.append("decided")
    if request.granted_at is not None:
        done = request.completed_at or (at if request.status == GRANTED else None)
        if done is not None and done > request.granted_at + limit:
            late.append("completed")
    return late


def find_request(request_id: int) -> ReopenRequest:
    from .errors import NotFound

    request = db.session.get(ReopenRequest, request_id)
    if request is None:
        raise NotFound("not_found", what="request", key=request_id)
    return request


def _id(actor: User | None) -> int | None:
    return actor.id if actor else None
