"""Document pages: a form for every registered document type, generated from its schema;
preview in the page; issue; the register of issued documents; the public verify page.

The pages call ``docservice.documents.issuing`` (preview, issue, find, original_for) and the
document types' own ``may_issue``; they never re-implement a rule. A new plugin's type gets
its form here with no template work (see ``forms``).

Routes (pages; every POST carries the CSRF token of the page):

- ``GET  /documents``                    the types the user may use, and the issued documents they may see
- ``GET  /documents/<type>``             the form (query parameters prefill it: ``?journal=J0001``)
- ``POST /documents/<type>/check``       validation only, JSON (the page's script asks before a preview)
- ``POST /documents/<type>/preview``     the draft PDF, shown in the page's frame
- ``POST /documents/<type>/issue``       issue → the result page
- ``GET  /documents/issued/<number>``    an issued document: number, SHA-256, download
- ``GET|POST /verify/<number>``          public: the register entry; is an uploaded file its original?
- ``GET|POST /verify``                   public: which issued document is this file, if any?

JSON routes of the same operations: ``docservice.api.documents`` (preview, issue, file, verify)
and ``api.py`` here (the issued list, the generated form).
"""
from __future__ import annotations

from flask import Blueprint, Response, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext
from flask_login import login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from ...auth import actor
from ...documents import issuing
from ...documents.validation import InputInvalid, validate
from ...errors import DomainError, Forbidden, NotFound
from ...documents.issuing import SEE_ALL, may_see  # who reads which issued document: one rule, in the core
from ...models import ROLES, IssuedDocument, db
from ...nomenclature import Filing
from .. import nav
from .forms import FORM, StoreChoices, collect, flatten_errors, form_fields, table_rows, ui_lang

bp = Blueprint("docpages", __name__)

STAFF = tuple(r for r in ROLES if r != "student")
LIST_LIMIT = 200
FRAME = "docpages-preview"   # the name of the preview frame, the target of the preview form

nav.add("docpages.index", lazy_gettext("Documents"), roles=STAFF, order=70)


# --- who may do what --------------------------------------------------------------------------

def may_use(user, doc_type) -> bool:
    """Whether the type's form is offered: its issuing roles (``issue_roles``; None: any staff
    member). Whether this user may issue it for this input is the type's ``may_issue``."""
    if user is None:
        return False
    if doc_type.issue_roles is None:
        return bool(user.roles - {"student"})
    return user.has_role(*doc_type.issue_roles)


def visible_documents(user, type_id: str | None = None):
    query = select(IssuedDocument).options(selectinload(IssuedDocument.issued_by))
    if not user.has_role(*SEE_ALL):
        query = query.where(IssuedDocument.issued_by_id == user.id)
    if type_id:
        query = query.where(IssuedDocument.doc_type == type_id)
    return query


def _usable_type(type_id: str):
    doc_type = issuing.registry().get(type_id)   # NotFound: a 404 page
    if not may_use(actor(), doc_type):
        raise Forbidden("forbidden", action=doc_type.title(ui_lang()))
    return doc_type


def message_lang() -> str:
    """Validation messages exist in kk and ru: the interface language, en → ru."""
    return ui_lang()


# --- errors as pages ----------------------------------------------------------------------------

@bp.errorhandler(DomainError)
def _domain_error(err: DomainError):
    """A refusal on these pages is a page in the interface language (the API answers JSON)."""
    return render_template("web/docpages/error.html", message=err.message(g.lang)), err.status


# --- the list -----------------------------------------------------------------------------------

@bp.get("/documents")
@login_required
def index():
    user = actor()
    lang = ui_lang()
    filing = Filing(issuing.registry())
    types = [{"id": t.id, "title": t.title(lang), "nomenclature": file_index(t, filing)}
             for t in issuing.registry() if may_use(user, t)]
    titles = {t.id: t.title(lang) for t in issuing.registry()}
    chosen = request.args.get("type") or None
    query = visible_documents(user, chosen)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    documents = db.session.scalars(query.order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc())
                                   .limit(LIST_LIMIT)).all()
    return render_template("web/docpages/index.html", types=types, documents=documents, total=total,
                           titles=titles, chosen=chosen, sees_all=user.has_role(*SEE_ALL))


