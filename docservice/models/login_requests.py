"""Login requests the IT department has acted on (SPEC §4.4): the head of department issues
a ``login_request`` document; IT creates the account from it, and this row says so."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db


class LoginRequestHandled(db.Model):
    __tablename__ = "login_request_handled"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The issued login_request document's number; unique: one account per request.
    number: Mapped[str] = mapped_column(String(64), unique=True)
    # The login given (kept even if the account is renamed or removed later).
    login: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime]

    user = relationship("User", foreign_keys=[user_id])
    handled_by = relationship("User", foreign_keys=[handled_by_id])
