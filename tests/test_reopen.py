"""Reopening a closed journal, both paths, with their approval chains (SPEC §4.7)."""
from datetime import date

import pytest
from store import journal, mark, user

from docservice import reopen
from docservice.errors import DomainError, Forbidden, Invalid
from docservice.journals import close_journal, history, set_mark
from docservice.models import CLOSED

STUDENT, LESSON = "24010001", "2026-09-02"  # J0001, t.anat2, ОМ-24-01к (school GM)


@pytest.fixture
def closed(sample, clock):
    close_journal(user("t.anat2"), journal("J0001"))
    clock.advance(days=1)
    return journal("J0001")


def with_change_granted(clock, students=(STUDENT,), columns=(LESSON,)):
    req = reopen.file_request(user("t.anat2"), journal("J0001"), "with_change", "Ошибка при вводе: 45 вместо 54",
                              wrong_entry_on=date(2026, 9, 2), students=list(students), columns=list(columns),
                              lesson_types="практические")
    reopen.visa(user("head.anat"), req)
    reopen.decide(user("dean.gm"), req, "Протокол №7", date(2026, 11, 7))
    grant = reopen.grant(user("or.head"), req)
    return req, grant


def test_with_change_full_path(closed, clock):
    req, grant = with_change_granted(clock)
    set_mark(user("t.anat2"), journal("J0001"), STUDENT, LESSON, "54")
    row = history(journal("J0001"))[-1]
    assert (row.old_value, row.new_value, row.grant_id) == ("45", "54", grant.id)
    reopen.complete(user("t.anat2"), req)
    assert req.status == "completed" and journal("J0001").state == CLOSED
    assert reopen.late_steps(req) == []
    with pytest.raises(DomainError):
        set_mark(user("t.anat2"), journal("J0001"), STUDENT, LESSON, "55")


def test_grant_covers_only_its_students_and_columns(closed, clock):
    with_change_granted(clock)
    with pytest.raises(Forbidden) as info:
        set_mark(user("t.anat2"), journal("J0001"), "24010002", LESSON, "90")
    assert info.value.code == "grant_scope"
    with pytest.raises(Forbidden):
        set_mark(user("t.anat2"), journal("J0001"), STUDENT, "RK1", "90")
    with pytest.raises(Forbidden) as info:
        set_mark(user("t.anat2"), journal("J0001"), STUDENT, "EXAM", "90")
    # The column as people name it, in the user's language — not the code EXAM.
    assert "Емтихан" in info.value.message("kk") and "Экзамен" in info.value.message("ru")
    assert "EXAM" not in info.value.message("ru")


def test_grant_expires(closed, clock):
    with_change_granted(clock)
    clock.advance(days=2, seconds=1)
    with pytest.raises(DomainError) as info:
        set_mark(user("t.anat2"), journal("J0001"), STUDENT, LESSON, "54")
    assert info.value.code == "journal_closed"
    assert mark("J0001", STUDENT, LESSON).score == 45


def test_each_step_only_by_its_role_and_in_order(closed):
    j = journal("J0001")
    with pytest.raises(Forbidden):  # not the journal's teacher
        reopen.file_request(user("t.anat1"), j, "with_change", "причина")
    req = reopen.file_request(user("t.anat2"), j, "with_change", "причина")
    with pytest.raises(Invalid):  # one unfinished request per journal
        reopen.file_request(user("t.anat2"), j, "with_change", "ещё")
    with pytest.raises(Invalid):  # the dean's council needs the head's visa first
        reopen.decide(user("dean.gm"), req, "№1", date(2026, 11, 7))
    with pytest.raises(Forbidden):  # the head of another department
        reopen.visa(user("head.phys"), req)
    reopen.visa(user("head.anat"), req)
    with pytest.raises(Forbidden):  # the dean of another school
        reopen.decide(user("dean.ph"), req, "№1", date(2026, 11, 7))
    with pytest.raises(Invalid) as info:
        reopen.decide(user("dean.gm"), req, "", None)
    assert "протокол" in info.value.message("ru").lower()
    reopen.decide(user("dean.gm"), req, "№1", date(2026, 11, 7))
    with pytest.raises(Forbidden):  # an inspector may not reopen; the head of OR does
        reopen.grant(user("or.inspector"), req)
    reopen.grant(user("or.head"), req)
    assert req.status == "granted"


