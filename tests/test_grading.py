"""Grading of the credit technology against SPEC §3: scale, ТК, РД, admission, final, exam,
integrated disciplines, modules and GPA. Pure functions only: no app, no database."""
from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docservice.grading import (
    ABSENT_FROM_EXAM,
    DEFAULT_SCALE,
    FAIL,
    NOT_ADMITTED,
    OK,
    PENDING,
    Cell,
    JournalCells,
    Result,
    Scale,
    Scheme,
    admission_rating,
    current_control,
    grade,
    integrated_result,
    journal_result,
    module_result,
    period_gpa,
    round_half_up,
)

SCALE = Scale(DEFAULT_SCALE)
SCHEME = Scheme.from_config()

# SPEC §3 table: letter, GPA, lowest %, highest %, ru, kk.
SPEC_TABLE = [
    ("A", 4.0, 95, 100, "отлично", "өте жақсы"),
    ("A-", 3.67, 90, 94, "отлично", "өте жақсы"),
    ("B+", 3.33, 85, 89, "хорошо", "жақсы"),
    ("B", 3.0, 80, 84, "хорошо", "жақсы"),
    ("B-", 2.67, 75, 79, "хорошо", "жақсы"),
    ("C+", 2.33, 70, 74, "хорошо", "жақсы"),
    ("C", 2.0, 65, 69, "удовлетворительно", "қанағаттанарлық"),
    ("C-", 1.67, 60, 64, "удовлетворительно", "қанағаттанарлық"),
    ("D+", 1.33, 55, 59, "удовлетворительно", "қанағаттанарлық"),
    ("D", 1.0, 50, 54, "удовлетворительно", "қанағаттанарлық"),
    ("FX", 0.5, 25, 49, "неудовлетворительно", "қанағаттанарлықсыз"),
    ("F", 0.0, 0, 24, "неудовлетворительно", "қанағаттанарлықсыз"),
]
SPEC_BY_LETTER = {row[0]: row for row in SPEC_TABLE}
LETTER_ORDER = [row[0] for row in reversed(SPEC_TABLE)]  # F … A, weakest first

RESULT_KEYS = {"tk", "rk1", "rk2", "rd", "exam", "final", "letter", "gpa",
               "traditional_kk", "traditional_ru", "status"}


def score(n: int) -> Cell:
    return Cell(score=n)


ABSENT = Cell(absent=True)
TRANSFER_RU = Cell(absent=True, note="перезачет")
TRANSFER_KK = Cell(absent=True, note="қайта есепке алу")


def spec_letter(percent: int) -> str:
    matches = [row[0] for row in SPEC_TABLE if row[2] <= percent <= row[3]]
    assert len(matches) == 1
    return matches[0]


def journal(lessons, rk1=None, rk2=None, exam=None) -> JournalCells:
    return JournalCells(lessons=lessons, controls={"RK1": rk1, "RK2": rk2}, exam=exam)


def passed(final: int) -> Result:
    """A passed part whose final is ``final`` (РД = exam = final)."""
    r = grade(Fraction(final), score(final), SCHEME, SCALE)
    assert r.status == OK and r.final == final
    return r


# --------------------------------------------------------------------------- the scale


