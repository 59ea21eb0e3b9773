"""The teacher's pages: my journals, the journal grid, closing, the explanatory note that
asks to reopen a closed journal, and finishing a reopening.

Every page asks ``policy`` (through the services it calls) and answers 403 with the
reason in the interface language otherwise. Marks are entered from the grid by
``static/teacher.js`` through the JSON route ``PUT /api/v1/journals/<code>/cells``
(see ``api.py``); without JavaScript the grid is still a readable journal.
"""
from __future__ import annotations

import sys
from datetime import date, datetime

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ... import policy, reopen
from ...auth import actor
from ...clock import now as clock_now
from ...collation import name_key
from ...documents import issuing
from ...documents.validation import InputInvalid, validate
from ...errors import DomainError, Forbidden
from ...journals import JOURNAL_LOAD, close_journal, find_journal
from ...models import CLOSED, LOCKED
from . import bp, grid, individual

NOTE_TYPE = "explanatory_note"


def ui_lang() -> str:
    return g.get("lang") or "kk"


def doc_lang_default(journal) -> str:
    """A document's language: the group's language of instruction when it is kk or ru,
    else the interface language (kk or ru), else Russian."""
    for lang in (journal.group.language, ui_lang()):
        if lang in ("kk", "ru"):
            return lang
    return "ru"


def viewable(code: str, load=JOURNAL_LOAD):
    """The journal, when the signed-in user may see it (policy ``journal.view``); ``load``:
    what is loaded with it (``journals.JOURNAL_LOAD``)."""
    journal = find_journal(code, load)
    policy.require(actor(), "journal.view", journal, clock_now().date())
    return journal


@bp.app_template_filter("tdate")
def tdate(iso: str | None) -> str:
    """2026-11-14 → 14.11.2026 (as the procedures write dates)."""
    return date.fromisoformat(iso[:10]).strftime("%d.%m.%Y") if iso else ""


@bp.app_template_filter("tmoment")
def tmoment(iso: str | None) -> str:
    return datetime.fromisoformat(iso).strftime("%d.%m.%Y %H:%M") if iso else ""


@bp.errorhandler(DomainError)
def refused(err: DomainError):
    """A refusal on a page: the page says why, in the interface language."""
    return render_template("web/teacher/error.html", message=err.message(ui_lang()), status=err.status), err.status


@bp.get("/journals")
@login_required
def journals():
    if not actor().has_role("teacher"):  # "My journals" is a teacher's page
        raise Forbidden("forbidden", action="journals.mine")
    at, lang = clock_now(), ui_lang()
    return render_template("web/teacher/journals.html", journals=journal_rows(actor(), lang, at))


def journal_rows(user, lang: str, at) -> list[dict]:
    """My journals: each with the user's role in it and, while a reopen grant lets them correct
    it, until when (the list says so instead of "closed", and lists it first: work waits there)."""
    rows = []
    for journal in grid.my_journals(user, at):
        access = grid.Access(journal, user, at).grant
        rows.append(grid.summary(journal, lang, at) | {
            "role": grid.role_in(user, journal, at),
            "access_until": access.expires_at.isoformat() if access is not None else None})
    return sorted(rows, key=lambda row: row["access_until"] is None)  # stable: the rest keep their order


@bp.get("/journals/<code>")
@login_required
def journal(code):
    journal = viewable(code)
    at = clock_now()
    view = grid.grid(journal, actor(), ui_lang(), at)
    return render_template("web/teacher/journal.html", view=view, j=view["journal"],
                           transfer_note=grid.TRANSFER_NOTE[ui_lang()], doc_lang=doc_lang_default(journal))


@bp.get("/journals/<code>.xlsx")
@login_required
def journal_xlsx(code):
    """The journal as the grid shows it, for Excel (whoever may read the journal)."""
    from ...documents.register_xlsx import MIME
    from .export import journal_xlsx as workbook

    journal = viewable(code)
    content = workbook(grid.grid(journal, actor(), ui_lang(), clock_now()))
    return content, 200, {"Content-Type": MIME, "Cache-Control": "no-store",
                          "Content-Disposition": f'attachment; filename="journal-{journal.code}.xlsx"'}


@bp.route("/journals/<code>/close", methods=["GET", "POST"])
@login_required
def close(code):
    """Closing forms the vedomost: a confirmation page first (what is still missing), then
    ``journals.close_journal``."""
    journal = viewable(code)
    at, user, lang = clock_now(), actor(), ui_lang()
    policy.require(user, "journal.close", journal, at.date())
    if request.method == "POST":
        close_journal(user, journal)
        flash(_("The journal is closed. Form the vedomost from it."), "ok")
        return redirect(url_for("teacher.journal", code=code))
    view = grid.grid(journal, user, lang, at)
    pending = [r for r in view["rows"] if r["result"] and journal.holds_exam and r["result"]["status"] == "pending"]
    empty = sum(1 for r in view["rows"] for c in r["cells"].values() if c["value"] is None)
    return render_template("web/teacher/close.html", view=view, j=view["journal"], pending=pending, empty=empty)


