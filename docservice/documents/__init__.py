"""Documents: the door for document types and the core that renders, numbers and keeps them.

A plugin writes::

    from docservice import hookimpl
    from docservice.documents import DocumentType

    class MyDocument(DocumentType): ...

    @hookimpl
    def docservice_register_document_types(registry):
        registry.add(MyDocument)
"""
from .base import DocumentType, PeriodDocument
from .context import addressee, folded, long_date, person, short_date, short_name, unit_forms
from .validation import coded

__all__ = ["DocumentType", "PeriodDocument", "addressee", "folded", "long_date", "person", "short_date", "short_name", "unit_forms", "coded"]
