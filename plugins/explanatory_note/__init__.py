"""Explanatory note about an error in filling in the electronic journal (RU Form 2 «Объяснительная
об ошибке заполнения электронного журнала», KK Form 3 «Түсініктеме электрондық журналды толтыру
қатесі туралы»): the teacher writes it to the dean of the students' school, the head of the
department agrees it, and it asks to reopen a closed journal (SPEC §4.7).

Issuing the note files the reopen request (``docservice.reopen.file_request``) with the same
reason, kind, wrong-entry date and scope: the ``docservice_document_issued`` hook below. The
request's preconditions (the journal closed or locked, no unfinished request) are checked
before the note is numbered, so a registered note always has its request.
"""
from __future__ import annotations

import re

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema
from sqlalchemy import select

from docservice import hookimpl, policy, reopen
from docservice.clock import now as clock_now
from docservice.collation import name_key
from docservice.documents import DocumentType, long_date, person, short_date, unit_forms
from docservice.documents.fields import JournalRef, TeacherRef
from docservice.documents.rendering import words
from docservice.documents.validation import coded
from docservice.errors import Invalid
from docservice.journals import sync_lock
from docservice.models import CLOSED, LOCKED, OPEN, WITH_CHANGE, WITHOUT_CHANGE, ReopenRequest, db
from plugins import template_folders

TYPE_ID = "explanatory_note"

# The journal's lesson types named as kinds of classes (the default of "Виды занятий").
LESSON_TYPES = {
    "practical": {"kk": "практикалық сабақтар", "ru": "практические занятия"},
    "seminar": {"kk": "семинар сабақтары", "ru": "семинарские занятия"},
    "laboratory": {"kk": "зертханалық сабақтар", "ru": "лабораторные занятия"},
    "lecture": {"kk": "дәрістер", "ru": "лекции"},
}
CONTROL_COLUMNS = {"RK1": {"kk": "РК1", "ru": "РК1"}, "RK2": {"kk": "РК2", "ru": "РК2"},
                   "EXAM": {"kk": "Емтихан", "ru": "Экзамен"}}
MODE = {"kk": {True: "бағаларды өзгерте отырып", False: "бағаларды өзгертпей"},
        "ru": {True: "с изменением оценок", False: "без изменения оценок"}}
KIND_OF_ITEM = {"module": {"kk": ("модуль", "модульдік пән"), "ru": ("модуль", "модульная дисциплина")},
                "integrated": {"kk": ("интеграцияланған пән", "блок"), "ru": ("интегрированная дисциплина", "блок")}}


def lesson_types_text(journal, lang: str) -> str:
    seen: list[str] = []
    for lesson in journal.lessons:
        if lesson.type and lesson.type not in seen:
            seen.append(lesson.type)
    return ", ".join(LESSON_TYPES.get(t, {}).get(lang, t) for t in seen)


def discipline_text(journal, lang: str) -> str:
    """The discipline, or the module / integrated discipline with the part this journal keeps."""
    item = journal.item
    name = f"{item.code} {item.name(lang)}"
    if journal.part is None:
        return name
    whole, part = KIND_OF_ITEM.get(item.kind, {}).get(lang, ("", ""))
    if not whole:
        return f"{name}: {journal.part.name(lang)}"
    return f"{name} ({whole}); {part}: {journal.part.name(lang)}"


def first_teacher(journal):
    staff = [t for t in journal.staff if t.role == "teacher"] or list(journal.staff)
    return staff[0].user if staff else None


def effectively_closed(journal, day) -> bool:
    """Closed, locked, or open past its deadline (which locks it at the next touch)."""
    return journal.state in (CLOSED, LOCKED) or (journal.state == OPEN and day > journal.deadline)


def check_can_file(journal, day) -> None:
    """What ``reopen.file_request`` will demand of the journal, asked before the note is numbered."""
    if not effectively_closed(journal, day):
        raise Invalid("journal_open", field="journal")
    pending = db.session.scalar(select(ReopenRequest).where(
        ReopenRequest.journal_id == journal.id, ReopenRequest.status.in_(reopen.UNFINISHED)))
    if pending is not None:
        raise Invalid("reopen_pending_exists", field="journal", request=pending.id)


# A column as people name it → as the journal keys it: the controls in either language, a
# lesson by its date as the documents write it (a code or an ISO date passes as it is).
COLUMN_NAMES = {"РК1": "RK1", "РК2": "RK2", "АБ1": "RK1", "АБ2": "RK2", "ЭКЗАМЕН": "EXAM", "ЕМТИХАН": "EXAM"}


