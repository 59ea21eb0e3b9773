"""The oversight pages: the head of department, the dean's office, the registrar's office,
the IT department and the student (SPEC §1, §4).

| page | who (policy action) |
|---|---|
| ``/department`` — the department's journals, substitution, login requests | head of department (``department.view``) |
| ``/requests`` — reopen requests waiting for a visa, the dean's council or a grant; open grants | ``requests.inbox`` |
| ``/summary`` — summary vedomosts per group and period (XLSX), the groups' journals | dean, registrar (``summary.view``) |
| ``/journals/<code>/print`` — a journal on A4 landscape sheets | whoever may read it (``journal.view``) |
| ``/registrar/deadlines`` — the period's closing rule, each journal's deadline | ``period.deadlines`` |
| ``/registrar/monitoring`` — journals per department, reopenings, levels, memos (XLSX); each figure's journals | ``monitoring.view`` |
| ``/registrar/import`` — dataset import, previewed, then confirmed | ``dataset.import`` |
| ``/registrar/archive`` — archive printing and period-wide batch jobs; the nomenclature of files | ``archive.manage`` |
| ``/registrar/register`` — the register of issued documents: search, files, XLSX export | ``register.view`` |
| ``/it/logins`` — login requests → accounts with a one-time password, or returned with a reason; password reset | IT (``users.manage``) |
| ``/it/students`` — student accounts from the contingent (one, or a whole group), a printable list | IT (``users.manage``) |
| ``/my-grades`` — the student's own grades and GPA | student (``grades.own``) |

Every step is a core service call (which asks ``policy`` again); each is also a JSON route
under ``/api/v1`` (``api.py``).
"""
from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, render_template
from flask_babel import lazy_gettext

from ...errors import DomainError
from ...policy import GLOBAL_RULES
from .. import nav
from .common import STATES, data_lang, journal_link, lang

bp = Blueprint("oversight", __name__)


@bp.errorhandler(DomainError)
def refused(err: DomainError):
    """A refusal on a page (not allowed, not found): a page in the interface language."""
    return render_template("web/oversight/refused.html", message=err.message(lang()), status=err.status), err.status


@bp.context_processor
def _helpers() -> dict:
    return {"journal_link": journal_link, "data_lang": data_lang, "journal_states": STATES}


@bp.app_template_filter("oversight_date")
def oversight_date(value) -> str:
    """A date (or ISO text) as 05.11.2026; a date and time as 05.11.2026 10:00."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    return value.strftime("%d.%m.%Y")


def _requests_waiting(user) -> int:
    from .data import waiting_count

    return waiting_count(user)


# The menu shows an entry to the roles whose policy action opens the page.
for endpoint, label, action, order in (
        ("oversight.my_grades", lazy_gettext("My grades"), "grades.own", 15),
        ("oversight.department", lazy_gettext("Department"), "department.view", 20),
        ("oversight.requests", lazy_gettext("Reopen requests"), "requests.inbox", 30),
        ("oversight.summary", lazy_gettext("Summary vedomosts"), "summary.view", 40),
        ("oversight.deadlines", lazy_gettext("Deadlines"), "period.deadlines", 50),
        ("oversight.monitoring", lazy_gettext("Monitoring"), "monitoring.view", 55),
        ("oversight.import_page", lazy_gettext("Import"), "dataset.import", 60),
        ("oversight.archive", lazy_gettext("Archive"), "archive.manage", 62),
        ("oversight.register", lazy_gettext("Document register"), "register.view", 63),
        ("oversight.logins", lazy_gettext("Login requests"), "users.manage", 65),
        ("oversight.student_accounts_page", lazy_gettext("Student accounts"), "users.manage", 66)):
    nav.add(endpoint, label, roles=GLOBAL_RULES[action], order=order,
            waiting=_requests_waiting if endpoint == "oversight.requests" else None)

from . import (  # noqa: E402,F401  (routes on bp)
    archive, department, it, journal_print, monitoring_pages, register, registrar, requests, student,
)


def init_api(app) -> None:
    """The JSON routes of these pages, under /api/v1 (flask-smorest, in the OpenAPI file)."""
    from .api import blp
    from .archive_api import blp as archive_blp
    from .register_api import blp as register_blp

    app.extensions["docservice.api"].register_blueprint(blp)
    app.extensions["docservice.api"].register_blueprint(archive_blp)
    app.extensions["docservice.api"].register_blueprint(register_blp)
