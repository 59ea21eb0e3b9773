"""The hooks a docservice plugin may implement (``from docservice import hookimpl``)."""
from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("docservice")


@hookspec
def docservice_register_document_types(registry) -> None:
    """Add document types to the registry: ``registry.add(MyDocument)``."""


@hookspec(firstresult=True)
def docservice_render_document(doc_type, context: dict, lang: str, fmt: str) -> bytes | None:
    """Render a document's context to DOCX or PDF bytes; wrap it (``wrapper=True``) to time or audit renders."""


@hookspec
def docservice_document_issued(document) -> None:
    """Called after a document was issued and registered (number, SHA-256, file kept)."""
