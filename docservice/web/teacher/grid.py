"""What the teacher's pages and their JSON routes show, built once for both: the list of
one's journals, the journal grid (cells, who may write which, the computed results), the
journal's state and deadline, an open reopen grant, and the journal's reopen requests.

Nothing here decides a rule: who may see or write is asked of ``policy`` and of the
journal's active grant (``journals.active_grant`` / ``AccessGrant.covers``); the numbers
come from ``results``.
"""
from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload

from ... import policy, reopen
from ...attendance import attendance
from ...clock import now as clock_now
from ...collation import name_key
from ...errors import DomainError
from ...grading import STATUS_WORDS
from ...journals import JOURNAL_LOAD, Entry, active_grant, cell_of, is_writable
from ...messages import NOUNS
from ...models import (
    CLOSED, EXAM, LOCKED, OPEN, WITH_CHANGE, Journal, JournalTeacher, Mark, ReopenRequest, Student, User, db,
)
from ...results import journal_results, scheme_for, student_result
from ..numbers import decimal_text
from . import individual

TRANSFER_NOTE = {"kk": "қайта есепке алу", "ru": "перезачет", "en": "перезачет"}
# What a credit-transfer cell shows (and what may be typed for it): short enough for a cell.
TRANSFER_TEXT = "н/б (п)"


# --- the journal as a whole ----------------------------------------------------------

def effective_state(journal: Journal, at: datetime) -> str:
    """The state a person should be told: an open journal past its deadline is locked
    (the lock is written at the next write or by the nightly job; the page says it now)."""
    if journal.state == OPEN and at.date() > journal.deadline:
        return LOCKED
    return journal.state


def state_text(state: str, lang: str) -> str:
    return NOUNS[state][lang if lang in ("kk", "ru", "en") else "ru"]


def control_text(control: str) -> str:
    return {"exam": _("exam")}.get(control, control)


def day(d: date | None) -> str:
    return d.strftime("%d.%m.%Y") if d else ""


def moment(at: datetime | None) -> str:
    return at.strftime("%d.%m.%Y %H:%M") if at else ""


def summary(journal: Journal, lang: str, at: datetime) -> dict:
    state = effective_state(journal, at)
    group = journal.group
    return {
        "code": journal.code,
        "title": journal.title(lang),
        "item_code": journal.item.code,
        "group": group.code,
        "course": group.course,
        "program": f"{group.program.code} {group.program.name(lang)}",
        "department": journal.department.name(lang),
        "period": journal.period.code,
        "control": journal.item.control,
        "control_text": control_text(journal.item.control),
        "final_control": journal.final_control.isoformat(),
        "deadline": journal.deadline.isoformat(),
        "state": state,
        "state_text": state_text(state, lang),
        "closed_at": journal.closed_at.isoformat() if journal.closed_at else None,
        "closed_late": journal.closed_late,
        "holds_exam": journal.holds_exam,
    }


def my_journals(user, at: datetime) -> list[Journal]:
    """The journals ``user`` teaches, or keeps as an appointed substitute that day."""
    rows = db.session.scalars(select(Journal).where(Journal.id.in_(
        select(JournalTeacher.journal_id).where(JournalTeacher.user_id == user.id))).options(*JOURNAL_LOAD)).unique().all()
    mine = [j for j in rows if policy.teaches(user, j, at.date()) and policy.allowed(user, "journal.view", j, at.date())]
    order = {OPEN: 0, LOCKED: 1, CLOSED: 2}
    return sorted(mine, key=lambda j: (order.get(effective_state(j, at), 3), j.final_control, j.code))


def role_in(user, journal: Journal, at: datetime) -> str | None:
    """``teacher`` or ``substitute`` (with the appointment in force), else None."""
    for row in journal.staff:
        if row.user_id == user.id and (row.role == "teacher" or row.active_on(at.date())):
            return row.role
    return None


# --- columns --------------------------------------------------------------------------

def control_label(column: str) -> str:
    if column == EXAM:
        return _("Exam")
    return {"RK1": _("MT1"), "RK2": _("MT2")}.get(column, column)


def lesson_type_text(kind: str | None) -> str:
    if not kind:
        return ""
    return {"practical": _("practical class"), "seminar": _("seminar"), "laboratory": _("laboratory class"),
            "lecture": _("lecture")}.get(kind, kind)


