"""Reopen requests waiting for someone: the head of department's visa of the explanatory
note, the dean's council decision (protocol number and date), the registrar head's grant
(with its window) — or a return with the reason. And the grants still open."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ... import policy, reopen
from ...auth import actor
from ...clock import now
from ...errors import Conflict, Invalid
from . import bp, data
from .common import KINDS, LATE_STEPS, STATUSES, data_lang, form_date, form_int, page, say


@bp.get("/requests")
@page("requests.inbox")
def requests():
    user, at = actor(), now()
    pending = data.inbox(user, at.date())
    sections = {"visa": [], "decision": [], "grant": []}
    for item in pending:
        sections[data.waiting_for(item)[0]].append(data.request_json(item, user, data_lang(), at))
    grants = [data.grant_json(g, data_lang(), at) for g in data.open_grants()] \
        if policy.allowed(user, "monitoring.view") else []
    return render_template("web/oversight/requests.html", sections=sections, grants=grants, kinds=KINDS,
                           statuses=STATUSES, late_words=LATE_STEPS, step_days=data.step_days(),
                           today=at.date())


def _act(request_id: int, step) -> object:
    item = reopen.find_request(request_id)
    try:
        step(item)
    except (Invalid, Conflict) as err:
        say(err)
    return redirect(url_for("oversight.requests") + f"#r-{request_id}")


@bp.post("/requests/<int:request_id>/visa")
@page("requests.inbox")
def visa(request_id):
    def step(item):
        reopen.visa(actor(), item)
        flash(_("Request %(id)s visaed: it goes to the dean's council.", id=item.id), "ok")
    return _act(request_id, step)


@bp.post("/requests/<int:request_id>/decide")
@page("requests.inbox")
def decide(request_id):
    def step(item):
        reopen.decide(actor(), item, request.form.get("protocol_no", ""),
                      form_date(request.form.get("protocol_date"), "protocol_date"))
        flash(_("Request %(id)s approved by the dean's council (protocol %(no)s).", id=item.id,
                no=item.protocol_no), "ok")
    return _act(request_id, step)


@bp.post("/requests/<int:request_id>/grant")
@page("requests.inbox")
def grant(request_id):
    def step(item):
        days = form_int(request.form.get("days"), "days", data.step_days())
        if not 1 <= days <= 30:
            raise Invalid("field_invalid", field="days", detail=str(days))
        access = reopen.grant(actor(), item, days)
        flash(_("Access granted to %(name)s until %(until)s.", name=access.grantee.full_name,
                until=access.expires_at.strftime("%d.%m.%Y %H:%M")), "ok")
    return _act(request_id, step)


@bp.post("/requests/<int:request_id>/return")
@page("requests.inbox")
def give_back(request_id):
    def step(item):
        reopen.reject(actor(), item, request.form.get("reason", ""))
        flash(_("Request %(id)s returned to the teacher.", id=item.id), "ok")
    return _act(request_id, step)
