"""What the oversight pages and their JSON routes show, and the one operation that is theirs
(issuing an account from a login request). Everything else calls the core services; the
rules stay in ``policy`` and the services, never here."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app, url_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ... import monitoring, policy, reopen
from ...attendance import attendance
from ...clock import now as clock_now
from ...collation import name_key
from ...errors import DomainError, Invalid, NotFound
from ...cells import column_label
from ...journals import cell_of
from ...models import (
    CLOSED, LOCKED, OPEN, WITH_CHANGE, WITHOUT_CHANGE, AccessGrant, CurriculumItem, CurriculumPart,
    Department, Group, IssuedDocument, Journal, JournalTeacher, LoginRequestHandled, Mark, Period, Program,
    ReopenRequest, School, Student, User, UserRole, db,
)
from ...results import period_results, scheme_for, student_period_gpa, student_result
from ...models.login_requests import ACCOUNT_ISSUED, LOGIN_REQUEST_REJECTED
from ...users import new_user, record_account_event

LOGIN_REQUEST = "login_request"


# --- journals -------------------------------------------------------------------------

def effective_state(journal: Journal, day: date) -> str:
    """An open journal past its deadline is locked (the nightly lock may not have run yet)."""
    return LOCKED if journal.state == OPEN and day > journal.deadline else journal.state


def _department_of_journal():
    return func.coalesce(CurriculumPart.department_id, CurriculumItem.department_id)


def journals_query():
    """Journals with what a list of them shows, loaded up front (one query per relation)."""
    return (select(Journal).join(CurriculumItem, Journal.item_id == CurriculumItem.id)
            .outerjoin(CurriculumPart, Journal.part_id == CurriculumPart.id)
            .options(selectinload(Journal.item).selectinload(CurriculumItem.department),
                     selectinload(Journal.part).selectinload(CurriculumPart.department),
                     selectinload(Journal.group), selectinload(Journal.period),
                     selectinload(Journal.staff).selectinload(JournalTeacher.user)))


def journals_of(department_ids=None, period_id: int | None = None) -> list[Journal]:
    """Journals taught by these departments (a block's or part's own department, else the
    item's), in a period; sorted by period, group and code."""
    query = journals_query()
    if department_ids is not None:
        query = query.where(_department_of_journal().in_(list(department_ids)))
    if period_id is not None:
        query = query.where(Journal.period_id == period_id)
    rows = db.session.scalars(query).all()
    return sorted(rows, key=lambda j: (j.period.code, j.group.code, j.code))


def staff_json(journal: Journal) -> list[dict]:
    return [{"login": t.user.login, "full_name": t.user.full_name, "role": t.role, "protocol": t.protocol,
             "valid_from": _iso(t.valid_from), "valid_until": _iso(t.valid_until)}
            for t in sorted(journal.staff, key=lambda t: (t.role != "teacher", name_key(t.user.full_name)))]


def due_soon(journal: Journal, day: date) -> bool:
    """Open and due within ``REMIND_DAYS`` days: the journals whose teachers are being reminded."""
    return effective_state(journal, day) == OPEN and journal.deadline <= day + timedelta(
        days=current_app.config["REMIND_DAYS"])


def journal_json(journal: Journal, lang: str, day: date) -> dict:
    department = journal.department
    return {"code": journal.code, "title": journal.title(lang), "group": journal.group.code,
            "period": journal.period.code, "department": department.code, "department_name": department.name(lang),
            "teachers": staff_json(journal), "final_control": _iso(journal.final_control),
            "deadline": _iso(journal.deadline), "deadline_set": journal.deadline_override is not None,
            "state": effective_state(journal, day), "due_soon": due_soon(journal, day),
            "closed_late": journal.closed_late or effective_state(journal, day) == LOCKED}


def headed_departments(user: User) -> list[Department]:
    return db.session.scalars(select(Department).where(Department.head_id == user.id)
                              .order_by(Department.code)).all()


def substitute_candidates(journal: Journal) -> list[User]:
    """Teachers of the journal's department who are not its own teachers."""
    own = {t.user_id for t in journal.staff if t.role == "teacher"}
    users = db.session.scalars(select(User).join(UserRole).where(
        User.department_id == journal.department.id, UserRole.role == "teacher", User.active.is_(True))).all()
    return sorted((u for u in users if u.id not in own), key=lambda u: name_key(u.full_name))


def appoint(actor: User | None, journal: Journal, login: str, protocol: str, valid_from: date | None,
            valid_until: date | None):
    """The department's decision: a teacher of the journal's own department keeps it (from,
    until) under their own login; ``journals.appoint_substitute`` checks the rest."""
    from ...journals import appoint_substitute, find_user

    if not (login or "").strip():
        raise Invalid("field_required", field="substitute")
    substitute = find_user(login.strip())
    if valid_from and valid_until and valid_until < valid_from:
        raise Invalid("period_order", field="valid_until")
    policy.require(actor, "journal.substitute", journal)
    if substitute.department_id != journal.department.id:
        department = journal.department  # named in the user's language, not by its code
        raise Invalid("substitute_other_department", field="substitute",
                      department={"kk": department.name("kk"), "ru": department.name("ru")})
    return appoint_substitute(actor, journal, substitute, protocol, valid_from, valid_until)


def periods() -> list[Period]:
    return db.session.scalars(select(Period).order_by(Period.code.desc())).all()


def find_period(code: str) -> Period:
    period = db.session.scalar(select(Period).where(Period.code == code))
    if period is None:
        raise NotFound("not_found", what="period", key=code)
    return period


def period_json(period: Period) -> dict:
    return {"code": period.code, "academic_year": period.academic_year, "term": period.term,
            "close_within_days": period.close_within_days}


# --- reopen requests -------------------------------------------------------------------

# Which step a request waits for, by status and kind, and the policy action of that step.
WAITING = {("filed", WITH_CHANGE): ("visa", "reopen.visa"),
           ("visaed", WITH_CHANGE): ("decision", "reopen.decide"),
           ("approved", WITH_CHANGE): ("grant", "reopen.grant"),
           ("filed", WITHOUT_CHANGE): ("grant", "reopen.grant")}


def waiting_for(request: ReopenRequest) -> tuple[str, str] | None:
    return WAITING.get((request.status, request.kind))


def waiting_count(user: User) -> int:
    """How many requests wait for a step this user may take (the menu shows it)."""
    day = clock_now().date()
    return sum(1 for request in inbox(user, day) if policy.allowed(user, waiting_for(request)[1], request.journal, day))


def inbox(user: User, day: date) -> list[ReopenRequest]:
    """The requests waiting for a step this user may take (the head's visa, the dean's
    council, the registrar head's grant). The registrar's inspectors also see the ones
    waiting for a grant, without acting on them."""
    pending = db.session.scalars(select(ReopenRequest).where(
        ReopenRequest.status.in_(("filed", "visaed", "approved"))).order_by(ReopenRequest.created_at)).all()
    shown = []
    for request in pending:
        step = waiting_for(request)
        if step is None:
            continue
        if policy.allowed(user, step[1], request.journal, day) or (
                step[0] == "grant" and user.has_role("registrar", "registrar_head")):
            shown.append(request)
    return shown


def may_act(user: User, request: ReopenRequest, day: date) -> bool:
    step = waiting_for(request)
    return step is not None and policy.allowed(user, step[1], request.journal, day)


def _who(user: User | None) -> dict | None:
    return {"login": user.login, "full_name": user.full_name} if user else None


def request_json(request: ReopenRequest, user: User, lang: str, at: datetime) -> dict:
    journal = request.journal
    step = waiting_for(request)
    return {
        "id": request.id, "journal": journal.code, "title": journal.title(lang), "group": journal.group.code,
        "period": journal.period.code, "department": journal.department.code,
        "school": journal.school.code, "teacher": _who(request.teacher), "kind": request.kind,
        "status": request.status, "filed_at": request.created_at.isoformat(),
        "detected_on": _iso(request.detected_on), "wrong_entry_on": _iso(request.wrong_entry_on),
        "reason": request.reason, "lesson_types": request.lesson_types,
        "students": list(request.students or []), "columns": list(request.columns or []),
        "column_labels": [column_label(c, lang) for c in request.columns or []],
        "scope": request_scope(request, lang),
        "visa": {"by": _who(request.visa_by), "at": request.visa_at.isoformat()} if request.visa_at else None,
        "decision": {"by": _who(request.decided_by), "at": request.decided_at.isoformat(),
                     "protocol_no": request.protocol_no, "protocol_date": _iso(request.protocol_date)}
        if request.decided_at else None,
        "granted_at": request.granted_at.isoformat() if request.granted_at else None,
        "late_steps": reopen.late_steps(request, at),
        "document": {"number": request.document_number,
                     "file_url": url_for("documents.file", number=request.document_number)}
        if request.document_number else None,
        "waiting_for": step[0] if step else None,
        "may_act": may_act(user, request, at.date()),
    }


def request_scope(request: ReopenRequest, lang: str) -> list[dict]:
    """The students a request names, by name, each with the marks the journal holds now in the
    columns it names (its controls when it names none): what an approver weighs. Empty when
    the request covers the whole journal."""
    if not request.students:
        return []
    journal = request.journal
    columns = list(request.columns or journal.control_columns)
    students = {s.record_book: s for s in db.session.scalars(select(Student).where(
        Student.group_id == journal.group_id, Student.record_book.in_(request.students)))}
    marks = {(m.student_id, m.column): m for m in db.session.scalars(select(Mark).where(
        Mark.journal_id == journal.id, Mark.column.in_(columns),
        Mark.student_id.in_([s.id for s in students.values()])))} if students else {}

    def shown(mark) -> str:
        if mark is None or (mark.score is None and not mark.absent):
            return "—"
        return "н/б" if mark.absent else str(mark.score)

    return [{"record_book": rb, "full_name": students[rb].full_name if rb in students else "",
             "marks": [{"column": column_label(c, lang), "text": shown(marks.get((students[rb].id, c)))
                        if rb in students else "—"} for c in columns]}
            for rb in request.students]


def open_grants() -> list[AccessGrant]:
    """Access given and not yet ended (the teacher has not completed): active or run out."""
    return db.session.scalars(select(AccessGrant).where(AccessGrant.ended_at.is_(None))
                              .order_by(AccessGrant.expires_at)).all()


def grant_json(grant: AccessGrant, lang: str, at: datetime) -> dict:
    return {"id": grant.id, "request": grant.request_id, "journal": grant.journal.code,
            "title": grant.journal.title(lang), "group": grant.journal.group.code, "kind": grant.kind,
            "teacher": _who(grant.grantee), "students": list(grant.students or []),
            "columns": list(grant.columns or []),
            "column_labels": [column_label(c, lang) for c in grant.columns or []],
            "from": grant.starts_at.isoformat(),
            "until": grant.expires_at.isoformat(), "active": grant.active_at(at)}


def step_days() -> int:
    return current_app.config["REOPEN_STEP_DAYS"]


# --- login requests → accounts (SPEC §4.4) ---------------------------------------------

def pending_login_requests() -> list[IssuedDocument]:
    done = select(LoginRequestHandled.number)
    return db.session.scalars(select(IssuedDocument).where(
        IssuedDocument.doc_type == LOGIN_REQUEST, IssuedDocument.number.not_in(done))
        .order_by(IssuedDocument.issued_at, IssuedDocument.id)).all()


def handled_login_requests(limit: int = 50) -> list[LoginRequestHandled]:
    return db.session.scalars(select(LoginRequestHandled).order_by(LoginRequestHandled.at.desc(),
                                                                    LoginRequestHandled.id.desc())
                              .limit(limit)).all()


def handled_numbers(numbers) -> dict[str, LoginRequestHandled]:
    rows = db.session.scalars(select(LoginRequestHandled).where(LoginRequestHandled.number.in_(list(numbers))))
    return {row.number: row for row in rows}


def find_login_request(number: str) -> IssuedDocument:
    document = db.session.scalar(select(IssuedDocument).where(
        IssuedDocument.number == number, IssuedDocument.doc_type == LOGIN_REQUEST))
    if document is None:
        raise NotFound("not_found", what="document", key=number)
    return document


def login_requests_of(departments: list[Department]) -> list[IssuedDocument]:
    """Login requests issued for these departments (the head's own requests and their fate)."""
    codes = {d.code for d in departments}
    documents = db.session.scalars(select(IssuedDocument).where(IssuedDocument.doc_type == LOGIN_REQUEST)
                                   .order_by(IssuedDocument.issued_at.desc())).all()
    return [d for d in documents if (d.input or {}).get("department") in codes]


def suggested_login(document: IssuedDocument) -> str:
    """The e-mail's local part, a common corporate convention; IT may type another."""
    email = (document.input or {}).get("email") or ""
    local = email.split("@", 1)[0].strip().lower()
    return local if local and all(c.isalnum() or c in "._-" for c in local) else ""


def login_request_json(document: IssuedDocument, handled: LoginRequestHandled | None = None) -> dict:
    data = document.input or {}
    return {"id": document.id, "number": document.number, "issued_at": document.issued_at.isoformat(),
            "issued_by": _who(document.issued_by), "lang": document.lang,
            "full_name": data.get("full_name"), "position": data.get("position"),
            "department": data.get("department"), "email": data.get("email"),
            "file_url": url_for("documents.file", number=document.number),
            "suggested_login": suggested_login(document),
            "account": {"login": handled.login, "issued_at": handled.at.isoformat(),
                        "issued_by": _who(handled.handled_by)} if handled and handled.login else None,
            "returned": {"reason": handled.rejected_reason, "at": handled.at.isoformat(),
                         "by": _who(handled.handled_by)} if handled and handled.rejected_reason else None}


def issue_account(actor: User | None, document: IssuedDocument, login: str) -> tuple[User, str]:
    """IT creates the teacher's account the request asks for: role teacher, name, e-mail,
    department and position from the request; a one-time password, returned once and
    stored only as a hash. The request is marked handled in the same transaction."""
    policy.require(actor, "users.manage")
    _refuse_if_answered(document)
    data = document.input or {}
    department = db.session.scalar(select(Department).where(Department.code == data.get("department")))
    position = data.get("position")
    fields = {"email": data.get("email"), "department_id": department.id if department else None,
              "position_kk" if document.lang == "kk" else "position_ru": position}
    row = LoginRequestHandled(number=document.number, login=(login or "").strip()[:64],
                              handled_by_id=actor.id if actor else None, at=clock_now())
    db.session.add(row)  # committed together with the account and its audit row: all or none
    try:
        user, secret = new_user(actor, login, data.get("full_name") or "", ["teacher"], **fields)
    except IntegrityError:
        db.session.rollback()
        raise Invalid("login_request_done", field="number", login="—") from None
    except Exception:
        db.session.rollback()
        raise
    row.user_id = user.id
    record_account_event(actor, ACCOUNT_ISSUED, document.number, user, login=user.login)
    db.session.commit()
    return user, secret


def reject_login_request(actor: User | None, document: IssuedDocument, reason: str) -> LoginRequestHandled:
    """IT returns the request instead of issuing the account; the head of department sees the
    reason on the department page (and may file a new request)."""
    policy.require(actor, "users.manage")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("reject_reason_required", field="reason")
    _refuse_if_answered(document)
    row = LoginRequestHandled(number=document.number, login=None, rejected_reason=reason[:2000],
                              handled_by_id=actor.id if actor else None, at=clock_now())
    db.session.add(row)
    record_account_event(actor, LOGIN_REQUEST_REJECTED, document.number, reason=row.rejected_reason)
    try:
        db.session.commit()
    except IntegrityError:  # answered meanwhile in another tab
        db.session.rollback()
        raise Invalid("login_request_done", field="number", login="—") from None
    return row


def _refuse_if_answered(document: IssuedDocument) -> None:
    if document.doc_type != LOGIN_REQUEST:
        raise NotFound("not_found", what="document", key=document.number)
    done = db.session.scalar(select(LoginRequestHandled).where(LoginRequestHandled.number == document.number))
    if done is not None and done.rejected_reason is not None:
        raise Invalid("login_request_returned", field="number", reason=done.rejected_reason)
    if done is not None:
        raise Invalid("login_request_done", field="number", login=done.login)


# --- the registrar's monitoring ----------------------------------------------------------

def academic_years() -> list[str]:
    return list(db.session.scalars(select(Period.academic_year).distinct().order_by(Period.academic_year.desc())))


def year_journals(academic_year: str, lang: str, day: date) -> list[tuple[Journal, dict]]:
    """Every journal of the academic year's periods with its row (``journal_json``)."""
    journals = db.session.scalars(journals_query().join(Period, Journal.period_id == Period.id)
                                  .where(Period.academic_year == academic_year)).all()
    return [(j, journal_json(j, lang, day)) for j in sorted(journals, key=lambda j: (j.period.code, j.code))]


# The monitoring's figures of a department's journals: what each counts, one test for the
# count on the page and for the list of journals behind it.
FIGURES = {"total": lambda row: True, OPEN: lambda row: row["state"] == OPEN,
           "due_soon": lambda row: row["due_soon"], CLOSED: lambda row: row["state"] == CLOSED,
           LOCKED: lambda row: row["state"] == LOCKED, "closed_late": lambda row: row["closed_late"]}


def journal_counts(academic_year: str, day: date, lang: str = "ru") -> list[dict]:
    """Per department: journals in all, open, due soon, closed, locked at the deadline, and
    closed late or overdue (``FIGURES``)."""
    by_department: dict[str, list[dict]] = defaultdict(list)
    departments = {}
    for journal, row in year_journals(academic_year, lang, day):
        departments[row["department"]] = journal.department
        by_department[row["department"]].append(row)
    counts = []
    for code in sorted(departments):
        figures = {name: sum(1 for row in by_department[code] if test(row)) for name, test in FIGURES.items()}
        counts.append({"department": code, "department_obj": departments[code], **figures})
    return counts


def reopened_rows(academic_year: str, lang: str, day: date, department: str | None = None,
                  teacher: str | None = None, with_change: bool = False) -> list[tuple[Journal, dict]]:
    """The reopenings the monitoring counts (``monitoring.reopenings``), one row each: the
    journal's row with who reopened it, how and when access was given."""
    rows = []
    for request in monitoring.reopenings(academic_year):
        if (department and request.journal.department.code != department) or \
                (teacher and request.teacher.login != teacher) or (with_change and request.kind != WITH_CHANGE):
            continue
        row = journal_json(request.journal, lang, day)
        row["reopening"] = {"teacher": request.teacher.full_name, "kind": request.kind, "status": request.status,
                            "granted_at": _iso(request.granted_at)}
        rows.append((request.journal, row))
    return rows


def monitoring_report(actor: User, academic_year: str) -> dict:
    """``monitoring.report`` (which checks the policy) with each line's department, for the
    page to name it in the reader's language (the JSON keeps the codes)."""
    report = monitoring.report(actor, academic_year)
    names = {d.code: d for d in db.session.scalars(select(Department))}
    for line in report["departments"]:
        line["department_obj"] = names.get(line["code"])
    for line in report["teachers"]:
        line["department_obj"] = names.get(line["department"])
    return report


def latest_period_of(academic_year: str) -> Period | None:
    return db.session.scalar(select(Period).where(Period.academic_year == academic_year)
                             .order_by(Period.code.desc()))


# --- summary vedomosts -------------------------------------------------------------------

def dean_school_ids(user: User) -> set[int]:
    ids = {user.school_id} if user.school_id else set()
    ids |= set(db.session.scalars(select(School.id).where(School.dean_id == user.id)))
    return ids


def summary_groups(user: User, period: Period, day: date) -> list[dict]:
    """The groups with journals in the period (a dean: of the school's programmes), with
    how many of their journals are closed — a summary vedomost is formed when all are — and
    the journals with their state (``list``)."""
    query = select(Journal).where(Journal.period_id == period.id)
    if not user.has_role("registrar", "registrar_head"):
        schools = dean_school_ids(user)
        query = query.join(Group, Journal.group_id == Group.id).join(Program, Group.program_id == Program.id) \
            .where(Program.school_id.in_(schools or {-1}))
    groups: dict[int, dict] = {}
    for journal in db.session.scalars(query.order_by(Journal.code)):
        row = groups.setdefault(journal.group_id, {"group": journal.group, "journals": 0, "closed": 0, "list": []})
        row["journals"] += 1
        row["closed"] += effective_state(journal, day) == CLOSED
        row["list"].append((journal, effective_state(journal, day)))
    return sorted(groups.values(), key=lambda r: r["group"].code)


# --- the student's own grades ------------------------------------------------------------

def student_of(user: User) -> Student | None:
    return db.session.scalar(select(Student).where(Student.user_id == user.id))


def student_grades(student: Student, lang: str) -> list[dict]:
    """Per period: each curriculum item's final %, letter, GPA points, traditional grade and
    status for this student only, and the period GPA."""
    periods_of_group = db.session.scalars(select(Period).join(Journal).where(
        Journal.group_id == student.group_id).distinct().order_by(Period.code)).all()
    out = []
    for period in periods_of_group:
        try:
            results = period_results(student.group_id, period.id)
        except DomainError as err:
            out.append({"period": period_json(period), "items": [], "gpa": None, "error": err})
            continue
        items = []
        for item, by_student in results:
            shown = by_student[student.id].as_dict() if student.id in by_student else {}
            items.append({"code": item.code, "name": item.name(lang), "kind": item.kind, "credits": item.credits,
                          "final": shown.get("final"), "letter": shown.get("letter"), "gpa": shown.get("gpa"),
                          "traditional_kk": shown.get("traditional_kk"),
                          "traditional_ru": shown.get("traditional_ru"),
                          "status": shown.get("status", "pending")})
        gpa = student_period_gpa(student.id, results)
        out.append({"period": period_json(period), "items": items, "gpa": _two_places(gpa), "error": None,
                    "journals": current_marks(student, period, lang)})
    return out


def current_marks(student: Student, period: Period, lang: str) -> list[dict]:
    """The student's standing in each journal of the period as the journal has it now: ТК,
    the midterms, РД, the exam, and the absences (н/б) among the lessons held — what a student
    checks during the semester, before any final. The absences are counted as the teacher's
    grid counts them (``attendance``), so both show the same «1 / 12 · 8 %»."""
    at = clock_now()
    journals = db.session.scalars(select(Journal).where(
        Journal.group_id == student.group_id, Journal.period_id == period.id).order_by(Journal.code)).all()
    out = []
    for journal in journals:
        marks = db.session.scalars(select(Mark).where(Mark.journal_id == journal.id,
                                                      Mark.student_id == student.id)).all()
        try:
            shown = student_result(journal, student.id, {m.column: cell_of(m) for m in marks}).as_dict(
                scheme_for(journal.item).display_decimals)
        except DomainError:  # an integrated discipline without all its blocks' journals yet
            shown = {}
        out.append({"code": journal.code, "title": journal.title(lang), "tk": shown.get("tk"),
                    "controls": [(column_label(c, lang), _as_marked(shown.get(c.lower())))
                                 for c in journal.control_columns if c != "EXAM"],
                    "rd": shown.get("rd"), "exam": shown.get("exam"),
                    "attendance": attendance(journal, [m.column for m in marks if m.absent], at)})
    return out


def _as_marked(x: float | None) -> float | int | None:
    """A midterm as the journal writes it: a whole mark whole (97, not 97,00 beside the
    teacher's 97); a block's mean of an integrated discipline keeps its fraction."""
    return int(x) if x is not None and float(x).is_integer() else x


def _two_places(x) -> float | None:
    """A GPA shown to two decimals, half up (as every document shows it)."""
    if x is None:
        return None
    q = Decimal(x.numerator) / Decimal(x.denominator)
    return float(q.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


