"""The JSON API under ``/api/v1`` (flask-smorest), described at ``/api/v1/openapi.json`` and
browsable at ``/api/v1/docs`` (Swagger UI served by the app, ``docs.py``).

Errors are JSON in the requester's language: ``{"code", "message", "errors"?}`` with
HTTP 401/403/404/409/422.
"""
from __future__ import annotations

from flask import Flask, jsonify
from flask_smorest import Api

from ..auth import request_lang
from ..documents.validation import InputInvalid
from ..errors import DomainError

UNAUTHORIZED = {"kk": "Жүйеге кіріңіз (логин немесе API токені)", "ru": "Требуется вход (логин или API-токен)",
                "en": "Sign in (session or API token) first"}

DESCRIPTION = (
    "Electronic journal and official documents of a Kazakh medical university (kk/ru).\n\n"
    "Browsable at `/api/v1/docs`. Signed in, *Try it out* goes with your browser session "
    "(writes carry the page's CSRF token). To send a bearer token, as a script does, press "
    "**Authorize** and paste the token that `flask users token LOGIN` prints.")


def init_app(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "docservice")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api = Api(app, spec_kwargs={"info": {"description": DESCRIPTION},
                                # A bearer token where one is given, else the browser session.
                                "security": [{"bearer": []}, {}]})
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    app.extensions["docservice.api"] = api

    from . import docs
    from .documents import make_blueprint

    app.register_blueprint(docs.bp)

    api.register_blueprint(make_blueprint(api, app.extensions["docservice.documents"]))
    from .account import blp as account_blp

    api.register_blueprint(account_blp)
    _error_handlers(app)


def _error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(err: DomainError):
        lang = request_lang()
        return jsonify(err.to_dict(lang) | ({"field": err.field} if getattr(err, "field", None) else {})), err.status

    @app.errorhandler(InputInvalid)
    def invalid_input(err: InputInvalid):
        message = {"kk": "Деректер қате", "ru": "Ошибки в данных", "en": "Invalid input"}[err.lang]
        return jsonify(code="invalid_input", message=message, errors=err.errors), 422


def unauthorized():
    lang = request_lang()
    return jsonify(code="unauthorized", message=UNAUTHORIZED[lang]), 401
