"""Grading of the credit technology (SPEC §3), with the scale and the scheme as data.

Everything here is pure: cells in, results out. Arithmetic is exact (``Fraction``) so
that "half up" means half up and never 72.4999999; numbers are rounded only for output.

A *scale* is a list of bands (letter, GPA points, percent range, traditional grade kk/ru).
A *scheme* says how a journal's columns make the admission rating and the final grade.
Both come from configuration (``ASSESSMENT_SCALE`` / assessment schemes in the store),
so a change of academic policy is a data change.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Iterable, Sequence

ABSENT = "н/б"
TRANSFER_NOTES = ("перезачет", "қайта есепке алу")

DEFAULT_SCALE: list[dict] = [
    {"letter": "A", "gpa": 4.0, "min": 95, "max": 100, "kk": "өте жақсы", "ru": "отлично"},
    {"letter": "A-", "gpa": 3.67, "min": 90, "max": 94, "kk": "өте жақсы", "ru": "отлично"},
    {"letter": "B+", "gpa": 3.33, "min": 85, "max": 89, "kk": "жақсы", "ru": "хорошо"},
    {"letter": "B", "gpa": 3.0, "min": 80, "max": 84, "kk": "жақсы", "ru": "хорошо"},
    {"letter": "B-", "gpa": 2.67, "min": 75, "max": 79, "kk": "жақсы", "ru": "хорошо"},
    {"letter": "C+", "gpa": 2.33, "min": 70, "max": 74, "kk": "жақсы", "ru": "хорошо"},
    {"letter": "C", "gpa": 2.0, "min": 65, "max": 69, "kk": "қанағаттанарлық", "ru": "удовлетворительно"},
    {"letter": "C-", "gpa": 1.67, "min": 60, "max": 64, "kk": "қанағаттанарлық", "ru": "удовлетворительно"},
    {"letter": "D+", "gpa": 1.33, "min": 55, "max": 59, "kk": "қанағаттанарлық", "ru": "удовлетворительно"},
    {"letter": "D", "gpa": 1.0, "min": 50, "max": 54, "kk": "қанағаттанарлық", "ru": "удовлетворительно"},
    {"letter": "FX", "gpa": 0.5, "min": 25, "max": 49, "kk": "қанағаттанарлықсыз", "ru": "неудовлетворительно"},
    {"letter": "F", "gpa": 0.0, "min": 0, "max": 24, "kk": "қанағаттанарлықсыз", "ru": "неудовлетворительно"},
]

DEFAULT_SCHEME: dict = {
    # ТК: mean of lesson marks; н/б counts as this value; перезачет cells are left out.
    "absent_counts_as": 0,
    # РД: weighted mean of these components (ТК and the midterm columns).
    "admission_components": {"tk": 1, "RK1": 1, "RK2": 1},
    "admission_min": 50,
    # final = rd_weight × РД + exam_weight × exam, rounded half up.
    "rd_weight": 0.6,
    "exam_weight": 0.4,
    "exam_min": 50,
    # Digits kept when ТК and РД are shown; grading itself uses exact values.
    "display_decimals": 2,
}

# Statuses of a student's result in a journal.
OK, NOT_ADMITTED, ABSENT_FROM_EXAM, FAIL, PENDING = "ok", "not_admitted", "absent", "fail", "pending"

STATUS_WORDS = {
    NOT_ADMITTED: {"kk": "жіберілмеді", "ru": "не допущен"},
    ABSENT_FROM_EXAM: {"kk": "келмеді", "ru": "неявка"},
}


def round_half_up(x: Fraction | int) -> int:
    """Round to an integer, halves away from zero (marks are never negative)."""
    q = Fraction(x)
    return int((q + Fraction(1, 2)).__floor__()) if q >= 0 else -round_half_up(-q)


@dataclass(frozen=True)
class Cell:
    """One journal cell: a score 0–100, or absent (н/б), possibly a credit transfer."""

    score: int | None = None
    absent: bool = False
    note: str | None = None

    @property
    def is_transfer(self) -> bool:
        return self.absent and self.note in TRANSFER_NOTES

    def points(self, absent_value: int) -> int | None:
        """What the cell counts in an average; None when it is left out (credit transfer)."""
        if self.is_transfer:
            return None
        if self.absent:
            return absent_value
        return self.score

    def __str__(self) -> str:
        if self.absent:
            return f"{ABSENT} ({self.note})" if self.note else ABSENT
        return "" if self.score is None else str(self.score)


@dataclass(frozen=True)
class Band:
    letter: str
    gpa: float
    min: int
    max: int
    kk: str
    ru: str


class Scale:
    """Letter grades by percent; FX points are configurable (some universities use 0)."""

    def __init__(self, bands: Iterable[dict], fx_points: float | None = None):
        self.bands = [Band(**b) for b in bands]
        if fx_points is not None:
            self.bands = [replace(b, gpa=fx_points) if b.letter == "FX" else b for b in self.bands]
        covered = sorted(p for b in self.bands for p in range(b.min, b.max + 1))
        if covered != list(range(0, 101)):
            raise ValueError("grade scale must cover 0..100 exactly once")
        self._by_letter = {b.letter: b for b in self.bands}

    def band(self, score: int) -> Band:
        for b in self.bands:
            if b.min <= score <= b.max:
                return b
        raise ValueError(f"score out of range: {score}")

    def letter(self, letter: str) -> Band:
        return self._by_letter[letter]


@dataclass(frozen=True)
class Scheme:
    absent_counts_as: int
    admission_components: dict
    admission_min: int
    rd_weight: Fraction
    exam_weight: Fraction
    exam_min: int
    display_decimals: int

    @classmethod
    def from_config(cls, config: dict | None = None) -> "Scheme":
        merged = {**DEFAULT_SCHEME, **(config or {})}
        if "tk" not in merged["admission_components"]:
            raise ValueError("an assessment scheme's admission components must include tk")
        if Fraction(str(merged["rd_weight"])) + Fraction(str(merged["exam_weight"])) != 1:
            raise ValueError("rd_weight and exam_weight must add up to 1")
        return cls(
            absent_counts_as=int(merged["absent_counts_as"]),
            admission_components={k: Fraction(str(v)) for k, v in merged["admission_components"].items()},
            admission_min=int(merged["admission_min"]),
            rd_weight=Fraction(str(merged["rd_weight"])),
            exam_weight=Fraction(str(merged["exam_weight"])),
            exam_min=int(merged["exam_min"]),
            display_decimals=int(merged["display_decimals"]),
        )

    @property
    def control_columns(self) -> list[str]:
        """The midterm columns of the scheme (e.g. RK1, RK2): every component but ТК."""
        return [c for c in self.admission_components if c != "tk"]


@dataclass
class Result:
    """One student's result in a journal (or over an integrated discipline / module)."""

    tk: Fraction | None = None
    controls: dict = field(default_factory=dict)  # column → Fraction | None
    rd: Fraction | None = None
    exam: int | None = None
    final: int | None = None
    band: Band | None = None
    status: str = PENDING

    def as_dict(self, decimals: int = 2) -> dict:
        """Plain JSON-ready numbers: floats rounded for display, None where not applicable."""
        words = STATUS_WORDS.get(self.status)
        return {
            "tk": _show(self.tk, decimals),
            **{c.lower(): _show(v, decimals) for c, v in self.controls.items()},
            # A refused РД is never shown rounded up to the threshold (49.996 shows 49.99).
            "rd": _show(self.rd, decimals, ROUND_DOWN if self.status == NOT_ADMITTED else ROUND_HALF_UP),
            "exam": self.exam,
            "final": self.final,
            "letter": self.band.letter if self.band else None,
            "gpa": self.band.gpa if self.band else None,
            "traditional_kk": words["kk"] if words else (self.band.kk if self.band else None),
            "traditional_ru": words["ru"] if words else (self.band.ru if self.band else None),
            "status": self.status,
        }


