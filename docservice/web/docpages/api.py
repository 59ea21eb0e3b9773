"""JSON routes of the document pages, under /api/v1 (flask-smorest, in the OpenAPI description):
the issued documents a user may see, and the form a page generates for a document type.

Preview, issue, the file and verification are ``docservice.api.documents``'s routes. These
two only read (GET), so CSRF does not apply; they accept a bearer token or the session.
"""
from __future__ import annotations

from flask import g, jsonify, request
from flask_babel import force_locale
from flask_smorest import Blueprint
from sqlalchemy import func, select

from ...api.documents import document_json, signed_in
from ...auth import actor, request_lang
from ...documents import issuing
from ...errors import Forbidden
from ...models import IssuedDocument, db
from .forms import StoreChoices, form_fields

LANG = {"in": "query", "name": "lang", "required": False, "schema": {"type": "string", "enum": ["kk", "ru", "en"]}}


def make_blueprint() -> Blueprint:
    from . import LIST_LIMIT, may_use, visible_documents

    blp = Blueprint("docpages_api", __name__, url_prefix="/api/v1",
                    description="Document forms and the register of issued documents")

    @blp.route("/documents", endpoint="issued_documents")
    @blp.doc(summary="Issued documents the user may see: the registrar, its head and the vice-rector "
                     "see all, others those they issued; newest first",
             parameters=[{"in": "query", "name": "type", "required": False, "schema": {"type": "string"}},
                         {"in": "query", "name": "limit", "required": False,
                          "schema": {"type": "integer", "maximum": LIST_LIMIT}}],
             security=[{"bearer": []}])
    @signed_in
    def issued_documents():
        query = visible_documents(actor(), request.args.get("type") or None)
        limit = min(request.args.get("limit", LIST_LIMIT, type=int) or LIST_LIMIT, LIST_LIMIT)
        total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        documents = db.session.scalars(query.order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc())
                                       .limit(limit)).all()
        return jsonify(total=total, documents=[document_json(d) for d in documents])

    @blp.route("/document-types/<type_id>/form", endpoint="document_form")
    @blp.doc(summary="The input form of a document type as the pages generate it from its schema: "
                     "inputs, labels and hints in ?lang=, required marks, choices from the store "
                     "(journals: those the user may view)",
             parameters=[LANG], security=[{"bearer": []}])
    @signed_in
    def document_form(type_id):
        doc_type = issuing.registry().get(type_id)
        user = actor()
        if not may_use(user, doc_type):
            raise Forbidden("forbidden", action=f"issue {type_id}")
        lang = request_lang()
        g.lang = lang
        with force_locale(lang):
            fields = form_fields(doc_type.schema, StoreChoices(user))
            return jsonify(id=doc_type.id, title=doc_type.title(lang if lang in ("kk", "ru") else "ru"),
                           languages=list(doc_type.languages), formats=list(doc_type.formats),
                           fields=[f.as_json() for f in fields])

    return blp
