"""The register of issued documents as JSON routes under ``/api/v1`` (flask-smorest): one page
of a search, and the whole search as XLSX. Policy action ``register.view``; a bearer token or
the browser session (both routes only read, so no CSRF token is asked for)."""
from __future__ import annotations

from flask import Response, jsonify, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_smorest import Blueprint

from ...api.documents import public_state, signed_in
from ...auth import actor, request_lang
from ...clock import today
from ...documents import issuing, register_xlsx
from ...documents.register_search import PAGE_SIZE, SORTS, STATES, Search, find_all, find_page, search_json
from .. import csrf
from .register import cells, files, type_titles, xlsx_columns

blp = Blueprint("register_api", __name__, url_prefix="/api/v1",
                description="The register of issued documents (журнал регистрации): search and XLSX export")
csrf.exempt(blp)

ERRORS = {str(code): {"description": text} for code, text in (
    (401, "Not signed in"), (403, "Not allowed: the registrar's office and the vice-rector only"),
    (422, "A wrong search value, the message in the requested language"))}


def _query(name: str, description: str, **schema) -> dict:
    return {"in": "query", "name": name, "required": False, "description": description,
            "schema": {"type": "string", **schema}}


SEARCH = [
    _query("number", "part of the number, e.g. 2026/00"),
    _query("type", "a document type's id (GET /api/v1/document-types)"),
    _query("group", "part of the group's code, any case"),
    _query("discipline", "part of the discipline's name, any case (Kazakh and Russian too)"),
    _query("person", "part of the name of whom the document is about, any case"),
    _query("state", "the entry's state", enum=list(STATES)),
    _query("from", "issued on or after this day", format="date"),
    _query("to", "issued on or before this day", format="date"),
    _query("sort", "newest first (default) or by number", enum=list(SORTS)),
    _query("lang", "the language of titles, states and the XLSX's headers", enum=["kk", "ru", "en"]),
]
PAGE = {"in": "query", "name": "page", "required": False, "schema": {"type": "integer", "minimum": 1},
        "description": f"{PAGE_SIZE} entries to a page"}
XLSX_RESPONSE = {"200": {"description": "Every entry of the search (not only one page), as one sheet",
                         "content": {register_xlsx.MIME: {"schema": {"type": "string", "format": "binary"}}}}}


def entry_json(document, titles: dict, downloads: bool) -> dict:
    """One row of the register: what it is about, who issued it when, its state (superseded by
    which number and why; void and why), its files — with their addresses when the user may
    download them."""
    body = {"number": document.number, "type": document.doc_type,
            "type_title": titles.get(document.doc_type, document.title), "group": document.group_code,
            "discipline": document.discipline, "person": document.person,
            "issued_at": document.issued_at.isoformat(),
            "issued_by": {"login": document.issued_by.login, "full_name": document.issued_by.full_name}
            if document.issued_by else None,
            "state": document.state, "page_url": url_for("docpages.issued", number=document.number),
            "files": [{"lang": r.lang, "format": r.fmt, "original": r.original, "signed": r.signed,
                       "size": r.size, "sha256": r.sha256,
                       **({"file_url": url_for("documents.file", number=document.number, lang=r.lang,
                                               format=r.fmt)} if downloads else {})}
                      for r in files(document)]}
    return body | public_state(document)


@blp.route("/register")
@blp.doc(summary="The register of issued documents: one page of a search, newest first or by number, "
                 "with how many entries it found in all and in each state",
         parameters=[*SEARCH, PAGE], responses=ERRORS)
@signed_in
def register():
    user, search = actor(), Search.from_args(request.args)
    found = find_page(user, search, request.args.get("page", 1, type=int) or 1)
    titles = type_titles(request_lang())
    return jsonify(search=search_json(search), page=found.page, pages=found.pages, per_page=found.per_page,
                   total=found.total, counts=found.counts,
                   documents=[entry_json(d, titles, issuing.may_see(user, d)) for d in found.entries])


@blp.route("/register.xlsx", endpoint="export")
@blp.doc(summary="The whole search as XLSX: the register's columns, a header row, dates as dates; text "
                 "that would start a formula is kept as text", parameters=SEARCH,
         responses=XLSX_RESPONSE | ERRORS)
@signed_in
def export():
    user, search, lang = actor(), Search.from_args(request.args), request_lang()
    with force_locale(lang):  # headers and states in the requested language, as the page's
        titles = type_titles(lang)
        content = register_xlsx.workbook(_("Document register"), xlsx_columns(),
                                         (cells(d, titles) for d in find_all(user, search)))
    return Response(content, mimetype=register_xlsx.MIME, headers={
        "Content-Disposition": f'attachment; filename="register-{today().isoformat()}.xlsx"'})
