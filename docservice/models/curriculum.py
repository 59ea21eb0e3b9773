"""Periods, assessment schemes and the working curriculum (SPEC §2, §3)."""
from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db
from .i18n import Named

KINDS = ("discipline", "integrated", "module")


class Period(db.Model):
    """An academic period such as ``2026-2027/1``; the registrar sets its closing rule."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    academic_year: Mapped[str] = mapped_column(String(16))
    term: Mapped[str] = mapped_column(String(16))
    # Journals close this many days after their final control unless a journal has its own date.
    close_within_days: Mapped[int] = mapped_column(default=3)


class AssessmentScheme(db.Model):
    """Rules of ``grading.Scheme`` as data: weights, thresholds (see grading.DEFAULT_SCHEME)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    rules: Mapped[dict] = mapped_column(JSON, default=dict)


class CurriculumItem(Named, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    credits: Mapped[float]
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id"))
    course: Mapped[int]
    semester: Mapped[str] = mapped_column(String(16))
    control: Mapped[str] = mapped_column(String(32), default="exam")
    scheme_id: Mapped[int | None] = mapped_column(ForeignKey("assessment_scheme.id"))

    department = relationship("Department")
    program = relationship("Program")
    scheme = relationship("AssessmentScheme")
    parts = relationship("CurriculumPart", back_populates="item", order_by="CurriculumPart.position")


class CurriculumPart(Named, db.Model):
    """A block of an integrated discipline or a modular discipline of a module."""

    __table_args__ = (UniqueConstraint("item_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("curriculum_item.id"))
    position: Mapped[int]
    credits: Mapped[float | None]
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))

    item = relationship("CurriculumItem", back_populates="parts")
    department = relationship("Department")

    @property
    def is_last(self) -> bool:
        """The last block completes the teaching: the integrated exam goes in its journal."""
        return self.position == max(p.position for p in self.item.parts)