def column_key(name: str) -> str:
    text = name.strip()
    day = re.fullmatch(r"(\d{2})\.(\d{2})\.(\d{4})", text)
    if day:
        return f"{day.group(3)}-{day.group(2)}-{day.group(1)}"
    return COLUMN_NAMES.get(text.upper().replace(" ", ""), text)


class ExplanatoryNoteInput(Schema):
    journal = JournalRef(required=True, metadata={"description": "Journal code"})
    wrong_entry_date = fields.Date(required=True, metadata={"description": "Date of the wrong entry"})
    reason = fields.String(required=True, validate=validate.Length(min=5, max=2000),
                           metadata={"description": "The cause of the error, explained"})
    with_grade_change = fields.Boolean(required=True, metadata={
        "description": "true: reopen with grade change (dean's council); false: without grade change"})
    lesson_types = fields.String(load_default=None, validate=validate.Length(min=2, max=200), metadata={
        "description": "Kinds of classes (default: the journal's lesson types)"})
    students = fields.List(fields.String(validate=validate.Length(min=1, max=32)), load_default=list,
                           metadata={"description": "Record-book numbers the error concerns (empty: all)"})
    columns = fields.List(fields.String(validate=validate.Length(min=1, max=32)), load_default=list,
                          metadata={"description": "Journal columns the error concerns (empty: all)"})

    @pre_load
    def _columns_by_their_names(self, data, **kwargs):
        """«РК1», «Емтихан», «02.09.2026» are accepted as the columns they name."""
        columns = data.get("columns") if isinstance(data, dict) else None
        if isinstance(columns, list):
            data = {**data, "columns": [column_key(c) if isinstance(c, str) else c for c in columns]}
        return data
    teacher = TeacherRef(load_default=None, metadata={
        "description": "Login of the journal's teacher who writes the note (default: the issuer, "
                       "else the journal's first teacher)"})

    @validates_schema
    def _against_the_journal(self, data, **kwargs):
        journal, errors = data["journal"], {}
        if not data["reason"].strip():
            errors["reason"] = [coded("reason_required")]
        today = clock_now().date()
        if data["wrong_entry_date"] > today:
            errors["wrong_entry_date"] = [coded("field_invalid", detail=f"≤ {short_date(today)}")]
        books = {s.record_book for s in journal.group.students}
        strangers = [s for s in data["students"] if s not in books]
        if strangers:
            errors["students"] = [coded("student_not_in_group", student=strangers[0])]
        unknown = [c for c in data["columns"] if c not in journal.columns]
        if unknown:
            errors["columns"] = [coded("column_unknown", column=unknown[0])]
        teacher = data.get("teacher")
        if teacher is not None and not any(t.user_id == teacher.id for t in journal.staff):
            errors["teacher"] = [coded("not_a_teacher", login=teacher.login)]
        if errors:
            raise ValidationError(errors)


