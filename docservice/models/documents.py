"""The register of issued documents (журнал регистрации): one entry per number.

An entry is one official document of one subject (what the type says makes a document: a
journal's vedomost, a group's summary for a period …). At most one entry per subject is
current (``issuing`` or ``valid``); a new one is made only by superseding it. The data the
document was rendered from is frozen with the entry, one context per language, and every file
under the number — the original and each rendition in another language or format — is a
``DocumentRendition`` with its own SHA-256.
"""
from __future__ import annotations

import unicodedata
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .base import db

# States of a register entry. ``issuing``: the number is taken and the data frozen, the
# original file is being rendered (a short moment; a crash leaves it to be finished).
ISSUING, VALID, SUPERSEDED, VOID = "issuing", "valid", "superseded", "void"
CURRENT = (ISSUING, VALID)
_CURRENT_SQL = text("state in ('issuing', 'valid')")


class IssuedDocument(db.Model):
    __table_args__ = (
        UniqueConstraint("nomenclature", "year", "seq"),
        # One current original per subject, held by the database itself.
        Index("ix_issued_document_current_subject", "doc_type", "subject", unique=True,
              sqlite_where=_CURRENT_SQL, postgresql_where=_CURRENT_SQL),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)  # "01-12/2026/0007"
    nomenclature: Mapped[str] = mapped_column(String(32))
    year: Mapped[int]
    seq: Mapped[int]
    doc_type: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(16), default=VALID)
    title: Mapped[str] = mapped_column(String(300))
    # What the register page searches by, as the type describes the document.
    group_code: Mapped[str | None] = mapped_column(String(64), index=True)
    discipline: Mapped[str | None] = mapped_column(String(500))
    person: Mapped[str | None] = mapped_column(String(300))
    # The same three folded (Unicode form, case, spaces: ``search_folded``), kept by ``_fold``
    # below: the register's search compares folded text, because SQLite's lower() folds only
    # ASCII and PostgreSQL's depends on the database's locale — Kazakh and Russian would not
    # match in another case.
    group_folded: Mapped[str | None] = mapped_column(String(64))
    discipline_folded: Mapped[str | None] = mapped_column(String(500))
    person_folded: Mapped[str | None] = mapped_column(String(300))
    # The original: its language and format; its hash, size and file once rendered.
    lang: Mapped[str] = mapped_column(String(2))
    fmt: Mapped[str] = mapped_column(String(8))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    size: Mapped[int | None]
    storage_key: Mapped[str | None] = mapped_column(String(300))
    input: Mapped[dict] = mapped_column(JSON)
    contexts: Mapped[dict | None] = mapped_column(JSON)  # {lang: the context it is rendered from}
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    issued_at: Mapped[datetime]
    # Superseded: by which entry, by whom, when and why. Void: why the number gives nothing.
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("issued_document.id"))
    superseded_at: Mapped[datetime | None]
    superseded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    supersede_reason: Mapped[str | None] = mapped_column(Text)
    void_reason: Mapped[str | None] = mapped_column(Text)

    issued_by = relationship("User", foreign_keys=[issued_by_id])
    superseded_by_user = relationship("User", foreign_keys=[superseded_by_user_id])
    successor = relationship("IssuedDocument", remote_side=[id], foreign_keys=[superseded_by_id])
    renditions = relationship("DocumentRendition", back_populates="document", order_by="DocumentRendition.id",
                              cascade="all, delete-orphan")

    @validates("group_code", "discipline", "person")
    def _fold(self, name: str, value: str | None) -> str | None:
        column = FOLDED[name]
        limit = self.__table__.c[column].type.length  # folding may lengthen a word (ß → ss)
        setattr(self, column, None if value is None else search_folded(value)[:limit])
        return value


# The searchable columns and their folded copies.
FOLDED = {"group_code": "group_folded", "discipline": "discipline_folded", "person": "person_folded"}


def search_folded(text: str) -> str:
    """Text as the register's search compares it: NFC, case folded, spaces collapsed — so
    «ҚАЛЫПТЫ  физиология» finds «Қалыпты физиология» on either database."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


class DocumentRendition(db.Model):
    """A file under a register number: the original, or the same document in another language
    or format rendered from the entry's frozen data. ``sha256`` is None while it renders."""

    __table_args__ = (UniqueConstraint("document_id", "lang", "fmt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("issued_document.id"), index=True)
    lang: Mapped[str] = mapped_column(String(2))
    fmt: Mapped[str] = mapped_column(String(8))
    original: Mapped[bool] = mapped_column(default=False)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    size: Mapped[int | None]
    storage_key: Mapped[str] = mapped_column(String(300))
    signed: Mapped[bool] = mapped_column(default=False)
    claimed_at: Mapped[datetime]  # when its render began (a stale claim is taken over)
    created_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    document = relationship("IssuedDocument", back_populates="renditions")
    created_by = relationship("User")


class DocumentCounter(db.Model):
    """The last number given in a nomenclature file in a year (numbers never repeat)."""

    nomenclature: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)
