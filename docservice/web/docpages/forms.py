"""A document type's input form, generated from its marshmallow schema.

Nothing here knows a document type: the form of a new plugin comes from its schema alone.
``form_fields`` walks ``schema().fields`` into ``FormField`` descriptions (what input, which
label, which choices from the store); ``collect`` turns the posted form back into the JSON
input the type's schema loads; ``flatten_errors`` puts marshmallow's nested per-field
messages next to the inputs they belong to.

Form input names follow the input's keys: ``journal``; ``rows.3.date`` (row 3 of a table of
nested rows; rows are numbered by the page, and blank rows are left out); ``address.city``
(a nested fieldset). Names starting with ``_`` are the page's own (``_lang``, ``_format``).

Labels: ``metadata["label"]`` (a text, or ``{"kk": …, "ru": …, "en": …}``), else the field's
name humanised (``wrong_entry_date`` → "Wrong entry date") and looked up in the catalogue.
Hints: ``metadata["description"]`` the same way (the catalogue translates the descriptions of
the built-in types; a plugin can give a ``{"kk", "ru", "en"}`` mapping).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field as dc_field

from flask import g
from flask_babel import gettext
from marshmallow import Schema, fields, validate
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ... import policy
from ...collation import name_key
from ...documents.fields import (
    DepartmentRef, GroupRef, JournalRef, PeriodRef, SchoolRef, StoreRef, TeacherRef, UserRef,
)
from ...models import Department, Group, Journal, Period, School, User, UserRole, db
from ...safe_input import ascii_digits_only

TRUE = ("on", "1", "true", "yes", "y")
TEXTAREA_OVER = 300          # a String that may be longer than this is typed in a textarea
LIST_SPLIT = re.compile(r"[,;\n]")


@dataclass
class FormField:
    name: str                 # the input's key (data_key or attribute name)
    kind: str                 # text textarea email date datetime time integer number checkbox
                              # select ref multiselect list_text table fieldset
    label: str
    hint: str = ""
    required: bool = False
    scalar: str = "str"       # how a typed value is parsed: str, int, float, bool
    choices: list = dc_field(default_factory=list)    # [(value, label)] for select/ref/multiselect
    children: list = dc_field(default_factory=list)   # columns of a table, fields of a fieldset
    attrs: dict = dc_field(default_factory=dict)      # min, max, step, minlength, maxlength
    tags: dict = dc_field(default_factory=dict)       # {value: "the values of the followed field it goes with"}

    def as_json(self) -> dict:
        out = {"name": self.name, "kind": self.kind, "label": self.label, "required": self.required}
        if self.hint:
            out["hint"] = self.hint
        if self.choices:
            out["choices"] = [{"value": v, "label": lbl} for v, lbl in self.choices]
        if self.children:
            out["fields"] = [c.as_json() for c in self.children]
        if self.attrs:
            out["attrs"] = self.attrs
        return out


def ui_lang() -> str:
    """The interface language for data named in kk/ru (titles, store names): en → ru."""
    lang = getattr(g, "lang", "ru")
    return lang if lang in ("kk", "ru") else "ru"


def humanise(name: str) -> str:
    text = re.sub(r"[_\-.]+", " ", str(name)).strip()
    return text[:1].upper() + text[1:]


def _text(value, fallback: str = "") -> str:
    """A label or hint given by a plugin: a mapping by language, or a text for the catalogue."""
    if isinstance(value, dict):
        lang = getattr(g, "lang", "ru")
        return value.get(lang) or value.get("ru") or value.get("en") or next(iter(value.values()), fallback)
    if value:
        return gettext(str(value))
    return fallback


def _label(field, name: str) -> str:
    return _text(field.metadata.get("label")) or gettext(humanise(name))


def _hint(field) -> str:
    return _text(field.metadata.get("description"))


def _validators(field, kind):
    return [v for v in field.validators if isinstance(v, kind)]


def _length_attrs(field) -> dict:
    attrs = {}
    for v in _validators(field, validate.Length):
        if v.equal is not None:
            attrs.update(minlength=v.equal, maxlength=v.equal)
        if v.min is not None:
            attrs["minlength"] = v.min
        if v.max is not None:
            attrs["maxlength"] = v.max
    return attrs


def _range_attrs(field) -> dict:
    attrs = {}
    for v in _validators(field, validate.Range):
        if v.min is not None:
            attrs["min"] = v.min
        if v.max is not None:
            attrs["max"] = v.max
    return attrs


def _one_of(field):
    found = _validators(field, validate.OneOf)
    return found[0] if found else None


def _choice_label(value, labels=None) -> str:
    if labels:
        return str(labels)
    return gettext(humanise(value)) if isinstance(value, str) else str(value)


class StoreChoices:
    """Options for the store references, from the store, once per request.

    Journals: those the user may view (policy ``journal.view``); groups, periods, departments,
    schools: all of them; users: every staff member; teachers: users with the teacher role — of
    the chosen journal's department and the journal's own teachers when ``values`` (the form as
    sent or prefilled, ``?journal=J0001``) name a journal."""

    def __init__(self, user, values=None):
        self.user = user
        self.values = values or {}
        self._cache: dict = {}

    def for_field(self, field) -> list[tuple[str, str]]:
        kind = type(field)
        if kind not in self._cache:
            self._cache[kind] = self._options(field)
        return self._cache[kind]

    def _options(self, field) -> list[tuple[str, str]]:
        lang = ui_lang()
        if isinstance(field, JournalRef):
            journals = db.session.scalars(select(Journal).order_by(Journal.code).options(
                selectinload(Journal.staff), selectinload(Journal.item), selectinload(Journal.part),
                selectinload(Journal.group))).all()
            return [(j.code, f"{j.code} — {j.title(lang)} — {j.group.code}") for j in journals
                    if policy.allowed(self.user, "journal.view", j)]
        if isinstance(field, GroupRef):
            groups = db.session.scalars(select(Group).order_by(Group.code).options(selectinload(Group.program)))
            return [(gr.code, f"{gr.code} — {gr.program.name(lang)}, {gr.course}") for gr in groups]
        if isinstance(field, PeriodRef):
            periods = db.session.scalars(select(Period).order_by(Period.code.desc()))
            return [(p.code, p.code) for p in periods]
        if isinstance(field, (DepartmentRef, SchoolRef)):
            model = Department if isinstance(field, DepartmentRef) else School
            # By name alone: the code (ANAT, GM) is the registrar's shorthand, not a word of the page.
            return [(r.code, r.name(lang)) for r in db.session.scalars(select(model).order_by(model.code))]
        if isinstance(field, TeacherRef):
            return [(u.login, f"{u.full_name} ({u.login})") for u in self._teachers()]
        if isinstance(field, UserRef):
            users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.full_name))
            return [(u.login, f"{u.full_name} ({u.login})") for u in users if u.roles - {"student"}]
        # Another StoreRef (a plugin's own): every record by its key, with its name if it has one.
        model, key = field.model, field.key
        if model is None:
            return []
        records = db.session.scalars(select(model).order_by(getattr(model, key)))
        return [(str(getattr(r, key)), f"{getattr(r, key)} — {r.name(lang)}" if hasattr(r, "name")
                 and callable(r.name) else str(getattr(r, key))) for r in records]

    def tags_for(self, field) -> dict[str, str]:
        """For a teacher's option, the journals it stays shown for once one is chosen (``data-tags``,
        read by the form's script): those of the teacher's department and those they teach."""
        if not isinstance(field, TeacherRef):
            return {}
        by_department: dict[int, list[str]] = {}
        journals = db.session.scalars(select(Journal).options(selectinload(Journal.item), selectinload(Journal.part),
                                                              selectinload(Journal.staff)))
        taught: dict[int, list[str]] = {}
        for journal in journals:
            by_department.setdefault(journal.department.id, []).append(journal.code)
            for t in journal.staff:
                taught.setdefault(t.user_id, []).append(journal.code)
        return {u.login: " ".join(sorted({*by_department.get(u.department_id, []), *taught.get(u.id, [])}))
                for u in self._teachers()}

    def _teachers(self) -> list[User]:
        query = select(User).join(UserRole).where(User.active.is_(True), UserRole.role == "teacher")
        code = str(self.values.get(TeacherRef.follows) or "").strip()
        journal = db.session.scalar(select(Journal).where(Journal.code == code)) if code else None
        if journal is None:
            return sorted(db.session.scalars(query), key=lambda u: name_key(u.full_name))
        own = {t.user_id for t in journal.staff}
        users = db.session.scalars(query.where(or_(User.department_id == journal.department.id, User.id.in_(own))))
        return sorted(users, key=lambda u: (u.id not in own, name_key(u.full_name)))


def form_fields(schema: type[Schema] | Schema, choices: StoreChoices) -> list[FormField]:
    """The inputs of a schema, in the order it declares its fields."""
    instance = schema() if isinstance(schema, type) else schema
    out = []
    for attr, field in instance.fields.items():
        if field.dump_only:
            continue
        out.append(_form_field(field.data_key or attr, field, choices))
    return out


def _form_field(name: str, field, choices: StoreChoices) -> FormField:
    label, hint = _label(field, name), _hint(field)
    ff = FormField(name=name, kind="text", label=label, hint="" if hint == label else hint, required=field.required)
    if isinstance(field, StoreRef):
        ff.kind, ff.choices = "ref", choices.for_field(field)
        ff.tags = choices.tags_for(field)
        if isinstance(field, TeacherRef):
            ff.attrs = {"data-follows": TeacherRef.follows}
        return ff
    if isinstance(field, fields.Nested):
        ff.kind, ff.children = "fieldset", form_fields(field.schema, choices)
        return ff
    if isinstance(field, fields.List):
        inner = field.inner
        if isinstance(inner, fields.Nested):
            ff.kind, ff.children = "table", form_fields(inner.schema, choices)
        elif isinstance(inner, StoreRef):
            ff.kind, ff.choices = "multiselect", choices.for_field(inner)
        elif _one_of(inner) is not None:
            one_of = _one_of(inner)
            ff.kind = "multiselect"
            ff.choices = [(str(c), _choice_label(c, lbl)) for c, lbl in one_of.options()]
        else:
            ff.kind = "list_text"
            ff.scalar = _scalar(inner)
        return ff
    ff.scalar = _scalar(field)
    one_of = _one_of(field)
    if one_of is not None:
        ff.kind = "select"
        ff.choices = [(str(c), _choice_label(c, lbl)) for c, lbl in one_of.options()]
        return ff
    if isinstance(field, fields.Boolean):
        ff.kind = "checkbox"
    elif isinstance(field, fields.Email):
        ff.kind, ff.attrs = "email", _length_attrs(field)
    elif isinstance(field, fields.DateTime):
        ff.kind = "datetime"
    elif isinstance(field, fields.Date):
        ff.kind = "date"
    elif isinstance(field, fields.Time):
        ff.kind = "time"
    elif isinstance(field, fields.Integer):
        ff.kind, ff.attrs = "integer", {"step": 1, **_range_attrs(field)}
    elif isinstance(field, fields.Number):
        ff.kind, ff.attrs = "number", {"step": "any", **_range_attrs(field)}
    else:
        ff.attrs = _length_attrs(field)
        if ff.attrs.get("maxlength", 0) > TEXTAREA_OVER:
            ff.kind = "textarea"
    return ff


def _scalar(field) -> str:
    if isinstance(field, fields.Boolean):
        return "bool"
    if isinstance(field, fields.Integer):
        return "int"
    if isinstance(field, (fields.Float, fields.Number)) and not isinstance(field, fields.Decimal):
        return "float"
    return "str"


# --- the posted form → the JSON input ------------------------------------------------------

def _parse(text: str, scalar: str):
    """A typed value in the input's type; what does not parse is passed on as typed, so the
    schema refuses it with its own message in the user's language. Digits of other scripts
    («٣», «３») are not numbers here: Python's int() would read them, the API does not."""
    if scalar in ("int", "float") and not ascii_digits_only(text):
        return text
    if scalar == "int":
        try:
            return int(text)
        except ValueError:
            return text
    if scalar == "float":
        try:
            return float(text.replace(",", ".").replace(" ", ""))
        except ValueError:
            return text
    if scalar == "bool":
        return text.lower() in TRUE
    return text


