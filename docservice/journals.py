"""Journal operations: entering marks, closing, the automatic lock, deadlines, substitution.

Each public function checks the policy, does its work in one transaction and either
commits all of it or raises a ``DomainError`` with nothing written.
"""
from __future__ import annotations

import functools
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from . import policy
from .cells import cell_text, column_names, parse_cell
from .clock import now as clock_now
from .errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from .grading import NOT_ADMITTED, Cell
from .numbers import fixed
from .transactions import atomic
from .models import (
    CLOSED, EXAM, LOCKED, OPEN, WITHOUT_CHANGE, AccessGrant, CurriculumItem, CurriculumPart, Group, Journal,
    JournalEvent, JournalTeacher, Lesson, Mark, MarkHistory, Period, Program, Student, User, db,
)

# A journal is loaded with what is read of it in one statement, and its lessons in a second
# (``find_journal``); read lazily, each of these took a statement of its own.
_item = joinedload(Journal.item)
# What a mark write reads: the policy (staff), the deadline (period), the columns and the
# grading (item with its scheme and parts, the part; and the lessons).
WRITE_LOAD = (
    joinedload(Journal.period), _item.joinedload(CurriculumItem.scheme), _item.joinedload(CurriculumItem.parts),
    joinedload(Journal.part), joinedload(Journal.staff),
)
# And what the journal's pages show besides: its group, programme, school and department.
JOURNAL_LOAD = WRITE_LOAD + (
    joinedload(Journal.group).joinedload(Group.program).joinedload(Program.school),
    _item.joinedload(CurriculumItem.department), joinedload(Journal.part).joinedload(CurriculumPart.department),
)


# The statements a mark write runs are built once, with bound parameters: building one and
# its cache key anew costs SQLAlchemy about as much as running it.
@functools.cache
def _journal_by_code(load: tuple):
    return select(Journal).where(Journal.code == bindparam("code")).options(*load)


_LESSONS = select(Lesson).where(Lesson.journal_id == bindparam("journal_id")).order_by(Lesson.position)
_STUDENT_MARKS = select(Student, Mark).outerjoin(Mark, and_(
    Mark.student_id == Student.id, Mark.journal_id == bindparam("journal_id"))).where(
    Student.record_book == bindparam("record_book"))


def find_journal(code: str, load=JOURNAL_LOAD) -> Journal:
    """The journal with what ``load`` names, and its lessons."""
    journal = db.session.scalars(_journal_by_code(load), {"code": code}).unique().one_or_none()
    if journal is None:
        raise NotFound("not_found", what="journal", key=code)
    # The lessons by a statement built once: a selectinload builds its query anew at every
    # load (two thirds of a write's journal load), a joinedload would repeat the journal's
    # row for every lesson × teacher × part.
    set_committed_value(journal, "lessons", db.session.scalars(_LESSONS, {"journal_id": journal.id}).all())
    return journal


def find_student(record_book: str) -> Student:
    student = db.session.scalar(select(Student).where(Student.record_book == str(record_book)))
    if student is None:
        raise NotFound("not_found", what="student", key=record_book)
    return student


def find_user(login: str) -> User:
    user = db.session.scalar(select(User).where(User.login == login))
    if user is None:
        raise NotFound("not_found", what="user", key=login)
    return user


def is_writable(journal: Journal, at: datetime) -> bool:
    """Open and not past its deadline (the deadline day itself still counts)."""
    return journal.state == OPEN and at.date() <= journal.deadline


def record_event(journal: Journal, actor: User | None, action: str, at: datetime, **detail) -> None:
    db.session.add(JournalEvent(journal_id=journal.id, actor_id=actor.id if actor else None,
                                action=action, at=at, detail=detail))


