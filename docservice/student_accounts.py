"""Student accounts, issued by the IT department from the contingent: one student, or every
student of a group who has none yet, each with a one-time password handed out on a printed
list (returned once, stored only as a hash, changed at the first sign-in).

The login is the record-book number: ``st`` and its letters and digits, lower-cased
(record book 24010001 → ``st24010001``); were that login taken by another account, ``-2``,
``-3`` … is added. Record books are unique, so in practice the login is always the plain one."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from . import policy
from .errors import Invalid, NotFound
from .models import Group, Student, User, db
from .models.login_requests import STUDENT_ACCOUNT_ISSUED
from .users import new_user, record_account_event

LOGIN_PREFIX = "st"


@dataclass
class Issued:
    """One line of the printed list."""
    student: Student
    login: str
    secret: str


def login_for(record_book: str) -> str:
    """The login the rule gives this record book, unique among the accounts."""
    base = LOGIN_PREFIX + re.sub(r"[^0-9a-z]", "", (record_book or "").lower())
    login, n = base, 1
    while db.session.scalar(select(User.id).where(User.login == login)) is not None:
        n += 1
        login = f"{base}-{n}"
    return login


def find_student(record_book: str) -> Student:
    student = db.session.scalar(select(Student).where(Student.record_book == (record_book or "").strip()))
    if student is None:
        raise NotFound("not_found", what="student", key=record_book)
    return student


def find_group(code: str) -> Group:
    group = db.session.scalar(select(Group).where(Group.code == (code or "").strip()))
    if group is None:
        raise NotFound("not_found", what="group", key=code)
    return group


def _issue(actor: User | None, student: Student) -> Issued:
    login = login_for(student.record_book)
    language = student.group.language if student.group.language in ("kk", "ru") else "kk"
    user, secret = new_user(actor, login, student.full_name, ["student"], language=language)
    student.user_id = user.id
    record_account_event(actor, STUDENT_ACCOUNT_ISSUED, student.record_book, user, login=login,
                         group=student.group.code)
    return Issued(student, login, secret)


def issue_for_student(actor: User | None, student: Student) -> Issued:
    """The student's account; refused when the student has one already."""
    policy.require(actor, "users.manage")
    if student.user_id is not None:
        raise Invalid("student_has_account", field="record_book", record_book=student.record_book,
                      login=student.user.login)
    try:
        issued = _issue(actor, student)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return issued


def issue_for_group(actor: User | None, group: Group) -> list[Issued]:
    """Accounts for every student of the group who has none (those who have one are skipped),
    all in one transaction; in the order of the group's list. Empty when everyone has one."""
    policy.require(actor, "users.manage")
    try:
        issued = [_issue(actor, s) for s in sorted_students(group) if s.user_id is None]
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return issued


def sorted_students(group: Group) -> list[Student]:
    from .collation import name_key

    return sorted(group.students, key=lambda s: name_key(s.full_name))
