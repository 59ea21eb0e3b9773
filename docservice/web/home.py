"""The start page: what the signed-in user can do, by role, and what is waiting for them."""
from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from ..auth import actor
from ..clock import now
from ..reminders import describe, waiting_for

bp = Blueprint("home", __name__)

# What each role is called on the page (the codes are the store's, never shown).
ROLE_NAMES = {
    "teacher": _l("Teacher"), "head_of_department": _l("Head of department"), "dean": _l("Dean"),
    "registrar": _l("Registrar's office"), "registrar_head": _l("Head of the registrar's office"),
    "it": _l("IT department"), "methodist": _l("Methodist"), "vice_rector": _l("Vice-rector for academic affairs"),
    "student": _l("Student"),
}


@bp.get("/")
@login_required
def index():
    user = actor()
    # The same items the daily reminder e-mails (docservice.reminders), in the interface language.
    waiting = []
    for item in waiting_for(user, now()):
        what, todo = describe(item)
        waiting.append({"what": what, "todo": todo, "kind": item.kind,
                        "url": url_for(item.endpoint, **item.values, _anchor=item.anchor)})
    return render_template("web/home.html", user=user, waiting=waiting, role_names=ROLE_NAMES)
