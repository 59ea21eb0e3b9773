"""Input fields that name records of the store (a journal, a department …) and load them.

Unknown keys fail validation with a message in the user's language; the JSON Schema
shows them as strings.
"""
from __future__ import annotations

from marshmallow import ValidationError, fields
from sqlalchemy import select

from ..models import Department, Group, Journal, Period, School, User, db
from .validation import coded


class StoreRef(fields.String):
    model = None
    key = "code"
    what = ""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        found = db.session.scalar(select(self.model).where(getattr(self.model, self.key) == text))
        if found is None:
            raise ValidationError(coded("reference_unknown", what=self.what, key=text))
        return found

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else getattr(value, self.key, value)


class JournalRef(StoreRef):
    model, what = Journal, "journal"


class DepartmentRef(StoreRef):
    model, what = Department, "department"


class GroupRef(StoreRef):
    model, what = Group, "group"


class PeriodRef(StoreRef):
    model, what = Period, "period"


class SchoolRef(StoreRef):
    model, what = School, "school"


class UserRef(StoreRef):
    model, key, what = User, "login", "user"


class TeacherRef(UserRef):
    """A user who teaches: the form offers users with the teacher role only (of the journal's
    department when the form has a journal chosen), not every member of staff."""
    follows = "journal"  # the input naming the journal
