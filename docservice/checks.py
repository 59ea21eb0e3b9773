"""Warnings about a journal's completeness — told to the teacher, never blocking.

A discipline of ``SHORT_DISCIPLINE_DAYS`` days or fewer gets current-control marks every
day (KK 15): a teaching day with no lesson column, or a student with no mark on a lesson
day, is reported.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from .models import Journal, Mark, db


@dataclass(frozen=True)
class Gap:
    day: date
    student: str | None  # record-book number; None: the whole day has no lesson column

    def text(self, lang: str = "ru") -> str:
        if self.student is None:
            return {"kk": f"{self.day:%d.%m.%Y}: ағымдағы бақылау бағасы жоқ күн",
                    "ru": f"{self.day:%d.%m.%Y}: день без оценок текущего контроля"}.get(lang, f"{self.day}: no marks")
        return {"kk": f"{self.day:%d.%m.%Y}: {self.student} білім алушысының бағасы жоқ",
                "ru": f"{self.day:%d.%m.%Y}: нет оценки обучающегося {self.student}"}.get(lang, f"{self.day}: {self.student}")


def is_short(journal: Journal) -> bool:
    if not journal.lessons:
        return False
    first = journal.lessons[0].date
    last = max(lesson.date for lesson in journal.lessons)
    return (last - first).days + 1 <= current_app.config["SHORT_DISCIPLINE_DAYS"]


def daily_gaps(journal: Journal) -> list[Gap]:
    """Missing days and missing marks of a short discipline (empty for other journals)."""
    if not is_short(journal):
        return []
    lesson_days = {lesson.date: lesson.column for lesson in journal.lessons}
    first, last = min(lesson_days), max(lesson_days)
    gaps = [Gap(first + timedelta(n), None) for n in range((last - first).days + 1)
            if (first + timedelta(n)) not in lesson_days and (first + timedelta(n)).weekday() != 6]
    marked = set(db.session.execute(select(Mark.student_id, Mark.column).where(
        Mark.journal_id == journal.id)).tuples())
    for day, column in sorted(lesson_days.items()):
        gaps += [Gap(day, s.record_book) for s in journal.group.students if (s.id, column) not in marked]
    return sorted(gaps, key=lambda g: (g.day, g.student or ""))
