"""KTP — the calendar-thematic plan of a discipline's classes (KK Form 1 «Күнтізбелік-тақырыптық
жоспар» / «Календарно-тематический план»): dated rows of topics, hours, teachers and rooms,
approved at a department meeting and signed by the head of the department.

The rows are typed in, or — when a journal is named and no rows are given — taken from the
journal's lessons (which were loaded from the KTP in the first place), with the specialty,
course, discipline, lesson type and academic year of the journal.
"""
from __future__ import annotations

import re

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from docservice import hookimpl
from docservice.documents import DocumentType, folded, person
from docservice.documents.context import long_date, short_date
from docservice.documents.fields import DepartmentRef, JournalRef
from docservice.documents.rendering import words
from docservice.documents.validation import coded
from plugins import template_folders

MAX_ROWS = 200
# A Kazakh protocol is named "of" its date: the month with -дағы/-дегі/-тағы/-тегі ("2026 ж. «28»
# тамыздағы № 1 хаттама").
MONTHS_OF_KK = ["қаңтардағы", "ақпандағы", "наурыздағы", "сәуірдегі", "мамырдағы", "маусымдағы", "шілдедегі",
                "тамыздағы", "қыркүйектегі", "қазандағы", "қарашадағы", "желтоқсандағы"]
REQUIRED = "Missing data for required field."  # marshmallow's own words: told in kk/ru by the core

# What the journal's lesson types are called in the plan's heading (plural, as classes).
LESSON_TYPES = {
    "practical": {"kk": "практикалық сабақтар", "ru": "практические занятия"},
    "seminar": {"kk": "семинар сабақтары", "ru": "семинарские занятия"},
    "laboratory": {"kk": "зертханалық сабақтар", "ru": "лабораторные занятия"},
    "lecture": {"kk": "дәрістер", "ru": "лекции"},
}


def lesson_types_text(lessons, lang: str) -> str:
    """The distinct types of a journal's lessons, in order of first appearance, named in ``lang``."""
    seen: list[str] = []
    for lesson in lessons:
        if lesson.type and lesson.type not in seen:
            seen.append(lesson.type)
    return ", ".join(LESSON_TYPES.get(t, {}).get(lang, t) for t in seen)


def _positive(value) -> None:
    if value is not None and value <= 0:
        raise ValidationError(coded("field_invalid", detail="> 0"))


def _row_count(rows) -> None:
    if len(rows) > MAX_ROWS:
        raise ValidationError(coded("field_invalid", detail=f"1–{MAX_ROWS} ({len(rows)})"))


class KtpRow(Schema):
    date = fields.Date(required=True, metadata={"description": "Date of the class (YYYY-MM-DD)"})
    time = fields.String(load_default="", validate=validate.Length(max=32),
                         metadata={"description": "Time of the class, e.g. 09:00-10:40"})
    topic = fields.String(required=True, validate=validate.Length(min=1, max=500),
                          metadata={"description": "Topic, in the document's language"})
    hours = fields.Float(required=True, allow_nan=False, validate=[_positive, validate.Range(max=100)],
                         metadata={"description": "Teaching hours (> 0)"})
    teacher = fields.String(required=True, validate=validate.Length(min=3, max=200),
                            metadata={"description": "Teacher's full name"})
    room = fields.String(load_default="", validate=validate.Length(max=32),
                         metadata={"description": "Room (cabinet)"})


class KtpInput(Schema):
    journal = JournalRef(load_default=None, metadata={
        "description": "Journal code: when given and rows are empty, the rows, specialty, course, "
                       "discipline, lesson type, academic year and department come from it"})
    department = DepartmentRef(load_default=None, metadata={
        "description": "Department code (default: the journal's department)"})
    specialty = fields.String(load_default=None, validate=validate.Length(min=2, max=300),
                              metadata={"description": "Specialty (programme), e.g. 6B10101 Жалпы медицина"})
    course = fields.Integer(load_default=None, strict=False, validate=validate.Range(min=1, max=7),
                            metadata={"description": "Course 1–7"})
    discipline = fields.String(load_default=None, validate=validate.Length(min=2, max=300),
                               metadata={"description": "Discipline"})
    lesson_type = fields.String(load_default=None, validate=validate.Length(min=2, max=200),
                                metadata={"description": "Kind of classes (практикалық сабақтар …)"})
    academic_year = fields.String(load_default=None, validate=validate.Regexp(r"^\d{4}-\d{4}$"),
                                  metadata={"description": "Academic year, e.g. 2026-2027"})
    rows = fields.List(fields.Nested(KtpRow), load_default=list, validate=_row_count,
                       metadata={"description": f"The plan's rows (1–{MAX_ROWS})"})
    protocol_no = fields.String(required=True, validate=validate.Length(min=1, max=32),
                                metadata={"description": "Number of the department meeting's protocol"})
    protocol_date = fields.Date(required=True, metadata={"description": "Date of the department meeting"})

    @validates_schema
    def _complete(self, data, **kwargs):
        """Without a journal every part of the heading and at least one row must be typed in."""
        journal, errors = data.get("journal"), {}
        if journal is None:
            for name in ("department", "specialty", "course", "discipline", "lesson_type", "academic_year"):
                if data.get(name) is None:
                    errors[name] = [REQUIRED]
        if not data.get("rows") and (journal is None or not journal.lessons):
            errors["rows"] = [REQUIRED]
        year = data.get("academic_year")
        if year:
            first, second = (int(y) for y in re.findall(r"\d{4}", year))
            if second != first + 1:
                errors["academic_year"] = [coded("field_invalid", detail=f"{first}-{first + 1}")]
        if errors:
            raise ValidationError(errors)