def sync_lock(journal: Journal, at: datetime) -> bool:
    """Lock an open journal whose deadline has passed (the lock is also made in bulk by
    ``lock_overdue``; doing it here means no write ever slips past a late cron run).
    The lock is committed at once: it stands even when the write that found it is refused."""
    if journal.state == OPEN and at.date() > journal.deadline:
        journal.state = LOCKED
        journal.closed_late = True
        record_event(journal, None, "auto_locked", at, deadline=journal.deadline.isoformat())
        db.session.commit()
        return True
    return False


def lock_overdue() -> list[str]:
    """Lock every open journal past its deadline; returns their codes."""
    at = clock_now()
    journals = db.session.scalars(select(Journal).where(Journal.state == OPEN)).all()
    return [journal.code for journal in journals if sync_lock(journal, at)]


def active_grant(journal: Journal, user: User | None, at: datetime) -> AccessGrant | None:
    if user is None:
        return None
    grants = db.session.scalars(select(AccessGrant).where(
        AccessGrant.journal_id == journal.id, AccessGrant.grantee_id == user.id,
        AccessGrant.ended_at.is_(None))).all()
    return next((g for g in grants if g.active_at(at)), None)


@dataclass
class Entry:
    """One cell as a write left it, flushed but not yet committed."""

    journal: Journal
    student: Student
    mark: Mark | None  # None: the cell is empty now
    cells: dict[str, Cell]  # the student's cells in the journal after the write


@contextmanager
def entering_mark(actor: User | None, journal: Journal, record_book: str, column: str, value,
                  note: str | None = None, expected_version: int | None = None, via: str = "web"):
    """Enter one cell and yield its ``Entry`` before the commit, which comes when the block
    ends (a rollback when it raises): the caller answers from what is in memory, since the
    commit expires every loaded object and reading them again costs a statement each.

    ``expected_version`` is the version the writer read (0: the cell was empty); a different
    current version means someone else wrote first: ``Conflict``."""
    at = clock_now()
    sync_lock(journal, at)
    try:
        yield _enter(actor, journal, str(record_book), column, value, note, expected_version, via, at)
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise Conflict("mark_conflict", who="—", current="")
    except Exception:
        db.session.rollback()
        raise


def set_mark(actor: User | None, journal: Journal, record_book: str, column: str, value,
             note: str | None = None, expected_version: int | None = None, via: str = "web") -> Mark | None:
    """Enter one cell and commit (see ``entering_mark``)."""
    with entering_mark(actor, journal, record_book, column, value, note, expected_version, via) as entry:
        return entry.mark


def _enter(actor, journal, record_book, column, value, note, expected_version, via, at) -> Entry:
    grant = _write_access(actor, journal, at)
    student, marks = _student_marks(journal, record_book)
    if column not in journal.columns:
        raise Invalid("column_unknown", field="column", column=column)
    cell = parse_cell(value, note)
    if column == EXAM and cell is not None and cell.is_transfer:
        raise Invalid("transfer_not_for_exam", field="value")
    mark = marks.get(column)
    if expected_version is not None and expected_version != (mark.version if mark else 0):
        current = cell_text(cell_of(mark)) or ""
        if mark is not None and actor is not None and mark.updated_by_id == actor.id:
            # The writer's own other tab or window: not "another user".
            raise Conflict("mark_conflict_self", current=current)
        raise Conflict("mark_conflict", who=mark.updated_by.login if mark and mark.updated_by else "—",
                       current=current)
    if grant is not None and not grant.covers(record_book, column):
        raise Forbidden("grant_scope", student=record_book, column=column_names(column))
    before = {c: cell_of(m) for c, m in marks.items()}
    after = {c: v for c, v in (before | {column: cell}).items() if v is not None}
    if column == EXAM and cell is not None:
        _require_admission(journal, student, after)
    if grant is not None and grant.kind == WITHOUT_CHANGE:
        _keeps_grades(journal, student, before, after)
    mark = write_cell(journal, student, column, cell, actor, at, via, grant, mark)
    db.session.flush()
    return Entry(journal, student, mark, after)