# --- the form -----------------------------------------------------------------------------------

def _fields(doc_type):
    # The values (a prefilled ?journal=, or the form as sent) narrow some choices: the journal's teachers.
    return form_fields(doc_type.schema, StoreChoices(actor(), request.values))


def _doc_options(doc_type, values) -> tuple[str, str]:
    """The document's language and format: chosen in the form (``_lang``, ``_format``; a link may
    say ``lang=``/``format=`` too), by default the interface language (en → ru) and PDF."""
    names = set(doc_type.schema().fields)
    lang = values.get("_lang") or ("lang" not in names and values.get("lang")) or ui_lang()
    fmt = values.get("_format") or ("format" not in names and values.get("format")) or "pdf"
    if lang not in doc_type.languages:
        lang = doc_type.languages[0]
    if fmt not in doc_type.formats:
        fmt = doc_type.formats[0]
    return lang, fmt


def _form_page(doc_type, fields, values, errors=None, message=None, status=200, warnings=()):
    lang, fmt = _doc_options(doc_type, values)
    errors = dict(errors or {})
    general = errors.pop(FORM, [])
    if message:
        general = [message, *general]
    return render_template(
        "web/docpages/form.html", doc_type=doc_type, title=doc_type.title(ui_lang()), fields=fields,
        values=values, errors=errors, general=general, doc_lang=lang, doc_format=fmt, frame=FRAME,
        table_rows=table_rows, empty=MultiDict(), has_pdf="pdf" in doc_type.formats, warnings=warnings,
        index=file_index(doc_type, Filing(issuing.registry()), fields, values)), status


def file_index(doc_type, filing: Filing, fields=None, values=None) -> str:
    """The nomenclature file a document of the type is numbered in, as issuing finds it
    (``Filing``: the file of its kind, else the type's own index): for ``values`` (the form's
    input) when they make a valid input, else each file its kinds go into («02-07 / 02-08»)."""
    kinds = _kind_of(doc_type, fields, values) or list(doc_type.kinds) or [None]
    return " / ".join(sorted({filing.file_for(doc_type.id, kind)[0] for kind in kinds}))


def _kind_of(doc_type, fields, values) -> list | None:
    """The one kind the form's input is of, or None while it is not yet a valid input (an empty
    or half-filled form: then every file its kinds may go into is shown)."""
    if values is None:
        return None
    try:
        return [doc_type.kind(validate(doc_type.schema, collect(fields, values)[0], message_lang()))]
    except (InputInvalid, DomainError):
        return None


@bp.get("/documents/<type_id>")
@login_required
def form(type_id):
    doc_type = _usable_type(type_id)
    return _form_page(doc_type, _fields(doc_type), doc_type.form_values(request.args))


def _checked_input(doc_type, fields):
    """The posted input, validated in the interface language, and the issuer's right to it.
    Returns ``(data, errors, refusal, warnings)``: per-input messages, or a DomainError; and
    what the type says the issuer should know first (``DocumentType.warnings``)."""
    data, positions = collect(fields, request.form)
    try:
        clean = validate(doc_type.schema, data, message_lang())
    except InputInvalid as err:
        return data, flatten_errors(err.errors, fields, positions), None, []
    user = actor()
    doc_type.actor = user
    if not doc_type.may_issue(user, clean):
        return data, {}, Forbidden("forbidden", action=doc_type.title(ui_lang())), []
    return data, {}, None, doc_type.warnings(clean, message_lang())