class TestScale:
    def test_default_scale_is_the_spec_table(self):
        assert [(b.letter, b.gpa, b.min, b.max, b.ru, b.kk) for b in SCALE.bands] == SPEC_TABLE

    @pytest.mark.parametrize("percent", range(0, 101))
    def test_every_percent_has_exactly_one_band(self, percent):
        hits = [b for b in SCALE.bands if b.min <= percent <= b.max]
        assert len(hits) == 1
        assert SCALE.band(percent) is hits[0]
        assert SCALE.band(percent).letter == spec_letter(percent)

    @pytest.mark.parametrize(
        "below, at, letter_below, letter_at",
        [
            (94, 95, "A-", "A"),
            (89, 90, "B+", "A-"),
            (84, 85, "B", "B+"),
            (79, 80, "B-", "B"),
            (74, 75, "C+", "B-"),
            (69, 70, "C", "C+"),
            (64, 65, "C-", "C"),
            (59, 60, "D+", "C-"),
            (54, 55, "D", "D+"),
            (49, 50, "FX", "D"),
            (24, 25, "F", "FX"),
        ],
    )
    def test_boundaries(self, below, at, letter_below, letter_at):
        for percent, letter in ((below, letter_below), (at, letter_at)):
            band = SCALE.band(percent)
            _, gpa, _, _, ru, kk = SPEC_BY_LETTER[letter]
            assert (band.letter, band.gpa, band.ru, band.kk) == (letter, gpa, ru, kk)

    @pytest.mark.parametrize("percent, letter", [(0, "F"), (100, "A")])
    def test_ends(self, percent, letter):
        assert SCALE.band(percent).letter == letter

    @pytest.mark.parametrize("percent", [-1, 101])
    def test_out_of_range_is_refused(self, percent):
        with pytest.raises(ValueError):
            SCALE.band(percent)

    def test_lookup_by_letter(self):
        assert SCALE.letter("F").gpa == 0.0
        assert SCALE.letter("A").ru == "отлично"

    def test_fx_points_default_half(self):
        assert SCALE.letter("FX").gpa == 0.5
        assert Scale(DEFAULT_SCALE, fx_points=None).letter("FX").gpa == 0.5

    def test_fx_points_configurable_zero(self):
        zero = Scale(DEFAULT_SCALE, fx_points=0)
        assert zero.letter("FX").gpa == 0
        assert zero.band(30).letter == "FX"
        # nothing else moves
        for a, b in zip(SCALE.bands, zero.bands):
            if a.letter != "FX":
                assert a == b
        # the default scale data is not mutated
        assert SCALE.letter("FX").gpa == 0.5
        assert DEFAULT_SCALE[-2]["gpa"] == 0.5

    def test_gap_is_refused(self):
        bands = [dict(b) for b in DEFAULT_SCALE]
        bands[0]["min"] = 96  # nobody gets 95
        with pytest.raises(ValueError):
            Scale(bands)

    def test_overlap_is_refused(self):
        bands = [dict(b) for b in DEFAULT_SCALE]
        bands[1]["max"] = 95  # 95 is both A and A-
        with pytest.raises(ValueError):
            Scale(bands)

    def test_missing_top_or_bottom_is_refused(self):
        with pytest.raises(ValueError):
            Scale(DEFAULT_SCALE[:-1])  # no F: 0..24 uncovered
        bands = [dict(b) for b in DEFAULT_SCALE]
        bands[0]["max"] = 101  # beyond 100
        with pytest.raises(ValueError):
            Scale(bands)

    def test_a_changed_policy_is_a_data_change(self):
        bands = [dict(b) for b in DEFAULT_SCALE]
        bands[0]["min"], bands[1]["max"] = 96, 95
        changed = Scale(bands)
        assert changed.band(95).letter == "A-"
        assert changed.band(96).letter == "A"


# --------------------------------------------------------------------------- ТК


class TestCurrentControl:
    def test_mean_of_lesson_marks(self):
        assert current_control([score(80), score(90), score(100)], SCHEME) == 90

    def test_mean_is_exact(self):
        assert current_control([score(50), score(50), score(49)], SCHEME) == Fraction(149, 3)

    def test_absent_counts_zero(self):
        assert current_control([score(90), ABSENT], SCHEME) == 45

    def test_zero_unprepared_counts_zero(self):
        assert current_control([score(90), score(0)], SCHEME) == 45

    @pytest.mark.parametrize("transfer", [TRANSFER_RU, TRANSFER_KK])
    def test_credit_transfer_left_out(self, transfer):
        assert current_control([score(90), transfer, score(70)], SCHEME) == 80

    def test_empty_cells_left_out(self):
        assert current_control([score(90), None, Cell(), score(70)], SCHEME) == 80

    def test_only_transfer_is_none(self):
        assert current_control([TRANSFER_RU, TRANSFER_KK], SCHEME) is None

    def test_nothing_entered_is_none(self):
        assert current_control([], SCHEME) is None
        assert current_control([None, None], SCHEME) is None

    def test_absent_value_from_scheme(self):
        scheme = Scheme.from_config({"absent_counts_as": 10})
        assert current_control([score(90), ABSENT], scheme) == 50

    def test_absent_with_any_other_note_still_counts_as_absent(self):
        assert current_control([score(90), Cell(absent=True, note="болел")], SCHEME) == 45