@bp.post("/journals/<code>/requests/<int:request_id>/complete")
@login_required
def complete(code, request_id):
    """The teacher has made the changes the grant allowed: one step closes the journal again
    (``reopen.complete``) and issues the individual vedomost (``individual.finish``), whose
    page the teacher lands on."""
    journal = viewable(code)
    req = reopen.find_request(request_id)
    if req.journal_id != journal.id:
        abort(404)
    doc_lang = request.form.get("doc_lang")
    document, why_not = individual.finish(actor(), req, doc_lang if doc_lang in ("kk", "ru") else
                                          doc_lang_default(journal), ui_lang())
    if document is None:
        flash(_("The reopening is finished and the journal is closed again, but the individual vedomost "
                "was not issued: %(reason)s", reason=why_not), "error")
        return redirect(individual.form_url(req))
    flash(_("The reopening is finished: the journal is closed again and the individual vedomost "
            "%(number)s is issued.", number=document.number), "ok")
    return redirect(url_for("docpages.issued", number=document.number))


# --- the explanatory note ------------------------------------------------------------------

def note_type():
    return issuing.registry().get(NOTE_TYPE)


def note_prefill(journal, lang: str) -> dict:
    """What the note will say about the journal (the note type's own wording when it has it)."""
    module = sys.modules.get(type(note_type()).__module__)
    lang = lang if lang in ("kk", "ru") else "ru"
    discipline = getattr(module, "discipline_text", None)
    lesson_types = getattr(module, "lesson_types_text", None)
    group = journal.group
    return {
        "discipline": discipline(journal, lang) if discipline else f"{journal.item.code} {journal.title(lang)}",
        "lesson_types": lesson_types(journal, lang) if lesson_types else "",
        "course": group.course, "group": group.code,
        "program": f"{group.program.code} {group.program.name(lang)}",
    }


def note_data(journal, form) -> dict:
    data = {
        "journal": journal.code,
        "wrong_entry_date": form.get("wrong_entry_date", "").strip(),
        "reason": form.get("reason", ""),
        "with_grade_change": form.get("with_grade_change") == "1",
        "students": [s for s in form.getlist("students") if s],
        "columns": [c for c in form.getlist("columns") if c],
    }
    if form.get("lesson_types", "").strip():
        data["lesson_types"] = form["lesson_types"].strip()
    return data


def flat_errors(errors) -> dict[str, list[str]]:
    """marshmallow's nesting (a list field's errors by index) as field → messages."""
    def texts(value):
        if isinstance(value, dict):
            return [t for v in value.values() for t in texts(v)]
        if isinstance(value, list):
            return [t for v in value for t in texts(v)]
        return [str(value)]
    return {field: texts(value) for field, value in errors.items()}


@bp.route("/journals/<code>/note", methods=["GET", "POST"])
@login_required
def note(code):
    """The explanatory note, prefilled from the journal. Issuing it (a numbered document in
    the chosen language) files the reopen request (the note type's issue hook does that)."""
    journal = viewable(code)
    at, user, lang = clock_now(), actor(), ui_lang()
    if not policy.allowed(user, "reopen.file", journal, at.date()):
        raise Forbidden("forbidden", action="reopen.file")
    pending = grid.unfinished_request(journal)
    form = request.form if request.method == "POST" else None
    errors: dict = {}
    status = 200
    if form is not None:
        doc_lang = form.get("doc_lang") if form.get("doc_lang") in ("kk", "ru") else doc_lang_default(journal)
        data = note_data(journal, form)
        try:
            # Messages in the interface language first; issue() validates again in the document's.
            validate(note_type().schema, data, lang)
            issued = issuing.issue(user, NOTE_TYPE, data, doc_lang, "pdf")
        except InputInvalid as err:
            errors, status = flat_errors(err.errors), 422
        except DomainError as err:
            errors, status = {getattr(err, "field", None) or "_": [err.message(lang)]}, err.status
        else:
            if issued.already:
                flash(_("This error already has its explanatory note %(number)s and reopen request.",
                        number=issued.document.number), "ok")
            else:
                flash(_("Explanatory note %(number)s is issued and the reopen request is filed.",
                        number=issued.document.number), "ok")
            return redirect(url_for("teacher.journal", code=code) + "#requests")
    else:
        doc_lang = doc_lang_default(journal)
    students = sorted(journal.group.students, key=lambda s: name_key(s.full_name))
    return render_template(
        "web/teacher/note.html", j=grid.summary(journal, lang, at), form=form, errors=errors,
        prefill=note_prefill(journal, doc_lang), doc_lang=doc_lang, students=students,
        columns=grid.columns(journal, lang), pending=pending, today=at.date().isoformat(),
        closed=grid.effective_state(journal, at) in (CLOSED, LOCKED)), status
