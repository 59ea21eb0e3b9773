"""Journals, their lesson columns, marks and the append-only mark history (SPEC §2, §4)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from .base import db

OPEN, CLOSED, LOCKED = "open", "closed", "locked"
EXAM = "EXAM"


def exam_is_here(kind: str, part_position: int | None, part_count: int) -> bool:
    """Whether a journal has the exam column: an integrated discipline's exam is held only
    in the journal of its last block (the department completing the teaching)."""
    return not (kind == "integrated" and part_position is not None and part_position != part_count - 1)


class Journal(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("curriculum_item.id"))
    part_id: Mapped[int | None] = mapped_column(ForeignKey("curriculum_part.id"))
    group_id: Mapped[int] = mapped_column(ForeignKey("student_group.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"))
    final_control: Mapped[date]
    # Set by the registrar for this journal; otherwise final control + the period's days.
    deadline_override: Mapped[date | None]
    state: Mapped[str] = mapped_column(String(16), default=OPEN)
    closed_at: Mapped[datetime | None]
    closed_late: Mapped[bool] = mapped_column(default=False)

    item = relationship("CurriculumItem")
    part = relationship("CurriculumPart")
    group = relationship("Group")
    period = relationship("Period")
    lessons = relationship("Lesson", order_by="Lesson.position", cascade="all, delete-orphan")
    staff = relationship("JournalTeacher", cascade="all, delete-orphan")

    @property
    def deadline(self) -> date:
        return self.deadline_override or self.final_control + timedelta(days=self.period.close_within_days)

    @property
    def department(self):
        """The department that teaches this journal (a block's or part's own, else the item's)."""
        return self.part.department if self.part else self.item.department

    @property
    def school(self):
        """The school of the journal's students (by their programme)."""
        return self.group.program.school

    @property
    def holds_exam(self) -> bool:
        part = self.part
        return exam_is_here(self.item.kind, part.position if part else None, len(self.item.parts))

    @property
    def control_columns(self) -> list[str]:
        from ..results import scheme_for  # the one place a journal's scheme comes from

        return scheme_for(self.item).control_columns + ([EXAM] if self.holds_exam else [])

    @property
    def columns(self) -> list[str]:
        return [lesson.column for lesson in self.lessons] + self.control_columns

    def title(self, lang: str = "ru") -> str:
        name = self.item.name(lang)
        return f"{name}: {self.part.name(lang)}" if self.part else name


class JournalTeacher(db.Model):
    """A teacher of a journal, or a substitute appointed by department decision (RU 11, KK 13)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    journal_id: Mapped[int] = mapped_column(ForeignKey("journal.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    role: Mapped[str] = mapped_column(String(16), default="teacher")  # teacher | substitute
    protocol: Mapped[str | None] = mapped_column(String(100))
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime | None]

    user = relationship("User", foreign_keys=[user_id])

    def active_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


class Lesson(db.Model):
    """A KTP row; it is a lesson column of the journal, keyed by ``column`` (its date)."""

    __table_args__ = (UniqueConstraint("journal_id", "column"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    journal_id: Mapped[int] = mapped_column(ForeignKey("journal.id", ondelete="CASCADE"))
    position: Mapped[int]
    column: Mapped[str] = mapped_column(String(32))
    date: Mapped[date]
    time: Mapped[str | None] = mapped_column(String(32))
    topic_kk: Mapped[str | None] = mapped_column(String(500))
    topic_ru: Mapped[str | None] = mapped_column(String(500))
    type: Mapped[str | None] = mapped_column(String(32))
    hours: Mapped[float | None]
    room: Mapped[str | None] = mapped_column(String(32))


class Mark(db.Model):
    """The current value of one cell. ``version`` rises on every write (optimistic locking)."""

    __table_args__ = (UniqueConstraint("journal_id", "student_id", "column"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    journal_id: Mapped[int] = mapped_column(ForeignKey("journal.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"))
    column: Mapped[str] = mapped_column(String(32))
    score: Mapped[int | None]
    absent: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    updated_by = relationship("User")
    __mapper_args__ = {"version_id_col": version}


class MarkHistory(db.Model):
    """Append-only: every change of a mark, with who, when, old, new and the grant behind it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    journal_id: Mapped[int] = mapped_column(ForeignKey("journal.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"))
    column: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(String(64))
    new_value: Mapped[str | None] = mapped_column(String(64))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    changed_at: Mapped[datetime]
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("access_grant.id"))
    via: Mapped[str] = mapped_column(String(16))  # web | api | cli | import

    changed_by = relationship("User")
    student = relationship("Student")


class JournalEvent(db.Model):
    """Lifecycle trail of a journal: closed, locked, deadline set, substitution, reopened."""

    id: Mapped[int] = mapped_column(primary_key=True)
    journal_id: Mapped[int] = mapped_column(ForeignKey("journal.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    actor = relationship("User")


@event.listens_for(Session, "before_flush")
def _history_is_append_only(session, _ctx, _instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, MarkHistory):
            raise PermissionError("mark history is append-only")
