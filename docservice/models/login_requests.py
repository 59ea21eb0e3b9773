"""What the IT department did with accounts: login requests acted on (SPEC §4.4) — the head of
department issues a ``login_request`` document; IT creates the account from it or returns it
with a reason — and the audit trail of every account action."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from .base import db


class LoginRequestHandled(db.Model):
    __tablename__ = "login_request_handled"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The issued login_request document's number; unique: one answer per request.
    number: Mapped[str] = mapped_column(String(64), unique=True)
    # The login given (kept even if the account is renamed or removed later); none when returned.
    login: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime]
    # Set when IT returned the request instead of issuing the account: the head of department reads it.
    rejected_reason: Mapped[str | None] = mapped_column(Text)

    user = relationship("User", foreign_keys=[user_id])
    handled_by = relationship("User", foreign_keys=[handled_by_id])


# AccountEvent.action values.
ACCOUNT_ISSUED = "account_issued"                  # a teacher's account, from a login request
LOGIN_REQUEST_REJECTED = "login_request_rejected"
STUDENT_ACCOUNT_ISSUED = "student_account_issued"
PASSWORD_RESET = "password_reset"


class AccountEvent(db.Model):
    """Append-only: who did what to which account, when (never a password)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    # None: the system itself (the command line run by the server's operator).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # What the action was about, as people name it: the login, a request's number, a record book.
    subject: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    actor = relationship("User", foreign_keys=[actor_id])
    user = relationship("User", foreign_keys=[user_id])


@event.listens_for(Session, "before_flush")
def _account_events_are_append_only(session, _ctx, _instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AccountEvent):
            raise PermissionError("account events are append-only")
