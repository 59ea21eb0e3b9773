"""Hostile input refused at the door, in one place each (issue 11).

* **Request bodies** — :class:`BodyLimit`, a WSGI middleware: a body larger than
  ``MAX_CONTENT_LENGTH`` is refused with 413 and a kk/ru/en message, also when it comes
  without a ``Content-Length`` (chunked): at most the limit (+1 byte) is read from
  ``wsgi.input``, into a spooled file, and the app then sees an ordinary request of that length.
  Werkzeug alone would silently cut such a body at the limit.
* **JSON** — :func:`loads` is the reader of every JSON body (:class:`RequestJSON`: every
  ``request.get_json()``, and a JSON body is read before any view), the importer's and the
  command line's: text must be UTF-8, no
  deeper than ``MAX_JSON_DEPTH``, no number out of range (``1e999``, ``NaN``), and no string may
  hold a character no document can carry (a lone surrogate ``"\\ud800"``, NUL and the other
  control characters except tab and line breaks, U+FFFE/U+FFFF). A refusal is a
  :class:`~docservice.errors.DomainError` (400) with a message; malformed JSON stays a
  ``ValueError`` (``get_json(silent=True)`` answers ``None`` as before).
* **Path, query and form text** — a ``before_request`` check: the same characters refused in
  the URL's parts, the query, posted form fields and upload file names, before any view (or
  PostgreSQL, which cannot store NUL) sees them.
* **Numbers** — :func:`ascii_number_errors`: a number typed as text must be written with the
  ASCII digits 0–9 (``"٨٥"``, ``"８５"``, ``"𝟖𝟓"`` are refused, not read as 85).
"""
from __future__ import annotations

import io
import json
import math
import re
import tempfile
import unicodedata

from flask import Flask, current_app, has_app_context, jsonify, request
from markupsafe import escape
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response
from werkzeug.wsgi import ClosingIterator

from .errors import DomainError

DEFAULT_DEPTH = 32
# Characters no field may hold: C0 controls but tab/LF/CR, lone surrogates, the non-characters
# U+FFFE/U+FFFF — none can be stored in PostgreSQL text (NUL) or written to a DOCX/XML part.
BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# --- JSON ------------------------------------------------------------------------------------

def max_depth() -> int:
    if has_app_context():
        return int(current_app.config.get("MAX_JSON_DEPTH") or DEFAULT_DEPTH)
    return DEFAULT_DEPTH


def loads(data, *, depth: int | None = None, **kwargs):
    """``json.loads`` for input from outside: see the module's description."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DomainError("input_not_utf8", position=exc.start) from None
    kwargs.setdefault("parse_constant", _no_constant)
    kwargs.setdefault("parse_float", _finite_float)
    limit = depth or max_depth()
    try:
        value = json.loads(data, **kwargs)
    except RecursionError:
        raise DomainError("json_too_deep", limit=limit) from None
    except _NotFinite as exc:
        raise DomainError("json_number_invalid", value=str(exc)[:40]) from None
    check_tree(value, limit)
    return value


class _NotFinite(Exception):
    """NaN or ±Infinity in a JSON body: refused like any other value JSON does not have."""


def _no_constant(name: str):
    raise _NotFinite(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotFinite(text)
    return value


def check_tree(value, limit: int | None = None, where: str = "") -> None:
    """A parsed JSON value: no deeper than ``limit``, every string (and key) clean. Iterative:
    the check itself never runs out of stack."""
    limit = limit or max_depth()
    stack = [(value, 0, where)]
    while stack:
        node, depth, path = stack.pop()
        if isinstance(node, str):
            check_text(node, path)
        elif isinstance(node, (dict, list)):
            if depth >= limit:
                raise DomainError("json_too_deep", limit=limit)
            if isinstance(node, dict):
                for key, item in node.items():
                    check_text(str(key), f"{path}.{key}" if path else str(key))
                    stack.append((item, depth + 1, f"{path}.{key}" if path else str(key)))
            else:
                stack.extend((item, depth + 1, f"{path}[{i}]") for i, item in enumerate(node))


NAME_MAX = 200  # a field's name in a query or a form: ours are short; "rows.<5,000 digits>.date" is not


def check_name(name: str) -> str:
    """A query or form field's name: clean, and short (a row index of thousands of digits in a
    name would reach ``int()``'s limit in the view)."""
    check_text(name, "?")
    if len(name) > NAME_MAX:
        raise DomainError("input_name_too_long", length=len(name), limit=NAME_MAX, name=_shown(name))
    return name


