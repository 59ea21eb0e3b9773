"""A journal's print view for the registrar's office, the dean's office and the head of
department: the whole grid — every lesson, the midterms, the exam, ТК, РД, the final, the
letter — on A4 landscape sheets (``static/print.css``), read-only, for whoever may read the
journal (policy ``journal.view``)."""
from __future__ import annotations

from flask import render_template
from flask_login import login_required

from ... import policy
from ...auth import actor
from ...clock import now as clock_now
from ...journals import JOURNAL_LOAD, find_journal
from ..teacher import grid
from . import bp
from .common import lang


@bp.get("/journals/<code>/print")
@login_required
def journal_print(code):
    journal = find_journal(code, JOURNAL_LOAD)
    at = clock_now()
    policy.require(actor(), "journal.view", journal, at.date())
    view = grid.grid(journal, actor(), lang(), at)
    return render_template("web/oversight/journal_print.html", view=view, j=view["journal"],
                           printed=at.strftime("%d.%m.%Y %H:%M"),
                           teachers=", ".join(t.user.full_name for t in journal.staff if t.role == "teacher"))