def columns(journal: Journal, lang: str) -> list[dict]:
    topic = "topic_kk" if lang == "kk" else "topic_ru"
    cols = [{"key": lesson.column, "kind": "lesson", "label": lesson.date.strftime("%d.%m"),
             "date": lesson.date.isoformat(), "type": lesson.type, "type_text": lesson_type_text(lesson.type),
             "topic": getattr(lesson, topic) or lesson.topic_ru or lesson.topic_kk or ""}
            for lesson in journal.lessons]
    cols += [{"key": c, "kind": "exam" if c == EXAM else "control", "label": control_label(c),
              "date": None, "type": None, "type_text": "", "topic": ""} for c in journal.control_columns]
    return cols


def column_names(journal: Journal, keys, lang: str) -> str:
    by_key = {c["key"]: c for c in columns(journal, lang)}
    return ", ".join(by_key[k]["label"] if k in by_key else k for k in keys)


# --- cells ----------------------------------------------------------------------------

def cell_text(mark: Mark | None) -> str:
    """What a cell shows and what typing it again means: ``85``, ``н/б``, ``н/б (п)``."""
    if mark is None:
        return ""
    if mark.absent:
        return TRANSFER_TEXT if mark.note else "н/б"
    return "" if mark.score is None else str(mark.score)


def cell_json(mark, updated_by: str | None) -> dict:
    """A cell as the page reads it. ``mark``: a ``Mark``, or a row of ``cell_rows`` (None: the
    cell is empty); ``updated_by``: the name of who wrote it last."""
    if mark is None:
        return {"value": None, "note": None, "text": "", "version": 0, "updated_by": None, "updated_at": None}
    return {"value": "н/б" if mark.absent else mark.score, "note": mark.note, "text": cell_text(mark),
            "version": mark.version, "updated_by": updated_by,
            "updated_at": mark.updated_at.isoformat() if mark.updated_at else None}


def cell_rows(journal: Journal):
    """The journal's cells with the name of who wrote each last, as plain rows: whole Mark
    objects would each load their writer (a user and their roles) on the way out."""
    return (select(Mark.student_id, Mark.column, Mark.score, Mark.absent, Mark.note, Mark.version,
                   Mark.updated_at, User.full_name.label("updated_by"))
            .outerjoin(User, User.id == Mark.updated_by_id).where(Mark.journal_id == journal.id))


def row_json(row) -> dict:
    """A row of ``cell_rows`` (or None) as ``cell_json``."""
    return cell_json(row, row.updated_by if row else None)


def marks_of(journal: Journal) -> dict[tuple[int, str], object]:
    return {(row.student_id, row.column): row for row in db.session.execute(cell_rows(journal))}


def current_cell(journal: Journal, record_book: str, column: str) -> dict:
    return row_json(db.session.execute(cell_rows(journal).join(Student, Student.id == Mark.student_id).where(
        Student.record_book == str(record_book), Mark.column == column)).first())


def short_name(full_name: str) -> str:
    """«Әбдірахманов Ә. Д.»: the surname and initials, for a phone's narrow name column."""
    surname, *rest = full_name.split() or [""]
    initials = "\u00a0".join(f"{word[0]}." for word in rest)  # «Ә. Д.» never split over two lines
    return f"{surname} {initials}" if initials else surname


# --- who may write ----------------------------------------------------------------------

class Access:
    """Which cells ``user`` may write now: all of an open journal they may enter, or those
    an active reopen grant covers."""

    def __init__(self, journal: Journal, user, at: datetime):
        self.grant = None
        self.all = False
        if user is None:
            return
        if is_writable(journal, at):
            self.all = policy.allowed(user, "journal.enter", journal, at.date())
            return
        grant = active_grant(journal, user, at)
        if grant is not None and policy.allowed(user, "journal.enter_grant", journal, at.date()):
            self.grant = grant

    def may(self, record_book: str, column: str) -> bool:
        return self.all or (self.grant is not None and self.grant.covers(record_book, column))

    @property
    def any(self) -> bool:
        return self.all or self.grant is not None


def grant_json(grant, journal: Journal, lang: str) -> dict | None:
    if grant is None:
        return None
    names = {s.record_book: s.full_name for s in journal.group.students}
    return {
        "id": grant.id, "request": grant.request_id, "kind": grant.kind,
        "kind_text": kind_text(grant.kind),
        "students": list(grant.students or []), "columns": list(grant.columns or []),
        "students_text": "; ".join(names.get(b, b) for b in grant.students) if grant.students else _("all students"),
        "columns_text": column_names(journal, grant.columns, lang) if grant.columns else _("all columns"),
        "expires_at": grant.expires_at.isoformat(), "expires_text": moment(grant.expires_at),
    }


def kind_text(kind: str) -> str:
    return _("with grade change") if kind == WITH_CHANGE else _("without grade change")


