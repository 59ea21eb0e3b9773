"""The head of department: the department's journals with their state and deadline, the
substitution of a teacher (department decision, protocol), login requests for new
teachers, the KTP document."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...auth import actor
from ...clock import today
from ...errors import Invalid, NotFound
from ...journals import find_journal
from . import bp, data
from .common import STATES, data_lang, form_date, page, say


@bp.get("/department")
@page("department.view")
def department():
    user, day = actor(), today()
    departments = data.headed_departments(user)
    period_code = request.args.get("period") or ""
    period = next((p for p in data.periods() if p.code == period_code), None)
    journals = data.journals_of([d.id for d in departments], period.id if period else None) if departments else []
    rows = [(j, data.journal_json(j, data_lang(), day), data.substitute_candidates(j)) for j in journals]
    requests = data.login_requests_of(departments)
    handled = data.handled_numbers(d.number for d in requests)
    waiting = len([r for r in data.inbox(user, day) if data.waiting_for(r)[0] == "visa"])
    return render_template("web/oversight/department.html", departments=departments, rows=rows,
                           periods=data.periods(), period=period, states=STATES, login_requests=requests,
                           handled=handled, waiting=waiting, lang=data_lang())


@bp.post("/department/journals/<code>/substitute")
@page("department.view")
def substitute(code):
    journal = find_journal(code)
    try:
        row = data.appoint(actor(), journal, request.form.get("substitute", ""), request.form.get("protocol", ""),
                           form_date(request.form.get("valid_from"), "valid_from"),
                           form_date(request.form.get("valid_until"), "valid_until"))
        flash(_("Substitution recorded: %(name)s keeps journal %(code)s.", name=row.user.full_name,
                code=journal.code), "ok")
    except (Invalid, NotFound) as err:
        say(err)
    return redirect(url_for("oversight.department", period=request.form.get("period") or None)
                    + f"#j-{journal.code}")


@bp.post("/department/journals/<code>/ktp")
@page("department.view")
def upload_ktp(code):
    """The head loads the journal's KTP from a workbook; its rows become the lesson columns."""
    from ...errors import DomainError
    from ...ktp_upload import load_ktp, read_ktp_workbook

    journal = find_journal(code)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise Invalid("field_required", field="file")
        count = load_ktp(actor(), journal, read_ktp_workbook(upload.stream))
        flash(_("KTP loaded: %(count)s lessons in journal %(code)s.", count=count, code=journal.code), "ok")
    except DomainError as err:
        say(err)
    return redirect(url_for("oversight.department", period=request.form.get("period") or None)
                    + f"#j-{journal.code}")