def row_indexes(form, key: str) -> list[int]:
    pattern = re.compile(re.escape(key) + r"\.([0-9]+)\.")
    found = {int(m.group(1)) for k in form.keys() if (m := pattern.match(k))}
    return sorted(found)


def _blank(form, prefix: str, children: list[FormField]) -> bool:
    """A row nobody typed in (check boxes do not count)."""
    for child in children:
        key = prefix + child.name
        if child.kind in ("table", "fieldset"):
            if any(k.startswith(key + ".") and str(v).strip() for k, v in form.items(multi=True)):
                return False
        elif child.kind != "checkbox" and any(str(v).strip() for v in form.getlist(key)):
            return False
    return True


def collect(form_fields_: list[FormField], form, prefix: str = "", positions: dict | None = None):
    """The JSON input from the posted form: strings stripped, empty optional values left out,
    numbers parsed, check boxes as booleans, lists split, blank table rows dropped.

    Returns ``(data, positions)``: ``positions[table name]`` lists the page's row numbers in
    the order the rows were sent, to put the schema's per-row messages back on their rows."""
    positions = {} if positions is None else positions
    data: dict = {}
    for f in form_fields_:
        key = prefix + f.name
        if f.kind == "checkbox":
            data[f.name] = form.get(key, "").strip().lower() in TRUE
        elif f.kind == "table":
            rows, used = [], []
            for i in row_indexes(form, key):
                row_prefix = f"{key}.{i}."
                if _blank(form, row_prefix, f.children):
                    continue
                row, _ = collect(f.children, form, row_prefix, positions)
                rows.append(row)
                used.append(i)
            positions[key] = used
            if rows:
                data[f.name] = rows
        elif f.kind == "fieldset":
            if not _blank(form, key + ".", f.children):
                data[f.name], _ = collect(f.children, form, key + ".", positions)
        elif f.kind == "multiselect":
            values = [v.strip() for v in form.getlist(key) if v.strip()]
            if values:
                data[f.name] = values
        elif f.kind == "list_text":
            values = [v.strip() for text in form.getlist(key) for v in LIST_SPLIT.split(text) if v.strip()]
            if values:
                data[f.name] = [_parse(v, f.scalar) for v in values]
        else:
            text = form.get(key, "").strip()
            if text:
                data[f.name] = _parse(text, f.scalar)
    return data, positions


