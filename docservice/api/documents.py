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


def document_json(document) -> dict:
    return {"number": document.number, "type": document.doc_type, "title": document.title,
            "lang": document.lang, "format": document.fmt, "sha256": document.sha256, "size": document.size,
            "issued_at": document.issued_at.isoformat(), "issued_by": document.issued_by.login
            if document.issued_by else None,
            "file_url": url_for("documents.file", number=document.number),
            "verify_url": url_for("documents.verify_page", number=document.number)}


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
    @blp.doc(summary="The issued file, byte for byte as issued", responses=FILE_RESPONSE | ERRORS)
    @signed_in
    def document_file(number):
        document = issuing.find_visible(actor(), number)
        return file_response(issuing.content_of(document), document.fmt,
                             f"{document.number.replace('/', '-')}.{document.fmt}")

    @blp.route("/verify", methods=["POST"])
    @blp.doc(summary="Is this file an issued original? Send the file as the request body",
             requestBody={"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}})
    def verify():
        document = issuing.original_for(_uploaded_bytes())
        return jsonify({"original": document is not None, **({"document": document_json(document)} if document else {})})

    @blp.route("/verify/<path:number>", endpoint="verify_page")
    @blp.doc(summary="The register entry behind a verify QR code (public: number, type, date, SHA-256)")
    def verify_number(number):
        document = issuing.find(number)
        return jsonify({"number": document.number, "title": document.title, "issued_at": document.issued_at.isoformat(),
                        "sha256": document.sha256, "format": document.fmt})

    return blp


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
        content = issuing.preview(actor(), type_id, request.get_json(silent=True) or {}, lang, fmt)
        return file_response(content, fmt, f"{type_id}-draft.{fmt}")

    @blp.route(f"/documents/{doc_type.id}/issue", methods=["POST"], endpoint=f"issue_{doc_type.id}")
    @blp.doc(summary=f"Issue: {doc_type.title('ru')} (numbered, registered, kept)", parameters=QUERY,
             requestBody=body, responses={"201": {"description": "The register entry"}} | ERRORS,
             security=[{"bearer": []}])
    @signed_in
    def issue(type_id=doc_type.id):
        lang, fmt = _lang_format()
        document = issuing.issue(actor(), type_id, request.get_json(silent=True) or {}, lang, fmt)
        return jsonify(document_json(document)), 201


def _lang_format() -> tuple[str, str]:
    return request.args.get("lang", request_lang()), request.args.get("format", "pdf")
