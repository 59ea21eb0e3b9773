"""The registry of document types, filled by the ``docservice_register_document_types`` hook."""
from __future__ import annotations

from ..errors import NotFound


class DocumentRegistry:
    def __init__(self):
        self._types: dict[str, type] = {}

    def add(self, doc_type: type) -> None:
        """Register a ``DocumentType`` subclass under its stable ``id``; duplicates are refused."""
        doc_type.check_declaration()
        if doc_type.id in self._types:
            raise ValueError(f"document type {doc_type.id!r} is registered twice "
                             f"({self._types[doc_type.id].__module__} and {doc_type.__module__})")
        self._types[doc_type.id] = doc_type

    def get(self, type_id: str):
        try:
            return self._types[type_id]()
        except KeyError:
            raise NotFound("not_found", what="document type", key=type_id) from None

    def ids(self) -> list[str]:
        return sorted(self._types)

    def __iter__(self):
        return (self._types[i]() for i in self.ids())

    def __contains__(self, type_id: str) -> bool:
        return type_id in self._types
