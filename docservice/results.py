"""Students' results, computed from the store with ``grading`` (one place for the numbers
that journals, vedomosts, summary vedomosts and the CLI show)."""
from __future__ import annotations

import functools
import json
from collections import defaultdict
from fractions import Fraction

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .collation import name_key
from .errors import DomainError
from .grading import (
    Cell, JournalCells, Result, Scale, Scheme, integrated_result, journal_result, module_result,
    period_gpa,
)
from .models import EXAM, CurriculumItem, Journal, Mark, Student, db


def scale() -> Scale:
    return _scale(json.dumps(current_app.config["ASSESSMENT_SCALE"]), current_app.config.get("FX_POINTS"))


def scheme_for(item: CurriculumItem) -> Scheme:
    """The configured scheme with the item's own rules over it."""
    return scheme_from_rules(item.scheme.rules if item.scheme else None)


def scheme_from_rules(rules: dict | None) -> Scheme:
    return _scheme(json.dumps({**current_app.config["ASSESSMENT_SCHEME"], **(rules or {})}, sort_keys=True))


# A scale and a scheme are made from their configuration once: a mark write asks for the
# scheme three times, and making it (exact fractions out of the configured numbers) cost a
# tenth of a millisecond each time. Nothing changes them once made.
@functools.lru_cache(maxsize=64)
def _scale(bands: str, fx_points) -> Scale:
    return Scale(json.loads(bands), fx_points)


@functools.lru_cache(maxsize=256)
def _scheme(config: str) -> Scheme:
    return Scheme.from_config(json.loads(config))


def cells_in(journals: list[Journal], student_id: int | None = None) -> dict[int, dict[int, dict[str, Cell]]]:
    """journal id → student id → column → cell of ``journals`` (of one student when given), in
    one statement."""
    # Only the columns grading needs: loading whole Mark objects costs a third of a vedomost.
    query = select(Mark.journal_id, Mark.student_id, Mark.column, Mark.score, Mark.absent, Mark.note).where(
        Mark.journal_id.in_([j.id for j in journals]))
    if student_id is not None:
        query = query.where(Mark.student_id == student_id)
    cells: dict[int, dict[int, dict[str, Cell]]] = defaultdict(lambda: defaultdict(dict))
    for journal_id, sid, column, score, absent, note in db.session.execute(query):
        cells[journal_id][sid][column] = Cell(score=score, absent=absent, note=note)
    return cells


def cells_by_student(journal: Journal) -> dict[int, dict[str, Cell]]:
    return cells_in([journal])[journal.id]


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
        Journal.period_id == journal.period_id).options(selectinload(Journal.lessons))).all()
    return sorted(rows, key=lambda j: j.part.position if j.part else 0)


class RowGrader:
    """How one row of a journal is graded, whichever student it is: the scheme and scale, and
    in the last block of an integrated discipline the other blocks, whose ТК and midterms
    count in its РД (the exam is this journal's). In its other blocks only the block's own
    ТК, midterms and РД are known."""

    def __init__(self, journal: Journal):
        self.journal = journal
        self.scheme, self.scale = scheme_for(journal.item), scale()
        self.integrated = journal.item.kind == "integrated" and journal.holds_exam
        self.others: list[Journal] = []
        if self.integrated:
            siblings = sibling_journals(journal)
            missing = sorted({p.code for p in journal.item.parts} - {j.part.code for j in siblings})
            if missing:  # РД is over all blocks: without one of them there is no honest result
                raise DomainError("blocks_missing", missing=", ".join(missing))
            self.blocks = siblings
            self.others = [j for j in siblings if j.id != journal.id]
        else:
            self.blocks = [journal]

    def other_cells(self, student_id: int | None = None) -> dict[int, dict[int, dict[str, Cell]]]:
        """The cells of the other blocks (of one student when given): one statement, none
        when the journal stands alone."""
        return cells_in(self.others, student_id) if self.others else {}

    def result(self, own: dict[str, Cell], others: dict[int, dict[str, Cell]]) -> Result:
        """A student's result from their cells in this journal and, by journal id, in the
        other blocks."""
        if not self.integrated:
            return journal_result(_journal_cells(self.journal, own, self.scheme), self.scheme, self.scale,
                                  with_exam=self.journal.holds_exam)
        blocks = [_journal_cells(j, own if j.id == self.journal.id else others.get(j.id, {}), self.scheme)
                  for j in self.blocks]
        return integrated_result(blocks, own.get(EXAM), self.scheme, self.scale)


def journal_results(journal: Journal, cells: dict[int, dict[str, Cell]] | None = None
                    ) -> list[tuple[Student, Result]]:
    """Every student of the journal's group with their result, in alphabetical order.
    ``cells``: the journal's cells by student, when the caller has read them already."""
    grader = RowGrader(journal)
    own = cells_by_student(journal) if cells is None else cells
    others = grader.other_cells()
    students = sorted(journal.group.students, key=lambda s: name_key(s.full_name))
    return [(s, grader.result(own.get(s.id, {}), {j: c.get(s.id, {}) for j, c in others.items()}))
            for s in students]


def student_result(journal: Journal, student_id: int, own: dict[str, Cell]) -> Result:
    """One student's result in the journal — their row of ``journal_results`` — from their
    cells in it as the caller holds them (a mark write's, before it commits): no other row is
    read or graded."""
    grader = RowGrader(journal)
    others = grader.other_cells(student_id)
    return grader.result(own, {j: c.get(student_id, {}) for j, c in others.items()})


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


