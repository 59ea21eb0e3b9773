"""The IT department: login requests of heads of department → the teacher's account (or the
request returned with a reason), student accounts from the contingent, password resets. A
one-time password is shown once, on the answer page, and never stored in clear (SPEC §4.4);
every action leaves a row in the accounts' audit trail (``AccountEvent``)."""
from __future__ import annotations

from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from sqlalchemy import func, select

from ... import student_accounts
from ...auth import actor
from ...clock import today
from ...errors import DomainError, Invalid
from ...journals import find_user
from ...models import AccountEvent, Department, Group, IssuedDocument, Student, db
from ...models.login_requests import (
    ACCOUNT_ISSUED, LOGIN_REQUEST_REJECTED, PASSWORD_RESET, STUDENT_ACCOUNT_ISSUED,
)
from ...users import reset_password as reset
from . import bp, data
from .common import data_lang, page, say


# The accounts' audit trail in words (AccountEvent.action).
ACTIONS = {ACCOUNT_ISSUED: lazy_gettext("account issued from a login request"),
           LOGIN_REQUEST_REJECTED: lazy_gettext("login request returned"),
           STUDENT_ACCOUNT_ISSUED: lazy_gettext("student account issued"),
           PASSWORD_RESET: lazy_gettext("password reset")}


@bp.get("/it/logins")
@page("users.manage")
def logins():
    pending = [data.login_request_json(d) for d in data.pending_login_requests()]
    handled = data.handled_login_requests()
    # Whom each answered request asked for (a returned one has no account to name them).
    asked = {d.number: (d.input or {}).get("full_name") for d in db.session.scalars(select(IssuedDocument).where(
        IssuedDocument.number.in_([h.number for h in handled])))}
    events = db.session.scalars(select(AccountEvent).order_by(AccountEvent.at.desc(), AccountEvent.id.desc())
                                .limit(50)).all()
    # A request keeps its department's code; the page names the department.
    departments = {d.code: d.name(data_lang()) for d in db.session.scalars(select(Department))}
    return render_template("web/oversight/logins.html", pending=pending, handled=handled, asked=asked,
                           events=events, actions=ACTIONS, departments=departments)


def _login_request(document_id: int) -> IssuedDocument:
    document = db.session.get(IssuedDocument, document_id)
    return data.find_login_request(document.number if document else str(document_id))


def _once(html: str):
    """An answer that carries a password: not cached, not kept, not shown again."""
    response = make_response(html)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/it/logins/<int:document_id>/account")
@page("users.manage")
def issue_account(document_id):
    document = _login_request(document_id)
    try:
        user, secret = data.issue_account(actor(), document, request.form.get("login", ""))
    except Invalid as err:
        say(err)
        return redirect(url_for("oversight.logins") + f"#d-{document.id}")
    return _once(render_template("web/oversight/account_issued.html", user=user, secret=secret,
                                 document=document))


@bp.post("/it/logins/<int:document_id>/reject")
@page("users.manage")
def reject_login_request(document_id):
    document = _login_request(document_id)
    try:
        data.reject_login_request(actor(), document, request.form.get("reason", ""))
    except Invalid as err:
        say(err)
        return redirect(url_for("oversight.logins") + f"#d-{document.id}")
    flash(gettext("The request %(number)s is returned to the head of department with the reason.",
                  number=document.number), "ok")
    return redirect(url_for("oversight.logins"))


@bp.post("/it/password-reset")
@page("users.manage")
def reset_password():
    login = (request.form.get("login") or "").strip()
    try:
        if not login:
            raise Invalid("field_required", field="login")
        user = find_user(login)
        secret = reset(actor(), user)
    except DomainError as err:
        say(err)
        return redirect(url_for("oversight.logins") + "#reset")
    student = db.session.scalar(select(Student).where(Student.user_id == user.id))
    back = url_for("oversight.student_accounts_page", group=student.group.code) if student else None
    return _once(render_template("web/oversight/account_issued.html", user=user, secret=secret, reset=True,
                                 back=back))


# --- student accounts ---------------------------------------------------------------------

@bp.get("/it/students")
@page("users.manage")
def student_accounts_page():
    counts = dict(db.session.execute(select(Student.group_id, func.count(Student.id))
                                     .group_by(Student.group_id)).all())
    with_account = dict(db.session.execute(select(Student.group_id, func.count(Student.id))
                                           .where(Student.user_id.is_not(None)).group_by(Student.group_id)).all())
    groups = [(g, counts.get(g.id, 0), with_account.get(g.id, 0))
              for g in db.session.scalars(select(Group).order_by(Group.code))]
    code = request.args.get("group") or ""
    # Until one is chosen, the first group of the list (the one the choice shows).
    group = student_accounts.find_group(code) if code else groups[0][0] if groups else None
    students = student_accounts.sorted_students(group) if group else []
    return render_template("web/oversight/student_accounts.html", groups=groups, group=group, students=students,
                           without=sum(1 for s in students if s.user_id is None))


def _printable(group: Group, issued):
    return _once(render_template("web/oversight/student_accounts_list.html", group=group, issued=issued,
                                 issued_on=today(), address=current_app.config["PUBLIC_URL"]))


@bp.post("/it/students/<record_book>/account")
@page("users.manage")
def issue_student_account(record_book):
    student = student_accounts.find_student(record_book)
    try:
        issued = student_accounts.issue_for_student(actor(), student)
    except Invalid as err:
        say(err)
        return redirect(url_for("oversight.student_accounts_page", group=student.group.code))
    return _printable(student.group, [issued])


@bp.post("/it/groups/<code>/accounts")
@page("users.manage")
def issue_group_accounts(code):
    group = student_accounts.find_group(code)
    issued = student_accounts.issue_for_group(actor(), group)
    if not issued:
        flash(gettext("Every student of the group %(group)s has an account already: nothing was issued.",
                      group=group.code), "ok")
        return redirect(url_for("oversight.student_accounts_page", group=group.code))
    return _printable(group, issued)
