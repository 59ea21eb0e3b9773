"""Reopen counters and disciplinary levels (KK 20), the memo flag (RU 17)."""
from datetime import date

import pytest
from store import journal, user

from docservice import reopen
from docservice.journals import close_journal
from docservice.monitoring import department_lines, level, memo_teachers, teacher_lines

TEACHER = [(4, "reprimand"), (2, "warning"), (1, "verbal_remark")]
DEPARTMENT = [(6, "reprimand"), (3, "warning"), (1, "verbal_remark")]


@pytest.mark.parametrize("count, teacher, department", [
    (0, None, None), (1, "verbal_remark", "verbal_remark"), (2, "warning", "verbal_remark"),
    (3, "warning", "warning"), (4, "reprimand", "warning"), (5, "reprimand", "warning"),
    (6, "reprimand", "reprimand"),
])
def test_levels_follow_the_procedure(count, teacher, department):
    assert level(count, TEACHER) == teacher
    assert level(count, DEPARTMENT) == department


def reopen_once(clock, kind, code="J0001", teacher="t.anat2"):
    j = journal(code)
    if j.state == "open":
        close_journal(user(teacher), j)
    req = reopen.file_request(user(teacher), j, kind, "ошибка")
    if kind == "with_change":
        reopen.visa(j.department.head, req)
        reopen.decide(j.school.dean, req, "№1", date(2026, 11, 6))
    reopen.grant(user("or.head"), req)
    reopen.complete(user(teacher), req)
    clock.advance(hours=1)


def test_counts_levels_and_memo(sample, clock):
    for _ in range(4):
        reopen_once(clock, "with_change")
    reopen_once(clock, "without_change", code="J0003")
    lines = {t.login: t for t in teacher_lines("2026-2027")}
    assert lines["t.anat2"].reopenings == 5 and lines["t.anat2"].with_change == 4
    assert lines["t.anat2"].level == "reprimand" and lines["t.anat2"].memo
    departments = {d.code: d for d in department_lines("2026-2027")}
    # J0003 is block 2 of PHS2102, taught by the anatomy department.
    assert departments["ANAT"].reopenings == 5 and departments["ANAT"].level == "warning"
    assert [t.login for t in memo_teachers("2026-2027")] == ["t.anat2"]
    assert teacher_lines("2025-2026") == []


def test_thresholds_are_configuration(app, sample, clock):
    app.config["DISCIPLINE_TEACHER"] = [(1, "reprimand")]
    app.config["MEMO_THRESHOLD"] = 0
    reopen_once(clock, "with_change")
    line = teacher_lines("2026-2027")[0]
    assert line.level == "reprimand" and line.memo
