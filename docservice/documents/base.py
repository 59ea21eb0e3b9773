"""What a document type declares. Everything else — validation, rendering to DOCX and
PDF, numbering, registration, storage — is the core's, written once."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar, Iterable

from marshmallow import Schema

LANGUAGES = ("kk", "ru")
FORMATS = ("docx", "pdf")


@dataclass(frozen=True)
class PeriodDocument:
    """One document a type makes for a period (``DocumentType.period_documents``)."""

    input: dict        # the type's input, as a user would give it
    label: str         # what an archive inventory says of it: «ОМ-24-01к · Анатомия»
    kind: str | None = None  # a kind of the type, for the nomenclature (``vedomost:individual``)


class DocumentType(ABC):
    """Subclass, fill the class attributes, write ``build_context``, register the class.

    Templates are ``templates_<lang>/<template>.docx`` (docxtpl) and ``.html`` (WeasyPrint),
    found in the type's ``template_dirs`` (folders holding ``templates_kk/`` and ``templates_ru/``).
    """

    id: ClassVar[str]
    titles: ClassVar[dict]           # {"kk": …, "ru": …}
    schema: ClassVar[type[Schema]]   # marshmallow input schema
    nomenclature: ClassVar[str]      # file index of the nomenclature of files, e.g. "01-12"
    example: ClassVar[dict]          # an input that works on the demo data
    template: ClassVar[str | None] = None    # defaults to ``id``
    template_dirs: ClassVar[tuple] = ()      # folders holding templates_kk/ and templates_ru/
    # The PDF engine: "weasyprint" lays out the type's .html template (the core's own engine);
    # another name asks a plugin that implements that engine (the built-in types: "typst").
    pdf_engine: ClassVar[str] = "weasyprint"
    languages: ClassVar[tuple] = LANGUAGES
    formats: ClassVar[tuple] = FORMATS
    # Kinds the nomenclature may file apart (``vedomost:individual``): {kind: {"kk": …, "ru": …}}.
    kinds: ClassVar[dict] = {}
    # The policy action an issuer needs; None: any signed-in staff member.
    issue_roles: ClassVar[tuple | None] = None
    # Who previews or issues it (None: the system itself); set by the core before any
    # other method is called — an instance serves one render.
    actor = None

    @classmethod
    def check_declaration(cls) -> None:
        missing = [a for a in ("id", "titles", "schema", "nomenclature", "example") if not hasattr(cls, a)]
        if missing:
            raise TypeError(f"{cls.__name__} does not declare {', '.join(missing)}")

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles["ru"]

    def template_name(self) -> str:
        return self.template or self.id

    @abstractmethod
    def build_context(self, data: dict, lang: str) -> dict:
        """Validated input + the journal store → the one context both formats lay out."""

    def docx_template(self, lang: str):
        """A python-docx ``Document`` to save as this type's Word template (see
        ``documents.docx_builder``), or None when the plugin ships its ``.docx`` files."""
        return None

    def subject(self, data: dict) -> str:
        """What makes one official document of this type — its subject: the register keeps at
        most one current original per subject (a journal's vedomost, a group's summary for a
        period …). ``data`` is the validated input. Default: the input itself, so the same
        input never gets a second number."""
        import hashlib
        import json

        raw = json.dumps(self.schema().dump(data), sort_keys=True, ensure_ascii=False, default=str)
        return "input:" + hashlib.sha256(raw.encode()).hexdigest()

    def register_entry(self, data: dict, lang: str) -> dict:
        """What the register of issued documents shows and is searched by: ``group`` (code),
        ``discipline`` and ``person`` (whom the document is about or from), each a string or
        None. ``data`` is the validated input."""
        return {}

    def check_issue(self, data: dict) -> None:
        """Preconditions of issuing this document for this input, checked for every issuer —
        the system too — before a number is taken. Raise a ``DomainError`` to refuse."""

    def warnings(self, data: dict, lang: str) -> list[str]:
        """What the issuer should know before issuing this input, in ``lang`` (the document can
        still be issued: e.g. a summary vedomost whose journals are not all closed). The document
        page asks for a confirmation before issuing when there are any (its check answers them
        too)."""
        return []

    def may_see(self, user, data: dict) -> bool:
        """Besides its issuer and the registrar's office: who else may read an issued one (its
        addressees). ``data`` is the input it was issued with, as given."""
        return False

    def may_issue(self, user, data: dict) -> bool:
        """Whether ``user`` may issue this document for this input (default: by role)."""
        return self.issue_roles is None or user.has_role(*self.issue_roles)

    def form_values(self, values):
        """What the type's form, opened with ``values`` (a MultiDict: its address's query), shows
        filled in. Default: the values as given; a type fills what follows from them (the
        vedomost: a reopen request gives its journal and the individual kind)."""
        return values

    def kind(self, data: dict) -> str | None:
        """Which of ``kinds`` an input makes (``vedomost:individual``). Default: one kind."""
        return None

    def kind_title(self, kind: str, lang: str) -> str:
        titles = self.kinds.get(kind) or {}
        return titles.get(lang) or titles.get("ru") or kind

    def period_documents(self, period, school, lang: str) -> Iterable[PeriodDocument]:
        """Every document of this type a period calls for — what printing the period for the
        archive, or issuing the type for the whole period, makes (``school``: only that school's;
        None: all). Default: none (a type made case by case, on request)."""
        return ()
