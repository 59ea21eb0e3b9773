"""The store side of the summary vedomost: every curriculum item of a group's period and
each student's result in it, the credits earned, the period GPA and the group's totals.

Numbers come from ``docservice.results`` (one place for grades: ``period_results`` gives
every item of the period — a module or an integrated discipline as one item — with each
student's result); this module lays them out per student and rounds them for display.
"""
from __future__ import annotations

from fractions import Fraction

from sqlalchemy import select

from docservice.collation import name_key
from docservice.grading import (
    ABSENT_FROM_EXAM, FAIL, NOT_ADMITTED, OK, PENDING, STATUS_WORDS, round_half_up,
)
from docservice.models import CLOSED, Group, Journal, Period, db
from docservice.results import period_results, student_period_gpa

DEBTS = (FAIL, NOT_ADMITTED, ABSENT_FROM_EXAM)  # FX/F, not admitted, absent from the exam
PENDING_MARK = "—"


def has_journals(group: Group, period: Period) -> bool:
    return db.session.scalar(select(Journal.id).where(
        Journal.group_id == group.id, Journal.period_id == period.id).limit(1)) is not None


def unclosed_journals(group: Group, period: Period) -> tuple[list[Journal], int]:
    """The group's journals of the period that are not closed (open, or locked by their
    deadline without being closed), and how many journals it has."""
    journals = db.session.scalars(select(Journal).where(
        Journal.group_id == group.id, Journal.period_id == period.id).order_by(Journal.code)).all()
    return [j for j in journals if j.state != CLOSED], len(journals)


def _round(x: Fraction | None, digits: int = 2) -> float | None:
    """Half up, as the grading rounds (never banker's rounding)."""
    if x is None:
        return None
    scale = 10 ** digits
    return round_half_up(Fraction(x) * scale) / scale


def cell(result, lang: str) -> dict:
    """One student's result in one item, as the sheet shows it."""
    if result is None or result.status == PENDING:
        return {"pct": "", "letter": "", "word": "", "text": PENDING_MARK, "pending": True, "debt": False}
    word = STATUS_WORDS.get(result.status, {}).get(lang, "")
    letter = result.band.letter if result.band else ""
    pct = "" if result.final is None else str(result.final)
    text = word or " ".join(x for x in (pct, letter) if x)
    return {"pct": pct, "letter": "" if word else letter, "word": word, "text": text, "pending": False,
            "debt": result.status in DEBTS}


def summary(group: Group, period: Period, lang: str) -> dict:
    """Rows (students), columns (items), per-student credits and GPA, the group's footer."""
    table = period_results(group.id, period.id)
    students = sorted(group.students, key=lambda s: name_key(s.full_name))
    rows = []
    for n, student in enumerate(students, 1):
        results = [(item, found.get(student.id)) for item, found in table]
        gpa = student_period_gpa(student.id, table)
        earned = sum(Fraction(str(item.credits)) for item, r in results if r is not None and r.status == OK)
        cells = [cell(r, lang) for _, r in results]
        rows.append({"n": n, "full_name": student.full_name, "record_book": student.record_book,
                     "cells": cells, "credits": _number(earned), "gpa": _round(gpa),
                     "gpa_exact": gpa, "debts": sum(c["debt"] for c in cells)})
    items, averages, debts_per_item = [], [], []
    for i, (item, found) in enumerate(table):
        finals = [found[s.id].final for s in students if s.id in found and found[s.id].final is not None]
        mean_final = Fraction(sum(finals), len(finals)) if finals else None
        items.append({"code": item.code, "name": item.name(lang), "credits": _number(Fraction(str(item.credits)))})
        averages.append(_round(mean_final, 1))
        debts_per_item.append(sum(row["cells"][i]["debt"] for row in rows))
    gpas = [row["gpa_exact"] for row in rows if row["gpa_exact"] is not None]
    for row in rows:
        del row["gpa_exact"]
    return {
        "items": items,
        "rows": rows,
        "averages": averages,
        "mean_gpa": _round(Fraction(sum(gpas), len(gpas)) if gpas else None),
        "debts_per_item": debts_per_item,
        "debts": sum(debts_per_item),
        "debtors": sum(1 for row in rows if row["debts"]),
        "students": len(rows),
    }


def _number(x: Fraction) -> int | float:
    """Credits as a document writes them: 5, or 2.5 for a half credit."""
    return int(x) if x.denominator == 1 else float(x)