# --------------------------------------------------------------------------- РД


class TestAdmissionRating:
    def test_plain_mean(self):
        assert admission_rating(Fraction(90), {"RK1": Fraction(60), "RK2": Fraction(75)}, SCHEME) == 75

    def test_weights_from_scheme(self):
        scheme = Scheme.from_config({"admission_components": {"tk": 2, "RK1": 1, "RK2": 1}})
        rd = admission_rating(Fraction(90), {"RK1": Fraction(60), "RK2": Fraction(70)}, scheme)
        assert rd == Fraction(2 * 90 + 60 + 70, 4)

    def test_float_weights_are_exact(self):
        scheme = Scheme.from_config({"admission_components": {"tk": 0.5, "RK1": 0.25, "RK2": 0.25}})
        rd = admission_rating(Fraction(90), {"RK1": Fraction(60), "RK2": Fraction(70)}, scheme)
        assert rd == Fraction(155, 2)

    def test_empty_midterm_counts_zero(self):
        r = journal_result(journal([score(90)], rk1=score(90), rk2=None), SCHEME, SCALE, with_exam=False)
        assert r.controls == {"RK1": 90, "RK2": 0}
        assert r.rd == 60

    def test_absent_midterm_counts_zero(self):
        r = journal_result(journal([score(90)], rk1=score(90), rk2=ABSENT), SCHEME, SCALE, with_exam=False)
        assert r.rd == 60

    def test_transferred_midterm_drops_its_weight(self):
        r = journal_result(journal([score(90)], rk1=score(60), rk2=TRANSFER_RU), SCHEME, SCALE, with_exam=False)
        assert r.controls["RK2"] is None
        assert r.rd == 75

    def test_no_countable_lesson_mark_drops_tk_with_its_weight(self):
        # Empty and transferred cells are left out; with none left, ТК is not part of РД.
        r = journal_result(journal([], rk1=score(90), rk2=score(90)), SCHEME, SCALE, with_exam=False)
        assert r.tk is None
        assert r.rd == 90

    def test_without_exam_nothing_is_graded(self):
        r = journal_result(journal([score(90)], score(90), score(90), exam=score(100)), SCHEME, SCALE,
                           with_exam=False)
        assert (r.rd, r.exam, r.final, r.band, r.status) == (90, None, None, None, PENDING)


# --------------------------------------------------------------------------- admission