class ExplanatoryNote(DocumentType):
    template_dirs = template_folders(__file__)
    id = TYPE_ID
    titles = {"kk": "Электрондық журналды толтыру қатесі туралы түсініктеме",
              "ru": "Объяснительная об ошибке заполнения электронного журнала"}
    schema = ExplanatoryNoteInput
    pdf_engine = "typst"  # plugins/typst_engine: layout.typ beside this module
    nomenclature = "01-17"
    # D0046 (Анатомия человека, ОМ-25-02р, t.anat1 and t.anat2): final control 2 Nov 2026, past its deadline.
    example = {"journal": "D0046", "wrong_entry_date": "2026-11-02",
               "reason": "При вводе оценок за рубежный контроль РК2 перепутаны строки двух обучающихся.",
               "with_grade_change": True}
    issue_roles = ("teacher",)

    def docx_template(self, lang: str):
        from .layout import make_template

        return make_template(words(self, lang), lang)

    def may_issue(self, user, data) -> bool:
        """A teacher of the journal writes it (policy ``reopen.file``), under their own name."""
        if not policy.allowed(user, "reopen.file", data["journal"]):
            return False
        return data.get("teacher") is None or data["teacher"].id == user.id

    def may_see(self, user, data) -> bool:
        """Those who decide on it: the head of the journal's department and the dean of its school."""
        from docservice.journals import find_journal

        journal = find_journal(data.get("journal", ""))
        return policy.heads(user, journal) or policy.is_dean_of(user, journal)

    def check_issue(self, data) -> None:
        """Issuing files a reopen request: the journal must allow one, for every issuer."""
        at = clock_now()
        sync_lock(data["journal"], at)  # a journal past its deadline locks now (the lock stands anyway)
        check_can_file(data["journal"], at.date())

    def subject(self, data: dict) -> str:
        """The reopen request it files: one note per error — journal, date of the wrong entry,
        kind, and the students and columns it concerns."""
        kind = "change" if data["with_grade_change"] else "no-change"
        return (f"journal:{data['journal'].code}/error:{data['wrong_entry_date'].isoformat()}/{kind}"
                f"/students:{','.join(sorted(set(data['students'])))}/columns:{','.join(sorted(set(data['columns'])))}")

    def register_entry(self, data: dict, lang: str) -> dict:
        journal = data["journal"]
        teacher = data.get("teacher") or self.actor
        return {"group": journal.group.code, "discipline": journal.item.name(lang),
                "person": teacher.full_name if teacher is not None else None}

    def build_context(self, data: dict, lang: str) -> dict:
        journal = data["journal"]
        issuer = self.actor if self.actor is not None and any(
            t.user_id == self.actor.id for t in journal.staff) else None
        teacher = data.get("teacher") or issuer or first_teacher(journal)
        school, group = journal.school, journal.group
        own_department = (teacher.department if teacher is not None else None) or journal.department
        by_book = {s.record_book: s for s in group.students}
        students = sorted((by_book[b] for b in dict.fromkeys(data["students"])), key=lambda s: name_key(s.full_name))
        dates = {lesson.column: short_date(lesson.date) for lesson in journal.lessons}
        wrong = data["wrong_entry_date"]
        return {
            "journal": {"code": journal.code},
            "addressee": {"school": unit_forms(school.name(lang), lang)["of"], **person(school.dean, lang)},
            "teacher": {**person(teacher, lang), "department": own_department.name(lang)},
            "sender": sender(teacher, own_department, lang),
            "visa": {"department": unit_forms(journal.department.name(lang), lang)["head"],
                     **person(journal.department.head, lang)},
            "with_grade_change": data["with_grade_change"],
            "mode": MODE[lang][data["with_grade_change"]],
            "reason": data["reason"].strip(),
            "wrong_entry": {"date": short_date(wrong), "long_date": long_date(wrong, lang)},
            "discipline": discipline_text(journal, lang),
            "lesson_types": data.get("lesson_types") or lesson_types_text(journal, lang),
            "course": group.course,
            "group": group.code,
            "program": f"{group.program.code} {group.program.name(lang)}",
            "students": "; ".join(f"{s.full_name} ({s.record_book})" for s in students),
            "columns": ", ".join(dates.get(c) or CONTROL_COLUMNS.get(c, {}).get(lang, c)
                                 for c in dict.fromkeys(data["columns"])),
        }


def sender(teacher, department, lang: str) -> dict:
    """Whom the note is from: «от старшего преподавателя кафедры анатомии» (``declined``: the
    words' ``sender``) when the teacher's position after «от» is known (staff data, not
    computable); else the position and department as listed (``sender_as_listed``)."""
    position_from = teacher.position_from(lang) if teacher is not None else ""
    if position_from:
        return {"declined": True, "position": position_from, "department": unit_forms(department.name(lang), lang)["of"]}
    return {"declined": False, "position": teacher.position(lang) if teacher is not None else "",
            "department": department.name(lang)}


@hookimpl
def docservice_register_document_types(registry):
    registry.add(ExplanatoryNote)


@hookimpl
def docservice_document_issued(document):
    """Issuing the note files its reopen request: same reason, kind, wrong-entry date and scope."""
    if document.doc_type != TYPE_ID:
        return
    data = ExplanatoryNoteInput().load(document.input)
    journal, at = data["journal"], clock_now()
    sync_lock(journal, at)
    reopen.file_request(
        document.issued_by, journal, WITH_CHANGE if data["with_grade_change"] else WITHOUT_CHANGE,
        data["reason"], wrong_entry_on=data["wrong_entry_date"], students=data["students"] or None,
        columns=data["columns"] or None,
        lesson_types=data.get("lesson_types") or lesson_types_text(journal, document.lang),
        document_number=document.number)