def _refusal(err: DomainError, fields) -> tuple[dict, str | None]:
    """A DomainError next to its input when it names one, else above the form."""
    name = getattr(err, "field", None)
    if name and any(f.name == name for f in fields):
        return {name: [err.message(g.lang)]}, None
    return {}, err.message(g.lang)


@bp.post("/documents/<type_id>/check")
@login_required
def check(type_id):
    """Validation only (nothing rendered, nothing stored): the page's script asks it before
    rendering a preview into the frame, and shows the messages next to the inputs.

    A session-authenticated POST of the page: the form's own CSRF token travels in the
    posted form data, so this route is not exempted from CSRF."""
    doc_type = _usable_type(type_id)
    fields = _fields(doc_type)
    _, errors, refusal, warnings = _checked_input(doc_type, fields)
    general = errors.pop(FORM, [])
    if refusal is not None:
        more, message = _refusal(refusal, fields)
        errors.update(more)
        general = [message] if message else general
        return jsonify(ok=False, errors=errors, general=general), refusal.status
    if errors or general:
        return jsonify(ok=False, errors=errors, general=general), 422
    return jsonify(ok=True, errors={}, general=[], warnings=warnings)


@bp.post("/documents/<type_id>/preview")
@login_required
def preview(type_id):
    """The draft (marked ЖОБА / ПРОЕКТ, no number, nothing registered), as PDF shown inline —
    in the page's frame (same origin: this response allows it), or in the tab without script."""
    doc_type = _usable_type(type_id)
    fields = _fields(doc_type)
    in_frame = request.form.get("_frame") == "1"
    data, errors, refusal, _warnings = _checked_input(doc_type, fields)
    lang, fmt = _doc_options(doc_type, request.form)
    if refusal is None and not errors:
        fmt = "pdf" if "pdf" in doc_type.formats else fmt
        try:
            content = issuing.preview(actor(), type_id, data, lang, fmt)
        except DomainError as err:
            refusal = err
        else:
            response = Response(content, mimetype="application/pdf" if fmt == "pdf" else
                                "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            disposition = "inline" if fmt == "pdf" else "attachment"
            response.headers["Content-Disposition"] = f'{disposition}; filename="{type_id}-draft.{fmt}"'
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
            response.headers["Cache-Control"] = "no-store"
            return response
    status = refusal.status if refusal is not None else 422
    if in_frame:
        # Rare (the script checked first): say why in the frame itself.
        messages = [refusal.message(g.lang)] if refusal is not None else \
            [m for msgs in errors.values() for m in msgs]
        response = Response(render_template("web/docpages/frame_error.html", messages=messages), status=status)
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response
    message = None
    if refusal is not None:
        more, message = _refusal(refusal, fields)
        errors.update(more)
    return _form_page(doc_type, fields, request.form, errors, message, status)


@bp.post("/documents/<type_id>/issue")
@login_required
def issue(type_id):
    """Number, render, keep, register (``issuing.issue``); bad input or a refusal brings the
    form back with what was typed and the messages next to the inputs."""
    doc_type = _usable_type(type_id)
    fields = _fields(doc_type)
    data, errors, refusal, warnings = _checked_input(doc_type, fields)
    if refusal is None and not errors and warnings and request.form.get("_confirm") != "1":
        # Said before a number is taken; the form comes back as typed, to confirm or change.
        return _form_page(doc_type, fields, request.form, warnings=warnings)
    if refusal is None and not errors:
        lang, fmt = _doc_options(doc_type, request.form)
        try:
            issued_now = issuing.issue(actor(), type_id, data, lang, fmt)
        except InputInvalid as err:   # the document's language: the same input, other words
            errors = flatten_errors(err.errors, fields, collect(fields, request.form)[1])
        except DomainError as err:
            refusal = err
        else:
            document = issued_now.document
            if issued_now.already:
                flash(_("Already issued as № %(number)s on %(date)s: here it is. A new original is made only by "
                        "superseding this one, with a reason.", number=document.number,
                        date=document.issued_at.strftime("%d.%m.%Y")), "ok")
            else:
                flash(_("Issued and registered under number %(number)s.", number=document.number), "ok")
            return redirect(url_for(".issued", number=document.number))
    message = None
    if refusal is not None:
        more, message = _refusal(refusal, fields)
        errors.update(more)
    return _form_page(doc_type, fields, request.form, errors, message,
                      refusal.status if refusal is not None else 422)


# --- an issued document -------------------------------------------------------------------------

@bp.get("/documents/issued/<path:number>")
@login_required
def issued(number):
    document = issuing.find(number)
    if not may_see(actor(), document):
        raise Forbidden("forbidden", action="document.view")
    return render_template("web/docpages/issued.html", document=document,
                           can_supersede=_may_supersede(actor(), document), reason=None, error=None)


def _may_supersede(user, document) -> bool:
    """Offered to the registrar's office and to those who may issue the type, on a valid entry."""
    registry = issuing.registry()
    if document.state != "valid" or document.doc_type not in registry:
        return False
    return user.has_role(*issuing.SUPERSEDERS) or may_use(user, registry.get(document.doc_type))


@bp.post("/documents/issued/<path:number>/supersede")
@login_required
def supersede(number):
    """A new original for the same subject, from the store as it is now; the old one marked
    superseded with the reason. A refusal comes back on the document's page."""
    document = issuing.find(number)
    if not may_see(actor(), document):
        raise Forbidden("forbidden", action="document.view")
    reason = request.form.get("reason", "")
    try:
        issued_now = issuing.supersede(actor(), number, reason)
    except DomainError as err:
        db.session.rollback()
        return render_template("web/docpages/issued.html", document=issuing.find(number),
                               can_supersede=_may_supersede(actor(), document), reason=reason,
                               error=err.message(g.lang)), err.status
    flash(_("%(old)s is superseded by %(new)s.", old=number, new=issued_now.document.number), "ok")
    return redirect(url_for(".issued", number=issued_now.document.number))


# --- verification (public: the QR code of an issued PDF points here) ----------------------------

def _uploaded() -> bytes | None:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None
    return upload.read()


@bp.route("/verify/<path:number>", methods=["GET", "POST"])
def verify(number):
    """The register entry behind a number; an uploaded file is its original only when it is
    byte for byte the file issued under this number. A number the register does not have
    (mistyped, or a forgery's) is said so on this page, with the file check still offered."""
    try:
        document = issuing.find(number)
    except NotFound:
        return render_template("web/docpages/verify.html", document=None, unknown=number, verdict=None,
                               match=None, missing=False, signatures=[]), 404
    verdict, match, missing, signed = None, None, False, []
    if request.method == "POST":
        content = _uploaded()
        if content is None:
            missing = True
        else:
            match = issuing.original_for(content)
            verdict = match is not None and match.id == document.id
            signed = issuing.signatures(content, g.lang if g.lang in ("kk", "ru") else "ru")
    return render_template("web/docpages/verify.html", document=document, verdict=verdict,
                           match=match, missing=missing, signatures=signed)


@bp.route("/verify", methods=["GET", "POST"])
def verify_any():
    """Which issued document, if any, an uploaded file is the original of."""
    verdict, match, missing, signed = None, None, False, []
    if request.method == "POST":
        content = _uploaded()
        if content is None:
            missing = True
        else:
            match = issuing.original_for(content)
            verdict = match is not None
            signed = issuing.signatures(content, g.lang if g.lang in ("kk", "ru") else "ru")
    return render_template("web/docpages/verify.html", document=None, verdict=verdict, match=match,
                           missing=missing, signatures=signed)


def init_api(app) -> None:
    """The JSON routes of these pages (the issued list, the generated form) under /api/v1."""
    from .api import make_blueprint

    app.extensions["docservice.api"].register_blueprint(make_blueprint())


__all__ = ["bp", "init_api", "may_use", "may_see", "visible_documents"]