def check_text(text: str, field: str = "") -> str:
    """``text`` when every character of it can be stored and printed, else DomainError."""
    found = BAD_TEXT.search(text)
    if found:
        raise DomainError("input_bad_character", name=_shown(field) or "—", char=f"U+{ord(found.group()):04X}")
    return text


def _shown(field: str) -> str:
    field = BAD_TEXT.sub("\N{REPLACEMENT CHARACTER}", str(field))
    return field if len(field) <= 60 else field[:57] + "…"


class RequestJSON:
    """The ``json_module`` of the app's requests: ``request.get_json()`` reads through
    :func:`loads`. (Flask's own JSON — the signed session cookie, written by this app alone —
    is left as it is: a flash that quoted a value must never make a session unreadable.)"""

    @staticmethod
    def loads(s, **kwargs):
        return loads(s, **kwargs)

    @staticmethod
    def dumps(obj, **kwargs):
        from flask import json as flask_json

        return flask_json.dumps(obj, **kwargs)


# Flask gives each request the app's JSON provider (``RequestContext``); a request of this app
# reads its body through RequestJSON whatever it is given.
_request_json = property(lambda self: RequestJSON, lambda self, value: None)


# --- numbers ---------------------------------------------------------------------------------

def ascii_digits_only(text: str) -> bool:
    """No decimal digit but 0–9 (after NFC): ``"85"`` yes, ``"٨٥"``, ``"８５"``, ``"𝟖𝟓"`` no."""
    text = unicodedata.normalize("NFC", text)
    return not any(unicodedata.category(ch) == "Nd" and not ("0" <= ch <= "9") for ch in text)


def ascii_number_errors(schema, data):
    """marshmallow-shaped errors for every number field of ``schema`` (an instance) that ``data``
    gives as text with digits other than 0–9 (marshmallow's ``int()``/``float()`` would take
    them); ``{}`` when there is none. Nested schemas and lists of them are walked."""
    from marshmallow import fields

    from .documents.validation import coded

    def field_errors(field, value):
        if isinstance(value, str) and isinstance(field, fields.Number) and not ascii_digits_only(value):
            return [coded("number_not_ascii", value=value[:40])]
        if isinstance(field, fields.Nested) and value is not None:
            inner = field.schema
            if field.many and isinstance(value, list):
                found = {i: e for i, item in enumerate(value) if (e := schema_errors(inner, item))}
                return found or None
            return schema_errors(inner, value) or None
        if isinstance(field, fields.List) and isinstance(value, list):
            found = {i: e for i, item in enumerate(value) if (e := field_errors(field.inner, item))}
            return found or None
        return None

    def schema_errors(inner, value):
        if not isinstance(value, dict):
            return {}
        errors = {}
        for name, field in inner.fields.items():
            key = field.data_key or name
            if key in value:
                found = field_errors(field, value[key])
                if found:
                    errors[key] = found
        return errors

    return schema_errors(schema, data)


# --- the request: path, query, form ----------------------------------------------------------

def check_request_text() -> None:
    """The URL's variable parts, the query, a posted form and its file names: clean text only;
    a JSON body is read (through :func:`loads`) here, before any view, whatever the view would
    look up first — the views' own ``get_json()`` then answer from the cache."""
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str):
            check_text(value, name)
    for key, value in request.args.items(multi=True):
        check_name(key)
        check_text(value, key)
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in request.form.items(multi=True):
            check_name(key)
            check_text(value, key)
        for key, upload in request.files.items(multi=True):
            check_name(key)
            check_text(upload.filename or "", key)
    elif request.method in ("POST", "PUT", "PATCH", "DELETE") and request.is_json:
        request.get_json(silent=True)  # malformed JSON stays the view's to answer (None)


def refusal(err: DomainError, status: int | None = None) -> Response:
    """A refusal before any view: JSON under ``/api/``, else a small page, in the user's language."""
    lang, status = _lang(), status or err.status
    if request.path.startswith("/api/"):
        response = jsonify(err.to_dict(lang))
    else:
        response = Response(_page(err.message(lang), lang, status), mimetype="text/html")
    response.status_code = status
    return response


