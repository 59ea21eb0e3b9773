"""The register of issued documents (журнал регистрации / тіркеу журналы), the registrar's
office's page (issue 10): every number given — valid, superseded (with the number that
replaced it), void (with the reason) or being issued — searched by number, type, group,
discipline, person, state and dates, newest first or by number, 50 to a page; its files to
download and each entry's page. The whole search downloads as XLSX (``register_api.py``).

Policy action ``register.view``: registrar, registrar_head, vice_rector. The search itself is
``documents.register_search`` (shared with the JSON route and the export).
"""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from ...auth import actor
from ...documents import issuing
from ...documents.register_search import ACTION, BY_NUMBER, NEWEST, STATES, Search, find_page
from ...documents.register_xlsx import Column
from ...errors import Invalid
from . import bp
from .common import lang, page, say

# A state in words (the document pages' words, one translation for both).
STATE_WORDS = {"valid": lazy_gettext("Valid"), "superseded": lazy_gettext("Superseded"),
               "void": lazy_gettext("Void"), "issuing": lazy_gettext("Being issued")}
SORT_WORDS = {NEWEST: lazy_gettext("newest first"), BY_NUMBER: lazy_gettext("by number")}
# The register's columns, on the page and in the XLSX alike (width: the XLSX's, in characters).
COLUMNS = [("number", lazy_gettext("Number"), 18), ("type", lazy_gettext("Document type"), 34),
           ("group", lazy_gettext("Group"), 14), ("discipline", lazy_gettext("Discipline"), 36),
           ("person", lazy_gettext("Person"), 32), ("issued_at", lazy_gettext("Issued at"), 17),
           ("issued_by", lazy_gettext("Issuer"), 32), ("state", lazy_gettext("State"), 16),
           ("note", lazy_gettext("Replaced by or void because"), 44), ("files", lazy_gettext("Files"), 18)]
# The search's fields as the form labels them (a refused value is told with its field).
FIELD_WORDS = {"type": lazy_gettext("Document type"), "state": lazy_gettext("State"),
               "from": lazy_gettext("Issued on or after"), "to": lazy_gettext("Issued on or before"),
               "sort": lazy_gettext("Order")}


def type_titles(in_lang: str) -> dict[str, str]:
    """Every registered type's title in the interface language (en: Russian titles)."""
    return {t.id: t.title(in_lang if in_lang in t.titles else "ru") for t in issuing.registry()}


def issuer(document) -> str:
    return document.issued_by.full_name if document.issued_by else _("the system")


def note(document) -> str:
    """What the state says besides itself: the number that replaced it and why; why it is void."""
    if document.state == "superseded":
        successor = f"{_('replaced by')} № {document.successor.number}" if document.successor else ""
        reason = f"{_('Reason:')} {document.supersede_reason}" if document.supersede_reason else ""
        return ". ".join(part for part in (successor, reason) if part)
    if document.state == "void":
        return document.void_reason or ""
    return ""


def files(document) -> list:
    """The files registered under the number (finished ones), the original first."""
    return sorted((r for r in document.renditions if r.sha256), key=lambda r: (not r.original, r.id))


def files_text(document) -> str:
    return ", ".join(f"{r.lang.upper()} {r.fmt.upper()}" for r in files(document))


def cells(document, titles: dict) -> list:
    """One entry as the XLSX row: ``COLUMNS``' values, the date as a date, nothing as an empty cell."""
    return [document.number, titles.get(document.doc_type, document.title), document.group_code,
            document.discipline, document.person, document.issued_at, issuer(document),
            str(STATE_WORDS.get(document.state, document.state)), note(document) or None,
            files_text(document) or None]


def xlsx_columns() -> list[Column]:
    return [Column(str(label), width) for _key, label, width in COLUMNS]


def read_search(args) -> Search:
    """The page's search; a refused value is told (with its field) and the search shown without it."""
    try:
        return Search.from_args(args)
    except Invalid as err:
        say(_Told(FIELD_WORDS.get(err.field), err))
        return read_search({k: v for k, v in args.items() if k != err.field})


class _Told:
    """A refusal told with its field's label in front (``say`` asks it for its message)."""

    def __init__(self, label, err: Invalid):
        self.label, self.err = label, err

    def message(self, in_lang: str) -> str:
        told = self.err.message(in_lang)
        return f"{self.label}: {told}" if self.label else told


@bp.get("/registrar/register")
@page(ACTION)
def register():
    search = read_search(request.args)
    found = find_page(actor(), search, request.args.get("page", 1, type=int) or 1)
    user = actor()
    return render_template(
        "web/oversight/register.html", found=found, search=search, args=search.as_args(),
        types=type_titles(lang()), states={s: STATE_WORDS[s] for s in STATES}, sorts=SORT_WORDS,
        columns=COLUMNS, note=note, files=files, issuer=issuer,
        may_download={d.id: issuing.may_see(user, d) for d in found.entries})
