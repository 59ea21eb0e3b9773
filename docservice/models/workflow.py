"""Reopen requests and the scoped, expiring access grants they lead to (SPEC §4.7)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db

WITH_CHANGE, WITHOUT_CHANGE = "with_change", "without_change"


class ReopenRequest(db.Model):
    """One request to reopen a closed journal, and every step of its approval chain.

    with_change:    filed (explanatory note) → visaed (head of department) →
                    approved (dean's council, protocol) → granted (registrar head) → completed
    without_change: filed (request module) → granted (registrar head) → completed
    Any approver may return/reject it instead (status ``rejected``).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    journal_id: Mapped[int] = mapped_column(ForeignKey("journal.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="filed")
    teacher_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime]
    wrong_entry_on: Mapped[date | None]
    detected_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    lesson_types: Mapped[str | None] = mapped_column(String(200))
    # The explanatory note behind the request, when it was issued as a document.
    document_number: Mapped[str | None] = mapped_column(String(64))
    # Scope asked for: record-book numbers and columns; empty = the whole journal.
    students: Mapped[list] = mapped_column(JSON, default=list)
    columns: Mapped[list] = mapped_column(JSON, default=list)

    visa_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    visa_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    protocol_no: Mapped[str | None] = mapped_column(String(64))
    protocol_date: Mapped[date | None]
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    granted_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    rejected_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    rejected_at: Mapped[datetime | None]
    rejection_reason: Mapped[str | None] = mapped_column(Text)

    journal = relationship("Journal")
    teacher = relationship("User", foreign_keys=[teacher_id])
    visa_by = relationship("User", foreign_keys=[visa_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    granted_by = relationship("User", foreign_keys=[granted_by_id])
    grants = relationship("AccessGrant", back_populates="request")


class AccessGrant(db.Model):
    """Permission to write into a closed journal: for whom, which students and columns, until when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    journal_id: Mapped[int] = mapped_column(ForeignKey("journal.id", ondelete="CASCADE"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("reopen_request.id"))
    kind: Mapped[str] = mapped_column(String(16))
    grantee_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    students: Mapped[list] = mapped_column(JSON, default=list)
    columns: Mapped[list] = mapped_column(JSON, default=list)
    starts_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    ended_at: Mapped[datetime | None]

    journal = relationship("Journal")
    request = relationship("ReopenRequest", back_populates="grants")
    grantee = relationship("User", foreign_keys=[grantee_id])

    def covers(self, record_book: str, column: str) -> bool:
        return (not self.students or record_book in self.students) and (
            not self.columns or column in self.columns
        )

    def active_at(self, now: datetime) -> bool:
        return self.ended_at is None and self.starts_at <= now < self.expires_at


class Setting(db.Model):
    """Key/value settings kept in the store: university names, addressees (SPEC §7)."""

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)