def test_without_change_allows_only_what_leaves_grades_as_they_are(closed):
    j = journal("J0001")
    req = reopen.file_request(user("t.anat2"), j, "without_change", "Неверно отмечено отсутствие")
    with pytest.raises(Invalid):  # no visa on this path
        reopen.visa(user("head.anat"), req)
    reopen.grant(user("or.head"), req)
    with pytest.raises(Forbidden) as info:  # 45 → 99 would raise ТК
        set_mark(user("t.anat2"), j, STUDENT, LESSON, "99")
    assert info.value.code == "grant_no_grade_change" and "tk" in info.value.message("ru")
    assert mark("J0001", STUDENT, LESSON).score == 45
    with pytest.raises(Forbidden):  # н/б → 70 would raise ТК as well
        set_mark(user("t.anat2"), j, "24010003", "2026-09-16", "70")
    # н/б → 0 (present but unprepared): both count 0, the grades stay; the record is corrected.
    set_mark(user("t.anat2"), j, "24010003", "2026-09-16", "0")
    assert mark("J0001", "24010003", "2026-09-16").score == 0


def test_only_the_requester_completes(closed, clock):
    req, _ = with_change_granted(clock)
    from docservice.journals import appoint_substitute

    appoint_substitute(user("head.anat"), journal("J0001"), user("t.anat1"), "Протокол №4")
    with pytest.raises(Forbidden) as info:
        reopen.complete(user("t.anat1"), req)
    assert info.value.code == "reopen_not_yours"
    reopen.complete(user("t.anat2"), req)


def test_an_inactive_teacher_cannot_use_a_grant(closed, clock):
    with_change_granted(clock)
    teacher = user("t.anat2")
    teacher.active = False
    with pytest.raises(Forbidden):
        set_mark(teacher, journal("J0001"), STUDENT, LESSON, "54")


def test_overdue_journal_can_be_reopened_before_the_nightly_lock(sample, clock):
    clock.set(clock.now().replace(day=20))  # J0001's deadline was 14 Nov; nothing has locked it yet
    req = reopen.file_request(user("t.anat2"), journal("J0001"), "without_change", "Не успел закрыть")
    assert journal("J0001").state == "locked" and req.status == "filed"


def test_dates_of_the_note_are_checked(closed, clock):
    with pytest.raises(Invalid) as info:
        reopen.file_request(user("t.anat2"), journal("J0001"), "with_change", "причина",
                            detected_on=date(2026, 12, 1))
    assert info.value.code == "date_in_future"
    with pytest.raises(Invalid) as info:
        reopen.file_request(user("t.anat2"), journal("J0001"), "with_change", "причина",
                            detected_on=date(2026, 11, 2), wrong_entry_on=date(2026, 11, 4))
    assert info.value.code == "date_order"


def test_open_journal_cannot_be_reopened(sample):
    with pytest.raises(Invalid) as info:
        reopen.file_request(user("t.anat2"), journal("J0001"), "with_change", "причина")
    assert info.value.code == "journal_open"


def test_rejection_ends_the_request(closed):
    req = reopen.file_request(user("t.anat2"), journal("J0001"), "with_change", "причина")
    reopen.reject(user("head.anat"), req, "Не подтверждается")
    assert req.status == "rejected"
    with pytest.raises(Invalid):
        reopen.visa(user("head.anat"), req)


def test_late_steps_are_flagged(closed, clock):
    req = reopen.file_request(user("t.anat2"), journal("J0001"), "with_change", "причина",
                              detected_on=date(2026, 11, 1))  # filed on 6 Nov: > 2 days
    reopen.visa(user("head.anat"), req)
    clock.advance(days=3)
    reopen.decide(user("dean.gm"), req, "№9", clock.now().date())
    reopen.grant(user("or.head"), req)
    clock.advance(days=2, hours=1)
    reopen.complete(user("t.anat2"), req)
    assert reopen.late_steps(req) == ["filed", "visaed", "decided", "completed"]
