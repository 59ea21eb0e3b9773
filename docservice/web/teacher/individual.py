"""The individual vedomost of a reopening (SPEC §4.7): finishing a granted reopening issues
it in the same step, and the request shows the issued one's number from then on.

The vedomost is a plugin's document type (``plugins/vedomost``): its subject names the
request, so the request's issued vedomost is the subject's current original in the register.
"""
from __future__ import annotations

from urllib.parse import urlencode

from flask import url_for

from ... import reopen
from ...documents import issuing
from ...documents.validation import InputInvalid
from ...errors import DomainError
from ...models import IssuedDocument, ReopenRequest, db

VEDOMOST = "vedomost"


def form_url(request: ReopenRequest) -> str:
    """The documents area's form of the request's individual vedomost (a plain path: that area
    is its own blueprint)."""
    return f"/documents/{VEDOMOST}?{urlencode({'request': request.id})}"


def issued(request: ReopenRequest) -> IssuedDocument | None:
    """The request's individual vedomost in the register (its current original), if issued."""
    if VEDOMOST not in issuing.registry():
        return None
    subject = issuing.registry().get(VEDOMOST).subject({"request": request})
    return issuing.current_original(VEDOMOST, subject)


def request_view(request: ReopenRequest) -> dict:
    """What a completed request offers: the issued vedomost (number and page), else its form."""
    if request.status != reopen.COMPLETED:
        return {"vedomost": None, "vedomost_url": None}
    document = issued(request)
    if document is not None:
        return {"vedomost": {"number": document.number, "url": url_for("docpages.issued", number=document.number)},
                "vedomost_url": None}
    return {"vedomost": None, "vedomost_url": form_url(request)}


def finish(user, request: ReopenRequest, doc_lang: str, ui_lang: str) -> tuple[IssuedDocument | None, str | None]:
    """Finish the reopening (the journal closes again, the grant ends) and issue its individual
    vedomost in ``doc_lang`` as a PDF: one step for the teacher. Returns the issued document, or
    None and why it could not be issued, in ``ui_lang`` (the reopening stays finished; the
    request then offers the vedomost's form)."""
    reopen.complete(user, request)
    try:
        return issuing.issue(user, VEDOMOST, {"request": request.id}, doc_lang, "pdf").document, None
    except InputInvalid as err:
        db.session.rollback()
        return None, "; ".join(err.lines())
    except DomainError as err:
        db.session.rollback()
        return None, err.message(ui_lang)
