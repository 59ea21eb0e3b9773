"""The ``docservice-dataset/1`` exchange format as marshmallow schemas (SPEC §7).

Unknown keys are ignored (the format may grow); every key the SPEC names is checked
for type and presence. References between records are checked by the importer.
"""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from .models import KINDS, ROLES

FORMAT = "docservice-dataset/1"
PERIOD_RE = r"^\d{4}-\d{4}/(1|2|summer)$"


class Loose(Schema):
    class Meta:
        unknown = EXCLUDE


class Text(Loose):
    # At most what the store's columns hold (names: 300; Text200 positions, Text500 topics).
    kk = fields.String(required=True, validate=validate.Length(min=1, max=300))
    ru = fields.String(required=True, validate=validate.Length(min=1, max=300))


class Text200(Loose):
    kk = fields.String(required=True, validate=validate.Length(min=1, max=200))
    ru = fields.String(required=True, validate=validate.Length(min=1, max=200))


class Text500(Loose):
    kk = fields.String(required=True, validate=validate.Length(min=1, max=500))
    ru = fields.String(required=True, validate=validate.Length(min=1, max=500))


def _short(limit: int):
    """A value kept as text of at most ``limit`` characters (``semester``: 1, "2", "summer")."""
    def check(value) -> None:
        if len(str(value)) > limit:
            raise ValidationError(f"Longer than maximum length {limit}.")
    return check


class Addressee(Loose):
    full_name = fields.Nested(Text, required=True)
    position = fields.Nested(Text, required=True)
    # The line a letter addresses them with, as printed (ru: the dative); absent: the position.
    to = fields.Nested(Text, load_default=None)


class University(Loose):
    name = fields.Nested(Text, required=True)
    short = fields.Nested(Text, required=True)


class SchoolSchema(Loose):
    code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    name = fields.Nested(Text, required=True)
    dean = fields.String(allow_none=True, load_default=None)


class DepartmentSchema(Loose):
    code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    school = fields.String(required=True)
    name = fields.Nested(Text, required=True)
    head = fields.String(allow_none=True, load_default=None)


class ProgramSchema(Loose):
    code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    name = fields.Nested(Text, required=True)
    school = fields.String(required=True)


class StaffSchema(Loose):
    login = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9._-]{2,64}$"))
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    position = fields.Nested(Text200, allow_none=True, load_default=None)
    # The position after «от» (ru genitive, kk possessive); absent: the position as it is.
    position_from = fields.Nested(Text200, allow_none=True, load_default=None)
    department = fields.String(allow_none=True, load_default=None)
    school = fields.String(allow_none=True, load_default=None)
    email = fields.Email(allow_none=True, load_default=None, validate=validate.Length(max=200))
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), required=True)


class GroupSchema(Loose):
    code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    program = fields.String(required=True)
    course = fields.Integer(required=True, strict=True, validate=validate.Range(1, 7))
    language = fields.String(required=True, validate=validate.OneOf(("kk", "ru", "en")))


class StudentSchema(Loose):
    id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    group = fields.String(required=True)


class PartSchema(Loose):
    code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    name = fields.Nested(Text, required=True)
    department = fields.String(required=True)
    credits = fields.Float(allow_none=True, load_default=None, validate=validate.Range(min=0))


class CurriculumSchema(Loose):
    code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    name = fields.Nested(Text, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    credits = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False))
    department = fields.String(required=True)
    program = fields.String(required=True)
    course = fields.Integer(required=True, strict=True, validate=validate.Range(1, 7))
    semester = fields.Raw(required=True, validate=_short(16))
    control = fields.String(load_default="exam", validate=validate.Length(min=1, max=32))
    blocks = fields.List(fields.Nested(PartSchema), load_default=list)
    parts = fields.List(fields.Nested(PartSchema), load_default=list)
    scheme = fields.Dict(allow_none=True, load_default=None)


class LessonSchema(Loose):
    date = fields.Date(required=True)
    time = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=32))
    topic = fields.Nested(Text500, allow_none=True, load_default=None)
    type = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=32))
    hours = fields.Float(allow_none=True, load_default=None, validate=validate.Range(min=0))
    room = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=32))


class JournalSchema(Loose):
    id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    curriculum_item = fields.String(required=True)
    part = fields.String(allow_none=True, load_default=None)
    group = fields.String(required=True)
    period = fields.String(required=True, validate=validate.Regexp(PERIOD_RE))
    teachers = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    final_control = fields.Date(required=True)
    # Absent: the registrar's deadline in the store (if any) is kept on re-import.
    deadline = fields.Date(allow_none=True)
    lessons = fields.List(fields.Nested(LessonSchema), load_default=list)


class MarkSchema(Loose):
    journal = fields.String(required=True)
    student = fields.String(required=True)
    column = fields.String(required=True)
    value = fields.Raw(required=True, allow_none=True)


class DatasetSchema(Loose):
    format = fields.String(required=True)
    university = fields.Nested(University, required=True)
    academic_year = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-\d{4}$"))
    settings = fields.Dict(keys=fields.String(), values=fields.Nested(Addressee), load_default=dict)
    schools = fields.List(fields.Nested(SchoolSchema), required=True)
    departments = fields.List(fields.Nested(DepartmentSchema), required=True)
    programs = fields.List(fields.Nested(ProgramSchema), required=True)
    staff = fields.List(fields.Nested(StaffSchema), required=True)
    groups = fields.List(fields.Nested(GroupSchema), required=True)
    students = fields.List(fields.Nested(StudentSchema), required=True)
    curriculum = fields.List(fields.Nested(CurriculumSchema), load_default=list)
    journals = fields.List(fields.Nested(JournalSchema), load_default=list)
    marks = fields.List(fields.Nested(MarkSchema), load_default=list)
