"""A request id on every request, its response and every log line written while serving it.

A proxy's ``X-Request-ID`` is kept when it looks like one (so one id follows a request from
the proxy's log to ours); otherwise a new one is made. The id goes back in the response's
``X-Request-ID``, which gunicorn's access log prints.
"""
from __future__ import annotations

import logging
import re
import uuid

from flask import Flask, g, has_request_context, request

HEADER = "X-Request-ID"
_ACCEPTED = re.compile(r"[A-Za-z0-9._-]{8,64}")


def init_app(app: Flask) -> None:
    @app.before_request
    def _take_request_id():
        given = request.headers.get(HEADER, "")
        g.request_id = given if _ACCEPTED.fullmatch(given) else uuid.uuid4().hex

    @app.after_request
    def _tell_request_id(response):
        if "request_id" in g:
            response.headers[HEADER] = g.request_id
        return response


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record: the current request's, or ``-`` outside one."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True
