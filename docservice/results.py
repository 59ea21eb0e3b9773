"""Students' results, computed from the store with ``grading`` (one place for the numbers
that journals, vedomosts, summary vedomosts and the CLI show)."""
from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from flask import current_app
from sqlalchemy import select

from .collation import name_key
from .errors import DomainError
from .grading import (
    Cell, JournalCells, Result, Scale, Scheme, integrated_result, journal_result, module_result,
    period_gpa,
)
from .models import EXAM, CurriculumItem, Journal, Mark, Student, db


def scale() -> Scale:
    return Scale(current_app.config["ASSESSMENT_SCALE"], current_app.config.get("FX_POINTS"))


def scheme_for(item: CurriculumItem) -> Scheme:
    """The configured scheme with the item's own rules over it."""
    return scheme_from_rules(item.scheme.rules if item.scheme else None)


def scheme_from_rules(rules: dict | None) -> Scheme:
    return Scheme.from_config({**current_app.config["ASSESSMENT_SCHEME"], **(rules or {})})


def cells_by_student(journal: Journal) -> dict[int, dict[str, Cell]]:
    # Only the columns grading needs: loading whole Mark objects costs a third of a vedomost.
    rows = db.session.execute(select(Mark.student_id, Mark.column, Mark.score, Mark.absent, Mark.note)
                              .where(Mark.journal_id == journal.id))
    cells: dict[int, dict[str, Cell]] = defaultdict(dict)
    for student_id, column, score, absent, note in rows:
        cells[student_id][column] = Cell(score=score, absent=absent, note=note)
    return cells


def _journal_cells(journal: Journal, own: dict[str, Cell], scheme: Scheme) -> JournalCells:
    return JournalCells(
        lessons=[own.get(lesson.column) for lesson in journal.lessons],
        controls={c: own.get(c) for c in scheme.control_columns},
        exam=own.get(EXAM),
    )


def sibling_journals(journal: Journal) -> list[Journal]:
    """The journals of the same item, group and period (an integrated discipline's blocks,
    a module's parts), in curriculum order."""
    rows = db.session.scalars(select(Journal).where(
        Journal.item_id == journal.item_id, Journal.group_id == journal.group_id,
        Journal.period_id == journal.period_id)).all()
    return sorted(rows, key=lambda j: j.part.position if j.part else 0)


def journal_results(journal: Journal) -> list[tuple[Student, Result]]:
    """Every student of the journal's group with their result, in alphabetical order.

    In the last block of an integrated discipline the result is the integrated one
    (ТК, midterms and РД over all blocks, the exam of this journal); in its other blocks
    only the block's own ТК, midterms and РД are known.
    """
    scheme, sc = scheme_for(journal.item), scale()
    students = sorted(journal.group.students, key=lambda s: name_key(s.full_name))
    if journal.item.kind == "integrated" and journal.holds_exam:
        siblings = sibling_journals(journal)
        missing = sorted({p.code for p in journal.item.parts} - {j.part.code for j in siblings})
        if missing:  # РД is over all blocks: without one of them there is no honest result
            raise DomainError("blocks_missing", missing=", ".join(missing))
        blocks = [(j, cells_by_student(j)) for j in siblings]
        exams = next(c for j, c in blocks if j.id == journal.id)
        return [(s, integrated_result(
            [_journal_cells(j, c.get(s.id, {}), scheme) for j, c in blocks],
            exams.get(s.id, {}).get(EXAM), scheme, sc)) for s in students]
    cells = cells_by_student(journal)
    return [(s, journal_result(_journal_cells(journal, cells.get(s.id, {}), scheme), scheme, sc,
                               with_exam=journal.holds_exam)) for s in students]


def results_json(journal: Journal) -> list[dict]:
    decimals = scheme_for(journal.item).display_decimals
    return [{"student_id": s.record_book, "full_name": s.full_name, **r.as_dict(decimals)}
            for s, r in journal_results(journal)]


def item_results(item: CurriculumItem, group_id: int, period_id: int) -> dict[int, Result]:
    """Each student's result in a curriculum item as a whole (for summary vedomosts, GPA):
    a discipline's journal, an integrated discipline's last block, a module's parts."""
    journals = db.session.scalars(select(Journal).where(
        Journal.item_id == item.id, Journal.group_id == group_id, Journal.period_id == period_id)).all()
    if not journals:
        return {}
    if item.kind == "module":
        by_part = {j.part_id: dict((s.id, r) for s, r in journal_results(j)) for j in journals}
        students = {sid for rs in by_part.values() for sid in rs}
        # A part with no journal yet is pending for everyone: the module is not graded before it.
        return {sid: module_result([(p.credits or 0, by_part.get(p.id, {}).get(sid, Result()))
                                    for p in item.parts], scale()) for sid in students}
    exam_journal = next((j for j in journals if j.holds_exam), None)
    if exam_journal is None:
        return {}
    return {s.id: r for s, r in journal_results(exam_journal)}


def period_results(group_id: int, period_id: int) -> list[tuple[CurriculumItem, dict[int, Result]]]:
    """Every curriculum item the group has journals for in the period, with each student's
    result in it, in curriculum order."""
    items = db.session.scalars(select(CurriculumItem).join(Journal, Journal.item_id == CurriculumItem.id)
                               .where(Journal.group_id == group_id, Journal.period_id == period_id)
                               .distinct().order_by(CurriculumItem.code)).all()
    return [(item, item_results(item, group_id, period_id)) for item in items]


def student_period_gpa(student_id: int, results: list[tuple[CurriculumItem, dict[int, Result]]]) -> Fraction | None:
    """GPA of a student over a period: Σ(credits × points) / Σ credits of the graded items."""
    return period_gpa((item.credits, rs[student_id]) for item, rs in results if student_id in rs)


