"""A core wrapper around every render: how long it took, logged (and kept for the last render)."""
from __future__ import annotations

import logging
import time

from .. import hookimpl

log = logging.getLogger("docservice.render")


@hookimpl(wrapper=True)
def docservice_render_document(doc_type, context, lang, fmt):
    started = time.perf_counter()
    result = yield
    log.info("rendered %s %s %s in %.1f ms (%d bytes)", doc_type.id, lang, fmt,
             (time.perf_counter() - started) * 1000, len(result or b""))
    return result