def _show(x: Fraction | None, decimals: int, rounding: str = ROUND_HALF_UP) -> float | None:
    if x is None:
        return None
    q = Decimal(x.numerator) / Decimal(x.denominator)
    return float(q.quantize(Decimal(1).scaleb(-decimals), rounding=rounding))


def mean(values: Sequence[int | Fraction]) -> Fraction | None:
    return Fraction(sum(values), len(values)) if values else None


def current_control(lessons: Iterable[Cell | None], scheme: Scheme) -> Fraction | None:
    """ТК: mean of the lesson marks entered; н/б counts as configured, перезачет is left out."""
    counted = [p for c in lessons if c is not None and (p := c.points(scheme.absent_counts_as)) is not None]
    return mean(counted)


def control_value(cell: Cell | None, scheme: Scheme) -> Fraction | None:
    """A midterm column's value: an empty cell or н/б is 0; a credit transfer is None (left out)."""
    if cell is None:
        return Fraction(0)
    p = cell.points(scheme.absent_counts_as)
    return None if p is None else Fraction(p)


def admission_rating(tk: Fraction | None, controls: dict, scheme: Scheme) -> Fraction:
    """РД: weighted mean of ТК and the midterms, exact. Components with no value (ТК with no
    countable lesson mark, a transferred midterm) drop out with their weight."""
    parts = {"tk": tk, **controls}
    weighted = [(scheme.admission_components[k], v) for k, v in parts.items() if v is not None]
    total = sum(w for w, _ in weighted)
    return sum(w * v for w, v in weighted) / total if total else Fraction(0)