def department_of(data: dict):
    return data.get("department") or data["journal"].department


def _journal_teachers(journal) -> str:
    teachers = [t.user for t in journal.staff if t.role == "teacher"] or [t.user for t in journal.staff]
    return ", ".join(u.full_name for u in teachers)


def _journal_rows(journal, lang: str) -> list[dict]:
    other = "ru" if lang == "kk" else "kk"
    teacher = _journal_teachers(journal)
    return [{"date": lesson.date, "time": lesson.time or "",
             "topic": getattr(lesson, f"topic_{lang}") or getattr(lesson, f"topic_{other}") or "",
             "hours": lesson.hours or 0, "teacher": teacher, "room": lesson.room or ""}
            for lesson in journal.lessons]


def _hours(value) -> float | int:
    return int(value) if float(value).is_integer() else round(float(value), 2)


class Ktp(DocumentType):
    template_dirs = template_folders(__file__)
    id = "ktp"
    pdf_engine = "typst"
    titles = {"kk": "Күнтізбелік-тақырыптық жоспар", "ru": "Календарно-тематический план"}
    schema = KtpInput
    nomenclature = "03-04"
    example = {"journal": "D0001", "protocol_no": "1", "protocol_date": "2026-08-28"}
    issue_roles = ("head_of_department", "teacher")

    def docx_template(self, lang: str):
        from .layout import make_template

        return make_template(words(self, lang), lang)

    def may_issue(self, user, data) -> bool:
        """The head of the department, or a teacher of that department."""
        department = department_of(data)
        if user.has_role("head_of_department") and department.head_id == user.id:
            return True
        return user.department_id is not None and user.department_id == department.id

    def subject(self, data: dict) -> str:
        """One plan per journal; a plan typed in without a journal, per department, discipline,
        course and academic year."""
        journal = data.get("journal")
        if journal is not None:
            return f"journal:{journal.code}"
        parts = (department_of(data).code, data.get("discipline"), data.get("course"), data.get("academic_year"))
        return "plan:" + "/".join(folded(str(p or "")) for p in parts)

    def register_entry(self, data: dict, lang: str) -> dict:
        journal = data.get("journal")
        return {"group": journal.group.code if journal else None,
                "discipline": data.get("discipline") or (journal.title(lang) if journal else None)}

    def build_context(self, data: dict, lang: str) -> dict:
        journal, department = data.get("journal"), department_of(data)
        group = journal.group if journal else None
        specialty = data.get("specialty") or f"{group.program.code} {group.program.name(lang)}"
        course = data.get("course") or group.course
        discipline = data.get("discipline") or journal.title(lang)
        lesson_type = data.get("lesson_type") or lesson_types_text(journal.lessons, lang)
        year = data.get("academic_year") or journal.period.academic_year
        rows = data.get("rows") or _journal_rows(journal, lang)
        first, second = re.findall(r"\d{4}", year)
        protocol_date = data["protocol_date"]
        total = sum(float(r["hours"]) for r in rows)
        return {
            "department": {"name": department.name(lang)},
            "head": person(department.head, lang),
            "specialty": specialty,
            "course": course,
            "discipline": discipline,
            "lesson_type": lesson_type,
            "lesson_type_cap": lesson_type[:1].upper() + lesson_type[1:],
            "year": {"text": year, "first": first, "second": second},
            "rows": [{"n": i, "date": short_date(r["date"]), "time": r.get("time") or "",
                      "topic": r["topic"], "hours": _hours(r["hours"]), "teacher": r["teacher"],
                      "room": r.get("room") or ""} for i, r in enumerate(rows, 1)],
            "total_hours": _hours(total),
            "protocol": {"no": data["protocol_no"], "date": long_date(protocol_date, lang),
                         "year": protocol_date.year, "day": f"{protocol_date.day:02d}",
                         "month": long_date(protocol_date, lang).split()[1],
                         "month_of": MONTHS_OF_KK[protocol_date.month - 1] if lang == "kk" else ""},
        }


@hookimpl
def docservice_register_document_types(registry):
    registry.add(Ktp)