class TestAdmission:
    def test_exactly_50_is_admitted(self):
        r = journal_result(journal([score(50)] * 3, score(50), score(50), exam=score(50)), SCHEME, SCALE)
        assert r.rd == 50
        assert r.status == OK
        assert r.final == 50
        assert r.band.letter == "D"

    def test_exactly_50_from_fractions_is_admitted(self):
        # ТК 149/3 (lessons 50, 50, 49) with РК1 50 and РК2 151/3: (149 + 150 + 151) / 9 = 50 exactly
        rd = admission_rating(Fraction(149, 3), {"RK1": Fraction(50), "RK2": Fraction(151, 3)}, SCHEME)
        assert rd == 50
        assert grade(rd, score(70), SCHEME, SCALE).status == OK

    def test_just_below_50_is_not_admitted(self):
        # lessons 50, 50, 49 → ТК 149/3; РД = (149/3 + 50 + 50)/3 = 449/9 ≈ 49.89
        r = journal_result(journal([score(50), score(50), score(49)], score(50), score(50), exam=score(100)),
                           SCHEME, SCALE)
        assert r.tk == Fraction(149, 3)
        assert r.rd == Fraction(449, 9)
        self._assert_not_admitted(r)

    def test_a_hair_below_50_is_not_admitted_and_not_shown_as_50(self):
        # 99 lessons of 50 and one of 49: ТК 49.99; РД = 14999/300 = 49.99666…
        r = journal_result(journal([score(50)] * 99 + [score(49)], score(50), score(50), exam=score(100)),
                           SCHEME, SCALE)
        assert r.rd == Fraction(14999, 300)
        self._assert_not_admitted(r)
        assert r.as_dict()["rd"] == 49.99

    def test_not_admitted_before_the_exam(self):
        r = grade(Fraction(4999, 100), None, SCHEME, SCALE)
        self._assert_not_admitted(r)

    def test_not_admitted_absent_from_exam_is_still_not_admitted(self):
        self._assert_not_admitted(grade(Fraction(30), ABSENT, SCHEME, SCALE))

    def test_admission_min_from_scheme(self):
        scheme = Scheme.from_config({"admission_min": 60})
        assert grade(Fraction(59), score(100), scheme, SCALE).status == NOT_ADMITTED
        assert grade(Fraction(60), score(100), scheme, SCALE).status == OK

    @staticmethod
    def _assert_not_admitted(r: Result):
        assert r.status == NOT_ADMITTED
        assert r.band.letter == "F"
        assert r.final is None
        assert r.exam is None
        d = r.as_dict()
        assert d["letter"] == "F"
        assert d["gpa"] == 0
        assert d["final"] is None
        assert d["traditional_ru"] == "не допущен"
        assert d["traditional_kk"] == "жіберілмеді"
        assert d["status"] == "not_admitted"


# --------------------------------------------------------------------------- final


class TestFinal:
    @pytest.mark.parametrize("rd, exam, final", [(100, 100, 100), (50, 50, 50), (80, 90, 84), (90, 80, 86)])
    def test_formula(self, rd, exam, final):
        r = grade(Fraction(rd), score(exam), SCHEME, SCALE)
        assert (r.status, r.exam, r.final) == (OK, exam, final)
        assert r.band is SCALE.band(final)

    @pytest.mark.parametrize(
        "rd, exam, exact, final",
        [
            (Fraction(121, 2), 53, Fraction(115, 2), 58),  # 0.6·60.5 + 0.4·53 = 57.5
            (Fraction(145, 2), 50, Fraction(127, 2), 64),  # 0.6·72.5 + 0.4·50 = 63.5
            (Fraction(103, 2), 54, Fraction(105, 2), 53),  # 52.5 (banker's rounding would give 52)
            (Fraction(111, 2), 98, Fraction(145, 2), 73),  # 72.5 (banker's rounding would give 72)
            (Fraction(179, 2), 92, Fraction(181, 2), 91),  # 0.6·89.5 + 0.4·92 = 90.5 → 91: A-, not B+
        ],
    )
    def test_exact_halves_round_up(self, rd, exam, exact, final):
        assert Fraction(3, 5) * rd + Fraction(2, 5) * exam == exact
        r = grade(rd, score(exam), SCHEME, SCALE)
        assert r.final == final

    @pytest.mark.parametrize(
        "rd, exam, final, letter",
        [
            (Fraction(395, 6), 50, 60, "C-"),  # float: 59.49999999999999 → would be 59, D+
            (Fraction(395, 6), 55, 62, "C-"),  # float: 61.49999999999999
            (Fraction(395, 6), 60, 64, "C-"),  # float: 63.49999999999999
            (Fraction(425, 6), 50, 63, "C-"),  # float: 62.49999999999999
        ],
    )
    def test_no_float_error(self, rd, exam, final, letter):
        as_float = 0.6 * float(rd) + 0.4 * exam
        assert as_float < final - 0.5  # the trap is real
        r = grade(rd, score(exam), SCHEME, SCALE)
        assert (r.final, r.band.letter) == (final, letter)

    def test_no_float_error_through_the_journal(self):
        # lessons 70, 75 → ТК 72.5; РК 65, 65 → РД 67.5; exam 50 → 40.5 + 20 = 60.5 → 61
        r = journal_result(journal([score(70), score(75)], score(65), score(65), exam=score(50)), SCHEME, SCALE)
        assert r.rd == Fraction(135, 2)
        assert (r.final, r.band.letter, r.status) == (61, "C-", OK)

    def test_weights_from_scheme(self):
        scheme = Scheme.from_config({"rd_weight": 0.5, "exam_weight": 0.5})
        assert grade(Fraction(60), score(71), scheme, SCALE).final == 66  # 65.5 → 66

    @pytest.mark.parametrize(
        "x, expected",
        [(0, 0), (Fraction(1, 2), 1), (Fraction(3, 2), 2), (Fraction(5, 2), 3), (Fraction(145, 2), 73),
         (Fraction(1449999, 20000), 72), (Fraction(99, 2), 50), (Fraction(989, 20), 49), (100, 100),
         (Fraction(-1, 2), -1)],
    )
    def test_round_half_up(self, x, expected):
        assert round_half_up(x) == expected
        assert isinstance(round_half_up(x), int)