# --- the schema's messages → next to their inputs ------------------------------------------

FORM = "_form"   # messages that belong to no single input


def _messages(value) -> list[str]:
    if isinstance(value, dict):
        return [m for v in value.values() for m in _messages(v)]
    if isinstance(value, (list, tuple)):
        return [m for v in value for m in _messages(v)]
    return [str(value)]


def flatten_errors(errors: dict, form_fields_: list[FormField], positions: dict, prefix: str = "",
                   out: dict | None = None) -> dict[str, list[str]]:
    """``{"rows": {0: {"date": [...]}}}`` → ``{"rows.3.date": [...]}`` (row 0 sent was the page's
    row 3); messages of the whole form or of an unknown key under ``_form``."""
    out = {} if out is None else out
    by_name = {f.name: f for f in form_fields_}
    for key, value in (errors or {}).items():
        f = by_name.get(key)
        name = prefix + str(key)
        if f is None:
            target = prefix.rstrip(".") if key == "_schema" and prefix else FORM
            shown = _messages(value) if key == "_schema" else [f"{key}: {m}" for m in _messages(value)]
            out.setdefault(target, []).extend(shown)
        elif f.kind == "table" and isinstance(value, dict):
            rows = positions.get(name, [])
            for pos, sub in value.items():
                if isinstance(pos, int) and pos < len(rows) and isinstance(sub, dict):
                    flatten_errors(sub, f.children, positions, f"{name}.{rows[pos]}.", out)
                else:
                    out.setdefault(name, []).extend(_messages(sub))
        elif f.kind == "fieldset" and isinstance(value, dict):
            flatten_errors(value, f.children, positions, name + ".", out)
        else:
            out.setdefault(name, []).extend(_messages(value))
    return out


def table_rows(form, name: str) -> list[int]:
    """The row numbers to show for a table: those sent or asked for, else one empty row."""
    return row_indexes(form, name) or [0]