# --- results ----------------------------------------------------------------------------

def status_text(result: dict, lang: str, holds_exam: bool) -> str:
    status = result["status"]
    if not holds_exam:
        return ""
    if status in STATUS_WORDS and lang in ("kk", "ru"):
        return STATUS_WORDS[status][lang]
    if status == "not_admitted":
        return _("not admitted")
    if status == "absent":
        return _("absent")
    if status == "pending":
        return _("awaiting the exam")
    traditional = result.get(f"traditional_{lang}")
    if traditional:
        return traditional
    return _("passed") if status == "ok" else _("failed")


def result_view(journal: Journal, raw: dict, lang: str, decimals: int) -> dict:
    """One row's computed columns: the numbers as ``results_json`` gives them, and as shown."""
    return {**raw, "shown": {
        "tk": decimal_text(raw["tk"], decimals, lang), "rd": decimal_text(raw["rd"], decimals, lang),
        "final": decimal_text(raw["final"], decimals, lang), "letter": raw["letter"] or "—",
        "status": status_text(raw, lang, journal.holds_exam)}}


def student_view(journal: Journal, student: Student, result, lang: str, decimals: int) -> dict:
    return result_view(journal, {"student_id": student.record_book, "full_name": student.full_name,
                                 **result.as_dict(decimals)}, lang, decimals)


def results_by_student(journal: Journal, lang: str, marks: dict) -> tuple[dict[str, dict], str | None]:
    """record book → result view, from ``marks`` (``marks_of``); and the reason when the
    results cannot be computed (an integrated discipline without all its blocks' journals)."""
    decimals = scheme_for(journal.item).display_decimals
    cells: dict[int, dict] = {}
    for (student_id, column), row in marks.items():
        cells.setdefault(student_id, {})[column] = cell_of(row)
    try:
        rows = journal_results(journal, cells)
    except DomainError as err:
        return {}, err.message(lang)
    return {s.record_book: student_view(journal, s, r, lang, decimals) for s, r in rows}, None


# --- the answer to a mark write -----------------------------------------------------------

def entry_json(entry: Entry, lang: str) -> dict:
    """The cell as written and the student's row result, graded for that student alone, from
    what the write holds in memory: what the grid's script updates (``static/teacher.js``)."""
    journal, mark = entry.journal, entry.mark
    cell = cell_json(mark, mark.updated_by.full_name if mark is not None and mark.updated_by else None)
    # The write has just passed what makes a cell editable (``Access``): the journal open to
    # the writer, or an active grant that covers the cell.
    cell["editable"] = True
    cell["granted"] = not is_writable(journal, clock_now())  # written through a reopen grant
    try:
        result = student_result(journal, entry.student.id, entry.cells)
    except DomainError:  # no result yet (an integrated discipline's block missing): the grid says why
        row = None
    else:
        row = student_view(journal, entry.student, result, lang, scheme_for(journal.item).display_decimals)
    absent = (column for column, c in entry.cells.items() if c is not None and c.absent)
    return {"cell": cell, "result": row, "attendance": attendance(journal, absent, clock_now())}


# --- the grid -----------------------------------------------------------------------------

def grid(journal: Journal, user, lang: str, at: datetime) -> dict:
    """Everything the journal page shows, as plain data (the JSON route returns it as is)."""
    access = Access(journal, user, at)
    marks = marks_of(journal)
    results, results_error = results_by_student(journal, lang, marks)
    students = sorted(journal.group.students, key=lambda s: name_key(s.full_name))
    cols = columns(journal, lang)
    rows = []
    for n, student in enumerate(students, 1):
        cells = {}
        for col in cols:
            cell = row_json(marks.get((student.id, col["key"])))
            cell["editable"] = access.may(student.record_book, col["key"])
            # A cell a reopen grant opens (the journal itself is not open): shown apart.
            cell["granted"] = cell["editable"] and access.grant is not None
            cells[col["key"]] = cell
        rows.append({"n": n, "student": student.record_book, "full_name": student.full_name,
                     "short_name": short_name(student.full_name), "cells": cells,
                     "attendance": attendance(journal, [c for c, cell in cells.items() if cell["value"] == "н/б"], at),
                     "result": results.get(student.record_book)})
    state = effective_state(journal, at)
    teaches = user is not None and policy.allowed(user, "journal.close", journal, at.date())
    filed = journal_requests(journal)
    requests = requests_json(journal, user, lang, at, filed)
    # While a reopening is granted the journal is finished by completing it, not by closing.
    reopened = any(r["status"] == reopen.GRANTED for r in requests)
    return {
        "journal": summary(journal, lang, at),
        "columns": cols,
        "rows": rows,
        "results_error": results_error,
        "editable": access.any,
        "grant": grant_json(access.grant, journal, lang),
        "requests": requests,
        "may": {
            "close": teaches and state != CLOSED and not reopened,
            "note": user is not None and may_write_note(journal, user, at, filed),
        },
        # Closing formed the vedomost: its teacher takes it from the documents area.
        "vedomost_url": vedomost_url(journal) if teaches and state == CLOSED else None,
    }