# --------------------------------------------------------------------------- the exam


class TestExam:
    @pytest.mark.parametrize(
        "exam, letter, ru, kk",
        [
            (49, "FX", "неудовлетворительно", "қанағаттанарлықсыз"),
            (25, "FX", "неудовлетворительно", "қанағаттанарлықсыз"),
            (24, "F", "неудовлетворительно", "қанағаттанарлықсыз"),
            (0, "F", "неудовлетворительно", "қанағаттанарлықсыз"),
        ],
    )
    @pytest.mark.parametrize("rd", [Fraction(50), Fraction(80), Fraction(100)])
    def test_exam_below_50_fails_whatever_rd(self, rd, exam, letter, ru, kk):
        # with РД 100 and exam 49 the formula would give 79.6 → 80, B: it must not.
        r = grade(rd, score(exam), SCHEME, SCALE)
        assert r.status == FAIL
        assert r.band.letter == letter
        assert r.final is None
        assert r.exam == exam
        d = r.as_dict()
        assert (d["letter"], d["traditional_ru"], d["traditional_kk"], d["status"]) == (letter, ru, kk, "fail")

    def test_exam_50_passes(self):
        r = grade(Fraction(50), score(50), SCHEME, SCALE)
        assert (r.status, r.final, r.band.letter) == (OK, 50, "D")

    def test_fx_gpa_follows_configuration(self):
        zero = Scale(DEFAULT_SCALE, fx_points=0)
        assert grade(Fraction(90), score(40), SCHEME, zero).as_dict()["gpa"] == 0
        assert grade(Fraction(90), score(40), SCHEME, SCALE).as_dict()["gpa"] == 0.5

    def test_absent_from_exam(self):
        r = grade(Fraction(90), ABSENT, SCHEME, SCALE)
        assert r.status == ABSENT_FROM_EXAM
        assert r.band.letter == "F"
        assert r.final is None
        d = r.as_dict()
        assert (d["traditional_ru"], d["traditional_kk"], d["letter"], d["gpa"], d["status"]) == (
            "неявка", "келмеді", "F", 0, "absent")

    def test_exam_not_entered_is_pending(self):
        r = grade(Fraction(90), None, SCHEME, SCALE)
        assert r.status == PENDING
        assert (r.final, r.band, r.exam) == (None, None, None)
        d = r.as_dict()
        assert (d["letter"], d["gpa"], d["traditional_ru"], d["traditional_kk"], d["status"]) == (
            None, None, None, None, "pending")

    def test_exam_min_from_scheme(self):
        scheme = Scheme.from_config({"exam_min": 60})
        assert grade(Fraction(90), score(59), scheme, SCALE).status == FAIL
        assert grade(Fraction(90), score(60), scheme, SCALE).status == OK