def _lang() -> str:
    from flask import session

    for chosen in (request.args.get("lang"), session.get("lang")):
        if chosen in ("kk", "ru", "en"):
            return chosen
    return request.accept_languages.best_match(["kk", "ru", "en"]) or "ru"


HOME = {"kk": "Басты бет", "ru": "На главную", "en": "Home"}


def _page(message: str, lang: str, status: int) -> str:
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{status}</title></head>'
            f'<body><p class="flash error" role="alert">{escape(message)}</p>'
            f'<p><a href="/">{HOME.get(lang, HOME["ru"])}</a></p></body></html>')


# --- the body's size -------------------------------------------------------------------------

class BodyLimit:
    """WSGI middleware: a request body over ``MAX_CONTENT_LENGTH`` gets 413 (kk/ru/en), whether
    its size is declared (``Content-Length``) or not (chunked: read up to the limit, no further).

    A body over the limit is not passed on: the app gets an empty one and the mark
    ``docservice.body_too_large``, which the first ``before_request`` answers with 413 (so the
    answer carries the request id and the usual headers, and ``Connection: close``: the rest of
    the body is never read)."""

    SPOOL = 1024 * 1024  # bodies up to this size stay in memory, larger ones go to a temporary file
    MARK = "docservice.body_too_large"

    def __init__(self, wsgi_app, app: Flask):
        self.wsgi_app, self.app = wsgi_app, app

    def __call__(self, environ, start_response):
        limit = self.app.config.get("MAX_CONTENT_LENGTH")
        if limit is None:
            return self.wsgi_app(environ, start_response)
        declared = environ.get("CONTENT_LENGTH")
        if declared:
            try:
                too_large = int(declared) > limit
            except ValueError:
                too_large = False  # Werkzeug reads a malformed length as none
            if too_large:
                return self.wsgi_app(self._emptied(environ, limit), start_response)
            return self.wsgi_app(environ, start_response)
        if not environ.get("wsgi.input_terminated"):
            return self.wsgi_app(environ, start_response)  # no length, no terminated stream: no body
        body = tempfile.SpooledTemporaryFile(max_size=self.SPOOL)  # noqa: SIM115 — closed after the response
        size, stream = 0, environ["wsgi.input"]
        while size <= limit:
            chunk = stream.read(min(64 * 1024, limit + 1 - size))
            if not chunk:
                break
            body.write(chunk)
            size += len(chunk)
        if size > limit:
            body.close()
            return self.wsgi_app(self._emptied(environ, limit), start_response)
        body.seek(0)
        environ = {**environ, "wsgi.input": body, "CONTENT_LENGTH": str(size)}
        environ.pop("wsgi.input_terminated", None)
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        try:
            result = self.wsgi_app(environ, start_response)
        except BaseException:
            body.close()
            raise
        return ClosingIterator(result, body.close)

    def _emptied(self, environ, limit: int) -> dict:
        environ = {**environ, "wsgi.input": io.BytesIO(), "CONTENT_LENGTH": "0", self.MARK: limit}
        environ.pop("wsgi.input_terminated", None)
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return environ


def too_large_response(limit: int) -> Response:
    response = refusal(DomainError("body_too_large", limit=_megabytes(limit)), 413)
    response.headers["Connection"] = "close"
    return response


def _megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):.1f}".removesuffix(".0")


# --- wiring ----------------------------------------------------------------------------------

def init_app(app: Flask) -> None:
    app.request_class = type("Request", (app.request_class,), {"json_module": _request_json})
    app.wsgi_app = BodyLimit(app.wsgi_app, app)

    @app.before_request
    def _clean_text_only():
        if BodyLimit.MARK in request.environ:
            return too_large_response(request.environ[BodyLimit.MARK])
        try:
            check_request_text()
        except DomainError as err:
            return refusal(err)
        return None

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(_err):
        limit = app.config.get("MAX_CONTENT_LENGTH") or 0
        if request.content_length is not None and request.content_length <= limit:
            # The body fits; a form's text fields passed Werkzeug's MAX_FORM_MEMORY_SIZE.
            limit = request.max_form_memory_size or limit
        return too_large_response(limit)


__all__ = ["BAD_TEXT", "BodyLimit", "RequestJSON", "ascii_digits_only", "ascii_number_errors", "check_text",
           "check_tree", "init_app", "loads"]
