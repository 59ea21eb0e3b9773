"""Entering marks, closing, the automatic lock, conflicts, substitution, the audit trail (SPEC §4)."""
from datetime import date

import pytest
from store import journal, mark, user

from docservice.errors import Conflict, DomainError, Forbidden, Invalid
from docservice.journals import (
    appoint_substitute, close_journal, history, lock_overdue, set_deadline, set_mark,
)
from docservice.models import CLOSED, LOCKED, OPEN

# J0001: Анатомия человека, ОМ-24-01к, teacher t.anat2, final control 2026-11-11 → deadline 11-14.
STUDENT, LESSON = "24010001", "2026-09-02"


def test_teacher_enters_a_mark_and_it_is_in_the_history(sample, clock):
    teacher = user("t.anat2")
    set_mark(teacher, journal("J0001"), STUDENT, LESSON, "91", expected_version=1)
    assert mark("J0001", STUDENT, LESSON).score == 91
    last = history(journal("J0001"))[-1]
    assert (last.old_value, last.new_value, last.changed_by.login, last.via) == ("45", "91", "t.anat2", "web")
    assert last.changed_at == clock.now()


@pytest.mark.parametrize("value, note, shown", [
    ("н/б", None, "н/б"), ("н", None, "н/б"), ("0", None, "0"), ("н/б", "перезачет", "н/б (перезачет)"),
])
def test_accepted_values(sample, value, note, shown):
    set_mark(user("t.anat2"), journal("J0001"), STUDENT, LESSON, value, note=note)
    assert history(journal("J0001"))[-1].new_value == shown


@pytest.mark.parametrize("value, note, code", [
    ("101", None, "mark_invalid"), ("-3", None, "mark_invalid"), ("4.5", None, "mark_invalid"),
    ("отл", None, "mark_invalid"), ("77", "перезачет", "mark_note_invalid"),
])
def test_bad_values_are_refused_in_both_languages(sample, value, note, code):
    with pytest.raises(Invalid) as info:
        set_mark(user("t.anat2"), journal("J0001"), STUDENT, LESSON, value, note=note)
    assert info.value.code == code
    assert info.value.message("ru") != info.value.message("kk")
    assert mark("J0001", STUDENT, LESSON).score == 45  # unchanged


def test_a_credit_transfer_is_not_an_exam_result(sample):
    with pytest.raises(Invalid) as info:
        set_mark(user("t.anat2"), journal("J0001"), STUDENT, "EXAM", "н/б", note="перезачет")
    assert info.value.code == "transfer_not_for_exam"


def test_unknown_column_and_foreign_student_are_refused(sample):
    with pytest.raises(Invalid, match="column"):
        set_mark(user("t.anat2"), journal("J0001"), STUDENT, "2026-09-03", "80")
    with pytest.raises(Invalid) as info:
        set_mark(user("t.anat2"), journal("J0001"), "24010013", LESSON, "80")  # другой группы
    assert info.value.code == "student_not_in_group"


def test_another_teacher_cannot_write(sample):
    with pytest.raises(Forbidden) as info:
        set_mark(user("t.anat1"), journal("J0001"), STUDENT, LESSON, "80")
    assert "нет прав" in info.value.message("ru")
    assert mark("J0001", STUDENT, LESSON).score == 45


def test_stale_write_is_a_conflict_not_an_overwrite(sample):
    teacher = user("t.anat2")
    version_read = mark("J0001", STUDENT, LESSON).version
    set_mark(teacher, journal("J0001"), STUDENT, LESSON, "60", expected_version=version_read)
    with pytest.raises(Conflict) as info:
        set_mark(teacher, journal("J0001"), STUDENT, LESSON, "70", expected_version=version_read)
    assert "60" in info.value.message("ru")
    assert mark("J0001", STUDENT, LESSON).score == 60


def test_an_empty_cell_read_as_empty_conflicts_with_a_new_entry(sample):
    teacher = user("t.anat2")
    set_mark(teacher, journal("J0001"), STUDENT, LESSON, "", expected_version=1)  # cleared
    assert mark("J0001", STUDENT, LESSON) is None
    set_mark(teacher, journal("J0001"), STUDENT, LESSON, "80", expected_version=0)
    with pytest.raises(Conflict):
        set_mark(teacher, journal("J0001"), STUDENT, LESSON, "81", expected_version=0)