def _student_marks(journal: Journal, record_book: str) -> tuple[Student, dict[str, Mark]]:
    """The student (of the journal's group) and their marks in the journal by column, in one
    statement."""
    rows = db.session.execute(_STUDENT_MARKS, {"journal_id": journal.id, "record_book": record_book}).all()
    if not rows:
        raise NotFound("not_found", what="student", key=record_book)
    student = rows[0][0]
    if student.group_id != journal.group_id:
        raise Invalid("student_not_in_group", field="student", student=record_book)
    return student, {m.column: m for _, m in rows if m is not None}


def _require_admission(journal: Journal, student: Student, cells: dict[str, Cell]) -> None:
    """An exam mark (or н/б) only for a student admitted to the exam: РД at least the
    scheme's minimum (SPEC §3). Every way of entering a cell comes through here."""
    from .results import scheme_for, student_result

    try:
        result = student_result(journal, student.id, cells)
    except DomainError:  # an integrated discipline without all its blocks: the grid says why
        return
    if result.status == NOT_ADMITTED:
        scheme = scheme_for(journal.item)
        raise Invalid("exam_not_admitted", field="value", minimum=scheme.admission_min,
                      rd=fixed(result.as_dict(scheme.display_decimals)["rd"], scheme.display_decimals))


def _keeps_grades(journal: Journal, student: Student, before: dict[str, Cell], after: dict[str, Cell]) -> None:
    """A reopening without grade change lets a cell change only when the student's ТК,
    midterms, РД, exam, final, letter and status in this journal all stay as they are."""
    was, will = _grades_of(journal, student, before), _grades_of(journal, student, after)
    if will != was:
        changed = ", ".join(f"{k}: {was[k]} → {will[k]}" for k in was if was[k] != will[k])
        raise Forbidden("grant_no_grade_change", what_changed=changed)


def _grades_of(journal: Journal, student: Student, cells: dict[str, Cell]) -> dict:
    from .results import student_result

    result = student_result(journal, student.id, cells)
    shown = result.as_dict()
    return {k: shown[k] for k in ("tk", "rd", "exam", "final", "letter", "status")} | {
        c.lower(): shown[c.lower()] for c in result.controls}


def write_cell(journal, student, column, cell: Cell | None, actor, at, via, grant=None, mark=None):
    """Store a cell and its history row (no checks: callers have made them)."""
    old = cell_text(cell_of(mark))
    new = cell_text(cell)
    if old == new:
        return mark
    if cell is None:
        db.session.delete(mark)
        mark = None
    else:
        if mark is None:
            mark = Mark(journal_id=journal.id, student_id=student.id, column=column)
            db.session.add(mark)
        mark.score, mark.absent, mark.note = cell.score, cell.absent, cell.note
        mark.updated_at, mark.updated_by_id = at, actor.id if actor else None
    db.session.add(MarkHistory(**history_fields(journal.id, student.id, column, old, new, actor, at, via, grant)))
    return mark


def history_fields(journal_id, student_id, column, old, new, actor, at, via, grant=None) -> dict:
    """One audit-trail row: who, when, old → new, how, under which grant."""
    return {"journal_id": journal_id, "student_id": student_id, "column": column, "old_value": old,
            "new_value": new, "changed_by_id": actor.id if actor else None, "changed_at": at,
            "grant_id": grant.id if grant else None, "via": via}


def cell_of(mark: Mark | None) -> Cell | None:
    return None if mark is None else Cell(score=mark.score, absent=mark.absent, note=mark.note)


def _write_access(actor, journal, at) -> AccessGrant | None:
    """None when the journal is open to the actor; the grant when a reopen grant lets them in."""
    if is_writable(journal, at):
        policy.require(actor, "journal.enter", journal, at.date())
        return None
    grant = active_grant(journal, actor, at)
    if grant is None:
        if actor is not None and not policy.allowed(actor, "journal.view", journal, at.date()):
            raise Forbidden("forbidden", action="journal.enter")
        raise DomainError("journal_closed", state=journal.state, deadline=journal.deadline.isoformat())
    policy.require(actor, "journal.enter_grant", journal, at.date())
    return grant