# --------------------------------------------------------------------------- journal / as_dict


class TestJournalResult:
    def test_full_journal(self):
        cells = journal([score(80), ABSENT, TRANSFER_RU, None, score(100)], score(70), score(80), exam=score(90))
        r = journal_result(cells, SCHEME, SCALE)
        assert r.tk == 60  # (80 + 0 + 100) / 3
        assert r.controls == {"RK1": 70, "RK2": 80}
        assert r.rd == 70
        assert r.final == 78  # 42 + 36
        assert (r.band.letter, r.status) == ("B-", OK)
        assert r.as_dict() == {
            "tk": 60.0, "rk1": 70.0, "rk2": 80.0, "rd": 70.0, "exam": 90, "final": 78, "letter": "B-",
            "gpa": 2.67, "traditional_kk": "жақсы", "traditional_ru": "хорошо", "status": "ok",
        }

    def test_as_dict_rounds_for_display_only(self):
        r = journal_result(journal([score(50), score(50), score(49)], score(100), score(100), exam=score(80)),
                           SCHEME, SCALE)
        d = r.as_dict()
        assert d["tk"] == 49.67
        assert r.tk == Fraction(149, 3)
        assert r.as_dict(decimals=1)["tk"] == 49.7
        assert set(d) == RESULT_KEYS
        json.dumps(d)

    def test_as_dict_half_up_display(self):
        d = Result(tk=Fraction(12345, 1000), rd=Fraction(1, 8)).as_dict()
        assert d["tk"] == 12.35  # 12.345 → 12.35 (not 12.34)
        assert d["rd"] == 0.13


# --------------------------------------------------------------------------- integrated discipline


class TestIntegrated:
    def test_means_over_blocks_and_one_exam(self):
        blocks = [
            journal([score(80), score(100)], score(60), score(70)),  # ТК 90
            journal([score(50), ABSENT], score(80), score(90)),  # ТК 25
        ]
        r = integrated_result(blocks, score(80), SCHEME, SCALE)
        assert r.tk == Fraction(115, 2)
        assert r.controls == {"RK1": 70, "RK2": 80}
        assert r.rd == Fraction(Fraction(115, 2) + 150, 3)  # 69.1666…
        assert r.final == round_half_up(Fraction(3, 5) * r.rd + 32) == 74
        assert (r.band.letter, r.status) == ("C+", OK)

    def test_rd_over_all_blocks_admits_on_the_whole(self):
        # block 1 alone would not admit (РД 40), block 2 makes the whole РД 60
        blocks = [journal([score(40)], score(40), score(40)), journal([score(80)], score(80), score(80))]
        r = integrated_result(blocks, score(60), SCHEME, SCALE)
        assert r.rd == 60
        assert (r.status, r.final) == (OK, 60)

    def test_not_admitted_over_all_blocks(self):
        blocks = [journal([score(50)], score(50), score(50)), journal([score(49)], score(49), score(49))]
        r = integrated_result(blocks, score(100), SCHEME, SCALE)
        assert r.rd == Fraction(99, 2)
        assert (r.status, r.band.letter, r.final) == (NOT_ADMITTED, "F", None)

    def test_block_with_only_transfers_is_left_out_of_tk(self):
        blocks = [journal([TRANSFER_RU], score(80), score(80)), journal([score(70)], score(80), score(80))]
        r = integrated_result(blocks, None, SCHEME, SCALE)
        assert r.tk == 70
        assert r.status == PENDING

    def test_exam_below_50_and_absent(self):
        blocks = [journal([score(90)], score(90), score(90))]
        assert integrated_result(blocks, score(30), SCHEME, SCALE).band.letter == "FX"
        assert integrated_result(blocks, ABSENT, SCHEME, SCALE).status == ABSENT_FROM_EXAM


# --------------------------------------------------------------------------- module