def test_closed_journal_refuses_every_change(sample):
    teacher = user("t.anat2")
    close_journal(teacher, journal("J0001"))
    assert journal("J0001").state == CLOSED and not journal("J0001").closed_late
    with pytest.raises(DomainError) as info:
        set_mark(teacher, journal("J0001"), STUDENT, LESSON, "99")
    assert info.value.code == "journal_closed"
    assert "закрыт" in info.value.message("ru") and "жабық" in info.value.message("kk")
    assert "closed" not in info.value.message("ru")  # the state is told in the user's language
    assert mark("J0001", STUDENT, LESSON).score == 45
    with pytest.raises(Invalid):
        close_journal(teacher, journal("J0001"))


def test_journal_locks_by_itself_after_the_deadline(sample, clock):
    teacher = user("t.anat2")
    clock.set(clock.now().replace(month=11, day=14, hour=23, minute=59))  # deadline day: still open
    set_mark(teacher, journal("J0001"), STUDENT, LESSON, "50")
    clock.advance(minutes=2)  # 15 Nov
    with pytest.raises(DomainError) as info:
        set_mark(teacher, journal("J0001"), STUDENT, LESSON, "51")
    assert info.value.code == "journal_closed"
    assert journal("J0001").state == LOCKED and journal("J0001").closed_late
    assert mark("J0001", STUDENT, LESSON).score == 50


def test_lock_overdue_locks_exactly_the_late_ones(sample, clock):
    clock.set(clock.now().replace(day=14))  # deadlines: final control + 3 days
    locked = lock_overdue()
    finals = {j["id"]: j["final_control"] for j in sample["journals"]}
    assert sorted(locked) == sorted(code for code, fc in finals.items() if fc == "2026-11-10")
    assert journal("J0001").state == OPEN


def test_registrar_sets_deadlines(sample, clock):
    clock.set(clock.now().replace(day=20))
    lock_overdue()
    with pytest.raises(Forbidden):
        set_deadline(user("t.anat2"), journal("J0001"), date(2026, 11, 25))
    with pytest.raises(Invalid):
        set_deadline(user("or.inspector"), journal("J0001"), date(2026, 11, 1))
    set_deadline(user("or.inspector"), journal("J0001"), date(2026, 11, 25))
    assert journal("J0001").state == OPEN
    set_mark(user("t.anat2"), journal("J0001"), STUDENT, LESSON, "66")


def test_locked_journal_can_still_be_closed_and_counts_as_late(sample, clock):
    clock.set(clock.now().replace(day=20))
    close_journal(user("t.anat2"), journal("J0001"))
    assert journal("J0001").state == CLOSED and journal("J0001").closed_late


def test_substitute_writes_under_own_name(sample):
    head, substitute = user("head.anat"), user("t.anat3")
    with pytest.raises(Forbidden):
        set_mark(substitute, journal("J0001"), STUDENT, LESSON, "70")
    with pytest.raises(Forbidden):  # only the head of the journal's department decides
        appoint_substitute(user("head.phys"), journal("J0001"), substitute, "Протокол №3")
    appoint_substitute(head, journal("J0001"), substitute, "Протокол №3 от 04.11.2026")
    set_mark(substitute, journal("J0001"), STUDENT, LESSON, "70")
    assert history(journal("J0001"))[-1].changed_by.login == "t.anat3"


def test_history_is_append_only(sample):
    from docservice.models import db

    row = history(journal("J0001"))[0]
    row.new_value = "100"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()


def test_a_write_racing_another_transaction_is_a_conflict(sample):
    """Two teachers load the same cell; the other one commits first. The row version in the
    UPDATE catches it even when the writer did not send the version it read."""
    from sqlalchemy import update

    from docservice.models import Mark, db

    loaded = mark("J0001", STUDENT, LESSON)  # this session has read version 1
    db.session.commit()  # end the read transaction; the object stays loaded (and stale)
    with db.engine.begin() as other:
        other.execute(update(Mark).where(Mark.id == loaded.id).values(score=77, version=2))
    with pytest.raises(Conflict):
        set_mark(user("t.anat2"), journal("J0001"), STUDENT, LESSON, "60")
    db.session.expire_all()
    assert mark("J0001", STUDENT, LESSON).score == 77
