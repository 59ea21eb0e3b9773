"""Results of the sample faculty, recomputed by hand from the dataset's marks (SPEC §3)."""
from decimal import ROUND_HALF_UP, Decimal

import pytest
from fractions import Fraction
from statistics import mean

from sqlalchemy import select

from docservice.models import Journal, db
from docservice.results import results_json


def journal(code):
    return db.session.scalar(select(Journal).where(Journal.code == code))


def marks_of(data, code, student):
    return {m["column"]: m["value"] for m in data["marks"] if m["journal"] == code and m["student"] == student}


def by_hand(data, code, student):
    """The SPEC's default scheme, written out plainly."""
    cells = marks_of(data, code, student)
    lessons = []
    for column, value in cells.items():
        if column in ("RK1", "RK2", "EXAM"):
            continue
        if isinstance(value, dict):  # перезачет: left out
            continue
        lessons.append(0 if value == "н/б" else value)
    tk = mean(lessons)
    rd = mean([tk, cells.get("RK1", 0), cells.get("RK2", 0)])
    return tk, rd, cells.get("EXAM")


def test_discipline_results_match_hand_computation(sample):
    rows = {r["student_id"]: r for r in results_json(journal("J0001"))}
    assert len(rows) == 12
    for student, row in rows.items():
        tk, rd, exam = by_hand(sample, "J0001", student)
        assert abs(row["tk"] - tk) < 0.006
        assert abs(row["rd"] - rd) < 0.006
        if rd >= 50 and isinstance(exam, int) and exam >= 50:
            exact = Fraction(3, 5) * Fraction(rd) + Fraction(2, 5) * exam
            final = int(Decimal(exact.numerator / exact.denominator).quantize(Decimal(1), ROUND_HALF_UP))
            assert row["final"] == final and row["status"] == "ok"


def test_rounding_is_applied_once_to_the_final(sample):
    """24010007 in J0001: РД 90.833… and exam 100 give 94.5 → 95 (РД is not rounded first)."""
    row = next(r for r in results_json(journal("J0001")) if r["student_id"] == "24010007")
    assert (row["rd"], row["exam"], row["final"], row["letter"]) == (90.83, 100, 95, "A")


def test_every_status_is_reachable_in_the_sample(sample):
    statuses = {}
    for code in [j["id"] for j in sample["journals"]]:
        for row in results_json(journal(code)):
            statuses.setdefault(row["status"], row)
    assert {"ok", "pending"} <= set(statuses)
    absent = [r for c in ("J0011", "J0004", "J0008") for r in results_json(journal(c)) if r["status"] == "absent"]
    assert absent and all(r["traditional_ru"] == "неявка" and r["letter"] == "F" for r in absent)


def test_integrated_exam_counts_over_both_blocks(sample):
    """PHS2102 in group ОМ-24-01к: blocks J0002 and J0003, exam in J0003 (last block)."""
    first = {r["student_id"]: r for r in results_json(journal("J0002"))}
    last = {r["student_id"]: r for r in results_json(journal("J0003"))}
    for student, row in last.items():
        _, rd2, _ = by_hand(sample, "J0002", student)
        _, rd3, exam = by_hand(sample, "J0003", student)
        assert abs(row["rd"] - (rd2 + rd3) / 2) < 0.006
        assert first[student]["exam"] is None and first[student]["status"] == "pending"
        if row["status"] == "ok":
            assert row["exam"] == exam


def test_failing_exam_gives_fx_or_f_whatever_rd(sample):
    rows = [r for j in sample["journals"] for r in results_json(journal(j["id"])) if r["status"] == "fail"]
    for r in rows:
        assert r["letter"] == ("FX" if r["exam"] >= 25 else "F")
        assert r["final"] is None


def test_period_results_and_gpa(sample):
    """ОМ-24-01к in 2026-2027/1: ANA2101 (5 credits), PHS2102 integrated (6), MOD2103 module (6)."""
    from docservice.models import Group, Period
    from docservice.results import period_results, student_period_gpa

    group = db.session.scalar(select(Group).where(Group.code == "ОМ-24-01к"))
    period = db.session.scalar(select(Period).where(Period.code == "2026-2027/1"))
    results = period_results(group.id, period.id)
    assert [(i.code, i.credits) for i, _ in results] == [("ANA2101", 5), ("MOD2103", 6), ("PHS2102", 6)]
    student = next(s for s in group.students if s.record_book == "24010007")
    by_code = {i.code: rs[student.id] for i, rs in results}
    ana = next(r for r in results_json(journal("J0001")) if r["student_id"] == "24010007")
    assert by_code["ANA2101"].final == ana["final"]
    phs = next(r for r in results_json(journal("J0003")) if r["student_id"] == "24010007")
    assert by_code["PHS2102"].final == phs["final"]
    parts = [next(r for r in results_json(journal(c)) if r["student_id"] == "24010007") for c in ("J0004", "J0005")]
    if all(p["status"] == "ok" for p in parts):
        expected = Decimal(4 * parts[0]["final"] + 2 * parts[1]["final"]) / 6
        assert by_code["MOD2103"].final == int(expected.quantize(Decimal(1), ROUND_HALF_UP))
    graded = [(c, r) for c, r in ((5, by_code["ANA2101"]), (6, by_code["MOD2103"]), (6, by_code["PHS2102"])) if r.band]
    expected_gpa = sum(c * r.band.gpa for c, r in graded) / sum(c for c, _ in graded)
    assert abs(float(student_period_gpa(student.id, results)) - expected_gpa) < 1e-9


def test_integrated_without_all_block_journals_is_an_error(app, sample_data):
    import copy

    from docservice.errors import DomainError
    from docservice.importer import import_dataset

    data = copy.deepcopy(sample_data)
    data["journals"] = [j for j in data["journals"] if j["id"] != "J0002"]
    data["marks"] = [m for m in data["marks"] if m["journal"] != "J0002"]
    import_dataset(None, data)
    with pytest.raises(DomainError) as info:
        results_json(journal("J0003"))
    assert "PHS2102-1" in info.value.message("ru")
