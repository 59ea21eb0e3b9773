"""Absences as the journal counts them: the н/б among the lessons held up to a day, and
their share. One rule for the teacher's grid and the student's «My grades», so both show
the same «3 / 24 · 13 %»."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from fractions import Fraction

from .grading import round_half_up
from .models import Journal


def lessons_held(journal: Journal, at: datetime) -> list[str]:
    """The lesson columns up to today: the lessons a student could have missed so far."""
    return [lesson.column for lesson in journal.lessons if lesson.date <= at.date()]


def attendance(journal: Journal, absent_columns: Iterable[str], at: datetime) -> dict:
    """The student's absences (н/б, a credit-transferred one too: the lesson was missed) among
    the lessons held by ``at``, and their share: «3 / 24 · 13 %». A н/б on a lesson still to
    come (written ahead, e.g. a known leave) is not counted until the lesson is held."""
    held = lessons_held(journal, at)
    missed = set(absent_columns)
    absent = sum(1 for column in held if column in missed)
    share = round_half_up(Fraction(100 * absent, len(held))) if held else None
    return {"absent": absent, "held": len(held), "share": share,
            "text": f"{absent} / {len(held)} · {share} %" if held else "—"}
