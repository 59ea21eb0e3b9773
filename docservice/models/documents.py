"""Issued documents: the register of originals (number, SHA-256, who, when, the input)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db


class IssuedDocument(db.Model):
    __table_args__ = (UniqueConstraint("nomenclature", "year", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)  # "01-12/2026/0007"
    nomenclature: Mapped[str] = mapped_column(String(32))
    year: Mapped[int]
    seq: Mapped[int]
    doc_type: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    lang: Mapped[str] = mapped_column(String(2))
    fmt: Mapped[str] = mapped_column(String(8))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    storage_key: Mapped[str] = mapped_column(String(300))
    input: Mapped[dict] = mapped_column(JSON)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    issued_at: Mapped[datetime]

    issued_by = relationship("User")


class DocumentCounter(db.Model):
    """The last number given in a nomenclature file in a year (numbers never repeat)."""

    nomenclature: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)
