"""Staff and student accounts, their roles and API tokens (SPEC §1)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db

ROLES = (
    "teacher", "head_of_department", "dean", "registrar", "registrar_head",
    "it", "methodist", "vice_rector", "student",
)


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    position_kk: Mapped[str | None] = mapped_column(String(200))
    position_ru: Mapped[str | None] = mapped_column(String(200))
    # The position as a letter says who it is from (ru after «от», in the genitive: «старшего
    # преподавателя»; kk the possessive: «аға оқытушысы»): not computable, so data; may be absent.
    position_from_kk: Mapped[str | None] = mapped_column(String(200))
    position_from_ru: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"))
    password_hash: Mapped[str | None] = mapped_column(String(256))
    # Issued one-time passwords must be changed at first login (SPEC §4.4).
    must_change_password: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    # The language the user last chose on the web (kk or ru): their e-mail reminders use it.
    language: Mapped[str] = mapped_column(String(2), default="kk", server_default="kk")
    # Bumped on sign-out, password change and reset: every session (and remember cookie)
    # carries the epoch it was made in, and one of an older epoch is no longer accepted.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")

    department = relationship("Department", foreign_keys=[department_id])
    school = relationship("School", foreign_keys=[school_id])
    role_rows = relationship("UserRole", cascade="all, delete-orphan", lazy="selectin")

    @property
    def roles(self) -> set[str]:
        return {r.role for r in self.role_rows}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def position(self, lang: str = "ru") -> str:
        return (self.position_kk if lang == "kk" else self.position_ru) or self.position_ru or ""

    def position_from(self, lang: str = "ru") -> str:
        """The position after «от», in ``lang`` only ("" when not given)."""
        return (self.position_from_kk if lang == "kk" else self.position_from_ru) or ""

    def __repr__(self) -> str:
        return f"<User {self.login}>"


class UserRole(db.Model):
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored, the token itself is shown once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user = relationship("User")


class LoginFailure(db.Model):
    """A failed sign-in, kept a short while to throttle password guessing."""

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), index=True)
    remote: Mapped[str | None] = mapped_column(String(64), index=True)
    at: Mapped[datetime]