class TestModule:
    def test_credit_weighted_mean(self):
        r = module_result([(4, passed(90)), (2, passed(60))], SCALE)
        assert (r.status, r.final, r.band.letter) == (OK, 80, "B")

    def test_credit_weighted_mean_rounds_half_up(self):
        # (3·80 + 1·82) / 4 = 80.5 → 81
        r = module_result([(3, passed(80)), (1, passed(82))], SCALE)
        assert r.final == 81

    def test_fractional_credits(self):
        r = module_result([(1.5, passed(90)), (0.5, passed(50))], SCALE)
        assert r.final == 80

    def test_failed_part_fails_the_module_with_the_weakest_letter(self):
        fx = grade(Fraction(90), score(40), SCHEME, SCALE)
        r = module_result([(4, passed(100)), (2, fx)], SCALE)
        assert (r.status, r.band.letter, r.final) == (FAIL, "FX", None)

    def test_weakest_of_several_failures(self):
        fx = grade(Fraction(90), score(40), SCHEME, SCALE)
        not_admitted = grade(Fraction(40), None, SCHEME, SCALE)
        for parts in ([(4, fx), (2, not_admitted)], [(2, not_admitted), (4, fx)]):
            r = module_result(parts, SCALE)
            assert (r.status, r.band.letter) == (NOT_ADMITTED, "F")

    def test_weakest_with_fx_points_zero(self):
        # FX and F both give 0 points here; F is still the weaker letter, whatever the order.
        zero = Scale(DEFAULT_SCALE, fx_points=0)
        fx = grade(Fraction(90), score(40), SCHEME, zero)
        f = grade(Fraction(90), score(10), SCHEME, zero)
        for parts in ([(4, fx), (2, f)], [(2, f), (4, fx)]):
            assert module_result(parts, zero).band.letter == "F"

    def test_absent_part(self):
        r = module_result([(4, passed(90)), (2, grade(Fraction(90), ABSENT, SCHEME, SCALE))], SCALE)
        assert (r.status, r.band.letter) == (ABSENT_FROM_EXAM, "F")
        assert r.as_dict()["traditional_ru"] == "неявка"

    def test_pending_part(self):
        r = module_result([(4, passed(90)), (2, grade(Fraction(90), None, SCHEME, SCALE))], SCALE)
        assert (r.status, r.final, r.band) == (PENDING, None, None)

    def test_no_parts(self):
        assert module_result([], SCALE).status == PENDING


# --------------------------------------------------------------------------- GPA


class TestPeriodGpa:
    def test_spec_example(self):
        a = passed(95)
        c = passed(65)
        assert period_gpa([(5, a), (6, c)]) == Fraction(5 * 4 + 6 * 2, 11)

    def test_exact_points(self):
        # 3.67 and 1.67 must not pick up binary noise
        assert period_gpa([(1, passed(90)), (1, passed(60))]) == Fraction(267, 100)

    def test_failures_count_pending_does_not(self):
        fx = grade(Fraction(90), score(40), SCHEME, SCALE)
        pending = grade(Fraction(90), None, SCHEME, SCALE)
        assert period_gpa([(4, passed(95)), (4, fx), (10, pending)]) == Fraction(4 * 4 + 4 * Fraction(1, 2), 8)

    def test_fx_zero_configuration(self):
        zero = Scale(DEFAULT_SCALE, fx_points=0)
        fx = grade(Fraction(90), score(40), SCHEME, zero)
        assert period_gpa([(4, passed(95)), (4, fx)]) == 2

    def test_nothing_graded(self):
        assert period_gpa([]) is None
        assert period_gpa([(5, grade(Fraction(90), None, SCHEME, SCALE))]) is None


# --------------------------------------------------------------------------- properties

percents = st.integers(min_value=0, max_value=100)
ratings = st.fractions(min_value=0, max_value=100, max_denominator=1000)
admitted_ratings = st.fractions(min_value=50, max_value=100, max_denominator=1000)


