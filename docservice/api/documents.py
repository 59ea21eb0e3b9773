"""Document routes, generated from the registry: one preview and one issue route per type,
each described in OpenAPI with that type's input schema; fetch and verify by number."""
from __future__ import annotations

from functools import wraps

from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Response, jsonify, request, url_for
from flask_smorest import Blueprint

from ..auth import actor, request_lang
from ..documents import issuing

MIME = {"pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
FILE_RESPONSE = {"200": {"description": "The document",
                         "content": {m: {"schema": {"type": "string", "format": "binary"}} for m in MIME.values()}}}
QUERY = [{"in": "query", "name": "lang", "required": True, "schema": {"type": "string", "enum": ["kk", "ru"]}},
         {"in": "query", "name": "format", "required": True, "schema": {"type": "string", "enum": ["docx", "pdf"]}}]
ERRORS = {str(code): {"description": text} for code, text in (
    (401, "Not signed in"), (403, "Not allowed"), (404, "Unknown type or document"),
    (422, "Invalid input: per-field messages in the requested language"))}


def signed_in(fn):
    @wraps(fn)
    def wrapper(*args, **kwargs):
        if actor() is None:
            from . import unauthorized

            return unauthorized()
        return fn(*args, **kwargs)
    return wrapper


def json_schema(api, schema) -> dict:
    """A marshmallow schema as JSON Schema (through apispec's converter)."""
    plugin = next(p for p in api.spec.plugins if isinstance(p, MarshmallowPlugin))
    return plugin.converter.schema2jsonschema(schema)


def describe(doc_type, api) -> dict:
    schema = json_schema(api, doc_type.schema)
    schema["examples"] = [doc_type.example]
    return {"id": doc_type.id, "titles": doc_type.titles, "nomenclature": doc_type.nomenclature,
            "languages": list(doc_type.languages), "formats": list(doc_type.formats), "input_schema": schema}


def document_json(document, rendition=None, already: bool | None = None) -> dict:
    """A register entry: its state, every file under its number, what superseded it."""
    body = {"number": document.number, "type": document.doc_type, "title": document.title,
            "state": document.state, "subject": document.subject,
            "lang": document.lang, "format": document.fmt, "sha256": document.sha256, "size": document.size,
            "issued_at": document.issued_at.isoformat(), "issued_by": document.issued_by.login
            if document.issued_by else None,
            "file_url": url_for("documents.file", number=document.number),
            "verify_url": url_for("documents.verify_page", number=document.number),
            "renditions": [rendition_json(r) for r in document.renditions if r.sha256]}
    body.update(public_state(document))
    if rendition is not None:
        body["file"] = rendition_json(rendition)
    if already is not None:
        body["already_issued"] = already
    return body


def public_state(document) -> dict:
    """What anyone who holds the number may know of its state: superseded by which number, when
    and why; void and why."""
    if document.state == "superseded":
        successor = document.successor
        return {"superseded": {"by": successor.number if successor else None,
                               "at": document.superseded_at.isoformat() if document.superseded_at else None,
                               "reason": document.supersede_reason}}
    if document.state == "void":
        return {"void_reason": document.void_reason}
    return {}


def rendition_json(rendition) -> dict:
    return {"lang": rendition.lang, "format": rendition.fmt, "original": rendition.original,
            "sha256": rendition.sha256, "size": rendition.size, "signed": rendition.signed,
            "file_url": url_for("documents.file", number=rendition.document.number, lang=rendition.lang,
                                format=rendition.fmt)}


def file_response(content: bytes, fmt: str, filename: str) -> Response:
    return Response(content, mimetype=MIME[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def make_blueprint(api, registry) -> Blueprint:
    blp = Blueprint("documents", __name__, url_prefix="/api/v1", description="Official documents")

    @blp.route("/document-types")
    @blp.doc(summary="Every registered document type with its languages, formats and input JSON Schema")
    def document_types():
        return jsonify([describe(t, api) for t in registry])

    for doc_type in registry:
        _type_routes(blp, api, doc_type)

    @blp.route("/documents/<path:number>")
    @blp.doc(summary="An issued document's register entry", responses=ERRORS)
    @signed_in
    def document(number):
        return jsonify(document_json(issuing.find_visible(actor(), number)))

    @blp.route("/documents/<path:number>/file", endpoint="file")
    @blp.doc(summary="A file under the number, byte for byte as registered: the original, or its "
                     "rendition in ?lang= and ?format=", responses=FILE_RESPONSE | ERRORS)
    @signed_in
    def document_file(number):
        document = issuing.find_visible(actor(), number)
        rendition = _rendition(document)
        return file_response(issuing.content_of(document, rendition), rendition.fmt,
                             f"{document.number.replace('/', '-')}-{rendition.lang}.{rendition.fmt}")

    @blp.route("/documents/<path:number>/supersede", methods=["POST"], endpoint="supersede")
    @blp.doc(summary="Supersede a valid document with a new original of the same subject (a new number); "
                     "JSON {reason, lang?, format?, input?}; the registrar's office and those who may issue the type",
             responses={"201": {"description": "The new register entry"}} | ERRORS, security=[{"bearer": []}])
    @signed_in
    def supersede(number):
        body = request.get_json(silent=True)
        body = body if isinstance(body, dict) else {}
        reason = body.get("reason") if isinstance(body.get("reason"), str) else ""
        data = body.get("input") if isinstance(body.get("input"), dict) else None
        lang = body.get("lang") if isinstance(body.get("lang"), str) else None
        fmt = body.get("format") if isinstance(body.get("format"), str) else None
        issued = issuing.supersede(actor(), number, reason, lang, fmt, data)
        return jsonify(document_json(issued.document, issued.rendition, already=False)), 201

    @blp.route("/verify", methods=["POST"])
    @blp.doc(summary="Is this file issued under a number? Send the file as the request body",
             requestBody={"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}})
    def verify():
        """Whether the file is one registered under a number (byte for byte), and what its
        electronic signatures say (valid, signer, signed at)."""
        content = _uploaded_bytes()
        rendition = issuing.rendition_for(content)
        body = {"original": rendition is not None, "signatures": issuing.signatures(content, request_lang())}
        if rendition is not None:
            body.update(state=rendition.document.state, document=public_json(rendition.document), file={
                "lang": rendition.lang, "format": rendition.fmt, "original": rendition.original})
        return jsonify(body)

    @blp.route("/verify/<path:number>", endpoint="verify_page")
    @blp.doc(summary="The register entry behind a verify QR code (public: number, type, date, state, the files' SHA-256)")
    def verify_number(number):
        return jsonify(public_json(issuing.find(number)))

    return blp


def public_json(document) -> dict:
    return {"number": document.number, "title": document.title, "state": document.state,
            "issued_at": document.issued_at.isoformat(), "sha256": document.sha256, "format": document.fmt,
            "renditions": [{"lang": r.lang, "format": r.fmt, "sha256": r.sha256, "original": r.original}
                           for r in document.renditions if r.sha256], **public_state(document)}


def _rendition(document):
    """The rendition ?lang= and ?format= ask for (default: the original)."""
    from ..errors import NotFound

    lang, fmt = request.args.get("lang"), request.args.get("format")
    if not lang and not fmt:
        rendition = issuing.original_rendition(document)
        if rendition is None:
            issuing.content_of(document)  # raises what the state says
        return rendition
    for rendition in document.renditions:
        if rendition.sha256 and rendition.lang == (lang or document.lang) and rendition.fmt == (fmt or document.fmt):
            return rendition
    raise NotFound("not_found", what="document", key=f"{document.number} ({lang or document.lang}, {fmt or document.fmt})")


def _uploaded_bytes() -> bytes:
    upload = request.files.get("file")
    return upload.read() if upload else request.get_data()


def _type_routes(blp, api, doc_type) -> None:
    """POST /documents/<id>/preview and /issue for one type, documented with its schema."""
    name = f"{doc_type.id}_input"
    api.spec.components.schema(name, schema=doc_type.schema)
    body = {"required": True, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{name}"}, "example": doc_type.example}}}

    @blp.route(f"/documents/{doc_type.id}/preview", methods=["POST"], endpoint=f"preview_{doc_type.id}")
    @blp.doc(summary=f"Preview: {doc_type.title('ru')} (draft, not registered)", parameters=QUERY,
             requestBody=body, responses=FILE_RESPONSE | ERRORS, security=[{"bearer": []}])
    @signed_in
    def preview(type_id=doc_type.id):
        lang, fmt = _lang_format()
        content = issuing.preview(actor(), type_id, _input(), lang, fmt)
        return file_response(content, fmt, f"{type_id}-draft.{fmt}")

    @blp.route(f"/documents/{doc_type.id}/issue", methods=["POST"], endpoint=f"issue_{doc_type.id}")
    @blp.doc(summary=f"Issue: {doc_type.title('ru')} (numbered, registered, kept)", parameters=QUERY,
             requestBody=body, responses={"201": {"description": "The register entry"},
                                           "200": {"description": "Already issued: the subject's original"}} | ERRORS,
             security=[{"bearer": []}])
    @signed_in
    def issue(type_id=doc_type.id):
        """201 with the new entry; 200 with ``already_issued`` when the subject has its original
        (the file in this language and format is then its rendition, under the same number)."""
        lang, fmt = _lang_format()
        issued = issuing.issue(actor(), type_id, _input(), lang, fmt)
        return jsonify(document_json(issued.document, issued.rendition, issued.already)), 200 if issued.already else 201


def _input():
    """The request's JSON input: no body is an empty input; anything but an object is refused by
    the type's validation (``[]`` or ``null`` is not an input with every field left out)."""
    return request.get_json(silent=True) if request.get_data() else {}


def _lang_format() -> tuple[str, str]:
    return request.args.get("lang", request_lang()), request.args.get("format", "pdf")
