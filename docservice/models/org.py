"""The academic structure: schools, departments, programmes, groups, students (SPEC §2)."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db
from .i18n import Named


class School(Named, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    dean_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", use_alter=True))

    dean = relationship("User", foreign_keys=[dean_id], post_update=True)
    departments = relationship("Department", back_populates="school")


class Department(Named, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    head_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", use_alter=True))

    school = relationship("School", back_populates="departments")
    head = relationship("User", foreign_keys=[head_id], post_update=True)


class Program(Named, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))

    school = relationship("School")


class Group(db.Model):
    __tablename__ = "student_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id"))
    course: Mapped[int]
    language: Mapped[str] = mapped_column(String(2))

    program = relationship("Program")
    students = relationship("Student", back_populates="group", order_by="Student.full_name")


class Student(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    record_book: Mapped[str] = mapped_column(String(32), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    group_id: Mapped[int] = mapped_column(ForeignKey("student_group.id"))
    # The student's own login, when one was issued (role "student").
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), unique=True)

    group = relationship("Group", back_populates="students")
    user = relationship("User")