@given(percents, percents)
def test_letter_and_points_monotone(a, b):
    lo, hi = sorted((a, b))
    band_lo, band_hi = SCALE.band(lo), SCALE.band(hi)
    assert band_lo.gpa <= band_hi.gpa
    assert LETTER_ORDER.index(band_lo.letter) <= LETTER_ORDER.index(band_hi.letter)


@given(percents, percents, st.sampled_from([0, 0.5]))
def test_points_monotone_with_fx_configured(a, b, fx):
    scale = Scale(DEFAULT_SCALE, fx_points=fx)
    lo, hi = sorted((a, b))
    assert scale.band(lo).gpa <= scale.band(hi).gpa


@given(admitted_ratings, st.integers(min_value=50, max_value=100))
def test_final_between_rd_and_exam(rd, exam):
    r = grade(rd, score(exam), SCHEME, SCALE)
    assert r.status == OK
    assert round_half_up(min(rd, exam)) <= r.final <= round_half_up(max(rd, exam))
    assert r.final == round_half_up(Fraction(3, 5) * rd + Fraction(2, 5) * exam)


@given(ratings, st.one_of(st.none(), st.just(ABSENT), percents.map(score)))
def test_status_consistency(rd, exam):
    r = grade(rd, exam, SCHEME, SCALE)
    if r.status == OK:
        assert r.final is not None and 50 <= r.final <= 100
        assert r.band is SCALE.band(r.final)
        assert r.band.letter not in ("FX", "F")
    else:
        assert r.final is None
    if rd < 50:
        assert r.status == NOT_ADMITTED
    elif exam is None:
        assert r.status == PENDING
    elif exam.absent:
        assert r.status == ABSENT_FROM_EXAM
    elif exam.score < 50:
        assert r.status == FAIL and r.band.letter in ("FX", "F")
    else:
        assert r.status == OK


@given(
    st.lists(st.one_of(st.none(), st.just(ABSENT), st.just(TRANSFER_RU), st.just(TRANSFER_KK), percents.map(score)),
             max_size=20),
    st.one_of(st.none(), st.just(ABSENT), st.just(TRANSFER_RU), percents.map(score)),
    st.one_of(st.none(), st.just(ABSENT), st.just(TRANSFER_RU), percents.map(score)),
    st.one_of(st.none(), st.just(ABSENT), percents.map(score)),
    st.integers(min_value=0, max_value=4),
)
@settings(max_examples=300)
def test_as_dict_is_plain_json(lessons, rk1, rk2, exam, decimals):
    r = journal_result(journal(lessons, rk1, rk2, exam), SCHEME, SCALE)
    assert 0 <= r.rd <= 100
    if r.tk is not None:
        assert 0 <= r.tk <= 100
    d = r.as_dict(decimals)
    assert set(d) == RESULT_KEYS
    json.loads(json.dumps(d))
    for key in ("tk", "rk1", "rk2", "rd", "gpa"):
        assert d[key] is None or type(d[key]) in (int, float)
    for key in ("exam", "final"):
        assert d[key] is None or type(d[key]) is int
    assert d["status"] in (OK, NOT_ADMITTED, ABSENT_FROM_EXAM, FAIL, PENDING)


@given(st.lists(st.tuples(st.integers(min_value=1, max_value=10), st.integers(min_value=50, max_value=100)),
                min_size=1, max_size=6))
def test_module_final_between_parts(parts):
    r = module_result([(c, passed(f)) for c, f in parts], SCALE)
    finals = [f for _, f in parts]
    assert r.status == OK
    assert min(finals) <= r.final <= max(finals)


@given(st.lists(st.tuples(st.integers(min_value=1, max_value=10), percents), min_size=1, max_size=8))
def test_gpa_within_points(items):
    results = [(c, Result(band=SCALE.band(p), status=OK)) for c, p in items]
    g = period_gpa(results)
    points = [Fraction(str(SCALE.band(p).gpa)) for _, p in items]
    assert min(points) <= g <= max(points)
    assert 0 <= g <= 4
