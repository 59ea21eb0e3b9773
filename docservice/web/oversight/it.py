"""The IT department: login requests of heads of department → the teacher's account, with a
one-time password shown once on the answer page and never stored in clear (SPEC §4.4)."""
from __future__ import annotations

from flask import make_response, redirect, render_template, request, url_for

from ...auth import actor
from ...errors import Invalid
from ...models import IssuedDocument, db
from . import bp, data
from .common import page, say


@bp.get("/it/logins")
@page("users.manage")
def logins():
    pending = [data.login_request_json(d) for d in data.pending_login_requests()]
    handled = data.handled_login_requests()
    return render_template("web/oversight/logins.html", pending=pending, handled=handled)


@bp.post("/it/logins/<int:document_id>/account")
@page("users.manage")
def issue_account(document_id):
    document = db.session.get(IssuedDocument, document_id)
    number = document.number if document else str(document_id)
    document = data.find_login_request(number)
    try:
        user, secret = data.issue_account(actor(), document, request.form.get("login", ""))
    except Invalid as err:
        say(err)
        return redirect(url_for("oversight.logins") + f"#d-{document.id}")
    # The password is in this answer only: not cached, not kept, not shown again.
    response = make_response(render_template("web/oversight/account_issued.html", user=user, secret=secret,
                                             document=document))
    response.headers["Cache-Control"] = "no-store"
    return response
