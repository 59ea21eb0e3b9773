"""What every oversight page shares: the policy gate, the words for states and levels in
the interface language, dates typed in forms, and turning refusals into messages."""
from __future__ import annotations

import re
from datetime import date
from functools import wraps

from flask import flash, g, url_for
from flask_babel import lazy_gettext
from flask_login import login_required
from markupsafe import Markup, escape
from werkzeug.routing import BuildError

from ... import policy
from ...auth import actor
from ...errors import Invalid

# Journal states, reopen kinds and statuses, chain steps and disciplinary levels, in words.
STATES = {"open": lazy_gettext("open"), "closed": lazy_gettext("closed"),
          "locked": lazy_gettext("locked at the deadline")}
KINDS = {"with_change": lazy_gettext("with grade change"), "without_change": lazy_gettext("without grade change")}
STATUSES = {"filed": lazy_gettext("filed"), "visaed": lazy_gettext("visaed by the head of department"),
            "approved": lazy_gettext("approved by the dean's council"), "granted": lazy_gettext("access granted"),
            "completed": lazy_gettext("completed"), "rejected": lazy_gettext("returned")}
# reopen.late_steps names: the step that was late.
LATE_STEPS = {"filed": lazy_gettext("explanatory note"), "visaed": lazy_gettext("head's visa"),
              "decided": lazy_gettext("dean's council decision"), "completed": lazy_gettext("changes in the journal")}
LEVELS = {"verbal_remark": lazy_gettext("verbal remark"), "warning": lazy_gettext("warning"),
          "reprimand": lazy_gettext("reprimand")}
# The collections of a dataset, as the import preview counts them.
COLLECTIONS = {"schools": lazy_gettext("schools"), "departments": lazy_gettext("departments"),
               "programs": lazy_gettext("educational programmes"), "staff": lazy_gettext("staff"),
               "groups": lazy_gettext("groups"), "students": lazy_gettext("students"),
               "curriculum": lazy_gettext("curriculum items"),
               "curriculum_parts": lazy_gettext("blocks and modular disciplines"),
               "journals": lazy_gettext("journals")}
# Traditional grades for the English interface (the scale keeps kk and ru words).
TRADITIONAL_EN = {"отлично": "excellent", "хорошо": "good", "удовлетворительно": "satisfactory",
                  "неудовлетворительно": "unsatisfactory", "не допущен": "not admitted", "неявка": "absent"}


def lang() -> str:
    """The interface language."""
    return getattr(g, "lang", None) or "kk"


def data_lang() -> str:
    """The language of names kept in the store (kk or ru): English falls back to Russian."""
    return "kk" if lang() == "kk" else "ru"


def page(action: str):
    """A page of the signed-in user whom the policy allows ``action`` (403 otherwise)."""
    def decorate(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            policy.require(actor(), action)
            return fn(*args, **kwargs)
        return login_required(wrapper)
    return decorate


def say(err) -> None:
    """A refusal, flashed in the interface language."""
    flash(err.message(lang()), "error")


def form_date(value, field: str, required: bool = False) -> date | None:
    value = str(value or "").strip()
    if not value:
        if required:
            raise Invalid("field_required", field=field)
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid("field_invalid", field=field, detail=value) from None


def form_int(value, field: str, default: int | None = None) -> int | None:
    value = str(value or "").strip()
    if not value:
        return default
    if not re.fullmatch(r"[+-]?[0-9]{1,9}", value):  # int() would read "٣" or "３" as 3
        raise Invalid("field_invalid", field=field, detail=value)
    return int(value)


def traditional(row: dict) -> str | None:
    """A result's traditional grade (``traditional_kk`` / ``traditional_ru`` of a result row)
    in the interface language."""
    ru = row.get("traditional_ru")
    if not ru:
        return None
    if lang() == "en":
        return TRADITIONAL_EN.get(ru, ru)
    return row.get("traditional_kk") if lang() == "kk" else ru


def journal_link(code: str) -> Markup:
    """The journal's code, linked to its page (the teacher area's) when there is one."""
    try:
        return Markup('<a href="{}">{}</a>').format(url_for("teacher.journal", code=code), code)
    except BuildError:
        return escape(code)