@atomic
def close_journal(actor: User | None, journal: Journal) -> Journal:
    """The teacher forms the vedomost and closes the journal. A journal locked at its
    deadline can still be closed (no marks change); it stays counted as closed late."""
    at = clock_now()
    sync_lock(journal, at)
    policy.require(actor, "journal.close", journal, at.date())
    if journal.state == CLOSED:
        raise Invalid("journal_already_closed")
    journal.closed_late = journal.closed_late or at.date() > journal.deadline
    journal.state, journal.closed_at = CLOSED, at
    record_event(journal, actor, "closed", at, late=journal.closed_late)
    return journal


def _reopen_if_in_time(journal: Journal, at: datetime) -> None:
    """A journal locked at its deadline opens again when the registrar moves the deadline
    past today (it was never closed by its teacher)."""
    if journal.state == LOCKED and at.date() <= journal.deadline:
        journal.state, journal.closed_late = OPEN, False


@atomic
def set_deadline(actor: User | None, journal: Journal, deadline: date | None) -> Journal:
    """The registrar moves one journal's deadline (None: back to the period's rule)."""
    at = clock_now()
    policy.require(actor, "journal.deadline", journal, at.date())
    if deadline is not None and deadline < journal.final_control:
        raise Invalid("deadline_invalid", field="deadline", final_control=journal.final_control.isoformat())
    journal.deadline_override = deadline
    _reopen_if_in_time(journal, at)
    record_event(journal, actor, "deadline_set", at, deadline=journal.deadline.isoformat())
    return journal


@atomic
def set_period_rule(actor: User | None, period: Period, close_within_days) -> Period:
    """The registrar sets how many days after the final control a period's journals close."""
    at = clock_now()
    policy.require(actor, "period.deadlines")
    if isinstance(close_within_days, bool) or not isinstance(close_within_days, int) \
            or not 0 <= close_within_days <= 60:
        raise Invalid("field_invalid", field="close_within_days", detail=str(close_within_days))
    period.close_within_days = close_within_days
    for journal in db.session.scalars(select(Journal).where(Journal.period_id == period.id)):
        if journal.deadline_override is None:
            _reopen_if_in_time(journal, at)
            record_event(journal, actor, "deadline_set", at, deadline=journal.deadline.isoformat(),
                         rule_days=close_within_days)
    return period


@atomic
def appoint_substitute(actor: User | None, journal: Journal, substitute: User, protocol: str,
                       valid_from: date | None = None, valid_until: date | None = None) -> JournalTeacher:
    """Record a department decision that ``substitute`` keeps the journal (under own login)."""
    at = clock_now()
    policy.require(actor, "journal.substitute", journal, at.date())
    if not substitute.has_role("teacher"):
        raise Invalid("not_a_teacher", field="substitute", login=substitute.login)
    if any(t.user_id == substitute.id and t.role == "teacher" for t in journal.staff):
        raise Invalid("substitute_same", field="substitute")
    if not (protocol or "").strip():
        raise Invalid("field_required", field="protocol")
    row = JournalTeacher(journal_id=journal.id, user_id=substitute.id, role="substitute",
                         protocol=protocol.strip(), valid_from=valid_from or at.date(),
                         valid_until=valid_until, recorded_by_id=actor.id if actor else None,
                         recorded_at=at)
    db.session.add(row)
    record_event(journal, actor, "substitution", at, substitute=substitute.login, protocol=protocol)
    return row


def history(journal: Journal) -> list[MarkHistory]:
    return db.session.scalars(select(MarkHistory).where(MarkHistory.journal_id == journal.id)
                              .order_by(MarkHistory.id)).all()