def grade(rd: Fraction, exam: Cell | None, scheme: Scheme, scale: Scale) -> Result:
    """Admission, exam and final from an admission rating and the exam cell."""
    result = Result(rd=rd)
    if rd < scheme.admission_min:
        result.status, result.band = NOT_ADMITTED, scale.letter("F")
        return result
    if exam is None:
        return result  # exam not held yet: status stays pending
    if exam.absent:
        result.status, result.band = ABSENT_FROM_EXAM, scale.letter("F")
        return result
    result.exam = exam.score
    if exam.score < scheme.exam_min:
        # The exam alone fails the discipline; its own band gives FX or F.
        result.status, result.band = FAIL, scale.band(exam.score)
        return result
    result.final = round_half_up(scheme.rd_weight * rd + scheme.exam_weight * exam.score)
    result.status, result.band = OK, scale.band(result.final)
    return result


@dataclass(frozen=True)
class JournalCells:
    """A student's cells in one journal: lesson cells in column order, midterms, exam."""

    lessons: Sequence[Cell | None]
    controls: dict  # column → Cell | None
    exam: Cell | None = None


def standing(cells: JournalCells, scheme: Scheme) -> tuple[Fraction | None, dict]:
    """ТК and midterm values of one journal, before admission."""
    tk = current_control(cells.lessons, scheme)
    controls = {c: control_value(cells.controls.get(c), scheme) for c in scheme.control_columns}
    return tk, controls


def journal_result(cells: JournalCells, scheme: Scheme, scale: Scale, with_exam: bool = True) -> Result:
    """Result of a discipline or modular-discipline journal. ``with_exam=False`` for a block
    whose exam is held elsewhere: ТК, midterms and РД only."""
    tk, controls = standing(cells, scheme)
    rd = admission_rating(tk, controls, scheme)
    if not with_exam:
        return Result(tk=tk, controls=controls, rd=rd)
    result = grade(rd, cells.exam, scheme, scale)
    result.tk, result.controls = tk, controls
    return result


def integrated_result(blocks: Sequence[JournalCells], exam: Cell | None, scheme: Scheme, scale: Scale) -> Result:
    """An integrated discipline: ТК and midterms are the means over its blocks, РД over all
    blocks, one exam (entered in the last block's journal)."""
    standings = [standing(b, scheme) for b in blocks]
    tks = [tk for tk, _ in standings if tk is not None]
    tk = mean(tks)
    controls = {}
    for c in scheme.control_columns:
        vals = [ctl[c] for _, ctl in standings if ctl[c] is not None]
        controls[c] = mean(vals)
    rd = admission_rating(tk, controls, scheme)
    result = grade(rd, exam, scheme, scale)
    result.tk, result.controls = tk, controls
    return result


def module_result(parts: Sequence[tuple[int | float, Result]], scale: Scale) -> Result:
    """A module: the credit-weighted mean of its modular disciplines' finals.

    The module passes only when every part passed; otherwise it takes the status and
    letter of its weakest part (a debt in any part is a debt in the module).
    """
    if not parts:
        return Result()
    pending = [r for _, r in parts if r.status == PENDING]
    failed = [r for _, r in parts if r.status not in (OK, PENDING)]
    if failed:
        # By points, then by percent band: with FX points configured as 0, F is still weaker than FX.
        worst = min(failed, key=lambda r: (r.band.gpa, r.band.min))
        return Result(status=worst.status, band=worst.band)
    if pending:
        return Result()
    credits = sum(Fraction(str(c)) for c, _ in parts)
    final = round_half_up(sum(Fraction(str(c)) * r.final for c, r in parts) / credits)
    return Result(final=final, band=scale.band(final), status=OK)


def period_gpa(items: Iterable[tuple[int | float, Result]]) -> Fraction | None:
    """GPA = Σ(credits × points) / Σ credits over the graded items of a period."""
    graded = [(Fraction(str(c)), Fraction(str(r.band.gpa))) for c, r in items if r.band is not None]
    credits = sum(c for c, _ in graded)
    return sum(c * p for c, p in graded) / credits if credits else None