# --- reopen requests ------------------------------------------------------------------------

def request_status_text(status: str) -> str:
    return {
        reopen.FILED: _("filed, waiting for the head of department's visa"),
        reopen.VISAED: _("agreed by the head of department, waiting for the dean's council"),
        reopen.APPROVED: _("approved by the dean's council, waiting for the registrar's office"),
        reopen.GRANTED: _("access open"),
        reopen.COMPLETED: _("completed"),
        reopen.REJECTED: _("returned"),
    }.get(status, status)


def filed_status_text(request: ReopenRequest) -> str:
    """A request without grade change goes from the teacher straight to the registrar's office."""
    if request.status == reopen.FILED and request.kind != WITH_CHANGE:
        return _("filed, waiting for the registrar's office")
    return request_status_text(request.status)


def late_step_text(step: str) -> str:
    return {
        "filed": _("the note was late"),
        "visaed": _("the visa was late"),
        "decided": _("the council's decision was late"),
        "completed": _("the changes were late"),
    }.get(step, step)


def journal_requests(journal: Journal) -> list[ReopenRequest]:
    """Newest first, with their teachers (whose roles nothing here reads) in the same statement."""
    return db.session.scalars(select(ReopenRequest).where(ReopenRequest.journal_id == journal.id)
                              .options(joinedload(ReopenRequest.teacher).options(lazyload(User.role_rows)))
                              .order_by(ReopenRequest.id.desc())).all()


def requests_json(journal: Journal, user, lang: str, at: datetime,
                  requests: list[ReopenRequest] | None = None) -> list[dict]:
    """``requests``: the journal's requests when the caller has read them (``journal_requests``)."""
    names = {s.record_book: s.full_name for s in journal.group.students}
    out = []
    for req in journal_requests(journal) if requests is None else requests:
        late = reopen.late_steps(req, at)
        out.append({
            "id": req.id, "kind": req.kind, "kind_text": kind_text(req.kind),
            "status": req.status, "status_text": filed_status_text(req),
            "created_at": req.created_at.isoformat(), "created_text": moment(req.created_at),
            "reason": req.reason, "document_number": req.document_number,
            "students_text": "; ".join(names.get(b, b) for b in req.students) if req.students else _("all students"),
            "columns_text": column_names(journal, req.columns, lang) if req.columns else _("all columns"),
            "teacher": req.teacher.full_name if req.teacher else None,
            "protocol": f"{req.protocol_no} ({day(req.protocol_date)})" if req.protocol_no else None,
            "rejection_reason": req.rejection_reason,
            "late_steps": late, "late_text": [late_step_text(s) for s in late],
            "may_complete": user is not None and req.status == reopen.GRANTED and may_complete(req, user, at),
            # Finishing issues the individual vedomost; its number from then on, its form otherwise.
            **individual.request_view(req),
        })
    return out


def vedomost_url(journal: Journal) -> str:
    """The documents area forms the vedomost of a closed journal (a plain path: that area
    is its own blueprint)."""
    return f"/documents/vedomost?{urlencode({'journal': journal.code})}"


def may_complete(request: ReopenRequest, user, at: datetime) -> bool:
    """What ``reopen.complete`` demands: the request's own teacher (or the registrar head),
    still a teacher of the journal."""
    if user.id != request.teacher_id and not user.has_role("registrar_head"):
        return False
    return policy.allowed(user, "reopen.file", request.journal, at.date())


def unfinished_request(journal: Journal) -> ReopenRequest | None:
    return db.session.scalar(select(ReopenRequest).where(
        ReopenRequest.journal_id == journal.id, ReopenRequest.status.in_(reopen.UNFINISHED)))


def may_write_note(journal: Journal, user, at: datetime, requests: list[ReopenRequest]) -> bool:
    """A teacher of a closed or locked journal without an unfinished request (``requests``:
    the journal's, ``journal_requests``)."""
    return (effective_state(journal, at) in (CLOSED, LOCKED)
            and policy.allowed(user, "reopen.file", journal, at.date())
            and not any(r.status in reopen.UNFINISHED for r in requests))
